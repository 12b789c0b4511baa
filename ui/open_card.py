"""The opened card: a touch on a glance card shows the patient large, with every action.

It floats over the board on the side away from the patient's box (the box stays in
sight), holds the full :class:`ui.card.PatientCard` (fold, move, history, responsable,
comment, exit time, tasks with their states and delete: the existing actions, 48 px
targets at ``Echelle=1.0``), and the deliberate actions a glance must not trigger by
accident: hiding the name on every screen (confirmed) and, in Sortie, the definitive exit.
When the patient changes (here or on another screen) the card inside is rebuilt; when the
patient leaves the board it closes.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from synoptic.views import PatientView
from ui.actions import Actions
from ui.blink import Blinker
from ui.card import PatientCard
from ui.context import UiContext
from ui.plain import plain_label, set_button_text
from ui.wall import Wall
from ui.widgets import touch_button

MASK_EVERYWHERE = "Masquer le nom (tous les écrans)"
SHOW_EVERYWHERE = "Afficher le nom (tous les écrans)"


def mask_question(hide: bool) -> tuple[str, str]:
    """The title and question that confirm hiding (or showing) a name on every screen."""
    if hide:
        return (
            "Masquer le nom",
            "Masquer le nom de ce patient sur tous les écrans (initiales à la place) ?",
        )
    return "Afficher le nom", "Afficher à nouveau le nom de ce patient sur tous les écrans ?"


class OpenCard(QFrame):
    """The frame of the opened card, and the card in it kept in step with the wall."""

    move_requested = Signal(object)  # PatientView: "⇄" or "Sortie définitive" touched
    name_touched = Signal(int)  # patient key: a masked name touched (show it here)

    def __init__(
        self,
        ctx: UiContext,
        wall: Wall,
        actions: Actions,
        blinker: Blinker,
        *,
        interaction: Callable[[], AbstractContextManager[None]],
        is_moving: Callable[[int], bool],
        area: QWidget,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("OpenCard")
        self.ctx = ctx
        self.metrics = m = ctx.metrics
        self.wall = wall  # the patients, their names and boxes, as the glance shows them
        self.touch_actions = actions
        self.blinker = blinker  # the late task buttons of the card blink with the board
        self.interaction = interaction
        self.is_moving = is_moving
        self.area = area  # where the boxes are: the card floats over it
        self.card: PatientCard | None = None
        self.pk: int | None = None
        self.setFrameShape(QFrame.Shape.Box)
        self.setAutoFillBackground(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(m.px(6), m.px(6), m.px(6), m.px(6))
        column.setSpacing(m.px(6))
        head = QHBoxLayout()
        self.title = plain_label(name="OpenCardTitle")
        head.addWidget(self.title, 1)
        self.close_button = touch_button(m, "Fermer ✕", "OpenCardClose", tooltip="Fermer")
        self.close_button.clicked.connect(self.close_card)
        head.addWidget(self.close_button)
        column.addLayout(head)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("OpenCardScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column.addWidget(self.scroll_area, 1)
        tools = QHBoxLayout()
        tools.setSpacing(m.px(6))
        self.mask_button = touch_button(m, "", "MaskEverywhereButton")
        self.mask_button.clicked.connect(self.mask_everywhere)
        tools.addWidget(self.mask_button)
        tools.addStretch(1)
        column.addLayout(tools)
        self.hide()

    def open(self, view: PatientView) -> None:
        """``view`` large, with every action, on the side away from its box."""
        wall = self.wall
        card = PatientCard(
            self.ctx,
            self.touch_actions,
            view,
            wall.reference,
            box_type=wall.box_type(view),
            screen_masked=wall.names.screen_masked,
            name=wall.names_of(view)[0],
            interaction=self.interaction,
        )
        card.move_requested.connect(self.move_requested)
        card.name_touched.connect(self.name_touched)
        if self.is_moving(view.pk):
            card.set_moving(True)
        self._show_card(card)
        box_rect = None
        panel = self.wall.panels.get(view.box_code)
        parent = self.parentWidget()
        if panel is not None and parent is not None:
            box_rect = panel.rect().translated(panel.mapTo(parent, panel.rect().topLeft()))
        self.place(self.area.geometry(), box_rect)

    def _show_card(self, card: PatientCard) -> None:
        """Put ``card`` in (the previous one is dropped), its late tasks blinking, and show."""
        self._drop()
        self.card = card
        self.pk = card.patient.pk
        holder = QWidget()  # the card at its own height, at the top
        holder.setObjectName("OpenCardHolder")
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(card)
        column.addStretch(1)
        self.scroll_area.setWidget(holder)
        set_button_text(
            self.mask_button, SHOW_EVERYWHERE if card.patient.hidden else MASK_EVERYWHERE
        )
        self._set_title()
        self.show()
        self.raise_()
        for widget in card.update_time(self.ctx.clock()):
            self.blinker.register(widget)

    def _set_title(self) -> None:
        """The patient as the card names it, and its box; hiding the name on every screen
        is offered where names are shown."""
        if self.card is not None:
            view = self.card.patient
            box = self.wall.reference.box(view.box_code)
            where = box.label if box else view.box_code
            self.title.setText(f"{self.card.name_button.fullText()} — {where}")
        self.mask_button.setVisible(not self.wall.names.screen_masked)

    def refresh(self, view: PatientView) -> None:
        """The opened patient changed: in place when only task states did, else rebuilt."""
        card = self.card
        if card is None or card.box_type is not self.wall.box_type(view) or not card.take(view):
            self.open(view)
            return
        self.track(self.ctx.clock())

    def rename(self, *, masking_changed: bool = False) -> None:
        """The name as the glance names it now (a box mate came or left, a name shown or
        hidden on this screen)."""
        card = self.card
        if card is None:
            return
        masked = self.wall.names.screen_masked
        name = self.wall.names_of(card.patient)[0]
        if name != card.name or (masking_changed and card.screen_masked != masked):
            card.set_masking(masked, name)
            self._set_title()

    def track(self, now: datetime) -> None:
        """Lateness at ``now``: the late task buttons blink, the others no longer."""
        card = self.card
        if card is None:
            return
        blinking = set(card.update_time(now))
        for widget in card.blink_candidates():
            if widget in blinking:
                self.blinker.register(widget)
            else:
                self.blinker.unregister(widget)

    def mask_everywhere(self) -> None:
        """Hide (or show) the name on every screen: deliberate, so confirmed."""
        view = self.view()
        hide = view is not None and not view.hidden
        if view is not None and self.ctx.dialogs.confirm(self.window(), *mask_question(hide)):
            self.touch_actions.set_hidden(view, hide)

    def close_card(self) -> None:
        self._drop()
        self.card = None
        self.pk = None
        self.hide()

    def _drop(self) -> None:
        if self.card is not None:
            for widget in self.card.blink_candidates():
                self.blinker.unregister(widget)
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()

    def place(self, board_rect: QRect, box_rect: QRect | None) -> None:
        """On the side away from the patient's box, as tall as the board allows."""
        m = self.metrics
        width = min(max(m.touch * 9, board_rect.width() * 2 // 5), board_rect.width())
        height = board_rect.height() - m.px(16)
        left_side = box_rect is not None and box_rect.center().x() > board_rect.center().x()
        x = board_rect.x() + m.px(8) if left_side else board_rect.right() - width - m.px(8)
        self.setGeometry(x, board_rect.y() + m.px(8), width, height)

    def view(self) -> PatientView | None:
        return self.card.patient if self.card is not None else None
