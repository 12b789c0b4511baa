"""Starting the board on a wall: never an empty screen, never a silent exit.

:class:`BoardStarter` shows the start screen at once, then prepares the configuration and
the database in a worker thread (a server that does not answer takes up to its connect
timeout: the screen must keep counting meanwhile).  When that fails (an invalid ini value,
the database unreachable or without its schema, anything else) the start screen says what
is wrong and what to fix, the log gets the same, and the attempt is made again every
``RETRY_S`` seconds, the ini file read again each time; when it succeeds the board opens
on the chosen screen and the start screen closes.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from synoptic.cli import prepare_board_database
from synoptic.command_context import Context, load_context
from synoptic.config import Config, ConfigError
from synoptic.db_messages import safe_url
from synoptic.schema_changes import summarize_changes
from synoptic.start_problems import StartProblem, describe_start_failure
from ui.bars import CLOCK_NAME
from ui.kiosk import LongPress, ScreenPlacement
from ui.live import Background
from ui.start_screen import StartScreen

log = logging.getLogger(__name__)

RETRY_S = 5  # seconds between two attempts (README, "Écran d'échec au démarrage")


def prepare(args: argparse.Namespace) -> Context:
    """In the worker thread, no Qt: the configuration (read again), the database reached
    and its schema checked (the SQLite default created on first start)."""
    ctx = load_context(args)
    try:
        done = prepare_board_database(ctx)
        for line in done:
            log.debug("Base préparée : %s", line)
        for line in summarize_changes(done):
            log.info("Base préparée : %s", line)
    except BaseException:
        ctx.close()
        raise
    return ctx


def peek_config(args: argparse.Namespace) -> Config | None:
    """The configuration if it reads, for where and how to show the screens."""
    try:
        return load_context(args).config
    except (ConfigError, ValueError, OSError):
        return None


class BoardStarter(QObject):
    opened = Signal(object)  # the board window
    failed = Signal(object)  # StartProblem

    def __init__(
        self,
        args: argparse.Namespace,
        make_board: Callable[[Context], QWidget],
        *,
        retry_s: int = RETRY_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.args = args
        self.make_board = make_board
        self.retry_s = retry_s
        self.context: Context | None = None
        self.board: QWidget | None = None
        self.board_placement: ScreenPlacement | None = None
        self.problem: StartProblem | None = None
        self.attempts = 0
        self.remaining = 0
        self.background = Background(self, threads=1)
        self.screen = StartScreen()
        config = peek_config(args)
        self.placement = ScreenPlacement(
            self.screen,
            config.interface.screen if config else "",
            full_screen=config is None or config.display.mode == "Cadre",
            parent=self,
        )
        self.gesture = LongPress(self.screen)
        self.gesture.triggered.connect(self.placement.toggle_full_screen)
        self.admin_toggled = False
        self.placement.changed.connect(self._admin_changed)
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._tick)

    # ------------------------------------------------------------------ attempts

    def start(self) -> None:
        self.placement.show()  # something on the wall at once
        self.attempt()

    def attempt(self) -> None:
        self.countdown.stop()
        self.attempts += 1
        self.screen.show_trying()
        self.background.submit(lambda: prepare(self.args), self._ready, self._failed)

    def _tick(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self.attempt()
        else:
            self.screen.show_countdown(self.remaining)

    def _failed(self, err: BaseException) -> None:
        config = peek_config(self.args)
        database = _safe(config.database.url) if config else ""
        problem = describe_start_failure(err, database)
        if problem != self.problem:  # once per problem, not every few seconds
            log.error("démarrage impossible : %s", problem.log_line())
        self.problem = problem
        self.screen.show_problem(problem)
        if config is not None and not self.admin_toggled:
            self._follow(config)
        self.remaining = self.retry_s
        self.screen.show_countdown(self.remaining)
        self.countdown.start()
        self.failed.emit(problem)

    def _follow(self, config: Config) -> None:
        """The ini file became readable: the start screen goes where the board will."""
        wanted, full = config.interface.screen, config.display.mode == "Cadre"
        if (wanted, full) != (self.placement.wanted, self.placement.full_screen):
            self.placement.wanted, self.placement.full_screen = wanted, full
            self.placement.apply()

    def _ready(self, ctx: Context) -> None:
        try:
            board = self.make_board(ctx)
        except Exception as err:  # shown and retried, never a silent exit
            log.exception("le tableau n'a pas pu être construit")
            ctx.close()
            self._failed(err)
            return
        if self.problem is not None:
            log.warning("démarrage réussi après %d tentative(s)", self.attempts)
        self.context = ctx
        self.board = board
        display = ctx.config.display
        full = self.placement.full_screen if self.admin_toggled else display.mode == "Cadre"
        self.board_placement = ScreenPlacement(
            board, ctx.config.interface.screen, full_screen=full, parent=board
        )
        self.board_placement.maximised = not self.admin_toggled
        # A long press on the clock (found by its Qt object name) toggles full screen.
        clock = board.findChild(QWidget, CLOCK_NAME)
        if clock is not None:
            gesture = LongPress(clock)
            gesture.triggered.connect(self.board_placement.toggle_full_screen)
            self.board_gesture = gesture
        self.board_placement.show()  # the board first: the wall is never empty
        self.screen.close()
        self.opened.emit(board)

    def _admin_changed(self, _full: bool) -> None:
        self.admin_toggled = True

    def close(self) -> None:
        """When the application ends: timers off, worker finished, database closed."""
        self.countdown.stop()
        self.background.wait(10000)
        if self.context is not None:
            self.context.close()
            self.context = None


def _safe(url: str) -> str:
    try:
        return safe_url(url)
    except Exception:  # noqa: BLE001 - a URL that does not parse: not shown
        return ""
