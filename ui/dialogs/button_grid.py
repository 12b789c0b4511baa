"""Every choice at once: a grid of big buttons sized to fit the screen, never a list to
scroll (a destination hidden below the fold is a destination nobody picks).

:func:`grid_shape` is pure: the fewest columns that fit the rows in the height given,
with tall buttons (``dialog_button``) when they fit, else finger-sized ones (``touch``).
"""

from __future__ import annotations

import math

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from ui.dialogs.base import dialog_button
from ui.metrics import Metrics


def grid_shape(
    count: int,
    *,
    width: int,
    height: int,
    min_width: int,
    heights: tuple[int, ...],
    spacing: int,
) -> tuple[int, int, int]:
    """``(columns, rows, button_height)`` for ``count`` buttons in ``width`` x ``height``.

    ``heights`` are the button heights to try, tallest first; the last one is used even
    when it does not fit (then the fewest rows the width allows).
    """
    if count <= 0:
        return (1, 0, heights[0])
    max_columns = max(1, (width + spacing) // (min_width + spacing))
    for button_height in heights:
        max_rows = max(1, (height + spacing) // (button_height + spacing))
        columns = math.ceil(count / max_rows)
        if columns <= max_columns:
            return (columns, math.ceil(count / columns), button_height)
    columns = min(max_columns, count)
    return (columns, math.ceil(count / columns), heights[-1])


def wrap_label(text: str, metrics: QFontMetrics, width: int) -> str:
    """``text`` on two lines (cut at the space nearest the middle) when one is too wide."""
    if metrics.horizontalAdvance(text) <= width or " " not in text.strip():
        return text
    middle = len(text) / 2
    cut = min((i for i, c in enumerate(text) if c == " "), key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1 :]


class ButtonGrid(QWidget):
    """Buttons in reading order (left to right, then down); :meth:`arrange` fits them."""

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metrics = metrics
        self.setObjectName("ButtonGrid")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(metrics.spacing)
        self.buttons: list[QPushButton] = []
        self.columns = 1
        self.button_height = metrics.dialog_button

    def add_button(self, text: str, object_name: str) -> QPushButton:
        """A button of the grid, laid out by the next :meth:`arrange`."""
        button = dialog_button(self.metrics, text, object_name)
        button.setParent(self)
        button.setMinimumWidth(self.metrics.touch)  # long labels wrap (see DestinationDialog)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.buttons.append(button)
        return button

    def _place(self, button: QPushButton, index: int) -> None:
        row, column = divmod(index, self.columns)
        self._grid.addWidget(button, row, column)

    def arrange(
        self,
        width: int,
        height: int,
        min_width: int | None = None,
        heights: tuple[int, ...] | None = None,
    ) -> None:
        """Lay the buttons out to fit ``width`` x ``height`` (see :func:`grid_shape`)."""
        m = self.metrics
        columns, _rows, button_height = grid_shape(
            len(self.buttons),
            width=width,
            height=height,
            min_width=min_width or m.px(220),
            heights=heights or (m.dialog_button, m.px(56), m.touch),
            spacing=m.spacing,
        )
        self.button_height = button_height
        for button in self.buttons:
            self._grid.removeWidget(button)
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 0)
        self.columns = columns
        for index, button in enumerate(self.buttons):
            button.setMinimumHeight(button_height)
            button.setMaximumHeight(button_height)
            self._place(button, index)
        for column in range(columns):
            self._grid.setColumnStretch(column, 1)
