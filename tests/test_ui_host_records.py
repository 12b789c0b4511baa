"""The host record's text of a task, read from a MedinTux-like database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ui.host_records import MedinTuxRecords, html_to_text

BLOB = (
    "<html><head><style>p{}</style></head><body><p>Compte rendu&nbsp;:</p>"
    "<p>Fracture <b>non</b> déplacée du radius.<br/>Contrôle J8.</p></body></html>"
)


@pytest.fixture
def host_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'drtux.sqlite'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE RubriquesHead (RbDate_PrimKey INTEGER PRIMARY KEY, "
                "RbDate_RefBlobs_PrimKey INTEGER, RbDate_NomDate TEXT)"
            )
        )
        conn.execute(
            text(
                "CREATE TABLE RubriquesBlobs (RbDate_PrimKey INTEGER PRIMARY KEY, "
                "RbDate_DataRub BLOB)"
            )
        )
        conn.execute(text("INSERT INTO RubriquesHead VALUES (160651, 7, 'Radio')"))
        conn.execute(text("INSERT INTO RubriquesBlobs VALUES (7, :b)"), {"b": BLOB.encode("utf-8")})
    engine.dispose()
    return url


def test_reads_the_blob_as_plain_text(host_url: str) -> None:
    records = MedinTuxRecords(host_url)
    assert (
        records.text(160651)
        == "Compte rendu\xa0:\n\nFracture non déplacée du radius.\nContrôle J8."
    )
    assert records.text(42) == "Dossier n° 42 introuvable dans la base MedinTux."


def test_plain_text_stays_as_is() -> None:
    assert html_to_text("Simple note &amp; suite") == "Simple note & suite"


def test_board_shows_the_host_text(qtbot, sqlite_store, sqlite_url, tmp_path, host_url) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from ui_support import board_env, card_of

    from synoptic.services import NewTask

    environment = board_env(sqlite_store, sqlite_url, tmp_path)
    env = next(environment)
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
    next(environment, None)


def test_the_board_command_reads_the_medintux_connection(tmp_path: Path, host_url: str) -> None:
    from synoptic.config import DEFAULT_INI_TEXT, load_config
    from ui.app import _host_records

    ini = tmp_path / "synoptux.ini"
    ini.write_text(DEFAULT_INI_TEXT, encoding="utf-8")
    assert _host_records(load_config(ini)) is None
    marker = "vide = aucune connexion.\nURL="
    text_ = DEFAULT_INI_TEXT.replace(marker, marker + host_url)
    ini.write_text(text_, encoding="utf-8")
    reader = _host_records(load_config(ini))
    assert isinstance(reader, MedinTuxRecords) and "radius" in reader.text(160651)
