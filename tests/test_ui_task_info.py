"""A task's information: its note, the host record's text (read off the GUI thread) and its
note file (opened only by "Ouvrir le document", and only an absolute path)."""

from __future__ import annotations

import threading
from pathlib import Path, PureWindowsPath
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from ui_support import BoardEnv, card_of

from synoptic.launch_policy import note_file_refusal
from synoptic.services import NewTask
from ui.dialogs import Dialogs, InfoDialog, LiveText
from ui.launch import Launcher
from ui.metrics import Metrics


def touch_task(qtbot, board, pk: int, index: int = 0) -> tuple[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(card_of(board, pk).task_rows[index].task_button, Qt.MouseButton.LeftButton)
    return board.ctx.dialogs.called("show_info")[-1][0][1], board.ctx.dialogs.called("show_info")[
        -1
    ][1]


@pytest.fixture
def evince(tmp_path: Path) -> str:
    """A reader that exists and may be executed (the allow-list compares real files)."""
    program = tmp_path / "bin" / "evince"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    return str(program)


def allowing(env: BoardEnv, *programs: str) -> tuple[Any, list[list[str]]]:
    launched: list[list[str]] = []
    ctx = env.context()

    def start(path: str, args: list[str]) -> bool:
        launched.append([path, *args])
        return True

    ctx.launcher = Launcher(programs, start=start)
    return ctx, launched


def test_task_information_eye_and_touch(qtbot, env: BoardEnv) -> None:
    pk = env.admit(
        tasks=(
            NewTask("RX", note="Poignet gauche, face et profil", blob_key=160651),
            NewTask("BIO"),
        )
    )
    board = env.board(qtbot)
    rows = card_of(board, pk).task_rows
    assert rows[0].task_button.property("info") is True
    assert rows[0].task_button.fullText().split(" ", 1)[0] in ("👁", "◉")
    assert rows[1].task_button.property("info") is False
    text, kwargs = touch_task(qtbot, board, pk)
    (title, _text), _ = env.dialogs.called("show_info")[-1]
    assert title.startswith("Radiographie")
    assert "Poignet gauche, face et profil" in text
    assert "Texte du dossier n° 160651 (connexion MedinTux non configurée)" in text
    assert kwargs["action"] is None  # no document: no button


class SlowHost:
    """A host database that answers when the test says so, and notes the thread asking."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.release = threading.Event()

    def text(self, blob_key: int) -> str:
        self.threads.append(threading.current_thread())
        self.release.wait(5)
        return f"Compte rendu du dossier {blob_key}"


def test_host_record_is_read_off_the_gui_thread_with_chargement_meanwhile(
    qtbot, env: BoardEnv
) -> None:
    pk = env.admit(tasks=(NewTask("RX", note="Face et profil", blob_key=160651),))
    host = SlowHost()
    board = env.board(qtbot, ctx=env.context(host_records=host))
    text, kwargs = touch_task(qtbot, board, pk)  # returns at once: the host has not answered
    assert "Chargement…" in text and "Face et profil" in text
    live: LiveText = kwargs["live"]
    host.release.set()
    qtbot.waitUntil(lambda: "Compte rendu du dossier 160651" in live.text, timeout=3000)
    assert "Chargement…" not in live.text and "Face et profil" in live.text
    assert host.threads and host.threads[0] is not threading.main_thread()


def test_host_record_failure_is_shown_in_place_of_the_text(qtbot, env: BoardEnv) -> None:
    class Broken:
        def text(self, blob_key: int) -> str:
            raise RuntimeError("Can't connect to MySQL server on 'drtux'")

    pk = env.admit(tasks=(NewTask("RX", blob_key=7),))
    board = env.board(qtbot, ctx=env.context(host_records=Broken()))
    _text, kwargs = touch_task(qtbot, board, pk)
    qtbot.waitUntil(lambda: "illisible" in kwargs["live"].text, timeout=3000)
    assert "Texte du dossier n° 7 illisible (base MedinTux : Can't connect" in kwargs["live"].text


def test_note_file_opens_only_from_the_button(qtbot, env: BoardEnv, evince: str) -> None:
    pk = env.admit(tasks=(NewTask("RX", note_file="/srv/cr/radio.pdf", note_reader=evince),))
    ctx, launched = allowing(env, evince)
    board = env.board(qtbot, ctx=ctx)
    text, kwargs = touch_task(qtbot, board, pk)
    assert launched == []  # a look at the task opens nothing
    assert "Document : /srv/cr/radio.pdf" in text
    assert kwargs["action_label"] == "Ouvrir le document"
    kwargs["action"]()  # the button
    assert launched == [[evince, "/srv/cr/radio.pdf"]]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("-oProxyCommand=evil", "commence par « - »"),
        ("--help", "commence par « - »"),
        ("cr/radio.pdf", "n'est pas un chemin absolu"),
        ("radio.pdf", "n'est pas un chemin absolu"),
    ],
)
def test_note_file_not_absolute_or_like_an_option_is_refused(
    qtbot, env: BoardEnv, name: str, why: str, evince: str
) -> None:
    pk = env.admit(tasks=(NewTask("RX", note_file=name, note_reader=evince),))
    ctx, launched = allowing(env, evince)
    board = env.board(qtbot, ctx=ctx)
    text, kwargs = touch_task(qtbot, board, pk)
    assert f"Document refusé : « {name} »" in text and why in text
    assert kwargs["action"] is None
    board.touch_actions.open_note_file(card_of(board, pk).task_rows[0].task)  # even if asked
    assert launched == []
    (message,), _ = env.dialogs.called("show_error")[-1]
    assert why in message


def test_note_file_refusal_rules() -> None:
    assert note_file_refusal("/srv/cr/radio.pdf") is None
    assert note_file_refusal(r"C:\Documents\radio.pdf", PureWindowsPath) is None  # on Windows
    assert note_file_refusal(" -x") is not None
    assert note_file_refusal("") is not None


def test_note_reader_not_allowed_is_refused(qtbot, env: BoardEnv) -> None:
    pk = env.admit(tasks=(NewTask("RX", note_file="/tmp/cr.pdf", note_reader="/bin/sh"),))
    ctx, launched = allowing(env)
    board = env.board(qtbot, ctx=ctx)
    text, kwargs = touch_task(qtbot, board, pk)
    assert "n'est pas dans la liste des programmes autorisés" in text
    assert kwargs["action"] is None
    assert launched == []


# ---------------------------------------------------------------- the dialog itself


def test_info_dialog_action_button_closes_then_runs_the_action(qtbot) -> None:
    dialogs = Dialogs(Metrics())
    ran: list[str] = []
    seen: list[str] = []

    def press_open() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, InfoDialog))
        button = dialog.findChild(QPushButton, "InfoAction")
        seen.append(button.text())
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, press_open)
    dialogs.show_info(
        None,
        "Radiographie",
        "Document : /srv/cr/radio.pdf",
        action_label="Ouvrir le document",
        action=lambda: ran.append("ouvert"),
    )
    assert seen == ["Ouvrir le document"] and ran == ["ouvert"]


def test_info_dialog_closed_by_fermer_runs_nothing_and_follows_a_live_text(qtbot) -> None:
    dialogs = Dialogs(Metrics())
    ran: list[str] = []
    live = LiveText("Chargement…")
    shown: list[str] = []

    def update_then_close() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, InfoDialog))
        live.set_text("Compte rendu")
        shown.append(dialog.text.text())
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, update_then_close)
    dialogs.show_info(
        None,
        "Radiographie",
        live,
        action_label="Ouvrir le document",
        action=lambda: ran.append("ouvert"),
    )
    assert shown == ["Compte rendu"] and ran == []
    live.set_text("après la fermeture")  # the dialog is gone: nothing breaks
    QApplication.processEvents()
