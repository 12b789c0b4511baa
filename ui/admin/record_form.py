"""The form of one reference record: a label and an editor per field, and under each editor
the core's French message when the value is refused (``ValidationError.problems``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from synoptic.reference_rules import Kind, Problem, Record, fields_of
from ui.admin.fields import AskColour, AskText, FieldEditor, StateOption, make_editor
from ui.admin.look import problem_label, show_problem, wrapped_label
from ui.metrics import Metrics

__all__ = ["RecordForm"]


class RecordForm(QWidget):
    """``changed`` on every edit; ``values()`` is what the editor saves."""

    changed = Signal()

    def __init__(self, metrics: Metrics, kind: Kind, *, ask_text: AskText,
                 ask_colour: AskColour, states: Sequence[StateOption] = ()) -> None:
        super().__init__()
        self.setObjectName("RecordForm")
        self.kind = kind
        self.editors: dict[str, FieldEditor] = {}
        self.problems: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(metrics.spacing * 3)
        grid.setVerticalSpacing(metrics.spacing)
        for index, field in enumerate(fields_of(kind)):
            label = wrapped_label(field.label + (" *" if field.required else ""), "FieldLabel")
            label.setMinimumWidth(metrics.px(180))
            editor = make_editor(metrics, field, ask_text=ask_text, ask_colour=ask_colour,
                                 states=states)
            editor.setObjectName(f"field_{field.name}")
            editor.changed.connect(self.changed)
            problem = problem_label()
            grid.addWidget(label, index * 2, 0, Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(editor, index * 2, 1)
            grid.addWidget(problem, index * 2 + 1, 1)
            self.editors[field.name] = editor
            self.problems[field.name] = problem
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(self.editors) * 2, 1)

    def set_record(self, record: Record | None) -> None:
        """Show ``record`` (None: an empty new one); a saved record's code is locked."""
        for field in fields_of(self.kind):
            editor = self.editors[field.name]
            value: Any = field.empty if record is None else record.get(field.name, field.empty)
            if record is None and field.name == "active":
                value = True
            editor.set_value(value)
            editor.set_locked(record is not None and field.name == "code")
        self.show_problems(())

    def values(self) -> Record:
        return {name: editor.value() for name, editor in self.editors.items()}

    def show_problems(self, problems: Iterable[Problem]) -> list[str]:
        """Each problem under its field; returns those of no field of the form."""
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem.message)
        for name, label in self.problems.items():
            show_problem(label, "\n".join(by_field.pop(name, [])))
        return [message for messages in by_field.values() for message in messages]

    def problem_texts(self) -> dict[str, str]:
        """Field name -> the message shown under it (the visible ones)."""
        return {name: label.text() for name, label in self.problems.items() if label.text()}
