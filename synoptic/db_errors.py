"""Which database errors mean the database cannot be reached: for callers outside the core,
which catch :data:`DatabaseFailure` and never name the database library.

``synoptic.db_messages`` words an error in French, ``synoptic.transient`` decides whether
it is worth retrying; this module tells an outage from a refused statement.
"""

from __future__ import annotations

from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

__all__ = ["DatabaseFailure", "NoAnswer", "is_outage"]

# Every failure of a read or of a write: the database unreachable, a statement refused.
DatabaseFailure = SQLAlchemyError


class NoAnswer(TimeoutError):
    """The database did not answer in time (raised by whoever waits, not by the driver)."""


def is_outage(err: BaseException) -> bool:
    """The database cannot be reached (as opposed to a statement it refused).

    Connection failures are ``OperationalError`` (server gone, timeout, SQLite file
    unreachable) or ``InterfaceError`` (connection closed under us); SQLAlchemy also flags
    any error after which it dropped the connection.  An ``IntegrityError`` or
    ``DataError`` is a refusal of one statement: the database is there."""
    if isinstance(err, (OperationalError, InterfaceError, NoAnswer)):
        return True
    return isinstance(err, SQLAlchemyError) and bool(getattr(err, "connection_invalidated", False))
