"""Edit a short text (a comment) without a keyboard: the department's preset comments as
big buttons (one touch adds one to the text, still editable), and a French on-screen keyboard
(:mod:`ui.keyboard`) whose "OK" and "Annuler" end the dialog.  A physical keyboard still
works (Enter validates)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from ui.dialogs.base import TouchDialog, available_area
from ui.dialogs.button_grid import ButtonGrid, wrap_label
from ui.keyboard import OnScreenKeyboard
from ui.metrics import Metrics
from ui.plain import set_button_text

PRESET_NAME = "PresetComment"
SEPARATOR = " · "  # between what the field held and a preset added to it


class EndCursorEdit(QLineEdit):
    """A line edit that keeps its text when it gets the focus: Qt selects all of it when a
    dialog gives it the focus, and the first key touched then erased the comment.  The
    cursor goes to its end instead (a finger on the text still puts it where it touched)."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() != Qt.FocusReason.MouseFocusReason:
            self.deselect()
            self.end(False)


class TextDialog(TouchDialog):
    def __init__(
        self,
        metrics: Metrics,
        title: str,
        initial: str,
        max_length: int,
        parent: QWidget | None = None,
        *,
        presets: Sequence[str] = (),
    ) -> None:
        super().__init__(metrics, title, "TextDialog", parent)
        area = available_area(parent)
        margins = self.body.contentsMargins()
        # Wide keys and presets on one or two rows: as wide as the screen allows, up to 1000.
        width = min(area.width() * 96 // 100, metrics.px(1000)) - margins.left() * 2
        self.setMinimumWidth(width + margins.left() * 2)
        self.line_edit = EndCursorEdit()
        self.line_edit.setObjectName("DialogLineEdit")
        self.line_edit.setMaxLength(max_length)  # the column's size: longer would be cut
        self.line_edit.setText(initial)
        self.line_edit.setMinimumHeight(metrics.touch)
        self.line_edit.setMinimumWidth(metrics.px(560))
        # A finger-sized "Effacer" rather than QLineEdit's tiny clear icon.
        self.clear_button = self.button("Effacer tout", "DialogClear")
        self.clear_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.clear_button.setMinimumWidth(
            QFontMetrics(self.font()).horizontalAdvance(self.clear_button.text()) + metrics.px(48)
        )
        self.clear_button.clicked.connect(self._clear)
        row = QHBoxLayout()
        row.setSpacing(metrics.spacing)
        row.addWidget(self.line_edit, 1)
        row.addWidget(self.clear_button)
        self.body.addLayout(row)

        self.preset_grid = ButtonGrid(metrics, self)
        for text in presets:
            if not text.strip():
                continue
            button = self.preset_grid.add_button(text, PRESET_NAME)
            button.setProperty("preset", text)
            button.clicked.connect(lambda _=False, t=text: self.add_preset(t))
        if self.preset_grid.buttons:
            # Three rows at most: the keyboard needs the rest of the screen; a preset too
            # long for its column goes on two lines (a button holds two).
            self.preset_grid.arrange(
                width, 3 * metrics.dialog_button + 2 * metrics.spacing, metrics.px(220)
            )
            columns = self.preset_grid.columns
            column = (width - (columns - 1) * metrics.spacing) // columns
            font = QFontMetrics(self.font())
            for button in self.preset_grid.buttons:
                text = str(button.property("preset"))
                set_button_text(button, wrap_label(text, font, column - metrics.px(36)))
            self.body.addWidget(self.preset_grid)
        else:
            self.preset_grid.hide()

        self.keyboard = OnScreenKeyboard(metrics, self.line_edit, self)
        self.body.addWidget(self.keyboard)
        assert self.keyboard.ok_button is not None and self.keyboard.cancel_button is not None
        self.ok_button = self.keyboard.ok_button
        self.cancel_button = self.keyboard.cancel_button
        self.keyboard.accepted.connect(self.accept)
        self.keyboard.rejected.connect(self.reject)
        self.line_edit.returnPressed.connect(self.accept)  # Enter on a physical keyboard
        self.line_edit.setFocus()
        self.line_edit.end(False)  # typing and presets add to the text; "Effacer tout" clears

    @property
    def presets(self) -> list[str]:
        return [str(b.property("preset")) for b in self.preset_grid.buttons]

    def preset_button(self, text: str) -> QPushButton:
        return next(b for b in self.preset_grid.buttons if b.property("preset") == text)

    def set_text(self, text: str) -> None:
        """The whole text, cursor at the end, ready to be completed."""
        self.line_edit.setText(text[: self.line_edit.maxLength()])
        self.line_edit.deselect()
        self.line_edit.end(False)
        self.line_edit.setFocus()

    def add_preset(self, preset: str) -> None:
        """A preset after what the field holds ("Poignet douloureux · Attente imagerie"):
        a nurse adding "Attente imagerie" does not mean to erase why the patient came.  Said
        already (one of the parts between " · "), or too long for the column together,
        nothing changes: the field shows it, and "Effacer tout" makes room."""
        current = self.line_edit.text().rstrip()
        joined = f"{current}{SEPARATOR}{preset}" if current else preset
        said = preset in (part.strip() for part in current.split(SEPARATOR.strip()))
        self.set_text(current if said or len(joined) > self.line_edit.maxLength() else joined)

    def _clear(self) -> None:
        self.line_edit.clear()
        self.line_edit.setFocus()

    def result_value(self) -> str | None:
        if self.result() != TouchDialog.DialogCode.Accepted:
            return None
        return self.line_edit.text()
