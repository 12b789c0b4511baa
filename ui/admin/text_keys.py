"""The on-screen keyboard (``ui/keyboard.py``) for a multi-line text: the raw view of
synoptux.ini and the style sheet editor.

:class:`~ui.keyboard.OnScreenKeyboard` types into a ``QLineEdit``. Here it types into a
hidden one that holds one character; whatever a key adds is moved to the
``QPlainTextEdit`` at its cursor, and "⌫" on the empty field deletes there. (The held
character keeps the keyboard's automatic capital off: it only puts one at the start of a
field.) A row of the characters a style sheet or an ini file needs and the French keys lack
(``{ } [ ] ( ) : ; = # " / * _``), a "↵" for a new line and "⇥" for an indent complete it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.admin.look import toggle
from ui.keyboard import OnScreenKeyboard
from ui.metrics import Metrics
from ui.plain import set_button_text

__all__ = ["CODE_KEYS", "TextArea", "TextAreaKeyboard"]

CODE_KEYS = ("{", "}", "[", "]", "(", ")", ":", ";", "=", "#", '"', "/", "*", "_")
NEW_LINE = "↵"
INDENT = "⇥"
_HELD = "·"  # the one character the hidden field keeps


class TextAreaKeyboard(QWidget):
    """Types into ``editor`` (which keeps its cursor: the keys never take the focus)."""

    def __init__(self, metrics: Metrics, editor: QPlainTextEdit,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TextAreaKeyboard")
        self.editor = editor
        self._proxy = QLineEdit(self)
        self._proxy.hide()
        self._proxy.setText(_HELD)
        self._proxy.textChanged.connect(self._moved)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(metrics.spacing)
        self.code_keys: dict[str, QPushButton] = {}
        extra = (*CODE_KEYS, INDENT, NEW_LINE)
        for column, char in enumerate(extra):
            key = self._key(metrics, char)
            grid.addWidget(key, 0, column)
            self.code_keys[char] = key
        self.keyboard = OnScreenKeyboard(metrics, self._proxy, self, actions=False)
        grid.addWidget(self.keyboard, 1, 0, 1, len(extra))

    def _key(self, metrics: Metrics, char: str) -> QPushButton:
        key = QPushButton()
        set_button_text(key, char)
        key.setObjectName("KeyboardKey")
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setAutoDefault(False)
        key.setMinimumSize(metrics.touch, metrics.touch)
        text = {NEW_LINE: "\n", INDENT: "    "}.get(char, char)
        key.clicked.connect(lambda: self.type(text))
        return key

    def type(self, text: str) -> None:
        self.editor.insertPlainText(text)
        self.editor.ensureCursorVisible()

    def _moved(self, text: str) -> None:
        if text == _HELD:
            return
        if text.startswith(_HELD):
            self.type(text[len(_HELD):])
        elif not text:  # ⌫ on the held character
            self.editor.textCursor().deletePreviousChar()
        self._proxy.setText(_HELD)  # re-enters with _HELD: nothing more


class TextArea(QWidget):
    """A multi-line text (no wrapping: lines as in the file) and, under it, "Clavier" to
    show or hide :class:`TextAreaKeyboard` (hidden, the text gets the whole height)."""

    def __init__(self, metrics: Metrics, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(metrics.spacing)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName(name)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        column.addWidget(self.editor, 1)
        self.keyboard_button = toggle(metrics, "Clavier", "KeyboardToggle")
        self.keyboard_button.toggled.connect(self._keyboard)
        column.addWidget(self.keyboard_button)
        self.keyboard = TextAreaKeyboard(metrics, self.editor)
        self.keyboard.hide()
        column.addWidget(self.keyboard)

    def _keyboard(self, shown: bool) -> None:
        self.keyboard.setVisible(shown)
        self.keyboard_button.setText("Masquer le clavier" if shown else "Clavier")
        self.editor.ensureCursorVisible()
