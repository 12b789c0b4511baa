"""The administration's touch widgets and their few style rules.

Sizes come from :class:`ui.metrics.Metrics` only: a field is ``touch`` high (48 px at
``Echelle=1``), a button ``dialog_button`` (64 px). A text field opens the on-screen
keyboard when a finger touches it (:class:`TouchLineEdit`), and a physical keyboard still
types into it. Data is shown as plain text (``ui/plain.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from ui.dialogs.base import dialog_button
from ui.metrics import Metrics
from ui.plain import plain_label

PROBLEM_NAME = "FieldProblem"
MESSAGE_NAME = "AdminMessage"


def admin_rules(metrics: Metrics) -> str:
    """Rules of the administration windows (after the board's, which they complete)."""
    return f"""
QLabel#{PROBLEM_NAME} {{ color: #b71c1c; font-weight: bold; }}
QLabel#{MESSAGE_NAME}[kind="error"] {{ color: #ffffff; background-color: #b71c1c;
    padding: {metrics.spacing}px; border-radius: {metrics.radius}px; font-weight: bold; }}
QLabel#{MESSAGE_NAME}[kind="ok"] {{ color: #ffffff; background-color: #2e7d32;
    padding: {metrics.spacing}px; border-radius: {metrics.radius}px; }}
QLabel#{MESSAGE_NAME}[kind="info"] {{ color: #1a1a1a; background-color: #fff3cd;
    padding: {metrics.spacing}px; border-radius: {metrics.radius}px; }}
QLabel#FieldLabel {{ font-weight: bold; }}
QPushButton#PinDigit, QPushButton#PinBack {{ font-size: {metrics.title_font_pt + 6}pt;
    font-weight: bold; }}
QLabel#PinDisplay {{ font-size: {metrics.title_font_pt * 2}pt; font-weight: bold; }}
QLabel#FieldHelp {{ color: #444444; }}
QLineEdit {{ padding: 0 {metrics.spacing}px; border: {metrics.px(2)}px solid #8795a1;
    border-radius: {metrics.radius}px; background-color: #ffffff; color: #1a1a1a; }}
QLineEdit:read-only {{ background-color: #eeeeee; color: #555555; }}
QDialog QPushButton#RecordButton {{ text-align: left; padding-left: {metrics.px(12)}px; }}
QDialog QPushButton#RecordButton[inactive="true"] {{ color: #757575;
    background-color: #e0e0e0; border-style: dashed; }}
QDialog QPushButton#DangerButton {{ background-color: #fdecea; border-color: #b71c1c;
    color: #b71c1c; font-weight: bold; }}
"""


def add_admin_rules(dialog: QWidget, metrics: Metrics) -> None:
    """The admin rules on each widget of a built dialog (after the dialog's own rules).

    Not on the dialog itself: ``TouchDialog`` sets the dialogs' rules, then a font, on it,
    and a sheet replaced after that no longer reaches the widgets in a scroll area (seen with
    Qt 6.11, every time a sheet of the same text was parsed before). A widget that gets a
    sheet once, before any font of its own, is styled every time."""
    rules = admin_rules(metrics)
    for child in dialog.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if not child.isWindow():
            child.setStyleSheet(child.styleSheet() + rules)


class TouchLineEdit(QLineEdit):
    """A text field: a touch (a release inside it) asks for the on-screen keyboard."""

    touched = Signal()

    def __init__(self, metrics: Metrics, name: str = "AdminField") -> None:
        super().__init__()
        self.setObjectName(name)
        self.setMinimumHeight(metrics.touch)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if (not self.isReadOnly() and event.button() == Qt.MouseButton.LeftButton
                and self.rect().contains(event.position().toPoint())):
            self.touched.emit()


def problem_label() -> QLabel:
    """Under a field: why its value is refused (hidden while there is nothing to say)."""
    label = plain_label("", PROBLEM_NAME)
    label.setWordWrap(True)
    label.hide()
    return label


def show_problem(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def message_label() -> QLabel:
    """A window's message line: ``say(label, text, kind)`` fills and colours it."""
    label = plain_label("", MESSAGE_NAME)
    label.setWordWrap(True)
    label.hide()
    return label


def say(label: QLabel, text: str, kind: str = "error") -> None:
    """``kind``: "error", "ok" or "info" (the rules above colour each)."""
    label.setProperty("kind", kind)
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)
    label.setVisible(bool(text))


def wrapped_label(text: str, name: str) -> QLabel:
    label = plain_label(text, name)
    label.setWordWrap(True)
    return label


def toggle(metrics: Metrics, text: str, name: str = "AdminToggle") -> QPushButton:
    """A big checkable button (its checked look comes from the dialogs' rules)."""
    button = dialog_button(metrics, text, name, height=metrics.touch)
    button.setCheckable(True)
    return button


class ChoiceRow(QWidget):
    """Exclusive big buttons, one per ``(value, label)``: the touch form of a combo box.
    ``value()`` is "" until one is chosen."""

    changed = Signal(str)

    def __init__(self, metrics: Metrics, options: Sequence[tuple[str, str]], *,
                 columns: int = 0, exclusive: bool = True, name: str = "ChoiceButton") -> None:
        super().__init__()
        if not columns:  # long labels on fewer, wider columns (a checked one is bold)
            longest = max((len(label) for _v, label in options), default=0)
            columns = 4 if longest <= 10 else 3 if longest <= 15 else 2
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(metrics.spacing)
        self.group = QButtonGroup(self)
        self.group.setExclusive(exclusive)
        self.buttons: dict[str, QPushButton] = {}
        for index, (value, label) in enumerate(options):
            button = toggle(metrics, label, name)
            button.setProperty("value", value)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.group.addButton(button)
            self.buttons[value] = button
            grid.addWidget(button, *divmod(index, columns))
            button.toggled.connect(lambda _on=False, v=value: self.changed.emit(v))

    def value(self) -> str:
        checked = self.group.checkedButton()
        return str(checked.property("value")) if checked is not None else ""

    def values(self) -> list[str]:
        """The checked values (non-exclusive rows), in the order of the options."""
        return [v for v, b in self.buttons.items() if b.isChecked()]

    def set_value(self, value: str) -> None:
        self.set_values([value])

    def set_values(self, values: Sequence[str]) -> None:
        exclusive = self.group.exclusive()
        self.group.setExclusive(False)  # so that every button can be unchecked
        for value, button in self.buttons.items():
            button.setChecked(value in values)
        self.group.setExclusive(exclusive)


def save_row(metrics: Metrics) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    """The bottom row of an editor: "Enregistrer" and "Annuler les modifications"."""
    row = QHBoxLayout()
    row.setSpacing(metrics.spacing * 3)
    save = dialog_button(metrics, "Enregistrer", "DialogOk")
    revert = dialog_button(metrics, "Annuler les modifications", "RevertButton")
    row.addWidget(save)
    row.addWidget(revert)
    return row, save, revert
