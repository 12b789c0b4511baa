"""The one blink timer: widgets in and out, one ``destroyed`` connection each."""

from __future__ import annotations

from PySide6.QtCore import SIGNAL, QCoreApplication, QEvent
from PySide6.QtWidgets import QPushButton, QWidget

from ui.blink import BLINK_PROPERTY, Blinker

DESTROYED = SIGNAL("destroyed(QObject*)")


def test_late_again_and_again_makes_one_connection(qtbot) -> None:  # type: ignore[no-untyped-def]
    holder = QWidget()
    qtbot.addWidget(holder)
    button = QPushButton(holder)
    blinker = Blinker(0.5)
    blinker.register(button)
    blinker.unregister(button)
    before = button.receivers(DESTROYED)  # PySide may keep one of its own after a connect
    for _ in range(20):  # late, on time, late again... (each alarm check)
        blinker.register(button)
        blinker.register(button)
        blinker.unregister(button)
    assert button.receivers(DESTROYED) == before
    blinker.register(button)
    assert button.receivers(DESTROYED) == before + 1
    assert blinker.is_registered(button) and blinker.count() == 1


def test_a_destroyed_widget_leaves_and_only_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    holder = QWidget()
    qtbot.addWidget(holder)
    gone, stays = QPushButton(holder), QPushButton(holder)
    blinker = Blinker(0.5)
    blinker.register(gone)
    blinker.unregister(gone)
    blinker.register(stays)
    blinker.register(gone)
    gone.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert blinker.count() == 1 and blinker.is_registered(stays)
    blinker.tick()
    assert stays.property(BLINK_PROPERTY) is True
    blinker.unregister(stays)
    assert stays.property(BLINK_PROPERTY) is False and blinker.count() == 0
