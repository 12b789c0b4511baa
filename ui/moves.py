"""Moving a patient: touch ⇄ on the card, then the title of the box of arrival (or drag
the card there).  Possible boxes are marked, full ones refused; Absence and Sortie ask a
destination (Sortie also the exit time); ⇄ on a patient already in Sortie is the
definitive exit.  An inactive box (still shown while patients are in it) takes nobody.
The move itself is one service call, through :class:`Actions`.

The destinations come in the department's order (:mod:`synoptic.destinations`: listed
ones first, then creation order, deaths last) and a death asks to confirm.  On a masked
screen the banner and the dialogs name the patient as the board does (initials, number).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Protocol

from PySide6.QtWidgets import QWidget

from synoptic.destinations import asks_confirmation, order_destinations
from synoptic.domain import BoxType
from synoptic.errors import BoxFullError
from synoptic.views import PatientView, Reference
from ui.actions import Actions
from ui.bars import TopBar
from ui.box import BoxPanel
from ui.context import UiContext

INACTIVE_BOX = "Le box « {label} » est désactivé : choisissez un autre box."


class MoveHooks(Protocol):
    """What a move reads from the board, as it is at the time of the touch."""

    @property
    def patients(self) -> Mapping[int, PatientView]: ...
    @property
    def reference(self) -> Reference: ...
    def dialog_parent(self) -> QWidget: ...
    def interaction(self) -> AbstractContextManager[None]: ...


class MoveController:
    def __init__(
        self,
        ctx: UiContext,
        board: MoveHooks,
        actions: Actions,
        panels: Mapping[str, BoxPanel],
        top_bar: TopBar,
    ) -> None:
        self.ctx = ctx
        self.board = board
        self.actions = actions
        self.panels = panels
        self.top_bar = top_bar
        self.moving: PatientView | None = None

    def is_moving(self, pk: int) -> bool:
        return self.moving is not None and self.moving.pk == pk

    def begin(self, view: PatientView) -> None:
        view = self.board.patients.get(view.pk, view)
        box = self.board.reference.box(view.box_code)
        if box is not None and box.type is BoxType.EXIT:
            self.cancel()
            self.actions.discharge(view)  # "move" out of Sortie is the definitive exit
            return
        if self.is_moving(view.pk):
            self.cancel()  # a second touch on "move" gives up
            return
        self.cancel()
        self.moving = view
        self._card_moving(view.pk, True)
        name = self.actions.shown_name(view)  # masked screen: initials and number only
        self.top_bar.show_move(f"Déplacer {name} : touchez le box d'arrivée")
        self.show_targets()

    def cancel(self) -> None:
        if self.moving is not None:
            self._card_moving(self.moving.pk, False)
        self.moving = None
        self.top_bar.hide_move()
        for panel in self.panels.values():
            panel.set_target("none")

    def patient_changed(self, old: PatientView | None, view: PatientView | None) -> None:
        """Keep the moving patient's view fresh; give up when it left its box or the board."""
        known = view or old
        if self.moving is None or known is None or not self.is_moving(known.pk):
            return
        if view is None or (old is not None and old.box_code != view.box_code):
            self.cancel()
        else:
            self.moving = view

    def show_targets(self) -> None:
        if self.moving is None:
            return
        for code, panel in self.panels.items():
            if code == self.moving.box_code:
                panel.set_target("source")
            elif panel.has_room() and panel.box.active:
                panel.set_target("possible")
            else:
                panel.set_target("refused")

    def _card_moving(self, pk: int, moving: bool) -> None:
        view = self.board.patients.get(pk)
        panel = self.panels.get(view.box_code) if view else None
        if panel is not None and pk in panel.cards:
            panel.cards[pk].set_moving(moving)

    # ------------------------------------------------------------------ the second touch

    def box_touched(self, code: str) -> None:
        if self.moving is not None:
            self.move_to(self.moving, code)

    def dropped(self, pk: int, code: str) -> None:
        view = self.board.patients.get(pk)
        if view is None:
            return
        box = self.board.reference.box(view.box_code)
        if box is not None and box.type is BoxType.EXIT:
            if code != view.box_code:
                self.ctx.dialogs.show_error(
                    self.board.dialog_parent(),
                    "Un patient sorti ne change plus de box : touchez ⇄ pour sa sortie définitive.",
                )
            return
        self.move_to(view, code)

    def move_to(self, view: PatientView, code: str) -> None:
        """Move ``view`` into box ``code``: destination and exit time asked when needed."""
        with self.board.interaction():
            self._move_to(view, code)

    def _move_to(self, view: PatientView, code: str) -> None:
        panel = self.panels.get(code)
        box = self.board.reference.box(code)
        if panel is None or box is None:
            return
        if code == view.box_code:
            self.cancel()
            return
        parent = self.board.dialog_parent()
        if not box.active:  # still shown for the patients in it; nobody goes in
            self.ctx.dialogs.show_error(parent, INACTIVE_BOX.format(label=box.label))
            return
        if not panel.has_room():
            # Stay in move mode: another box can still be chosen.
            self.ctx.dialogs.show_error(parent, BoxFullError(box.label, box.capacity or 0).message)
            return
        destination: str | None = None
        exit_time = None
        if box.type.needs_destination:
            choices = self.ctx.config.choices
            offered = order_destinations(
                self.board.reference.destinations_of(box.type),
                choices.destination_order,
                choices.confirmed_destinations,
            )
            choice = self.ctx.dialogs.choose_destination(
                parent,
                box.label,
                offered,
                ask_exit_time=box.type is BoxType.EXIT,
                now=self.ctx.clock(),
                patient=self.actions.shown_name(view),
                confirm_labels=[
                    d.label
                    for d in offered
                    if asks_confirmation(d.label, choices.confirmed_destinations)
                ],
            )
            if choice is None:
                self.cancel()
                return
            destination = choice.label
            exit_time = choice.exit_time
        self.cancel()
        self.actions.move(view, code, destination, exit_time)
