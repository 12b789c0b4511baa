"""A wall screen: the board (or the start screen) on the chosen screen, full screen on any
X server, and the administrator's way out.

``showFullScreen()`` alone only *asks* the window manager (``_NET_WM_STATE_FULLSCREEN``);
on a bare X server with no window manager nobody answers and the window keeps its size in
a corner.  So :class:`ScreenPlacement` also gives the window the screen's own geometry
(``QScreen.geometry()``) and no frame before showing it: with a window manager the
full-screen state wins, without one the geometry does.  It follows the screen's geometry
(a resolution changed with ``xrandr``) and screens that come and go (``[Interface] Ecran``
names one that is switched on after the board started).

:class:`LongPress` is the administrator's gesture: a finger held ``ADMIN_HOLD_MS`` (3 s)
on the clock (the board) or anywhere (the start screen) switches between full screen and
a window of three quarters of the screen, which a window manager lets one move aside.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from synoptic.screens import pick_screen

log = logging.getLogger(__name__)

ADMIN_HOLD_MS = 3000  # the administrator's long press (README, "Kiosque")
WINDOW_SHARE = 0.75  # the window left by the gesture: this share of the screen, centred


def chosen_screen(wanted: str) -> tuple[QScreen, str]:
    """The screen ``[Interface] Ecran`` names, else the primary one and why."""
    screens = QGuiApplication.screens()
    primary = QGuiApplication.primaryScreen()
    index = screens.index(primary) if primary in screens else 0
    choice = pick_screen([s.name() for s in screens], index, wanted)
    return screens[choice.index], choice.warning


def window_rect(screen: QRect, minimum: QSize | None = None, share: float = WINDOW_SHARE) -> QRect:
    """A window of ``share`` of ``screen`` (at least ``minimum``), centred on it."""
    width, height = round(screen.width() * share), round(screen.height() * share)
    if minimum is not None:
        width, height = max(width, minimum.width()), max(height, minimum.height())
    return QRect(
        screen.x() + max(0, (screen.width() - width) // 2),
        screen.y() + max(0, (screen.height() - height) // 2),
        width,
        height,
    )


class ScreenPlacement(QObject):
    """Keeps ``window`` on its screen: full screen (frameless, the screen's geometry) or a
    window (maximised at start in ``Fenetre`` mode, three quarters of the screen after the
    administrator's gesture)."""

    changed = Signal(bool)  # full screen or not

    def __init__(
        self,
        window: QWidget,
        wanted: str = "",
        *,
        full_screen: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or window)
        self._warned = ""
        self.window = window
        self.wanted = wanted
        self.full_screen = full_screen
        self.maximised = True  # a window mode: maximised until the gesture made it smaller
        self.screen: QScreen | None = None
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.screenAdded.connect(self._screens_changed)
        app.screenRemoved.connect(self._screens_changed)
        app.primaryScreenChanged.connect(self._screens_changed)

    def show(self) -> None:
        """Show the window where it belongs (call instead of ``window.show()``)."""
        self.apply()

    def apply(self) -> None:
        screen, warning = chosen_screen(self.wanted)
        if warning and warning != self._warned:
            log.warning("%s", warning)
        self._warned = warning
        if screen is not self.screen:
            if self.screen is not None:
                try:
                    self.screen.geometryChanged.disconnect(self._geometry_changed)
                except (RuntimeError, TypeError):  # the old screen is gone
                    pass
            self.screen = screen
            screen.geometryChanged.connect(self._geometry_changed)
        window = self.window
        window.setScreen(screen)
        frameless = bool(window.windowFlags() & Qt.WindowType.FramelessWindowHint)
        if frameless != self.full_screen:  # changing a flag hides the window: before showing
            window.setWindowFlag(Qt.WindowType.FramelessWindowHint, self.full_screen)
        if self.full_screen:
            # Without a window manager nothing answers the full-screen request: the
            # geometry does it.  With one, the full-screen state does.
            window.setGeometry(screen.geometry())
            window.showFullScreen()
        elif self.maximised:
            window.setGeometry(screen.availableGeometry())
            window.showMaximized()
        else:
            window.showNormal()
            window.setGeometry(window_rect(screen.availableGeometry(), window.minimumSizeHint()))
        window.raise_()
        window.activateWindow()

    def toggle_full_screen(self) -> None:
        """The administrator's gesture: leave full screen for a window, or come back."""
        self.full_screen = not self.full_screen
        self.maximised = False
        log.warning(
            "geste d'administration : %s", "plein écran" if self.full_screen else "mode fenêtre"
        )
        self.apply()
        self.changed.emit(self.full_screen)

    def _geometry_changed(self, _rect: QRect) -> None:
        if self.window.isVisible():
            self.apply()

    def _screens_changed(self, *_args: object) -> None:
        if self.window.isVisible():
            self.apply()


class LongPress(QObject):
    """``triggered`` when ``widget`` is pressed for ``hold_ms`` without being released.

    A touch on a widget that takes no touch events reaches it as a synthesised mouse press,
    so this works with a finger and a mouse alike."""

    triggered = Signal()

    def __init__(self, widget: QWidget, hold_ms: int | None = None) -> None:
        super().__init__(widget)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(ADMIN_HOLD_MS if hold_ms is None else hold_ms)
        self.timer.timeout.connect(self.triggered)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            self.timer.start()
        elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.Hide):
            self.timer.stop()
        return False
