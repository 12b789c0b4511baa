"""A connection kept for a screen's polls: one round trip per poll that finds nothing.

A board asks the change feed every 500 ms. Taking a pooled connection for each poll costs
the server a ping (on checkout), the query, and a ``ROLLBACK`` (on return): three round
trips where one is needed, 50 screens times two a second. On MariaDB the feed therefore
keeps one connection of its own, in autocommit mode: each ``SELECT`` sees what is committed
when it runs (each is its own transaction, as under ``READ COMMITTED``), holds no
transaction open between polls (no snapshot kept, no metadata lock blocking a schema
upgrade) and needs neither ping nor ``ROLLBACK``. Only ``SELECT``\\ s run on it: every
write goes through the services, one transaction each.

A dropped connection (server restarted, ``wait_timeout``, network cut) is found by the
query itself: the connection is dropped and the work tried once more on a new one (which
also makes the pool replace its own stale connections). When that fails too, the error is
raised: the screen shows its outage banner and polls on. SQLite is in-process: there a
connection is taken for each use, as before.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

__all__ = ["PollingConnection"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class PollingConnection:
    """Runs read-only work on a connection kept between calls (MariaDB/MySQL); callers in
    several threads wait for one another (a screen's polls run one after the other)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._keep = engine.dialect.name in ("mysql", "mariadb")
        self._held: Connection | None = None
        self._lock = threading.Lock()
        self._finalizer: weakref.finalize[[Connection], PollingConnection] | None = None

    def run(self, work: Callable[[Connection], T]) -> T:
        """``work(connection)``: read-only, and safe to run again after a failure."""
        if not self._keep:
            with self._engine.connect() as conn:
                return work(conn)
        with self._lock:  # one caller at a time on the kept connection, whatever the threads
            try:
                return work(self._connection())
            except Exception as err:
                self._drop()  # whatever went wrong, the next call starts on a clean connection
                if not (isinstance(err, DBAPIError) and err.connection_invalidated):
                    raise  # refused, no server at all, a statement refused: the caller's
                log.info("Connexion de lecture perdue, reprise sur une nouvelle : %s", err.orig)
            try:
                return work(self._connection())
            except Exception:
                self._drop()
                raise

    def close(self) -> None:
        """Close the kept connection (the next call opens a new one)."""
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        held, self._held = self._held, None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        if held is not None:
            _close_quietly(held)

    def _connection(self) -> Connection:
        if self._held is None:
            conn = self._engine.connect()
            try:
                conn.execution_options(isolation_level="AUTOCOMMIT")
                # Begun once, never ended: in autocommit mode BEGIN, COMMIT and ROLLBACK
                # are round trips for nothing, and a Session bound to it joins it.
                conn.begin()
            except BaseException:
                _close_quietly(conn)
                raise
            self._held = conn
            self._finalizer = weakref.finalize(self, _close_quietly, conn)
        return self._held


def _close_quietly(conn: Connection) -> None:
    """Close ``conn`` without a round trip: no ``ROLLBACK`` (nothing is open in autocommit
    mode) nor settings put back, which could wait for the read timeout on a cut network
    when a screen closes; the pool opens a new connection when it needs one."""
    try:
        conn.invalidate()
        conn.close()
    except Exception as err:  # noqa: BLE001 - closing a lost connection
        log.debug("fermeture d'une connexion de lecture : %s", err)
