"""One editor per field of a reference record (``synoptic.reference_rules.fields_of``).

Each editor has ``value()`` (what the core's ``clean_record`` checks: the core, not the
widget, validates) and ``set_value()``. Which editor a field gets depends on its name:
colours get a swatch that opens the colour picker, numbers a field with "−" and "+",
yes/no a toggle, the fixed choices (box type, Absence/Sortie, buttons or menu, role) a
row of big buttons, a task type's states a grid of toggles, text a field that opens the
on-screen keyboard.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QWidget

from synoptic.colours import normalise_colour
from synoptic.domain import BoxType
from synoptic.permissions import ROLES
from synoptic.reference_rules import Field
from ui.admin.colour_picker import Swatch
from ui.admin.look import ChoiceRow, TouchLineEdit, toggle
from ui.dialogs.base import dialog_button
from ui.metrics import Metrics

__all__ = ["FieldEditor", "StateOption", "make_editor"]

COLOUR_FIELDS = frozenset({"background_color", "title_color", "color", "alarm_color"})
NUMBER_FIELDS = frozenset({"capacity", "order", "max_duration_min", "priority"})
FLAG_FIELDS = frozenset({"active", "terminal"})
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "type": tuple((t.value, t.value) for t in BoxType),
    "exit_type": ((BoxType.ABSENCE.value, BoxType.ABSENCE.value),
                  (BoxType.EXIT.value, BoxType.EXIT.value)),
    "button_mode": (("B", "Un bouton par état"), ("M", "Un menu des états")),
    "role_code": tuple(ROLES.items()),
}
StateOption = tuple[str, str, bool]  # code, label, active
AskText = Callable[[QWidget, str, str, int], "str | None"]
AskColour = Callable[[QWidget, str, str], "str | None"]


class FieldEditor(QWidget):
    """``changed`` when the value changes by a touch or a key."""

    changed = Signal()

    def __init__(self, metrics: Metrics, field: Field) -> None:
        super().__init__()
        self.metrics = metrics
        self.field = field
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(metrics.spacing)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_locked(self, locked: bool) -> None:
        """Shown but not editable (a record's code, which never changes)."""
        self.setEnabled(not locked)


class TextEditor(FieldEditor):
    def __init__(self, metrics: Metrics, field: Field, ask_text: AskText) -> None:
        super().__init__(metrics, field)
        self.ask_text = ask_text
        self.line = TouchLineEdit(metrics)
        self.line.setMaxLength(field.max_length)
        self.line.touched.connect(self.type_on_keyboard)
        self.line.textEdited.connect(lambda _t: self.changed.emit())
        self.row.addWidget(self.line, 1)

    def type_on_keyboard(self) -> None:
        typed = self.ask_text(self, self.field.label, self.line.text(), self.field.max_length)
        if typed is not None and typed != self.line.text():
            self.line.setText(typed)
            self.changed.emit()

    def value(self) -> Any:
        return self.line.text()

    def set_value(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))

    def set_locked(self, locked: bool) -> None:
        self.line.setReadOnly(locked)


class NumberEditor(TextEditor):
    """Digits on the keyboard, or "−"/"+" (empty: the field's ``empty_means``)."""

    def __init__(self, metrics: Metrics, field: Field, ask_text: AskText) -> None:
        super().__init__(metrics, field, ask_text)
        if field.empty_means:
            self.line.setPlaceholderText(f"vide : {field.empty_means}")
        for text, step in (("−", -1), ("+", 1)):
            button = dialog_button(metrics, text, "StepButton", height=metrics.touch)
            button.setFixedWidth(metrics.px(64))
            button.clicked.connect(lambda _=False, s=step: self.step(s))
            self.row.addWidget(button)

    def step(self, delta: int) -> None:
        text = self.line.text().strip()
        current = int(text) if text.lstrip("-").isdigit() else 0
        self.line.setText(str(max(0, current + delta)))
        self.changed.emit()


class FlagEditor(FieldEditor):
    def __init__(self, metrics: Metrics, field: Field) -> None:
        super().__init__(metrics, field)
        self.button = toggle(metrics, "Non", "FlagButton")
        self.button.toggled.connect(self._toggled)
        self.row.addWidget(self.button)
        self.row.addStretch(1)

    def _toggled(self, on: bool) -> None:
        self.button.setText("Oui" if on else "Non")
        self.changed.emit()

    def value(self) -> Any:
        return self.button.isChecked()

    def set_value(self, value: Any) -> None:
        self.button.setChecked(bool(value))
        self.button.setText("Oui" if value else "Non")


class ChoiceEditor(FieldEditor):
    def __init__(self, metrics: Metrics, field: Field,
                 options: Sequence[tuple[str, str]], *, exclusive: bool = True) -> None:
        super().__init__(metrics, field)
        self.choices = ChoiceRow(metrics, options, exclusive=exclusive)
        self.choices.changed.connect(lambda _v: self.changed.emit())
        self.row.addWidget(self.choices, 1)

    def value(self) -> Any:
        return self.choices.value()

    def set_value(self, value: Any) -> None:
        self.choices.set_value("" if value is None else str(value))


class StatesEditor(ChoiceEditor):
    """A task type's allowed states: one toggle per state, in the states' order."""

    def __init__(self, metrics: Metrics, field: Field, states: Sequence[StateOption]) -> None:
        options = [(code, label if active else f"{label} (inactif)")
                   for code, label, active in states]
        super().__init__(metrics, field, options, exclusive=False)

    def value(self) -> Any:
        return self.choices.values()

    def set_value(self, value: Any) -> None:
        self.choices.set_values(list(value or []))


class ColourEditor(FieldEditor):
    """A swatch showing the colour (its text: the value); a touch opens the picker."""

    def __init__(self, metrics: Metrics, field: Field, ask_colour: AskColour) -> None:
        super().__init__(metrics, field)
        self.ask_colour = ask_colour
        self.text = ""
        self.swatch = Swatch(metrics, "", "ColourField")
        self.swatch.setCheckable(False)
        self.swatch.setMaximumWidth(metrics.px(360))
        self.swatch.setMinimumHeight(metrics.touch)
        self.swatch.setMaximumHeight(metrics.touch)
        self.swatch.clicked.connect(self.pick)
        self.row.addWidget(self.swatch, 1)
        self.row.addStretch(0)

    def pick(self) -> None:
        chosen = self.ask_colour(self, self.field.label, self.text)
        if chosen is not None and chosen != self.text:
            self.set_value(chosen)
            self.changed.emit()

    def value(self) -> Any:
        return self.text

    def set_value(self, value: Any) -> None:
        self.text = "" if value is None else str(value)
        valid = normalise_colour(self.text) if self.text else None
        self.swatch.set_colour(QColor(valid).name() if valid else "")
        self.swatch.setText(self.text if self.text else "")
        self.swatch.setAccessibleName(self.text or "aucune couleur")


def make_editor(metrics: Metrics, field: Field, *, ask_text: AskText, ask_colour: AskColour,
                states: Sequence[StateOption] = ()) -> FieldEditor:
    """The editor of ``field`` (see the module's docstring)."""
    if field.name in COLOUR_FIELDS:
        return ColourEditor(metrics, field, ask_colour)
    if field.name in NUMBER_FIELDS:
        return NumberEditor(metrics, field, ask_text)
    if field.name in FLAG_FIELDS:
        return FlagEditor(metrics, field)
    if field.name in CHOICES:
        return ChoiceEditor(metrics, field, CHOICES[field.name])
    if field.name == "allowed_states":
        return StatesEditor(metrics, field, states)
    return TextEditor(metrics, field, ask_text)
