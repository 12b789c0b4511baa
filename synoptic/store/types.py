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


class ExactString(String):
    """Text compared exactly and whole: same characters, same case, same accents.

    SQLite's default BINARY collation already does; on MariaDB/MySQL the column gets a
    binary collation without padding (``'abc' = 'abc '`` is true under a PAD SPACE one), so
    ``abc-def-é`` and ``ABC-DEF-E`` stay two values whatever the table's collation.
    """

    cache_ok = True


def exact_collation(dialect: Dialect) -> str:
    """The binary, NO PAD utf8mb4 collation this MariaDB/MySQL server has."""
    if getattr(dialect, "is_mariadb", False):
        return "utf8mb4_nopad_bin"  # MariaDB 10.2+
    version = getattr(dialect, "server_version_info", None) or ()
    return "utf8mb4_0900_bin" if tuple(version[:3]) >= (8, 0, 17) else "utf8mb4_bin"


@compiles(ExactString, "mysql")
@compiles(ExactString, "mariadb")
def _exact_string_mysql(element: ExactString, compiler: Any, **kw: Any) -> str:
    collation = exact_collation(compiler.dialect)
    return f"VARCHAR({element.length}) CHARACTER SET utf8mb4 COLLATE {collation}"


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
