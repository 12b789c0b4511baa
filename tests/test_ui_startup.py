"""The board's start on a wall (ui/startup.py, ui/start_screen.py, ui/kiosk.py): a start that
fails shows a full-screen French message and is retried until the board opens by itself;
Cadre mode covers the screen; the administrator's long press leaves full screen."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from ui_support import FakeDialogs

from synoptic.command_context import Context
from synoptic.reads import BoardReads
from synoptic.store.db import open_store
from synoptic.store.seed import create_or_upgrade
from ui import kiosk
from ui.board import BoardWindow
from ui.context import build_context
from ui.kiosk import LongPress, ScreenPlacement, window_rect
from ui.startup import BoardStarter


def quiet_board(ctx: Context) -> QWidget:
    """The real board, without its timers, inbox or dialogs (the tests look, not wait)."""
    reads = BoardReads(ctx.store)
    ui_ctx = build_context(ctx.config, reads, ctx.services("test"), dialogs=FakeDialogs())
    return BoardWindow(ui_ctx, live=False, timers=False, inbox=False)


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "synoptux.ini"


def write(ini: Path, url: str, extra: str = "") -> None:
    ini.write_text(
        f"[Connexion]\nURL={url}\n[Interface]\nDossier_Entrees={ini.parent / 'inbox'}\n{extra}",
        encoding="utf-8",
    )


@pytest.fixture
def start(qtbot, ini: Path) -> Iterator[Callable[..., BoardStarter]]:  # type: ignore[no-untyped-def]
    made: list[BoardStarter] = []

    def make(
        make_board: Callable[[Context], QWidget] = quiet_board, retry_s: int = 1
    ) -> BoardStarter:
        args = argparse.Namespace(config=str(ini), db=None, user=None)
        starter = BoardStarter(args, make_board, retry_s=retry_s)
        made.append(starter)
        starter.start()
        return starter

    yield make
    for starter in made:
        if starter.board is not None:
            starter.board.close()
        starter.screen.close()
        starter.close()


def covers_the_screen(window: QWidget) -> bool:
    screen = QGuiApplication.primaryScreen()
    return window.isFullScreen() and window.geometry() == screen.geometry()


def test_invalid_ini_is_shown_full_screen_then_the_board_opens_once_fixed(
    qtbot, ini: Path, tmp_path: Path, start
) -> None:
    url = f"sqlite:///{tmp_path / 'board.sqlite'}"
    write(ini, url, "[Affichage]\nCouleur_Fond=pinkish\n")
    starter = start()
    qtbot.waitUntil(lambda: starter.problem is not None, timeout=5000)
    screen = starter.screen
    assert screen.isVisible() and covers_the_screen(screen)
    assert screen.title.text() == "Configuration invalide"
    assert str(ini) in screen.what.text() and "Couleur_Fond = « pinkish »" in screen.what.text()
    assert "#aarrggbb" in screen.fix.text() and "nom de couleur SVG" in screen.fix.text()
    assert screen.detail.text().startswith("Détail : Configuration invalide dans")
    assert screen.retry.text() == "Nouvelle tentative dans 1 s"
    assert not (tmp_path / "board.sqlite").exists()  # refused before the database

    write(ini, url, "[Affichage]\nCouleur_Fond=darkslategray\n")  # fixed: read again
    qtbot.waitUntil(lambda: starter.board is not None, timeout=5000)
    board = starter.board
    assert isinstance(board, BoardWindow)
    qtbot.waitUntil(lambda: not screen.isVisible(), timeout=2000)
    assert board.isVisible() and covers_the_screen(board)
    assert "B1" in board.panels  # the SQLite default was created with its layout


def test_unreachable_database_counts_down_and_retries_until_it_answers(
    qtbot, ini: Path, tmp_path: Path, start, caplog
) -> None:
    folder = tmp_path / "not-yet"
    write(ini, f"sqlite:///{folder / 'board.sqlite'}")
    starter = start(retry_s=2)
    qtbot.waitUntil(lambda: starter.problem is not None, timeout=5000)
    screen = starter.screen
    assert starter.problem.kind == "database"
    assert screen.title.text() == "Base de données : fichier impossible à ouvrir"
    assert screen.detail.text() == "Détail : unable to open database file"
    assert screen.retry.text() == "Nouvelle tentative dans 2 s"
    qtbot.waitUntil(lambda: screen.retry.text() == "Nouvelle tentative dans 1 s", timeout=2500)
    attempts = starter.attempts
    qtbot.waitUntil(lambda: starter.attempts > attempts, timeout=3000)
    assert starter.board is None and screen.isVisible()
    assert "fichier impossible à ouvrir" in caplog.text  # in the log too, once
    assert caplog.text.count("démarrage impossible") == 1

    folder.mkdir()  # the database comes back
    qtbot.waitUntil(lambda: starter.board is not None, timeout=6000)
    assert starter.board.isVisible() and not screen.isVisible()


def refused(qtbot, start, ini: Path, url: str, title: str,  # type: ignore[no-untyped-def]
            timeout: int = 5000) -> BoardStarter:
    """The board started on ``url``: its start screen shows ``title``."""
    write(ini, url)
    starter: BoardStarter = start()
    qtbot.waitUntil(lambda: starter.problem is not None, timeout=timeout)
    assert starter.screen.title.text() == title
    return starter


def test_closed_port_then_the_ini_points_to_a_database_that_answers(
    qtbot, ini: Path, tmp_path: Path, start
) -> None:
    starter = refused(qtbot, start, ini, "mysql+pymysql://synoptux:secret@127.0.0.1:1/synoptux",
                      "Base de données : serveur injoignable", timeout=8000)
    screen = starter.screen
    assert "synoptux:***@127.0.0.1:1/synoptux" in screen.what.text()
    assert "secret" not in screen.what.text() + screen.detail.text()
    assert screen.detail.text().startswith("Détail : (2003) Can't connect to MySQL server")
    write(ini, f"sqlite:///{tmp_path / 'board.sqlite'}")
    qtbot.waitUntil(lambda: starter.board is not None, timeout=8000)


def test_a_database_synoptux_cannot_open_is_shown_then_the_board_opens_once_fixed(
    qtbot, ini: Path, tmp_path: Path, start
) -> None:
    """postgresql:// (psycopg not installed, and not supported anyway): the start screen
    says so in French, as for any invalid value, instead of an "Erreur au démarrage"
    with ModuleNotFoundError."""
    starter = refused(qtbot, start, ini, "postgresql://synoptux:secret@db/synoptux",
                      "Configuration invalide")
    screen = starter.screen
    assert "URL = « postgresql://synoptux:***@db/synoptux »" in screen.what.text()
    assert "le moteur « postgresql » n'est pas pris en charge" in screen.fix.text()
    assert "SQLite ou MariaDB/MySQL avec le pilote PyMySQL" in screen.fix.text()
    assert "secret" not in screen.what.text() + screen.fix.text() + screen.detail.text()
    write(ini, f"sqlite:///{tmp_path / 'board.sqlite'}")
    qtbot.waitUntil(lambda: starter.board is not None, timeout=5000)


@pytest.mark.mariadb
def test_a_server_without_the_schema_opens_once_init_db_ran(
    qtbot, ini: Path, mariadb_database: str, start
) -> None:
    write(ini, mariadb_database)
    starter = start()
    qtbot.waitUntil(lambda: starter.problem is not None, timeout=8000)
    assert starter.problem.kind == "schema"
    assert starter.screen.title.text() == "Base de données non initialisée"
    assert "synoptux init-db" in starter.screen.fix.text()
    store = open_store(mariadb_database)
    try:
        create_or_upgrade(store)  # what "synoptux init-db" does
    finally:
        store.dispose()
    qtbot.waitUntil(lambda: starter.board is not None, timeout=8000)


def test_a_board_that_fails_to_build_is_shown_and_retried(
    qtbot, ini: Path, tmp_path: Path, start
) -> None:
    write(ini, f"sqlite:///{tmp_path / 'board.sqlite'}")
    calls: list[int] = []

    def flaky(ctx: Context) -> QWidget:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("police introuvable")
        return quiet_board(ctx)

    starter = start(flaky)
    qtbot.waitUntil(lambda: starter.problem is not None, timeout=5000)
    assert starter.screen.title.text() == "Erreur au démarrage"
    assert starter.screen.detail.text() == "Détail : police introuvable"
    qtbot.waitUntil(lambda: starter.board is not None, timeout=5000)


def test_fenetre_mode_opens_a_maximised_window_with_its_frame(
    qtbot, ini: Path, tmp_path: Path, start
) -> None:
    write(ini, f"sqlite:///{tmp_path / 'board.sqlite'}", "[Affichage]\nMode_Affichage=Fenetre\n")
    starter = start()
    qtbot.waitUntil(lambda: starter.board is not None, timeout=5000)
    board = starter.board
    assert not board.isFullScreen()
    assert not board.windowFlags() & Qt.WindowType.FramelessWindowHint


def test_the_administrators_long_press_on_the_clock_leaves_and_restores_full_screen(
    qtbot, ini: Path, tmp_path: Path, start, monkeypatch
) -> None:
    monkeypatch.setattr(kiosk, "ADMIN_HOLD_MS", 300)
    write(ini, f"sqlite:///{tmp_path / 'board.sqlite'}")
    starter = start()
    qtbot.waitUntil(lambda: starter.board is not None, timeout=5000)
    board = starter.board
    assert covers_the_screen(board)
    assert board.windowFlags() & Qt.WindowType.FramelessWindowHint
    clock = board.top_bar.clock_label
    qtbot.mouseClick(clock, Qt.MouseButton.LeftButton)  # a touch is not the gesture
    qtbot.wait(500)
    assert covers_the_screen(board)

    qtbot.mousePress(clock, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not board.isFullScreen(), timeout=3000)
    qtbot.mouseRelease(clock, Qt.MouseButton.LeftButton)
    screen = QGuiApplication.primaryScreen()
    wanted = window_rect(screen.availableGeometry(), board.minimumSizeHint())
    # The frame the window now has may shift its inside by a few pixels.
    qtbot.waitUntil(lambda: board.size() == wanted.size())
    assert (board.geometry().topLeft() - wanted.topLeft()).manhattanLength() < 20
    assert board.isVisible()
    assert not board.windowFlags() & Qt.WindowType.FramelessWindowHint  # a frame to move it

    qtbot.mousePress(clock, Qt.MouseButton.LeftButton)  # the same gesture: back to full screen
    qtbot.waitUntil(lambda: covers_the_screen(board), timeout=3000)
    qtbot.mouseRelease(clock, Qt.MouseButton.LeftButton)


def test_the_board_follows_its_screens_geometry(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    placement = ScreenPlacement(window, "")
    placement.show()
    qtbot.waitUntil(lambda: covers_the_screen(window))
    window.setGeometry(QRect(10, 10, 200, 100))  # as an X server's old size would leave it
    screen = QGuiApplication.primaryScreen()
    screen.geometryChanged.emit(screen.geometry())  # what xrandr's change sends
    qtbot.waitUntil(lambda: window.geometry() == screen.geometry())


def test_a_screen_that_is_not_there_gives_the_primary_one(qtbot, caplog) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    placement = ScreenPlacement(window, "HDMI-9")
    placement.show()
    assert placement.screen is QGuiApplication.primaryScreen()
    assert "Ecran=HDMI-9 : écran introuvable" in caplog.text


def test_long_press_needs_the_whole_hold(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    press = LongPress(widget, hold_ms=200)
    seen: list[int] = []
    press.triggered.connect(lambda: seen.append(1))
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton)
    qtbot.wait(300)
    assert seen == []
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: seen == [1], timeout=2000)


# ---------------------------------------------------------------- no screen at all


def test_a_session_without_a_screen_is_told_so_in_french(tmp_path: Path) -> None:
    """Started over SSH, Qt aborted (exit 134) with "Reinstalling the application may fix
    this problem" in English, though nothing needed reinstalling."""
    import os
    import subprocess
    import sys

    from synoptic.command_context import UsageError
    from ui.app import refuse_no_display

    for fine in ({"DISPLAY": ":0"}, {"WAYLAND_DISPLAY": "wayland-0"},
                 {"QT_QPA_PLATFORM": "eglfs"}):
        refuse_no_display(fine, "linux")
    refuse_no_display({}, "win32")  # Windows and macOS always have their own platform
    with pytest.raises(UsageError, match="aucun écran"):
        refuse_no_display({"DISPLAY": ""}, "linux")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "SYNOPTUX_CONFIG")}
    env["HOME"] = str(tmp_path)  # no user ini found: nothing outside the test folder read
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    child = subprocess.run([sys.executable, "-m", "ui.main"], check=False, capture_output=True,
                           text=True, env=env, cwd=tmp_path, timeout=60)
    assert child.returncode == 2, child.stderr
    assert "aucun écran" in child.stderr and "synoptux status" in child.stderr
    assert "Reinstalling" not in child.stderr and "Traceback" not in child.stderr
