"""A flickable column of big buttons: the touch replacement for a list widget."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QPushButton, QScrollArea, QVBoxLayout, QWidget

from ui.dialogs.base import dialog_button
from ui.metrics import Metrics
from ui.widgets import make_kinetic


class TouchList(QScrollArea):
    """One full-width button per item; a finger drags the column, a tap presses a button."""

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metrics = metrics
        self.setObjectName("TouchList")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget()
        content.setObjectName("TouchListContent")
        self._column = QVBoxLayout(content)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(metrics.spacing)
        self._column.addStretch(1)
        self.setWidget(content)
        make_kinetic(self)
        self.buttons: list[QPushButton] = []

    def add_button(self, text: str, object_name: str) -> QPushButton:
        button = dialog_button(self.metrics, text, object_name)
        self._column.insertWidget(self._column.count() - 1, button)  # above the stretch
        self.buttons.append(button)
        return button

    def visible_rows_hint(self, rows: int) -> None:
        """Open tall enough to show ``rows`` buttons without scrolling (if the screen allows)."""
        per_row = self.metrics.dialog_button + self.metrics.spacing
        self.setMinimumHeight(min(rows, max(1, len(self.buttons))) * per_row)
