"""Moving a patient: touch ⇄ on the card, then the title of the box of arrival (or drag
the card there).  Possible boxes are marked, full ones refused; Absence and Sortie ask a
destination (Sortie also the exit time); ⇄ on a patient already in Sortie is the
definitive exit.  The move itself is one service call, through :class:`Actions`.

The destinations come in the department's order (:mod:`synoptic.destinations`: listed
ones first, then creation order, deaths last) and a death asks to confirm.  On a masked
screen the banner and the dialogs name the patient as the board does (initials, number).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from synoptic.destinations import asks_confirmation, order_destinations
from synoptic.domain import BoxType
from synoptic.errors import BoxFullError
from synoptic.views import PatientView

if TYPE_CHECKING:
    from ui.board import BoardWindow


class MoveController:
    def __init__(self, board: BoardWindow) -> None:
        self.board = board
        self.moving: PatientView | None = None

    def is_moving(self, pk: int) -> bool:
        return self.moving is not None and self.moving.pk == pk

    def begin(self, view: PatientView) -> None:
        board = self.board
        view = board.patients.get(view.pk, view)
        box = board.reference.box(view.box_code)
        if box is not None and box.type is BoxType.EXIT:
            self.cancel()
            board.actions.discharge(view)  # "move" out of Sortie is the definitive exit
            return
        if self.is_moving(view.pk):
            self.cancel()  # a second touch on "move" gives up
            return
        self.cancel()
        self.moving = view
        self._card_moving(view.pk, True)
        name = board.actions.shown_name(view)  # masked screen: initials and number only
        board.top_bar.show_move(f"Déplacer {name} : touchez le box d'arrivée")
        self.show_targets()

    def cancel(self) -> None:
        if self.moving is not None:
            self._card_moving(self.moving.pk, False)
        self.moving = None
        self.board.top_bar.hide_move()
        for panel in self.board.panels.values():
            panel.set_target("none")

    def patient_changed(self, old: PatientView | None, view: PatientView | None) -> None:
        """Keep the moving patient's view fresh; give up when it left its box or the board."""
        if self.moving is None or (view or old) is None:
            return
        pk = (view or old).pk  # type: ignore[union-attr]
        if not self.is_moving(pk):
            return
        if view is None or (old is not None and old.box_code != view.box_code):
            self.cancel()
        else:
            self.moving = view

    def show_targets(self) -> None:
        if self.moving is None:
            return
        for code, panel in self.board.panels.items():
            if code == self.moving.box_code:
                panel.set_target("source")
            elif panel.has_room():
                panel.set_target("possible")
            else:
                panel.set_target("refused")

    def _card_moving(self, pk: int, moving: bool) -> None:
        view = self.board.patients.get(pk)
        panel = self.board.panels.get(view.box_code) if view else None
        if panel is not None and pk in panel.cards:
            panel.cards[pk].set_moving(moving)

    # ------------------------------------------------------------------ the second touch

    def box_touched(self, code: str) -> None:
        if self.moving is not None:
            self.move_to(self.moving, code)

    def dropped(self, pk: int, code: str) -> None:
        board = self.board
        view = board.patients.get(pk)
        if view is None:
            return
        box = board.reference.box(view.box_code)
        if box is not None and box.type is BoxType.EXIT:
            if code != view.box_code:
                board.ctx.dialogs.show_error(
                    board,
                    "Un patient sorti ne change plus de box : touchez ⇄ pour sa sortie définitive.",
                )
            return
        self.move_to(view, code)

    def move_to(self, view: PatientView, code: str) -> None:
        """Move ``view`` into box ``code``: destination and exit time asked when needed."""
        with self.board.interaction():
            self._move_to(view, code)

    def _move_to(self, view: PatientView, code: str) -> None:
        board = self.board
        panel = board.panels.get(code)
        box = board.reference.box(code)
        if panel is None or box is None:
            return
        if code == view.box_code:
            self.cancel()
            return
        if not panel.has_room():
            # Stay in move mode: another box can still be chosen.
            board.ctx.dialogs.show_error(board, BoxFullError(box.label, box.capacity or 0).message)
            return
        destination: str | None = None
        exit_time = None
        if box.type.needs_destination:
            choices = board.ctx.config.choices
            offered = order_destinations(
                board.reference.destinations_of(box.type),
                choices.destination_order,
                choices.confirmed_destinations,
            )
            choice = board.ctx.dialogs.choose_destination(
                board,
                box.label,
                offered,
                ask_exit_time=box.type is BoxType.EXIT,
                now=board.ctx.clock(),
                patient=board.actions.shown_name(view),
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
        board.actions.move(view, code, destination, exit_time)
