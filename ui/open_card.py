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

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from synoptic.views import PatientView
from ui.card import PatientCard
from ui.metrics import Metrics
from ui.plain import plain_label, set_button_text
from ui.widgets import touch_button


class OpenCard(QFrame):
    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OpenCard")
        self.metrics = metrics
        m = metrics
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
        head.addWidget(self.close_button)
        column.addLayout(head)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("OpenCardScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column.addWidget(self.scroll, 1)
        tools = QHBoxLayout()
        tools.setSpacing(m.px(6))
        self.mask_button = touch_button(m, "", "MaskEverywhereButton")
        tools.addWidget(self.mask_button)
        tools.addStretch(1)
        column.addLayout(tools)
        self.hide()

    def show_card(self, card: PatientCard, title: str, mask_text: str) -> None:
        """Put ``card`` in (the previous one is deleted) and show."""
        old = self.scroll.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()
        self.card = card
        self.pk = card.patient.pk
        holder = QWidget()  # the card at its own height, at the top
        holder.setObjectName("OpenCardHolder")
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(card)
        column.addStretch(1)
        self.scroll.setWidget(holder)
        self.title.setText(title)
        set_button_text(self.mask_button, mask_text)
        self.show()
        self.raise_()

    def close_card(self, forget: Callable[[PatientCard], None] | None = None) -> None:
        old = self.scroll.takeWidget()
        if old is not None:
            if forget is not None and self.card is not None:
                forget(self.card)
            old.hide()
            old.deleteLater()
        self.card = None
        self.pk = None
        self.hide()

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
