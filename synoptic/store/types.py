"""Column types that absorb what hosts and the legacy program wrote.

Synoptux 2.16 wrote ``1000-01-01 01:01`` for "no date" and hosts insert date strings
by hand, so every date column goes through :class:`LegacyDateTime`: anything before
2000, empty or unreadable reads as ``None``.  On SQLite dates are stored as
``YYYY-MM-DD HH:MM:SS`` text, the format the host macros write, so that raw SQL and
ORM writes sort and compare alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine

NOT_SET_BEFORE = datetime(2000, 1, 1)
SQL_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_READ_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
)


def parse_db_datetime(value: object) -> datetime | None:
    """Read a stored date; ``None`` for empty, unreadable or legacy "none" dates."""
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed: datetime | None = value
    else:
        text = str(value).strip()
        parsed = None
        for fmt in _READ_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None or parsed < NOT_SET_BEFORE:
        return None
    return parsed.replace(microsecond=0, tzinfo=None)


class LegacyDateTime(TypeDecorator[datetime]):
    """A naive local date and time; dates before 2000 mean "not set"."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(19))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, datetime):
            value = value.replace(microsecond=0, tzinfo=None)
            return value.strftime(SQL_DATETIME_FORMAT) if dialect.name == "sqlite" else value
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return parse_db_datetime(value)


class local_now(FunctionElement[datetime]):
    """Server-side "now" in local time, for column defaults a host INSERT leaves out."""

    type = DateTime()
    inherit_cache = True


@compiles(local_now, "sqlite")
def _local_now_sqlite(element: local_now, compiler: Any, **kw: Any) -> str:
    return "(datetime('now','localtime'))"


@compiles(local_now)
def _local_now_default(element: local_now, compiler: Any, **kw: Any) -> str:
    return "CURRENT_TIMESTAMP"
