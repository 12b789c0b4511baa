"""Shared fixtures: a seeded store on SQLite and, when available, on MariaDB.

MariaDB tests run when ``SYNOPTUX_TEST_MARIADB=1`` (CI sets it: then an unreachable
server is an error, not a skip) or when a server answers at
``SYNOPTUX_TEST_MARIADB_URL`` (default ``mysql+pymysql://root@127.0.0.1:3306``);
otherwise they skip with a one-line reason.  Each test gets its own database, dropped
afterwards.

Synoptux 2.16's own files (entry files, style sheet, database dump) are reproduced by hand
in ``tests/fixtures`` and always tested; the originals in ``../shared/reference`` (beside
the repository in CI, absent from a user's clone) are tested too when they are there:
``original_216`` skips otherwise.

The board's tests (``tests/test_ui_*.py``) share one fixture, ``env``: a
:class:`ui_support.BoardEnv` on a seeded SQLite store (Qt is imported only when a test asks
for it).  ``test_cli.py`` and ``test_watch.py`` declare an ``env`` of their own, which
wins in those files.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pymysql  # type: ignore[import-untyped]
import pytest
from pymysql.constants import CLIENT  # type: ignore[import-untyped]
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url

from synoptic.services import BoardServices
from synoptic.store.db import Store, open_store
from synoptic.store.seed import create_or_upgrade

if TYPE_CHECKING:
    from ui_support import BoardEnv

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
LEGACY_DIR = SHARED / "reference" / "synoptux-2.16"
FIXTURES = REPO / "tests" / "fixtures"
NOW = datetime(2026, 11, 21, 14, 0, 0)

MARIADB_REQUIRED = os.environ.get("SYNOPTUX_TEST_MARIADB") == "1"
# CI sets it (../shared is beside its clone): then a missing original file fails, not skips.
SHARED_REQUIRED = os.environ.get("SYNOPTUX_TEST_SHARED") == "1"
MARIADB_SERVER = os.environ.get("SYNOPTUX_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306")
_mariadb_state: dict[str, str | None] = {}
DATABASE_NAME = re.compile(r"[A-Za-z0-9_]+")


def original_216(name: str) -> Path:
    """The original 2.16 file ``name`` of ``../shared/reference``; skips the test without it."""
    path = LEGACY_DIR / name
    if not path.is_file():
        if SHARED_REQUIRED:
            pytest.fail(f"SYNOPTUX_TEST_SHARED=1 but {path} is missing")
        pytest.skip(f"../shared/reference absent: the original 2.16 {name} is not beside the clone")
    return path


def _server_url() -> URL:
    return make_url(MARIADB_SERVER)


def mariadb_unavailable_reason() -> str | None:
    """``None`` when the server answers, else why not (cached)."""
    if "reason" not in _mariadb_state:
        try:
            engine = create_engine(_server_url(), connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _mariadb_state["reason"] = None
        except Exception as err:  # noqa: BLE001 - any failure means "no server"
            _mariadb_state["reason"] = f"MariaDB injoignable à {MARIADB_SERVER}: {err}"
    return _mariadb_state["reason"]


@pytest.fixture
def mariadb_database() -> Iterator[str]:
    """A new, uniquely named, empty MariaDB database; yields its URL; dropped afterwards."""
    with new_mariadb_database() as url:
        yield url


@contextmanager
def new_mariadb_database() -> Iterator[str]:
    """What :func:`mariadb_database` yields, for fixtures of a wider scope or a second
    database in one test; skips (or fails, ``SYNOPTUX_TEST_MARIADB=1``) without a server."""
    reason = mariadb_unavailable_reason()
    if reason is not None:
        if MARIADB_REQUIRED:
            pytest.fail(f"SYNOPTUX_TEST_MARIADB=1 but {reason}")
        pytest.skip(reason.splitlines()[0])
    name = f"synoptux_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_server_url(), isolation_level="AUTOCOMMIT")
    quoted = quoted_database(admin, name)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {quoted} CHARACTER SET utf8mb4 "
                          "COLLATE utf8mb4_unicode_ci"))
    try:
        yield _server_url().set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {quoted}"))
        admin.dispose()


def quoted_database(engine: Engine, name: str) -> str:
    """``name`` as an identifier of ``engine``'s dialect, once checked to be only letters,
    digits and underscores: no value reaches the SQL text unchecked."""
    if DATABASE_NAME.fullmatch(name) is None:
        raise ValueError(f"refused test database name: {name!r}")
    return engine.dialect.identifier_preparer.quote(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'synoptux.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend."""
    fixture = "sqlite_url" if request.param == "sqlite" else "mariadb_database"
    return str(request.getfixturevalue(fixture))


def make_seeded_store(url: str) -> Store:
    store = open_store(url)
    create_or_upgrade(store)
    return store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A store with the schema and the French reference data, on SQLite and MariaDB."""
    s = make_seeded_store(db_url)
    yield s
    s.dispose()


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    s = make_seeded_store(sqlite_url)
    yield s
    s.dispose()


@pytest.fixture
def services(store: Store) -> BoardServices:
    return BoardServices(store, "test-screen")


@pytest.fixture
def env(
    request: pytest.FixtureRequest, sqlite_store: Store, sqlite_url: str, tmp_path: Path
) -> Iterator[BoardEnv]:
    """Boards on a seeded SQLite store with the default ini (a file in ``tmp_path``), a
    clock the test moves and scripted dialogs; the boards made are shut down afterwards.

    Settings that differ come as sections of :meth:`BoardEnv.configure`, in the test or
    by indirect parametrization::

        @pytest.mark.parametrize("env", [{"display": {"scale": 1.5}}], indirect=True)
    """
    from ui_support import BoardEnv, make_config  # Qt: only for the tests of the board

    environment = BoardEnv(sqlite_store, make_config(tmp_path, sqlite_url))
    settings: dict[str, Any] = getattr(request, "param", {})
    environment.configure(**settings)
    yield environment
    environment.close()


# ------------------------------------------------------------------- 2.16 database dumps


@dataclass(frozen=True)
class LegacyDump:
    """A dump of a Synoptux 2.16 database (MyISAM, utf8) and what it holds."""

    name: str
    original: bool  # in ../shared/reference, else in tests/fixtures
    counts: dict[str, int]  # rows per table
    exits: int  # destinations of type Sortie
    patients: frozenset[int]  # EC_PK of the patients on the board

    def path(self) -> Path:
        return original_216(self.name) if self.original else FIXTURES / self.name


LEGACY_DUMPS = {
    "fixtures": LegacyDump(
        name="synoptux-2.16-schema.sql",
        original=False,
        counts={
            "synopt_box": 6,
            "synopt_taches": 5,
            "synopt_etats": 7,
            "synopt_etats_taches": 16,
            "synopt_destinations": 4,
            "synopt_encours": 2,
            "synopt_encours_taches": 3,
            "synopt_historique": 3,
        },
        exits=3,
        patients=frozenset({4400, 4401}),
    ),
    # the dump of a real installation: reference rows only
    "2.16": LegacyDump(
        name="synoptuxBases.sql",
        original=True,
        counts={
            "synopt_box": 17,
            "synopt_taches": 55,
            "synopt_etats": 18,
            "synopt_etats_taches": 219,
            "synopt_destinations": 27,
            "synopt_encours": 0,
            "synopt_encours_taches": 0,
            "synopt_historique": 0,
        },
        exits=27,
        patients=frozenset(),
    ),
}


@pytest.fixture(params=list(LEGACY_DUMPS))
def legacy_dump(request: pytest.FixtureRequest) -> LegacyDump:
    """Each 2.16 dump: the project's fixture, and the original when ../shared is there."""
    dump = LEGACY_DUMPS[request.param]
    dump.path()  # skips now, before a MariaDB database is made for nothing
    return dump


def load_legacy_dump(url: str, dump: LegacyDump) -> None:
    """Runs the dump, its schema name ``DrTuxTest`` replaced by the database of ``url``."""
    parsed = make_url(url)
    assert parsed.database
    sql = dump.path().read_text(encoding="utf-8").replace("DrTuxTest", parsed.database)
    conn = pymysql.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 3306,
        user=parsed.username or "root",
        password=parsed.password or "",
        database=parsed.database,
        charset="utf8mb4",
        client_flag=CLIENT.MULTI_STATEMENTS,
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            while cursor.nextset():
                pass
        conn.commit()
    finally:
        conn.close()
