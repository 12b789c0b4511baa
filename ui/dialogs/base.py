"""What every dialog shares: French touch buttons, big fonts, a title, kinetic scrolling.

Sizes come from :class:`ui.metrics.Metrics` only.  Object names (``DialogOk``,
``DialogCancel``...) are the stylesheet's and the tests' handles: see ``docs/dialogs.md``.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.style import standalone_rules
from ui.metrics import Metrics
from ui.plain import plain_label, window_title
from ui.widgets import touch_button

OK_NAME = "DialogOk"
CANCEL_NAME = "DialogCancel"
CLOSE_NAME = "DialogClose"


def dialog_button(
    metrics: Metrics, text: str, object_name: str, *, height: int | None = None
) -> QPushButton:
    """A dialog's touch button: ``height`` (default ``dialog_button``) high and at least as
    wide, and wide enough for its text at the dialogs' size."""
    button = touch_button(metrics, text, object_name, focus=True)
    side = max(metrics.touch, height if height is not None else metrics.dialog_button)
    # With the style's padding: a layout short of room must not cut "-10 min" to "0 m".
    font = QFont(button.font())
    font.setPointSize(metrics.font_pt)
    text_width = QFontMetrics(font).horizontalAdvance(text) + metrics.px(28)
    button.setMinimumSize(max(side, text_width), side)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


def available_area(parent: QWidget | None) -> QSize:
    """Where the dialog must fit: the board's window, else the screen."""
    return available_rect(parent).size()


def available_rect(parent: QWidget | None) -> QRect:
    """The same, in screen coordinates: the board's window, else the screen's free part."""
    if parent is not None:
        window = parent.window()
        owner = window.parentWidget()
        while isinstance(window, QDialog) and owner is not None:
            window = owner.window()  # a dialog opened from a dialog: the board's window
            owner = window.parentWidget()
        return QRect(window.mapToGlobal(window.rect().topLeft()), window.size())
    screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)


def placed(size: QSize, area: QRect) -> QRect:
    """A dialog of ``size`` centred on ``area`` and kept inside it (its top left first
    when it is larger): its buttons at the bottom always on the screen."""
    width, height = min(size.width(), area.width()), min(size.height(), area.height())
    x = area.left() + (area.width() - width) // 2
    y = area.top() + (area.height() - height) // 2
    return QRect(x, y, width, height)


class TouchDialog(QDialog):
    """A modal dialog with a big title, the board's fonts and an action row at the bottom."""

    def __init__(
        self, metrics: Metrics, title: str, object_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.metrics = metrics
        self.setObjectName(object_name)
        self.setWindowTitle(window_title(title))
        self.setModal(True)
        if parent is None:  # on the board, the board's style sheet (ui/theme.py) applies
            self.setStyleSheet(standalone_rules(metrics))
        font = self.font()
        font.setPointSize(metrics.font_pt)
        self.setFont(font)
        self.setMinimumWidth(metrics.px(480))

        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(*(metrics.margin * 2,) * 4)
        self.body.setSpacing(metrics.spacing * 2)
        self.title_label = plain_label(title, "DialogTitle")  # a patient's name, a box...
        self.title_label.setWordWrap(True)
        title_font = self.title_label.font()
        title_font.setPointSize(metrics.title_font_pt)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.body.addWidget(self.title_label)

    def showEvent(self, event: QShowEvent) -> None:
        """Placed once its layout has its final size: Qt centres a dialog on the size it
        had before, and with no window manager (a wall's kiosk session) nothing moves it
        back, so a tall one ran off the bottom of the screen with its Valider button."""
        super().showEvent(event)
        layout = self.layout()
        if layout is not None:
            layout.activate()  # grows the dialog to its layout's minimum, never shrinks it
        self.setGeometry(placed(self.size(), available_rect(self.parentWidget())))

    def button(self, text: str, object_name: str) -> QPushButton:
        return dialog_button(self.metrics, text, object_name)

    def text_label(self, text: str, object_name: str = "DialogText") -> QLabel:
        label = plain_label(text, object_name)  # patient data is never markup
        label.setWordWrap(True)
        return label

    def add_actions(self, *buttons: QPushButton) -> QHBoxLayout:
        """The bottom row; the first button is the positive one (Valider/Oui/OK)."""
        row = QHBoxLayout()
        row.setSpacing(self.metrics.spacing * 3)
        for button in buttons:
            row.addWidget(button)
        self.body.addLayout(row)
        return row
