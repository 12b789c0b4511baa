"""Programs named by entry files start only from the allow-list, detached, without a shell
(facts 12, issue 7); the decision itself is tested in ``tests/test_launch_policy.py``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from ui_support import NOW, BoardEnv, card_of

from synoptic.launch_policy import LaunchRefused
from ui.launch import Launcher


class Recorder:
    def __init__(self, started: bool = True) -> None:
        self.calls: list[tuple[str, list[str]]] = []
        self.started = started

    def __call__(self, program: str, args: list[str]) -> bool:
        self.calls.append((program, args))
        return self.started


def executable(path: Path) -> str:
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_allowed_program_starts_with_its_argument_list_as_given(tmp_path: Path) -> None:
    drtux = executable(tmp_path / "drtux")
    rec = Recorder()
    Launcher([drtux], start=rec).launch(drtux, ["Lucette", "a b; rm -rf /", "$(id)"])
    assert rec.calls == [(drtux, ["Lucette", "a b; rm -rf /", "$(id)"])]


def test_program_not_on_the_list_is_refused_in_french_and_not_started(tmp_path: Path) -> None:
    rec = Recorder()
    launcher = Launcher([executable(tmp_path / "drtux")], start=rec)
    with pytest.raises(LaunchRefused) as err:
        launcher.launch("/bin/sh", ["-c", "echo pwned"])
    assert "n'est pas dans la liste des programmes autorisés" in err.value.message
    assert rec.calls == []


def test_a_program_that_does_not_start_is_a_clear_message(tmp_path: Path) -> None:
    drtux = executable(tmp_path / "drtux")
    with pytest.raises(LaunchRefused, match="Impossible de lancer"):
        Launcher([drtux], start=Recorder(started=False)).launch(drtux)


def test_a_real_program_is_started_detached_without_a_shell(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "started"
    argument = "$(touch pwned); `touch pwned` > also"
    script = f"import sys; open({str(marker)!r}, 'w').write(sys.argv[1])"
    monkeypatch.chdir(tmp_path)  # where a shell would have written "pwned"
    Launcher([sys.executable]).launch(sys.executable, ["-c", script, argument])
    qtbot.waitUntil(lambda: marker.exists() and marker.read_text() == argument, timeout=30000)
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "also").exists()


@pytest.mark.skipif(not os.access("/usr/bin/true", os.X_OK), reason="no /usr/bin/true")
def test_the_board_starts_nothing_through_a_crafted_path(
    qtbot: QtBot, env: BoardEnv, tmp_path: Path
) -> None:
    """An entry file names ``lnk/../../../usr/bin/X``: no ↗ on the card, and asked
    anyway, the board refuses in French and starts nothing."""
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (deep / "lnk").symlink_to("/")
    (tmp_path / "a" / "usr" / "bin").mkdir(parents=True)
    listed = executable(tmp_path / "a" / "usr" / "bin" / "true")
    crafted = f"{deep}/lnk/../../../usr/bin/true"
    pk = env.services.admit(
        box_code="B1", last_name="PIRATE", now=NOW, annex_program=crafted, annex_args=["x"]
    ).patient_pk
    env.configure(interface={"annex_button": True, "allowed_programs": (listed,)})
    rec = Recorder()
    ctx = env.context()
    ctx.launcher = Launcher(env.config.interface.allowed_programs, start=rec)
    board = env.board(qtbot, ctx=ctx)
    card = card_of(board, pk)
    assert card.annex_button is None
    assert board.touch_actions.launch_annex(card.patient) is False
    assert rec.calls == []
    (message,), _ = env.dialogs.called("show_error")[-1]
    assert "n'est pas dans la liste des programmes autorisés" in message
