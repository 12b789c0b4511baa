"""A French on-screen keyboard (AZERTY) for a touch screen without a physical keyboard.

Digits without shift, the accented letters of French on a row of their own (é è ê à ç
ù â î ô ë ï), apostrophe and punctuation, a wide space bar, backspace (repeats when
held), shift (one letter; automatic at the start of the text) and, when asked, "Annuler"
and "OK".  The keys never take the focus: the text field keeps its cursor, and a physical
keyboard, when there is one, still works.  Every key is at least ``Metrics.touch`` wide
and high (48 px at ``Echelle=1.0``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from ui.metrics import Metrics
from ui.plain import set_button_text
from ui.widgets import touch_button

COLUMNS = 11
# Character rows; each row is laid on the 11 columns after its special keys.
DIGITS = "1234567890"
LETTER_ROWS = ("azertyuiop-", "qsdfghjklm'")
BOTTOM_LETTERS = "wxcvbn,.?"  # after shift (2 columns)
ACCENTS = "éèêàçùâîôëï"
SHIFT = "⇧"
BACKSPACE = "⌫"
SPACE = "espace"
OK_TEXT = "OK"
CANCEL_TEXT = "Annuler"

KEY_NAME = "KeyboardKey"


class OnScreenKeyboard(QWidget):
    """Types into ``target``.  ``accepted``/``rejected``: "OK"/"Annuler" (with ``actions``)."""

    accepted = Signal()
    rejected = Signal()

    def __init__(
        self,
        metrics: Metrics,
        target: QLineEdit,
        parent: QWidget | None = None,
        *,
        actions: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("OnScreenKeyboard")
        self.metrics = metrics
        self.target = target
        self.keys: dict[str, QPushButton] = {}  # by lower-case character
        self.ok_button: QPushButton | None = None
        self.cancel_button: QPushButton | None = None
        side = max(metrics.touch, metrics.px(56))
        self._side = side

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(metrics.spacing)
        for column, char in enumerate(DIGITS):
            grid.addWidget(self._char_key(char), 0, column)
        self.backspace = self._key(BACKSPACE, "KeyboardBackspace")
        self.backspace.setAutoRepeat(True)  # held: deletes on
        self.backspace.clicked.connect(self._backspace)
        grid.addWidget(self.backspace, 0, 10)
        for row, chars in enumerate(LETTER_ROWS, start=1):
            for column, char in enumerate(chars):
                grid.addWidget(self._char_key(char), row, column)
        self.shift = self._key(SHIFT, "KeyboardShift")
        self.shift.setCheckable(True)
        self.shift.toggled.connect(self._show_case)
        grid.addWidget(self.shift, 3, 0, 1, 2)
        for column, char in enumerate(BOTTOM_LETTERS, start=2):
            grid.addWidget(self._char_key(char), 3, column)
        for column, char in enumerate(ACCENTS):
            grid.addWidget(self._char_key(char), 4, column)
        self.space = self._key(SPACE, "KeyboardSpace")
        self.space.clicked.connect(lambda: self._type(" "))
        if actions:
            self.cancel_button = self._key(CANCEL_TEXT, "DialogCancel")
            self.cancel_button.clicked.connect(self.rejected)
            self.ok_button = self._key(OK_TEXT, "DialogOk")
            self.ok_button.clicked.connect(self.accepted)
            grid.addWidget(self.cancel_button, 5, 0, 1, 3)
            grid.addWidget(self.space, 5, 3, 1, 5)
            grid.addWidget(self.ok_button, 5, 8, 1, 3)
        else:
            grid.addWidget(self.space, 5, 0, 1, COLUMNS)
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)
        target.textChanged.connect(self._auto_shift)
        target.cursorPositionChanged.connect(self._auto_shift)
        self._auto_shift()

    # ------------------------------------------------------------------ keys

    def _key(self, text: str, name: str) -> QPushButton:
        key = touch_button(self.metrics, text, name)  # no focus: the field keeps the cursor
        key.setMinimumSize(self.metrics.touch, self._side)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return key

    def _char_key(self, char: str) -> QPushButton:
        key = self._key(char, KEY_NAME)
        key.setProperty("char", char)
        key.clicked.connect(lambda: self._type(self._cased(char)))
        self.keys[char] = key
        return key

    def key(self, char: str) -> QPushButton:
        """The key that types ``char`` (lower case; shift gives the capital)."""
        return self.keys[char.lower()]

    def _cased(self, char: str) -> str:
        return char.upper() if self.shift.isChecked() else char

    def _show_case(self, upper: bool) -> None:
        for char, key in self.keys.items():
            set_button_text(key, char.upper() if upper else char)

    # ------------------------------------------------------------------ typing

    def _type(self, text: str) -> None:
        self.target.insert(text)  # honours maxLength and replaces a selection
        self._auto_shift()  # one capital, as on a phone

    def _backspace(self) -> None:
        self.target.backspace()

    def _auto_shift(self, *_args: object) -> None:
        """A capital at the start of the text, none elsewhere (the cursor moved: typing,
        a preset, a touch in the field); ⇧ touched mid-text holds for one letter."""
        at_start = self.target.cursorPosition() == 0 and not self.target.hasSelectedText()
        self.shift.setChecked(at_start)
