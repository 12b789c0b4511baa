"""The PIN pad: ten big digits, "effacer" and "Valider"; and a new PIN typed twice.

The pad shows dots, never the digits (a wall screen is seen by everyone). It knows nothing
of persons or locks: :class:`ui.admin.unlock.UnlockDialog` drives
:class:`synoptic.security.Keypad` with it and disables it while the keypad is locked.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from synoptic.errors import SynoptuxError
from synoptic.permissions import ACTIONS
from synoptic.security import Person, check_pin_format
from ui.admin.look import message_label, say
from ui.dialogs.base import CANCEL_NAME, TouchDialog, dialog_button
from ui.metrics import Metrics
from ui.plain import plain_label

__all__ = ["ALL_ACTIONS", "Access", "NewPinDialog", "PinPad"]

MAX_DIGITS = 8
BACK = "⌫"
ALL_ACTIONS = frozenset(ACTIONS)


@dataclass(frozen=True)
class Access:
    """Who opened a protected window: the actor the history names, the person (None for
    the administrator password) and what they may do there."""

    actor: str
    person: Person | None
    actions: frozenset[str]

    def may(self, action: str) -> bool:
        return action in self.actions


class PinPad(QWidget):
    """``submitted(pin)`` on "Valider"; the digits typed are shown as dots."""

    submitted = Signal(str)

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PinPad")
        self.metrics = metrics
        self.pin = ""
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(metrics.spacing * 2)
        self.display = plain_label("", "PinDisplay")
        font = self.display.font()
        font.setPointSize(metrics.title_font_pt * 2)
        self.display.setFont(font)
        self.display.setMinimumHeight(metrics.dialog_button)
        column.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(metrics.spacing * 2)
        side = metrics.px(80)  # digits are touched quickly, standing: bigger than a button
        self.digits: dict[str, QPushButton] = {}
        for index, digit in enumerate("123456789"):
            grid.addWidget(self._digit(digit, side), *divmod(index, 3))
        self.back = dialog_button(metrics, BACK, "PinBack", height=side)
        self.back.clicked.connect(self._back)
        grid.addWidget(self.back, 3, 0)
        grid.addWidget(self._digit("0", side), 3, 1)
        self.ok_button = dialog_button(metrics, "Valider", "DialogOk", height=side)
        self.ok_button.clicked.connect(lambda: self.submitted.emit(self.pin))
        grid.addWidget(self.ok_button, 3, 2)
        column.addLayout(grid)
        self._show()

    def _digit(self, digit: str, side: int) -> QPushButton:
        button = dialog_button(self.metrics, digit, "PinDigit", height=side)
        font = button.font()
        font.setPointSize(self.metrics.title_font_pt)
        button.setFont(font)
        button.clicked.connect(lambda: self.press(digit))
        self.digits[digit] = button
        return button

    def press(self, digit: str) -> None:
        if len(self.pin) < MAX_DIGITS:
            self.pin += digit
            self._show()

    def _back(self) -> None:
        self.pin = self.pin[:-1]
        self._show()

    def clear(self) -> None:
        self.pin = ""
        self._show()

    def _show(self) -> None:
        self.display.setText(" ".join("●" * len(self.pin)) if self.pin else "Code PIN")
        self.ok_button.setEnabled(bool(self.pin))

    def set_locked(self, locked: bool) -> None:
        for button in (*self.digits.values(), self.back, self.ok_button):
            button.setEnabled(not locked)
        if not locked:
            self._show()


class NewPinDialog(TouchDialog):
    """A new PIN typed twice; ``result_value()`` the PIN, ``None`` when cancelled."""

    def __init__(self, metrics: Metrics, title: str, parent: QWidget | None = None) -> None:
        super().__init__(metrics, title, "NewPinDialog", parent)
        self.step = plain_label("Nouveau code PIN (4 à 8 chiffres)", "DialogText")
        self.body.addWidget(self.step)
        self.message = message_label()
        self.body.addWidget(self.message)
        self.pad = PinPad(metrics, self)
        self.pad.submitted.connect(self._submitted)
        self.body.addWidget(self.pad)
        self.cancel_button = self.button("Annuler", CANCEL_NAME)
        self.cancel_button.clicked.connect(self.reject)
        self.add_actions(self.cancel_button)
        self.first: str | None = None
        self.pin: str | None = None

    def _submitted(self, pin: str) -> None:
        self.pad.clear()
        if self.first is None:
            try:
                self.first = check_pin_format(pin)
            except SynoptuxError as refused:
                say(self.message, str(refused))
                return
            say(self.message, "")
            self.step.setText("Confirmez le code PIN")
            return
        if pin != self.first:
            self.first = None
            self.step.setText("Nouveau code PIN (4 à 8 chiffres)")
            say(self.message, "Les deux codes ne correspondent pas : recommencez.")
            return
        self.pin = pin
        self.accept()

    def result_value(self) -> str | None:
        return self.pin if self.result() == TouchDialog.DialogCode.Accepted else None
