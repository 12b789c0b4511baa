"""The "retry later" rule (pure) and the retry schedule of an outage (pure)."""

from __future__ import annotations

import sqlite3

import pymysql
import pytest
from sqlalchemy import exc as sa

from synoptic.ingest.backoff import RetryBackoff
from synoptic.transient import describe, is_transient


def wrapped(kind: type[sa.DBAPIError], orig: BaseException) -> sa.DBAPIError:
    """What SQLAlchemy raises around a driver's error."""
    return kind("INSERT INTO synopt_encours ...", {}, orig)  # type: ignore[arg-type]


def sqlite_error(kind: type[sqlite3.Error], message: str, code: int | None) -> sqlite3.Error:
    err = kind(message)
    if code is not None:
        err.sqlite_errorcode = code  # type: ignore[attr-defined]
    return err


REFUSED = "Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused)"


@pytest.mark.parametrize(
    "err",
    [
        wrapped(sa.OperationalError, pymysql.err.OperationalError(2003, REFUSED)),
        wrapped(sa.OperationalError, pymysql.err.OperationalError(2002, "socket")),
        wrapped(sa.OperationalError, pymysql.err.OperationalError(2005, "unknown host")),
        wrapped(sa.OperationalError, pymysql.err.OperationalError(2006, "gone away")),
        wrapped(sa.OperationalError, pymysql.err.OperationalError(2013, "Lost connection")),
        wrapped(sa.OperationalError, pymysql.err.OperationalError(2055, "Lost connection")),
        wrapped(sa.OperationalError, pymysql.err.OperationalError(1040, "Too many connections")),
        wrapped(sa.OperationalError, pymysql.err.OperationalError(1053, "Server shutdown")),
        wrapped(sa.InternalError, pymysql.err.InternalError(1205, "Lock wait timeout")),
        wrapped(sa.OperationalError, pymysql.err.OperationalError(1213, "Deadlock found")),
        wrapped(sa.InternalError, pymysql.err.InternalError(1927, "Connection was killed")),
        wrapped(sa.InternalError, pymysql.err.InternalError(4031, "disconnected by server")),
        wrapped(sa.InternalError, pymysql.err.InternalError(1290, "--read-only")),
        wrapped(sa.OperationalError, pymysql.err.OperationalError(1045, "Access denied")),
        wrapped(sa.ProgrammingError, pymysql.err.ProgrammingError(1146, "doesn't exist")),
        wrapped(sa.InterfaceError, pymysql.err.InterfaceError(0, "")),
        # an overloaded or troubled server: never the file's fault
        *(
            wrapped(sa.OperationalError, pymysql.err.OperationalError(code, "server trouble"))
            for code in (1030, 1036, 1037, 1038, 1041, 1135, 1152, 1184, 1158, 1159, 1160, 1161)
        ),
        wrapped(
            sa.InternalError,
            pymysql.err.InternalError(
                1030, 'Got error 28 "No space left on device" from storage engine InnoDB'
            ),
        ),
        wrapped(
            sa.OperationalError,
            sqlite_error(sqlite3.OperationalError, "database is locked", 5),
        ),
        wrapped(
            sa.OperationalError,
            sqlite_error(sqlite3.OperationalError, "database table is locked", 6),
        ),
        wrapped(
            sa.OperationalError,
            sqlite_error(sqlite3.OperationalError, "unable to open database file", 14),
        ),
        wrapped(
            sa.OperationalError,
            sqlite_error(sqlite3.OperationalError, "disk I/O error", 10 | (3 << 8)),
        ),
        wrapped(sa.OperationalError, sqlite_error(sqlite3.OperationalError, "busy", None)),
        sa.DisconnectionError("pre-ping failed"),
        sa.TimeoutError("QueuePool limit of size 5 overflow 10 reached"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        OSError(113, "No route to host"),
    ],
    ids=lambda err: describe(err)[:40],
)
def test_the_state_of_the_database_means_retry_later(err: BaseException) -> None:
    assert is_transient(err)


def test_an_error_flagged_as_a_dropped_connection_means_retry_later() -> None:
    err = wrapped(sa.InternalError, pymysql.err.InternalError(9999, "odd"))
    assert not is_transient(err)
    err.connection_invalidated = True
    assert is_transient(err)


@pytest.mark.parametrize(
    "err",
    [
        wrapped(sa.IntegrityError, pymysql.err.IntegrityError(1062, "Duplicate entry")),
        wrapped(sa.IntegrityError, pymysql.err.IntegrityError(1048, "cannot be null")),
        wrapped(sa.DataError, pymysql.err.DataError(1406, "Data too long for column")),
        wrapped(sa.DataError, pymysql.err.DataError(1366, "Incorrect string value")),
        wrapped(sa.OperationalError, pymysql.err.OperationalError(4025, "CONSTRAINT failed")),
        wrapped(sa.ProgrammingError, pymysql.err.ProgrammingError(1064, "syntax")),
        wrapped(
            sa.IntegrityError,
            sqlite_error(sqlite3.IntegrityError, "UNIQUE constraint failed", 2067),
        ),
        wrapped(sa.OperationalError, sqlite_error(sqlite3.OperationalError, "near x", 1)),
        # a value that happens to read like an outage is still a value
        wrapped(
            sa.IntegrityError,
            pymysql.err.IntegrityError(1062, "Duplicate entry 'database is locked'"),
        ),
        ValueError("Heure illisible"),
        KeyError("bug"),
        # the file system's errors are not the database's (archiving an entry file)
        OSError(5, "Input/output error"),
        PermissionError(13, "Permission denied"),
        FileNotFoundError(2, "No such file or directory"),
    ],
    ids=lambda err: describe(err)[:40],
)
def test_what_the_file_or_a_bug_caused_is_not_transient(err: BaseException) -> None:
    assert not is_transient(err)


def test_a_bug_while_handling_a_socket_error_is_still_a_bug() -> None:
    try:
        try:
            raise ConnectionResetError(104, "reset")
        except OSError:
            raise KeyError("bug") from None
    except KeyError as err:
        assert not is_transient(err)


def test_describe_gives_the_drivers_first_line() -> None:
    err = wrapped(sa.OperationalError, pymysql.err.OperationalError(2003, REFUSED))
    assert describe(err) == f'(2003, "{REFUSED}")'
    locked = wrapped(sa.OperationalError, sqlite3.OperationalError("database is locked\nx"))
    assert describe(locked) == "database is locked"


# ---------------------------------------------------------------------- backoff


def test_retries_start_at_the_check_period_and_double_up_to_the_ceiling() -> None:
    backoff = RetryBackoff(base_s=10.0, ceiling_s=60.0)
    assert backoff.delay() == 10.0
    delays = []
    for n in range(6):
        backoff.failed(float(n), "refused")
        delays.append(backoff.delay())
    assert delays == [10.0, 20.0, 40.0, 60.0, 60.0, 60.0]
    backoff.succeeded(100.0)
    assert backoff.delay() == 10.0 and backoff.failures == 0


def test_the_ceiling_is_never_below_the_check_period() -> None:
    backoff = RetryBackoff(base_s=120.0, ceiling_s=60.0)
    backoff.failed(0.0, "x")
    backoff.failed(1.0, "x")
    assert backoff.delay() == 120.0


def test_an_outage_is_two_lines_whatever_its_length() -> None:
    backoff = RetryBackoff(base_s=10.0)
    start = backoff.failed(1000.0, '(2003, "Can\'t connect")', {"a.txt"})
    assert start is not None and "\n" not in start
    assert start.startswith("Base de données indisponible : (2003")
    assert "nouvel essai dans 10 s" in start and "au plus toutes les 60 s" in start
    for n in range(500):
        assert backoff.failed(1000.0 + n, "(2013, 'Lost connection')", {"b.txt", "a.txt"}) is None
    end = backoff.succeeded(1600.0, ["a.txt", "c.txt"])
    assert end == (
        "Base de données de nouveau disponible après 600 s d'indisponibilité : "
        "3 fichier(s) d'entrée en attente repris (501 essai(s) en échec)"
    )
    assert backoff.succeeded(1601.0) is None
    assert not backoff.in_outage
