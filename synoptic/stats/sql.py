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


def _render(construct: type[FunctionElement[Any]], default: str = "{}", *,
            sqlite: str | None = None, mysql: str | None = None) -> None:
    """Compile ``construct(x)`` by dialect: each template's ``{}`` is ``x`` compiled."""

    def rendering(template: str) -> Any:
        def render(element: FunctionElement[Any], compiler: Any, **kw: Any) -> str:
            return template.format(compiler.process(element.clauses, **kw))
        return render

    compiles(construct)(rendering(default))
    if sqlite is not None:
        compiles(construct, "sqlite")(rendering(sqlite))
    if mysql is not None:
        compiles(construct, "mysql", "mariadb")(rendering(mysql))


class epoch_seconds(FunctionElement[int]):
    """Seconds from 1970-01-01 00:00 to a stored local date and time (both wall clock)."""

    type = Integer()
    inherit_cache = True


class iso_time(FunctionElement[str]):
    """A stored date and time as ``YYYY-MM-DD HH:MM:SS`` text (NULL when SQLite cannot read
    it, as :class:`epoch_seconds`)."""

    type = String()
    inherit_cache = True


class unindexed(FunctionElement[Any]):
    """A column SQLite will not look up in an index (``+column``: the unary plus is a no-op
    on any value); the column itself elsewhere."""

    inherit_cache = True

    def __init__(self, column: ColumnElement[Any]) -> None:
        super().__init__(column)
        self.type = column.type


# strftime reads 'YYYY-MM-DD HH:MM[:SS]' (and 'T') as UTC: plain wall-clock seconds.
_render(epoch_seconds, sqlite="CAST(strftime('%s', {}) AS INTEGER)",
        mysql="TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', {})")
_render(iso_time, sqlite="datetime({})", mysql="CAST({} AS CHAR)")
_render(unindexed, sqlite="+{}")


def long_range(column: Any, lo: datetime, hi: datetime) -> ColumnElement[bool]:
    """``column`` in ``[lo, hi)``.  Over a long window SQLite's planner (it cannot see bound
    values) would still take the (action, date) index, look every row up and sort them for a
    GROUP BY; kept off the date it scans a covering index already in the grouping's order
    (0.9 s rather than 1.3 s for a year's tasks).  MariaDB estimates ranges itself."""
    if hi - lo > LONG_WINDOW:
        column = unindexed(column)
    return and_(column >= lo, column < hi)


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
