"""Is a database error the database's state of the moment, or the fault of what we sent?

The inbox must never reject an entry file because the database was busy, restarting or out
of reach: such a file waits and is tried again later. Only an error caused by the file's own
values (a value too long, a constraint it breaks) rejects it. Asking the database afterwards
whether it is reachable cannot tell the two apart (the server may be back a millisecond
later; under SQLite's write lock reads still succeed), so the decision is taken from the
error itself: :func:`is_transient`.

"Retry later" (``True``):

- the connection: refused, lost, timed out, server gone away or shutting down, too many
  connections, killed, closed for inactivity; a socket (network) ``OSError``; SQLAlchemy's
  ``DisconnectionError``, pool ``TimeoutError`` and any error after which it dropped the
  connection (``connection_invalidated``);
- locks: lock wait timeout, deadlock, SQLite "database is locked" / "database table is
  locked" (``SQLITE_BUSY``, ``SQLITE_LOCKED``);
- the server's resources and mode: disk full, read-only (fail-over, a read-only table),
  statement timeout, out of memory or threads, a storage engine's error (no space left),
  a Galera node not ready; aborted connections and network read/write errors; SQLite
  "unable to open database file", I/O error, disk full;
- the installation: access denied, unknown database, missing table or privilege. No value
  of an entry file can cause these; rejecting every file until someone fixes the server
  would tell staff to fix files that are fine.

Everything else (``IntegrityError``, ``DataError``, a ``CHECK`` constraint, a bug of ours)
is not transient: the caller decides (the inbox rejects the file).

No SQLAlchemy session or Qt here: a pure function of the exception, tested on its own.
"""

from __future__ import annotations

import errno
import socket
import sqlite3

from sqlalchemy import exc as sa

__all__ = ["MYSQL_TRANSIENT_CODES", "SQLITE_TRANSIENT_CODES", "describe", "is_transient"]

# MariaDB / MySQL error numbers (client library 2xxx, server 1xxx-4xxx) that say nothing
# about the statement's values. Client errors:
# https://mariadb.com/kb/en/mariadb-error-code-reference/ (client error codes 2000-2999).
MYSQL_TRANSIENT_CODES: frozenset[int] = frozenset(
    {
        # client side: no connection, or lost
        2001,  # CR_SOCKET_CREATE_ERROR
        2002,  # CR_CONNECTION_ERROR: can't connect through the socket
        2003,  # CR_CONN_HOST_ERROR: can't connect (connection refused, timeout)
        2004,  # CR_IPSOCK_ERROR
        2005,  # CR_UNKNOWN_HOST (name server down)
        2006,  # CR_SERVER_GONE_ERROR: server has gone away
        2012,  # CR_SERVER_HANDSHAKE_ERR
        2013,  # CR_SERVER_LOST: lost connection during query
        2026,  # CR_SSL_CONNECTION_ERROR
        2055,  # CR_SERVER_LOST_EXTENDED
        # server: connections and shutdown
        1040,  # ER_CON_COUNT_ERROR: too many connections
        1203,  # ER_TOO_MANY_USER_CONNECTIONS
        1226,  # ER_USER_LIMIT_REACHED
        1129,  # ER_HOST_IS_BLOCKED (too many connection errors)
        1053,  # ER_SERVER_SHUTDOWN: shutdown in progress
        1317,  # ER_QUERY_INTERRUPTED (shutdown, KILL QUERY)
        1927,  # ER_CONNECTION_KILLED (MariaDB)
        4031,  # ER_CLIENT_INTERACTION_TIMEOUT: disconnected for inactivity
        # locks and timeouts
        1205,  # ER_LOCK_WAIT_TIMEOUT
        1213,  # ER_LOCK_DEADLOCK
        1020,  # ER_CHECKREAD: record changed since last read (snapshot isolation)
        1637,  # ER_TOO_MANY_CONCURRENT_TRXS
        1969,  # ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
        3024,  # ER_QUERY_TIMEOUT (MySQL max_execution_time)
        # resources and mode of the server
        1021,  # ER_DISK_FULL
        1114,  # ER_RECORD_FILE_FULL: the table is full
        1290,  # ER_OPTION_PREVENTS_STATEMENT: --read-only (fail-over)
        1792,  # ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
        1836,  # ER_READ_ONLY_MODE
        1047,  # ER_UNKNOWN_COM_ERROR: Galera node not ready ("WSREP has not yet prepared")
        1180,  # ER_ERROR_DURING_COMMIT
        1181,  # ER_ERROR_DURING_ROLLBACK
        # an overloaded or troubled server (MariaDB error reference, 1000-1199)
        1030,  # ER_GET_ERRNO: got error N from storage engine (28: no space left)
        1036,  # ER_OPEN_AS_READONLY: table is read only
        1037,  # ER_OUTOFMEMORY: out of memory; restart server and try again
        1038,  # ER_OUT_OF_SORTMEMORY
        1041,  # ER_OUT_OF_RESOURCES: out of memory
        1135,  # ER_CANT_CREATE_THREAD: can't create a new thread
        1152,  # ER_ABORTING_CONNECTION: aborted connection
        1184,  # ER_NEW_ABORTING_CONNECTION: aborted connection
        1158,  # ER_NET_READ_ERROR: error reading communication packets
        1159,  # ER_NET_READ_INTERRUPTED: timeout reading communication packets
        1160,  # ER_NET_ERROR_ON_WRITE: error writing communication packets
        1161,  # ER_NET_WRITE_INTERRUPTED: timeout writing communication packets
        # the installation (no value of a file causes these)
        1044,  # ER_DBACCESS_DENIED_ERROR
        1045,  # ER_ACCESS_DENIED_ERROR
        1049,  # ER_BAD_DB_ERROR: unknown database
        1130,  # ER_HOST_NOT_PRIVILEGED
        1142,  # ER_TABLEACCESS_DENIED_ERROR
        1143,  # ER_COLUMNACCESS_DENIED_ERROR
        1146,  # ER_NO_SUCH_TABLE
    }
)

# SQLite primary result codes (``sqlite_errorcode & 0xff``, Python 3.11+).
SQLITE_TRANSIENT_CODES: frozenset[int] = frozenset(
    {
        5,  # SQLITE_BUSY: database is locked
        6,  # SQLITE_LOCKED: database table is locked
        7,  # SQLITE_NOMEM
        8,  # SQLITE_READONLY: file or folder not writable (permissions, read-only mount)
        9,  # SQLITE_INTERRUPT
        10,  # SQLITE_IOERR: disk I/O error (network share gone)
        13,  # SQLITE_FULL: database or disk is full
        14,  # SQLITE_CANTOPEN: unable to open database file
        15,  # SQLITE_PROTOCOL: lock protocol error
    }
)

# The same, by message, for drivers and versions that give no code.
_TRANSIENT_MESSAGES = (
    "database is locked",
    "database table is locked",
    "database schema is locked",
    "database is busy",
    "unable to open database file",
    "disk i/o error",
    "database or disk is full",
    "attempt to write a readonly database",
    "no such table",
    "server has gone away",
    "lost connection",
    "can't connect to",
)

_NETWORK_ERRORS = (ConnectionError, TimeoutError, socket.gaierror, socket.herror)
_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.ETIMEDOUT,
        errno.EHOSTUNREACH,
        errno.EHOSTDOWN,
        errno.ENETUNREACH,
        errno.ENETDOWN,
        errno.ENETRESET,
        errno.EPIPE,
    }
)

_NEVER = (sa.IntegrityError, sa.DataError, sqlite3.IntegrityError, sqlite3.DataError)


def is_transient(err: BaseException) -> bool:
    """True when ``err`` means "the database cannot do it now, try again later"."""
    for candidate in _chain(err):
        verdict = _verdict(candidate)
        if verdict is not None:
            return verdict
    return False


def describe(err: BaseException) -> str:
    """The driver's first line (``(2003, "Can't connect ...")``, ``database is locked``)."""
    cause = getattr(err, "orig", None) or err
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__


def _chain(err: BaseException) -> list[BaseException]:
    """``err``, the driver's error it wraps, and its explicit causes (a few levels).

    Not ``__context__``: a bug raised while handling a socket error is still a bug."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [err]
    while todo and len(seen) < 8:
        item = todo.pop(0)
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        todo += [getattr(item, "orig", None), item.__cause__]
    return seen


def _verdict(err: BaseException) -> bool | None:
    """True/False when ``err`` alone decides; None to look at what it wraps."""
    if isinstance(err, _NEVER):
        return False
    if isinstance(err, sa.DBAPIError) and err.connection_invalidated:
        return True
    if isinstance(err, sa.DisconnectionError | sa.TimeoutError):
        return True
    if isinstance(err, OSError):
        # A network error is the database's; a file system error (EIO while archiving an
        # entry file, a full inbox disk) is not, and must not hold the file back for ever.
        return isinstance(err, _NETWORK_ERRORS) or err.errno in _NETWORK_ERRNOS
    if isinstance(err, sa.InterfaceError) and not isinstance(err.orig, sqlite3.Error):
        return True  # the DB-API connection closed under us (PyMySQL "(0, '')")
    if isinstance(err, sqlite3.Error):
        code = getattr(err, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in SQLITE_TRANSIENT_CODES:
            return True
        return _by_message(err) or "busy" in str(err).lower().split() or None
    code = err.args[0] if err.args else None
    if isinstance(code, int) and not isinstance(code, bool) and 1000 <= code < 5000:
        return code in MYSQL_TRANSIENT_CODES  # a server or client error number decides
    if isinstance(err, sa.SQLAlchemyError):
        return None  # decided by the driver's error it wraps
    return _by_message(err) or None


def _by_message(err: BaseException) -> bool:
    text = str(err).lower()
    return any(message in text for message in _TRANSIENT_MESSAGES)
