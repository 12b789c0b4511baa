"""The "information" window (a task's note): a tap anywhere on it closes it.

Synoptux 2.16 closed it on any touch.  We close on the *release* of a tap, not on the
press: a long note can then be flicked to scroll (a drag is not a tap), and the release
does not land on the board underneath after the window has gone.

The text may come later: a :class:`LiveText` shows "Chargement…" and is replaced when the
background read ends (the board reads the host's record off the GUI thread).  An optional
action button (``action_label``, e.g. "Ouvrir le document") closes the window and tells
the caller through :attr:`InfoDialog.action_chosen`: nothing is opened by a mere look.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QFrame, QScrollArea, QWidget

from ui.dialogs.base import CLOSE_NAME, TouchDialog
from ui.metrics import Metrics
from ui.widgets import make_kinetic

ACTION_NAME = "InfoAction"


class LiveText(QObject):
    """A text that may change while it is shown (set it from the GUI thread)."""

    changed = Signal(str)

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.text = text

    def set_text(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.changed.emit(text)


class InfoDialog(TouchDialog):
    def __init__(
        self,
        metrics: Metrics,
        title: str,
        text: str | LiveText,
        parent: QWidget | None = None,
        *,
        action_label: str | None = None,
    ) -> None:
        super().__init__(metrics, title, "InfoDialog", parent)
        self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        live = text if isinstance(text, LiveText) else None
        self.text = self.text_label(live.text if live else str(text), "InfoText")
        if live is not None:
            live.changed.connect(self.set_text)  # a slot of this object: dropped with it
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        font = self.text.font()
        font.setPointSize(metrics.title_font_pt)  # read standing, from a distance
        self.text.setFont(font)

        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("InfoScroll")
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.text)
        width = metrics.px(640)
        self.scroll_area.setMinimumWidth(width)
        self.scroll_area.setMinimumHeight(min(self.text.heightForWidth(width), metrics.px(560)))
        make_kinetic(self.scroll_area)
        self.body.addWidget(self.scroll_area, 1)

        self.action_chosen = False
        self.action_button = None
        if action_label:
            self.action_button = self.button(action_label, ACTION_NAME)
            self.action_button.clicked.connect(self._choose_action)
        self.close_button = self.button("Fermer", CLOSE_NAME)
        self.close_button.clicked.connect(self.accept)
        self.add_actions(*filter(None, (self.action_button, self.close_button)))

        self._pressed_at: QPointF | None = None
        self._tap_slop = max(QApplication.styleHints().startDragDistance(), metrics.px(12))
        for widget in (self, *self.findChildren(QWidget)):
            if not isinstance(widget, QAbstractButton):  # buttons close by their own click
                widget.installEventFilter(self)

    def set_text(self, text: str) -> None:
        self.text.setText(text)

    def _choose_action(self) -> None:
        self.action_chosen = True
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            self._pressed_at = event.globalPosition()
        elif event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            start, self._pressed_at = self._pressed_at, None
            if start is not None and (event.globalPosition() - start).manhattanLength() <= (
                self._tap_slop
            ):
                self.accept()
                return True
        return super().eventFilter(watched, event)
