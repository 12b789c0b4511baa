"""SQL constructs of the statistics' reads: a stored local time as whole seconds.

PyMySQL decodes every field in Python (about a microsecond each, three for a ``DATETIME``),
so a year of tasks read as dates costs seconds on MariaDB.  The reads therefore get each
time as seconds since 1970-01-01 (wall-clock arithmetic: no time zone, no DST involved) and
pack the few values a row needs into one text field, which Python splits in C.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, and_, cast, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

EPOCH = datetime(1970, 1, 1)
# A window longer than this holds most of a year's history: SQLite is told so (see
# :func:`long_range`).
LONG_WINDOW = timedelta(days=62)
SEPARATOR = "\x1f"  # ASCII unit separator: typed by nobody into a code or a key


class epoch_seconds(FunctionElement[int]):
    """Seconds from 1970-01-01 00:00 to a stored local date and time (both wall clock)."""

    type = Integer()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # strftime reads 'YYYY-MM-DD HH:MM[:SS]' (and 'T') as UTC: plain wall-clock seconds.
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "mysql")
@compiles(epoch_seconds, "mariadb")
def _epoch_mysql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', {compiler.process(element.clauses, **kw)})"


class unindexed(FunctionElement[Any]):
    """A column SQLite will not look up in an index (``+column``: the unary plus is a no-op
    on any value); the column itself elsewhere."""

    inherit_cache = True

    def __init__(self, column: ColumnElement[Any]) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def long_range(column: Any, lo: datetime, hi: datetime) -> ColumnElement[bool]:
    """``column`` in ``[lo, hi)``.  Over a long window SQLite's planner (it cannot see bound
    values) would still take the (action, date) index, look every row up and sort them for a
    GROUP BY; kept off the date it scans a covering index already in the grouping's order
    (0.9 s rather than 1.3 s for a year's tasks).  MariaDB estimates ranges itself."""
    if hi - lo > LONG_WINDOW:
        column = unindexed(column)
    return and_(column >= lo, column < hi)


class iso_time(FunctionElement[str]):
    """A stored date and time as ``YYYY-MM-DD HH:MM:SS`` text (NULL when SQLite cannot read
    it, as :class:`epoch_seconds`)."""

    type = String()
    inherit_cache = True


@compiles(iso_time, "sqlite")
def _iso_sqlite(element: iso_time, compiler: Any, **kw: Any) -> str:
    return f"datetime({compiler.process(element.clauses, **kw)})"


@compiles(iso_time, "mysql")
@compiles(iso_time, "mariadb")
def _iso_mysql(element: iso_time, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS CHAR)"


def from_seconds(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def to_seconds(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds())


def packed(*parts: Any) -> ColumnElement[str]:
    """The parts in one text field, separated by :data:`SEPARATOR` (NULL parts as empty
    text); split with ``maxsplit`` so that the last part may hold anything."""
    text: ColumnElement[str] | None = None
    for part in parts:
        as_text = part if isinstance(part.type, String) else cast(part, String)
        piece = func.coalesce(as_text, "")
        text = piece if text is None else text + SEPARATOR + piece
    assert text is not None
    return text
