"""One timer blinks every late element of the board.

Late widgets register here; every ``Periodicite_clignotement_en_secondes`` the timer gives
each the new phase.  A glance card (``set_blink``) repaints its late chips only, with no
style sheet work: on a wall of 150 patients a re-polish per late widget blocked the event
loop for 60-110 ms a tick.  Other widgets (the opened card's task buttons) get the
dynamic property ``blinkOn`` and a re-polish, so the style sheet
alone decides what "on" looks like (``QPushButton#TaskButton[late="true"][blinkOn="true"]``
takes the task's alarm colour).  Synoptux 2.16 looked its blinking widgets up by name and
stopped blinking when the names changed (facts, failure 1); here nothing is looked up.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QMetaObject, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

BLINK_PROPERTY = "blinkOn"


def repolish(widget: QWidget) -> None:
    """Apply the style sheet again after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


class Blinker(QObject):
    """Holds the late widgets and the one timer that blinks them."""

    ticked = Signal(bool)  # the new phase

    def __init__(self, period_s: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Keyed by the widget itself (never by id(): a freed widget's id is reused), with
        # the one ``destroyed`` connection made when it was registered, undone with it.
        self._widgets: dict[QWidget, QMetaObject.Connection] = {}
        self.phase = False
        self.timer = QTimer(self)
        self.timer.setInterval(max(50, round(period_s * 1000)))
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def register(self, widget: QWidget) -> None:
        """Blink ``widget`` from now on, in phase with the others."""
        if widget in self._widgets:
            return
        self._widgets[widget] = widget.destroyed.connect(lambda *_: self._forget(widget))
        self._set(widget, self.phase)

    def unregister(self, widget: QWidget) -> None:
        connection = self._widgets.pop(widget, None)
        if connection is None:
            return
        if shiboken6.isValid(widget):
            widget.destroyed.disconnect(connection)
            self._set(widget, False)

    def _forget(self, widget: QWidget) -> None:
        self._widgets.pop(widget, None)  # destroyed: its connection went with it

    def is_registered(self, widget: QWidget) -> bool:
        return widget in self._widgets

    def count(self) -> int:
        return len(self._widgets)

    def tick(self) -> None:
        """Next phase for every registered widget (the timer calls it; tests may too)."""
        self.phase = not self.phase
        for widget in list(self._widgets):
            if not shiboken6.isValid(widget):
                self._forget(widget)
                continue
            self._set(widget, self.phase)
        self.ticked.emit(self.phase)

    @staticmethod
    def _set(widget: QWidget, on: bool) -> None:
        painted = getattr(widget, "set_blink", None)
        if painted is not None:
            painted(on)  # a painted card repaints its late chips: no style sheet involved
            return
        if widget.property(BLINK_PROPERTY) == on:
            return
        widget.setProperty(BLINK_PROPERTY, on)
        repolish(widget)
