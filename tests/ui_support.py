"""Helpers of the board's pytest-qt tests: a scripted fake of the dialogs, a clock the test
moves by hand, and a factory of boards on a seeded SQLite store.

Imported by ``tests/test_ui_*.py`` (pytest puts ``tests/`` on ``sys.path``); the ``env``
fixture of ``tests/conftest.py`` gives each of them a :class:`BoardEnv`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

from synoptic.config import DEFAULT_INI_TEXT, Config, load_config
from synoptic.reads import BoardReads, HostRecordReader
from synoptic.services import BoardServices, NewTask
from synoptic.store.db import Store
from ui.board import BoardWindow
from ui.card import PatientCard
from ui.context import UiContext, build_context
from ui.glance import GlanceCard

NOW = datetime(2026, 11, 21, 14, 0, 0)


class Clock:
    """``now`` for the board; tests move it with :meth:`advance`."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class FakeDialogs:
    """Answers from a script (``script("confirm", False)``), records every question."""

    DEFAULTS: ClassVar[dict[str, Any]] = {
        "choose_destination": None,
        "choose_responsable": (False, None),
        "confirm": True,
        "pick_time": None,
        "edit_text": None,
    }

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self._answers: dict[str, deque[Any]] = defaultdict(deque)

    def script(self, method: str, *answers: Any) -> None:
        self._answers[method].extend(answers)

    def called(self, method: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(a, k) for name, a, k in self.calls if name == method]

    def _reply(self, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((method, args, kwargs))
        if self._answers[method]:
            answer = self._answers[method].popleft()
            # A function stands for what happens while the dialog is open; it gives the answer.
            return answer() if callable(answer) else answer
        return self.DEFAULTS.get(method)

    def choose_destination(self, parent, box_label, destinations, *, ask_exit_time, now, **extra):  # type: ignore[no-untyped-def]
        return self._reply(
            "choose_destination",
            box_label,
            tuple(destinations),
            ask_exit_time=ask_exit_time,
            now=now,
            **extra,
        )

    def choose_late_task(self, parent, rows):  # type: ignore[no-untyped-def]
        return self._reply("choose_late_task", tuple(rows))

    def choose_responsable(self, parent, responsables, current, **extra):  # type: ignore[no-untyped-def]
        return self._reply("choose_responsable", tuple(responsables), current, **extra)

    def confirm(self, parent, title, text, **extra):  # type: ignore[no-untyped-def]
        return self._reply("confirm", title, text, **extra)

    def show_history(self, parent, title, rows, reference):  # type: ignore[no-untyped-def]
        return self._reply("show_history", title, tuple(rows))

    def show_info(self, parent, title, text, *, action_label=None, action=None):  # type: ignore[no-untyped-def]
        # The text as shown when the window opens; ``live`` is the text that may change
        # while it is open (a host record read in the background), ``action`` the button.
        return self._reply(
            "show_info",
            title,
            getattr(text, "text", text),
            live=text,
            action_label=action_label,
            action=action,
        )

    def show_error(self, parent, message):  # type: ignore[no-untyped-def]
        return self._reply("show_error", message)

    def pick_time(self, parent, title, initial):  # type: ignore[no-untyped-def]
        return self._reply("pick_time", title, initial)

    def edit_text(self, parent, title, initial, max_length, **extra):  # type: ignore[no-untyped-def]
        return self._reply("edit_text", title, initial, max_length, **extra)


def make_config(tmp_path: Path, url: str) -> Config:
    """The default ini as a real file in ``tmp_path`` (positions can be saved into it);
    :meth:`BoardEnv.configure` changes settings afterwards."""
    ini = tmp_path / "synoptux.ini"
    ini.write_text(DEFAULT_INI_TEXT, encoding="utf-8")
    return load_config(ini, db_url_override=url)


@dataclass
class BoardEnv:
    """One database, and boards on it sharing the clock and the fake dialogs."""

    store: Store
    config: Config
    clock: Clock = field(default_factory=Clock)
    dialogs: FakeDialogs = field(default_factory=FakeDialogs)
    boards: list[BoardWindow] = field(default_factory=list)

    @property
    def services(self) -> BoardServices:
        return BoardServices(self.store, "test")

    def configure(self, **sections: Mapping[str, Any]) -> Config:
        """Changes settings as an edited ini would, section by section:
        ``configure(interface={"annex_button": True}, timers={"inbox_check_s": 0.2})``.
        Boards and contexts made afterwards read them."""
        changed = {name: replace(getattr(self.config, name), **values)
                   for name, values in sections.items()}
        self.config = replace(self.config, **changed)
        return self.config

    def context(
        self, actor: str = "ecran-test", host_records: HostRecordReader | None = None,
        **kwargs: Any,
    ) -> UiContext:
        ctx = build_context(
            self.config,
            BoardReads(self.store, host_records),
            BoardServices(self.store, actor),
            dialogs=kwargs.pop("dialogs", self.dialogs),
            clock=self.clock,
            **kwargs,
        )
        return ctx

    def board(
        self,
        qtbot: Any,
        *,
        live: bool = False,
        size: tuple[int, int] = (1920, 1080),
        ctx: UiContext | None = None,
        **kwargs: Any,
    ) -> BoardWindow:
        board = BoardWindow(ctx or self.context(), live=live, timers=False, inbox=False, **kwargs)
        qtbot.addWidget(board)
        board.resize(*size)
        board.show()
        qtbot.waitExposed(board)
        board.layout_panels()
        self.boards.append(board)
        return board

    def admit(
        self,
        box: str = "B1",
        last: str = "DUPONT",
        first: str = "Marie",
        responsable: str | None = "MARTIN",
        tasks: tuple[NewTask, ...] = (),
        minutes_ago: int = 30,
    ) -> int:
        result = self.services.admit(
            box_code=box,
            last_name=last,
            first_name=first,
            responsable=responsable,
            comment="Douleur",
            now=self.clock.now - timedelta(minutes=minutes_ago),
            tasks=tasks,
            allow_over_capacity=True,
        )
        return result.patient_pk

    def close(self) -> None:
        """Stops every board made (their timers, feed and inbox threads)."""
        for board in self.boards:
            board.shutdown()


def card_of(board: BoardWindow, pk: int) -> PatientCard:
    """The patient's large card with its actions: opened as a touch on its glance card does
    (the opened card is rebuilt after each change: ask again after an action)."""
    view = board.patients[pk]
    if board.open_card_panel.pk != pk:
        glance = board.panels[view.box_code].cards[pk]
        glance.opened.emit(pk, 0)
    card = board.open_card_panel.card
    assert card is not None
    return card


def glance_of(board: BoardWindow, pk: int) -> GlanceCard:
    """The patient's card on the board (painted: name, comment, task chips)."""
    view = board.patients[pk]
    return board.panels[view.box_code].cards[pk]


def poll_once(qtbot: Any, board: BoardWindow) -> None:
    """One poll of the change feed, run to its end, in place of the board's timer (which
    starts one every ``poll_interval_ms``): the test drives the polls, so what it asserts
    does not depend on how busy the machine is."""
    live = board.live
    live.timer.stop()
    qtbot.waitUntil(lambda: not live.in_flight, timeout=5000)  # one the timer had started
    live.poll()
    assert live.in_flight
    qtbot.waitUntil(lambda: not live.in_flight, timeout=5000)


def layout_tool(qtbot: Any, board: BoardWindow, entry: str) -> None:
    """A layout tool of the administration menu ("mode", "reorganize", "positions"),
    reached as a finger does: "Menu", "Administration…", then the entry (the test's
    database has no password nor PIN: the menu opens with the layout tools only)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.admin.menu import AdminMenu

    pressed: list[str] = []

    def press() -> None:
        menu = QApplication.activeModalWidget()
        assert isinstance(menu, AdminMenu)
        menu.entries[entry].click()
        pressed.append(entry)

    QTimer.singleShot(0, press)
    qtbot.mouseClick(board.top_bar.menu_button, Qt.MouseButton.LeftButton)
    dialog = board.menu.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.mouseClick(dialog.entries["Administration…"], Qt.MouseButton.LeftButton)
    assert pressed == [entry]


def button_texts(widgets: list[QPushButton]) -> list[str]:
    return [w.text() for w in widgets]


# A style file shaped like Synoptux 2.16's (tests/fixtures/README.md); the original is
# conftest.original_216("synoptux.css").
REPO_LEGACY_CSS = Path(__file__).resolve().parent / "fixtures" / "synoptux-2.16.css"


class DatabaseSwitch:
    """Cuts a store's database where the driver connects: every new connection fails (or
    hangs until released), so the real feed, queries and services meet the outage
    themselves.  Pooled connections are dropped when it is cut."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine
        self.down = False
        self.hang: threading.Event | None = None
        self._cut_at: int | None = None
        event.listen(self.engine, "do_connect", self._connect)
        event.listen(self.engine, "checkout", self._checkout)

    def _checkout(self, *_args: Any) -> None:
        if self._cut_at is not None:
            self._cut_at -= 1
            if self._cut_at <= 0:
                self._cut_at = None
                self.down = True
                raise DisconnectionError("cut")  # the pool reconnects, and fails

    def cut_at_checkout(self, n: int) -> None:
        """Cut the database when the ``n``-th connection is taken from the pool from now."""
        self._cut_at = n

    def _connect(self, *_args: Any) -> None:
        hang = self.hang
        if hang is not None:
            hang.wait(10)
        if self.down:
            raise sqlite3.OperationalError("unable to open database file")
        # the driver's own connect

    def cut(self) -> None:
        self.down = True
        self.engine.dispose()

    def hang_connections(self) -> threading.Event:
        """New connections wait until the returned event is set (a hung server)."""
        self.hang = threading.Event()
        self.engine.dispose()
        return self.hang

    def restore(self) -> None:
        self.down = False
        if self.hang is not None:
            self.hang.set()
            self.hang = None

    def remove(self) -> None:
        self.restore()
        event.remove(self.engine, "do_connect", self._connect)
        event.remove(self.engine, "checkout", self._checkout)
