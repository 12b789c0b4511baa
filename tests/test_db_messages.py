"""Driver errors in French (synoptic/db_messages.py): built with the real drivers where a
real failure is cheap (a closed port, a wrong password, an unknown database, a SQLite path
that cannot be opened, a locked file), by hand for the rest."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pymysql
import pytest
from conftest import MARIADB_REQUIRED, mariadb_unavailable_reason
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from synoptic.db_messages import (
    Problem,
    describe_database_error,
    french_database_error,
    missing_sqlite_file,
    missing_sqlite_file_problem,
)


def failure(url: str, sql: str = "SELECT 1", **connect_args: object) -> SQLAlchemyError:
    """The error SQLAlchemy raises when ``sql`` runs on ``url``."""
    engine = create_engine(url, connect_args=connect_args)
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    except SQLAlchemyError as err:
        return err
    finally:
        engine.dispose()
    raise AssertionError(f"{url} answered {sql}")


@pytest.fixture
def mariadb_server() -> str:
    reason = mariadb_unavailable_reason()
    if reason is not None:
        if MARIADB_REQUIRED:
            pytest.fail(f"SYNOPTUX_TEST_MARIADB=1 but {reason}")
        pytest.skip(reason.splitlines()[0])
    from conftest import MARIADB_SERVER

    return MARIADB_SERVER


def test_closed_port_is_an_unreachable_server() -> None:
    err = failure("mysql+pymysql://root@127.0.0.1:1/x", connect_timeout=3)
    problem = describe_database_error(err)
    assert problem.kind is Problem.UNREACHABLE
    assert problem.summary == "serveur injoignable"
    assert problem.detail.startswith("(2003) Can't connect to MySQL server on '127.0.0.1'")
    sentence = french_database_error(err)
    assert sentence.startswith("serveur injoignable : vérifiez que le serveur")
    assert sentence.endswith(f"(détail : {problem.detail})")


def test_wrong_password_is_access_denied(mariadb_server: str) -> None:
    url = make_url(mariadb_server).set(password="not-the-password-kiosk")
    err = failure(url.render_as_string(hide_password=False), connect_timeout=3)
    problem = describe_database_error(err)
    assert (problem.kind, problem.summary) == (Problem.ACCESS_DENIED, "accès refusé")
    assert problem.detail.startswith("(1045) Access denied")
    assert "not-the-password-kiosk" not in french_database_error(err)


def test_unknown_database(mariadb_server: str) -> None:
    url = make_url(mariadb_server).set(database="synoptux_kiosk_absent_db")
    err = failure(url.render_as_string(hide_password=False), connect_timeout=3)
    problem = describe_database_error(err)
    assert (problem.kind, problem.summary) == (Problem.UNKNOWN_DATABASE, "base inconnue")
    assert "(1049) Unknown database 'synoptux_kiosk_absent_db'" == problem.detail
    assert "CREATE DATABASE" in problem.advice


def test_a_user_without_rights_on_the_database_is_not_told_to_check_its_password(
    mariadb_server: str,
) -> None:
    """A user granted one database, as an administrator sets one up, naming another (or a
    misspelt one) gets 1044: it was worded "check the user and password"."""
    import uuid

    name = f"synoptux_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(mariadb_server)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE USER '{name}'@'%' IDENTIFIED BY 'pw-{name}'"))
            conn.execute(text(f"GRANT ALL ON `{name}`.* TO '{name}'@'%'"))
        url = make_url(mariadb_server).set(username=name, password=f"pw-{name}",
                                           database=f"{name}_misspelt")
        err = failure(url.render_as_string(hide_password=False), connect_timeout=3)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP USER IF EXISTS '{name}'@'%'"))
        admin.dispose()
    problem = describe_database_error(err)
    assert problem.kind is Problem.DATABASE_DENIED
    assert problem.detail.startswith("(1044) Access denied")
    assert "n'existe pas ou cet utilisateur n'y a aucun droit" in problem.advice
    assert "mot de passe de [Connexion]" not in problem.advice


def test_missing_table_on_mariadb_says_init_db(mariadb_server: str) -> None:
    err = failure(mariadb_server.rstrip("/") + "/mysql", "SELECT * FROM synopt_box")
    problem = describe_database_error(err)
    assert problem.kind is Problem.SCHEMA_MISSING
    assert "synoptux init-db" in problem.sentence() and "(1146)" in problem.detail


@pytest.mark.parametrize("where", ["missing-folder/x.sqlite", "a-folder"])
def test_sqlite_file_that_cannot_be_opened(tmp_path: Path, where: str) -> None:
    (tmp_path / "a-folder").mkdir()
    err = failure(f"sqlite:///{tmp_path / where}")
    problem = describe_database_error(err)
    assert (problem.kind, problem.summary) == (
        Problem.CANNOT_OPEN_FILE,
        "fichier impossible à ouvrir",
    )
    assert problem.detail == "unable to open database file"


def test_sqlite_locked(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        err = failure(f"sqlite:///{path}", "SELECT * FROM t", timeout=0)
    finally:
        holder.close()
    problem = describe_database_error(err)
    assert (problem.kind, problem.summary) == (Problem.LOCKED, "base verrouillée")
    assert problem.detail == "database is locked"


def test_sqlite_missing_table_and_not_a_database(tmp_path: Path) -> None:
    err = failure("sqlite://", "SELECT * FROM synopt_box")
    assert describe_database_error(err).kind is Problem.SCHEMA_MISSING
    assert "lancez « synoptux init-db »" in french_database_error(err)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"x" * 200)
    err = failure(f"sqlite:///{garbage}", "SELECT * FROM t")
    assert describe_database_error(err).kind is Problem.NOT_A_DATABASE


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (2002, Problem.UNREACHABLE),
        (2005, Problem.UNREACHABLE),
        (2006, Problem.UNREACHABLE),
        (2013, Problem.UNREACHABLE),
        (1044, Problem.DATABASE_DENIED),
        (1142, Problem.ACCESS_DENIED),
        (1205, Problem.LOCKED),
        (1064, Problem.OTHER),
    ],
)
def test_mysql_error_numbers(code: int, kind: Problem) -> None:
    driver = pymysql.err.OperationalError(code, "message du serveur")
    wrapped = OperationalError("SELECT 1", {}, driver)
    for err in (wrapped, driver):
        problem = describe_database_error(err)
        assert problem.kind is kind
        assert problem.detail == f"({code}) message du serveur"


def test_other_errors_keep_the_first_line_of_their_detail() -> None:
    problem = describe_database_error(RuntimeError("\n  première ligne\nseconde"))
    assert problem.kind is Problem.OTHER
    assert problem.sentence() == (
        "erreur de la base de données : voir le détail ci-dessous (détail : première ligne)"
    )
    assert describe_database_error(TimeoutError("pas de réponse")).kind is Problem.UNREACHABLE


def test_missing_sqlite_file(tmp_path: Path) -> None:
    present = tmp_path / "present.sqlite"
    present.touch()
    assert missing_sqlite_file(f"sqlite:///{tmp_path / 'absent.sqlite'}") == (
        tmp_path / "absent.sqlite"
    )
    assert missing_sqlite_file(f"sqlite:///{present}") is None
    assert missing_sqlite_file("sqlite://") is None
    assert missing_sqlite_file("sqlite:///:memory:") is None
    assert missing_sqlite_file("mysql+pymysql://u@h/b") is None
    sentence = missing_sqlite_file_problem(tmp_path / "absent.sqlite").sentence()
    assert sentence.startswith("fichier de base absent : le fichier ")
    assert "synoptux init-db" in sentence


def test_the_boards_error_message_words_known_errors_in_french() -> None:
    from ui.live import database_error_message

    locked = OperationalError("UPDATE x", {}, pymysql.err.OperationalError(1205, "Lock wait"))
    assert database_error_message(locked) == (
        "Erreur de la base de données : base verrouillée : un autre programme garde la base "
        "occupée ; réessayez dans un instant, sinon cherchez le programme qui la bloque "
        "(détail : (1205) Lock wait)"
    )
    other = OperationalError("x", {}, pymysql.err.OperationalError(1064, "syntax"))
    assert database_error_message(other) == "Erreur de la base de données : (1064) syntax"
