"""Schema of the change feed and of the inbox log: two tables and the triggers that fill one.

``<prefix>changes`` gets one row per row written in the board's tables, by this program
*or by the host*: the host system inserts, updates and deletes straight into
``<prefix>encours`` / ``<prefix>encours_taches`` (seed 001 section 4.2), so only triggers in
the database see every write. ``CH_Rev`` (autoincrement) is the revision a screen passes
back to :class:`synoptic.feed.ChangeFeed`; ``CH_PK_encours`` names the patient concerned
(``NULL`` for the reference tables: boxes, states, task types, destinations, responsables,
and since schema 3 preset comments, roles, permissions and persons).

An ``AFTER DELETE`` trigger on ``encours`` also deletes the patient's tasks: the host's
``DELETE FROM synopt_encours ...`` otherwise leaves orphan task rows (2.16 bug 8). The
services delete the tasks of a patient before the patient (see :func:`_check_delete_order`),
so the trigger finds nothing left to delete when they remove one.

``<prefix>ingest_log`` records every inbox file committed (accepted or rejected), in the same
transaction as the admission, so that a crash between that commit and the file's move does
not admit the file twice.

A host's ``UPDATE`` of a patient or task row that leaves its revision (``EC_Revision``,
``EN_Revision``) as it was bumps it (``..._u_rev`` triggers), so a screen acting on what it
displayed before gets a conflict instead of overwriting the host's change. The services set
the revision themselves, one more than they read: the trigger then does nothing. MariaDB bumps
in a ``BEFORE UPDATE`` trigger (one write); SQLite cannot change ``NEW`` and updates the row
again ``AFTER``, which records one more change row for that patient (same patient: a reader
reloads it once).

The archive's triggers (a ``PATIENT_IN`` history row for every patient inserted, a
``PATIENT_OUT`` one for a patient the host deletes) are in
:mod:`synoptic.store.archive_triggers` and installed here with the others.

Trigger names carry :data:`TRIGGER_VERSION`; :func:`upgrade_feed_schema` creates what is
missing and replaces triggers of an older version, so a second run changes nothing. Every
identifier comes from our own models; no data value is ever part of these statements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    text,
)

from synoptic.messages import fit_utf8
from synoptic.store.archive_triggers import archive_triggers
from synoptic.store.models import Models
from synoptic.store.types import LegacyDateTime, local_now

__all__ = [
    "TRIGGER_VERSION",
    "FeedTables",
    "feed_tables",
    "fit_log_message",
    "trigger_names",
    "upgrade_feed_schema",
]

TRIGGER_VERSION = 1
OUTCOME_ACCEPTED = "accepted"
OUTCOME_REJECTED = "rejected"
# IL_Message is a TEXT column: 65,535 bytes on MariaDB (utf8mb4: 1 to 4 per character).
IL_MESSAGE_MAX_BYTES = 65_535

# Short table name -> column of the patient key (None: a reference table).
_PATIENT_TABLES = {"encours": "EC_PK", "encours_taches": "EN_PK_encours"}
# Short table name -> its revision column (optimistic concurrency of the screens).
_REVISIONS = {"encours": "EC_Revision", "encours_taches": "EN_Revision"}
# Schema 3 added the preset comments, roles, permissions and persons: screens reload what
# they show and what they protect when the administrator changes them.
_REFERENCE_TABLES = ("box", "etats", "taches", "etats_taches", "destinations", "responsables",
                     "commentaires", "roles", "permissions", "utilisateurs")
_OPS = {"I": "INSERT", "U": "UPDATE", "D": "DELETE"}


@dataclass(frozen=True)
class FeedTables:
    metadata: MetaData
    changes: Table
    ingest_log: Table


_TABLE_OPTIONS: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
}


@cache
def feed_tables(prefix: str) -> FeedTables:
    """The two tables for one table prefix (built once per prefix, own metadata)."""
    metadata = MetaData()
    changes = Table(
        f"{prefix}changes",
        metadata,
        # INTEGER PRIMARY KEY AUTOINCREMENT on SQLite: revisions are never reused, even after
        # the newest row is deleted.
        Column(
            "CH_Rev",
            BigInteger().with_variant(Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        Column("CH_Table", String(32), nullable=False),
        Column("CH_PK_encours", BigInteger, nullable=True),
        Column("CH_Op", String(1), nullable=False),
        Column("CH_Date", LegacyDateTime, server_default=local_now()),
        sqlite_autoincrement=True,
        **_TABLE_OPTIONS,
    )
    ingest_log = Table(
        f"{prefix}ingest_log",
        metadata,
        Column("IL_PK", Integer, primary_key=True, autoincrement=True),
        Column("IL_Name", String(255), nullable=False),
        Column("IL_Hash", String(64), nullable=False, unique=True),
        Column("IL_Date", LegacyDateTime, server_default=local_now()),
        Column("IL_Outcome", String(10), nullable=False),
        Column("IL_PK_encours", BigInteger, nullable=True),
        Column("IL_Message", Text, nullable=True),
        **_TABLE_OPTIONS,
    )
    return FeedTables(metadata, changes, ingest_log)


def fit_log_message(message: str) -> str:
    """An ingest-log message cut (with a marker) to what ``IL_Message`` holds on every
    database, so a huge value quoted in it never gets its file refused by MariaDB."""
    return fit_utf8(message, IL_MESSAGE_MAX_BYTES)


def trigger_names(prefix: str, dialect: str = "sqlite") -> list[str]:
    """Every trigger this version installs for ``prefix`` (for tests and diagnostics)."""
    return [name for name, _table, _sql in _wanted_triggers(prefix, dialect, _quote_plain)]


def _quote_plain(name: str) -> str:
    return f'"{name}"'


def _trigger_name(prefix: str, short: str, op: str, suffix: str = "") -> str:
    return f"{prefix}trg{TRIGGER_VERSION}_{short}_{op.lower()}{suffix}"


def _wanted_triggers(
    prefix: str, dialect: str, quote: Callable[[str], str]
) -> list[tuple[str, str, str]]:
    """(name, table, CREATE TRIGGER statement) for every trigger of this version."""
    q = quote  # identifier quoting of the dialect
    changes = q(f"{prefix}changes")
    # CH_Date in the database's own local time, like the other defaulted dates.
    now = "datetime('now','localtime')" if dialect == "sqlite" else "NOW()"

    def change_row(short: str, op: str, key: str) -> str:
        return (
            f"INSERT INTO {changes} (CH_Table, CH_PK_encours, CH_Op, CH_Date) "
            f"VALUES ('{short}', {key}, '{op}', {now});"
        )

    result: list[tuple[str, str, str]] = []

    def add(
        name: str, table: str, op: str, body: str, when: str = "", timing: str = "AFTER"
    ) -> None:
        head = (
            f"CREATE TRIGGER IF NOT EXISTS {q(name)} {timing} {_OPS[op]} ON {q(table)} "
            f"FOR EACH ROW{when} BEGIN {body} END"
        )
        result.append((name, table, head))

    tasks = q(f"{prefix}encours_taches")
    for short, column in _PATIENT_TABLES.items():
        table = f"{prefix}{short}"
        for op in _OPS:
            record = "OLD" if op == "D" else "NEW"
            body = change_row(short, op, f"{record}.{column}")
            if op == "D" and short == "encours":
                # The host's DELETE leaves the patient's tasks behind: remove them too.
                body += f" DELETE FROM {tasks} WHERE EN_PK_encours = OLD.EC_PK;"
            if op == "U":
                # A key that changes: the old patient changed too (lost a task, or moved).
                old_row = change_row(short, op, f"OLD.{column}")
                if dialect == "sqlite":
                    add(
                        _trigger_name(prefix, short, op, "_old"),
                        table,
                        op,
                        old_row,
                        when=f" WHEN OLD.{column} IS NOT NEW.{column}",
                    )
                else:
                    body += f" IF NOT (OLD.{column} <=> NEW.{column}) THEN {old_row} END IF;"
            add(_trigger_name(prefix, short, op), table, op, body)
        revision = _REVISIONS[short]
        bumped = f"COALESCE(OLD.{revision}, 0) + 1"
        name = _trigger_name(prefix, short, "U", "_rev")
        if dialect == "sqlite":
            # recursive_triggers is off: this UPDATE does not fire this trigger again (and
            # would not bump anyway: the revision then differs).
            add(
                name,
                table,
                "U",
                f"UPDATE {q(table)} SET {revision} = {bumped} WHERE rowid = NEW.rowid;",
                when=f" WHEN NEW.{revision} IS OLD.{revision}",
            )
        else:
            add(
                name,
                table,
                "U",
                f"IF NEW.{revision} <=> OLD.{revision} THEN SET NEW.{revision} = {bumped}; END IF;",
                timing="BEFORE",
            )
    for short in _REFERENCE_TABLES:
        for op in _OPS:
            add(
                _trigger_name(prefix, short, op),
                f"{prefix}{short}",
                op,
                change_row(short, op, "NULL"),
            )
    named = partial(_trigger_name, prefix)
    for name, short, op, when, body in archive_triggers(prefix, dialect, q, named):
        add(name, f"{prefix}{short}", op, body, when=when)
    return result


def _existing_triggers(conn: Connection) -> dict[str, str]:
    """Trigger name -> table name, for the current database."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(
            text("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        ).all()
    else:
        rows = conn.execute(
            text(
                "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS "
                "WHERE TRIGGER_SCHEMA = DATABASE()"
            )
        ).all()
    return {str(name): str(table) for name, table in rows}


def _is_ours(name: str, prefix: str) -> bool:
    """A trigger this module installed, of any version (``<prefix>trg<N>_...``)."""
    rest = name[len(prefix) :] if name.startswith(prefix) else ""
    if not rest.startswith("trg"):
        return False
    version, _, tail = rest[3:].partition("_")
    return version.isdigit() and bool(tail)


def upgrade_feed_schema(conn: Connection, models: Models) -> list[str]:
    """Create the two tables and the triggers when missing; return what was done."""
    prefix = models.prefix
    tables = feed_tables(prefix)
    changes: list[str] = []
    present = set(inspect(conn).get_table_names())
    for table in (tables.changes, tables.ingest_log):
        if table.name not in present:
            table.create(conn)
            changes.append(f"table {table.name} créée")
    preparer = conn.dialect.identifier_preparer
    wanted = _wanted_triggers(prefix, conn.dialect.name, preparer.quote_identifier)
    wanted_names = {name for name, _table, _sql in wanted}
    our_tables = {t.lower() for _n, t, _s in wanted}
    existing = _existing_triggers(conn)
    for name, on_table in existing.items():
        # An older version of our triggers: replaced by this version's.
        if name not in wanted_names and on_table.lower() in our_tables and _is_ours(name, prefix):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {preparer.quote_identifier(name)}")
            changes.append(f"déclencheur {name} supprimé (ancienne version)")
    for name, _table, sql in wanted:
        if name in existing:
            continue
        conn.exec_driver_sql(sql)
        changes.append(f"déclencheur {name} créé")
    return changes
