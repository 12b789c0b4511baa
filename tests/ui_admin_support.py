"""Helpers of the administration windows' tests (``tests/test_ui_admin_*.py``): scripted
answers to the questions the windows ask, a monotonic clock the test moves (the keypad's
lock), and the screen's tools on the ``env`` fixture's database."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QPushButton, QScroller, QWidget
from ui_support import BoardEnv

from synoptic.administration import AdminTools


class Ticker:
    """Monotonic seconds for the keypad's lock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeAdminDialogs:
    """Answers from a script (``script("edit_text", "Box 9")``); records every question.
    An answer that is a function is called (with the question's arguments) for it."""

    DEFAULTS: ClassVar[dict[str, Any]] = {"confirm": True}

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self._answers: dict[str, deque[Any]] = defaultdict(deque)

    def script(self, method: str, *answers: Any) -> None:
        self._answers[method].extend(answers)

    def asked(self, method: str) -> list[tuple[Any, ...]]:
        return [args for name, args in self.calls if name == method]

    def _reply(self, method: str, *args: Any) -> Any:
        self.calls.append((method, args))
        if self._answers[method]:
            answer = self._answers[method].popleft()
            return answer(*args) if callable(answer) else answer
        return self.DEFAULTS.get(method)

    def edit_text(self, parent: Any, title: str, initial: str, max_length: int) -> Any:
        return self._reply("edit_text", title, initial, max_length)

    def confirm(self, parent: Any, title: str, text: str, *, yes_text: str = "Oui",
                no_text: str = "Non") -> Any:
        return self._reply("confirm", title, text, yes_text, no_text)

    def show_error(self, parent: Any, message: str) -> None:
        self._reply("show_error", message)

    def pick_colour(self, parent: Any, title: str, current: str) -> Any:
        return self._reply("pick_colour", title, current)

    def choose(self, parent: Any, title: str, text: str,
               options: Sequence[tuple[str, str]]) -> Any:
        return self._reply("choose", title, text, tuple(options))

    def new_pin(self, parent: Any, title: str) -> Any:
        return self._reply("new_pin", title)

    def new_password(self, parent: Any) -> Any:
        return self._reply("new_password")

    def unlock(self, parent: Any, admin: AdminTools, clock: Any) -> Any:
        return self._reply("unlock", admin)


def admin_of(env: BoardEnv, actor: str = "ecran-test", ticker: Ticker | None = None
             ) -> AdminTools:
    """The screen's tools on the env's database and ini (its keypad on ``ticker``)."""
    return AdminTools.of(env.services.as_user(actor), env.config,
                         clock=ticker or Ticker())


def without_flick(widget: QWidget) -> None:
    """No kinetic scrolling under ``widget``: a QScroller holds a press on a scrollable area
    until it knows it is no flick, which a test's instant click (press and release at once,
    offscreen) never lets it decide; the taps then reach the widgets as they do on a screen."""
    for area in widget.findChildren(QAbstractScrollArea):
        QScroller.ungrabGesture(area.viewport())


def touch(qtbot: Any, widget: QWidget) -> None:
    """A tap: press and release inside the widget (what a finger does)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))


def click(qtbot: Any, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
