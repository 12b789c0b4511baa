"""The board shows the host record's text of a task (read by the core's read side)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from test_host_records import make_host
from ui_support import BoardEnv, card_of

from synoptic.host_records import MedinTuxRecords
from synoptic.services import NewTask


def test_board_shows_the_host_text(qtbot, env: BoardEnv, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host_url = make_host(f"sqlite:///{tmp_path / 'drtux.sqlite'}")
    pk = env.admit(tasks=(NewTask("RX", blob_key=160651),))
    board = env.board(qtbot, ctx=env.context(host_records=MedinTuxRecords(host_url)))
    qtbot.mouseClick(card_of(board, pk).task_rows[0].task_button, Qt.MouseButton.LeftButton)
    _args, kwargs = env.dialogs.called("show_info")[-1]
    qtbot.waitUntil(lambda: "Fracture non déplacée du radius." in kwargs["live"].text)
    broken = env.board(
        qtbot,
        ctx=env.context(
            host_records=MedinTuxRecords(f"sqlite:///{tmp_path / 'missing' / 'x.sqlite'}")
        ),
    )
    qtbot.mouseClick(card_of(broken, pk).task_rows[0].task_button, Qt.MouseButton.LeftButton)
    _args, kwargs = env.dialogs.called("show_info")[-1]
    qtbot.waitUntil(lambda: "illisible" in kwargs["live"].text)
    assert "Texte du dossier n° 160651 illisible (base MedinTux" in kwargs["live"].text
