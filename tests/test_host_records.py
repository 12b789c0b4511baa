"""The host record's text of a task, read from a MedinTux-like database (synoptic.host_records)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.dialects import mysql

from synoptic.config import DEFAULT_INI_TEXT, load_config
from synoptic.host_records import (
    MedinTuxRecords,
    host_records_of,
    html_to_text,
    record_statements,
)

BLOB = (
    "<html><head><style>p{}</style></head><body><p>Compte rendu&nbsp;:</p>"
    "<p>Fracture <b>non</b> déplacée du radius.<br/>Contrôle J8.</p></body></html>"
)
TEXT = "Compte rendu\xa0:\n\nFracture non déplacée du radius.\nContrôle J8."


def make_host(url: str, head: str = "RubriquesHead", blobs: str = "RubriquesBlobs") -> str:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                f"CREATE TABLE {head} (RbDate_PrimKey INTEGER PRIMARY KEY, "
                "RbDate_RefBlobs_PrimKey INTEGER, RbDate_NomDate TEXT)"
            )
        )
        conn.execute(
            text(f"CREATE TABLE {blobs} (RbDate_PrimKey INTEGER PRIMARY KEY, RbDate_DataRub BLOB)")
        )
        conn.execute(text(f"INSERT INTO {head} VALUES (160651, 7, 'Radio')"))
        conn.execute(text(f"INSERT INTO {blobs} VALUES (7, :b)"), {"b": BLOB.encode("utf-8")})
    engine.dispose()
    return url


@pytest.fixture
def host_url(tmp_path: Path) -> str:
    return make_host(f"sqlite:///{tmp_path / 'drtux.sqlite'}")


def test_reads_the_blob_as_plain_text(host_url: str) -> None:
    records = MedinTuxRecords(host_url)
    assert records.text(160651) == TEXT
    assert records.text(42) == "Dossier n° 42 introuvable dans la base MedinTux."


def test_plain_text_stays_as_is() -> None:
    assert html_to_text("Simple note &amp; suite") == "Simple note & suite"


def test_the_statements_quote_the_table_names_and_bind_the_key() -> None:
    for head, blobs in (("RubriquesHead", "RubriquesBlobs"), ("rubriqueshead", "rubriquesblobs")):
        blob_ref, blob = record_statements(head, blobs)
        for statement, name in ((blob_ref, head), (blob, blobs)):
            compiled = statement.compile(dialect=mysql.dialect())
            assert f"FROM `{name}`" in str(compiled)
            assert str(compiled).endswith(f"WHERE `{name}`.`RbDate_PrimKey` = %s")
            assert list(compiled.params) == ["key"]  # the key is bound, never in the text


@pytest.mark.mariadb
def test_the_lower_case_spelling_of_2_16_is_read_too(mariadb_database: str) -> None:
    """Only ``rubriqueshead``/``rubriquesblobs`` exist (case-sensitive names on Linux)."""
    records = MedinTuxRecords(make_host(mariadb_database, "rubriqueshead", "rubriquesblobs"))
    try:
        assert records.text(160651) == TEXT
    finally:
        records._get_engine().dispose()


def test_an_unreachable_host_database_is_raised(tmp_path: Path) -> None:
    from synoptic.db_errors import DatabaseFailure

    records = MedinTuxRecords(f"sqlite:///{tmp_path / 'missing' / 'x.sqlite'}")
    with pytest.raises(DatabaseFailure):
        records.text(160651)


def test_the_medintux_connection_of_the_configuration(tmp_path: Path, host_url: str) -> None:
    ini = tmp_path / "synoptux.ini"
    ini.write_text(DEFAULT_INI_TEXT, encoding="utf-8")
    assert host_records_of(load_config(ini)) is None
    marker = "vide = aucune connexion.\nURL="
    text_ = DEFAULT_INI_TEXT.replace(marker, marker + host_url)
    ini.write_text(text_, encoding="utf-8")
    reader = host_records_of(load_config(ini))
    assert isinstance(reader, MedinTuxRecords) and "radius" in reader.text(160651)
