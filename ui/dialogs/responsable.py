"""Who is responsible for the patient?  One button per doctor, in the doctor's colour.

A touch chooses at once.  The current responsable is marked (tick, bold, thick border,
dynamic property ``current``).  Inactive responsables are left out, unless current:
the board may pass the whole reference table.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QPushButton, QWidget

from synoptic.views import ResponsableView
from ui.colours import RESPONSABLE_GREY, colour, text_on
from ui.dialogs.base import CANCEL_NAME, TouchDialog
from ui.dialogs.touch_list import TouchList
from ui.metrics import Metrics

NONE_LABEL = "Aucun responsable"
CURRENT_MARK = "✓ "


class ResponsableDialog(TouchDialog):
    def __init__(
        self,
        metrics: Metrics,
        responsables: Sequence[ResponsableView],
        current: str | None,
        parent: QWidget | None = None,
        *,
        title: str = "Responsable",
    ) -> None:
        super().__init__(metrics, title, "ResponsableDialog", parent)
        self.setMinimumWidth(metrics.px(640))  # "Responsable — <patient>" on one line
        self._chosen: str | None = None
        self.responsable_list = TouchList(metrics, self)
        self.buttons: dict[str, QPushButton] = {}
        for resp in responsables:
            if not resp.active and resp.code != current:
                continue
            button = self.responsable_list.add_button(resp.name, "ResponsableButton")
            button.setProperty("code", resp.code)
            self._paint(button, resp.color)
            self._mark(button, resp.code == current)
            button.clicked.connect(lambda _=False, code=resp.code: self._choose(code))
            self.buttons[resp.code] = button
        self.none_button = self.responsable_list.add_button(NONE_LABEL, "NoResponsableButton")
        self._mark(self.none_button, current is None)
        self.none_button.clicked.connect(lambda: self._choose(None))
        self.responsable_list.visible_rows_hint(8)
        self.body.addWidget(self.responsable_list, 1)

        self.cancel_button = self.button("Annuler", CANCEL_NAME)
        self.cancel_button.clicked.connect(self.reject)
        self.add_actions(self.cancel_button)

    def _paint(self, button: QPushButton, color: str) -> None:
        # The colour is data (one per doctor), so it cannot live in the stylesheet file.
        background = QColor(colour(color, RESPONSABLE_GREY))
        text = text_on(background.name())
        m = self.metrics
        button.setStyleSheet(
            f"QPushButton {{ background-color: {background.name()}; color: {text};"
            f" border: {m.px(2)}px solid {background.darker(140).name()};"
            f" border-radius: {m.radius}px; padding: {m.spacing}px; }}"
            f" QPushButton:pressed {{ background-color: {background.darker(125).name()}; }}"
            f' QPushButton[current="true"] {{ border: {m.px(5)}px solid {text}; }}'
        )

    def _mark(self, button: QPushButton, current: bool) -> None:
        button.setProperty("current", current)
        if current:
            button.setText(CURRENT_MARK + button.text())
            # A whole font, not just the weight: with a widget style sheet Qt would
            # otherwise resolve the missing size against the application's default.
            bold = QFont(self.font())
            bold.setBold(True)
            button.setFont(bold)

    def _choose(self, code: str | None) -> None:
        self._chosen = code
        self.accept()

    def result_value(self) -> tuple[bool, str | None]:
        """``(True, code)``, ``(True, None)`` for "Aucun responsable", ``(False, None)``."""
        if self.result() != TouchDialog.DialogCode.Accepted:
            return (False, None)
        return (True, self._chosen)
