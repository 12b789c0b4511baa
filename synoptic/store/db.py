"""Engine, sessions and in-place schema creation/upgrade.

Everything this project adds to Synoptux 2.16's schema is additive (new defaulted
columns, new tables, indexes) and recorded in ``<prefix>schema_version``, so
``upgrade_schema`` turns an existing 2.16 database (MyISAM, utf8) into the current
schema in place, and a second run finds nothing to do.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, String, Text, create_engine, event, inspect, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.schema import CreateColumn

from synoptic.db_urls import normalize_url
from synoptic.store.feed_schema import upgrade_feed_schema
from synoptic.store.models import DEFAULT_PREFIX, Models, models_for
from synoptic.store.role_seed import seed_roles
from synoptic.store.types import ExactString, exact_collation

# 1: revisions, history task numbers, responsables, feed and ingest log.
# 2: wider names, comments and GUID; GUIDs compared exactly on MariaDB; revision triggers.
# 3: administration: audit (values before/after), roles, permissions, persons with PIN
#    hashes, preset comments; active flags (boxes, states, task types) and orders (states,
#    destinations); the history's covering indexes for the statistics (flow rows, task
#    states); history: a task's planned start (TASK_ADD) and state code (TASK_STATE), and
#    the archive's triggers (PATIENT_IN / PATIENT_OUT of the host's own writes).
SCHEMA_VERSION = 3


def make_engine(url: str | URL, *, long_statements: bool = False, **kwargs: Any) -> Engine:
    """An engine for ``url``; ``long_statements`` lifts the MariaDB read timeout (schema
    upgrades of a big legacy table take minutes)."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() in ("mysql", "mariadb"):
        # A silent network cut must surface as an error (the outage banner), not hang
        # a screen for the TCP timeout: PyMySQL waits for ever by default.
        timeouts = {"connect_timeout": 5}
        if not long_statements:
            timeouts |= {"read_timeout": 15, "write_timeout": 15}
        kwargs.setdefault("connect_args", timeouts)
    engine = create_engine(
        parsed,
        pool_recycle=1800,
        pool_reset_on_return=None,  # _rollback_open_transactions does it, when needed
        # The connection returned last is taken first: the busy one stays busy, the others
        # idle (then pinged, or recycled) instead of taking turns.
        pool_use_lifo=True,
        isolation_level="READ COMMITTED",
        **kwargs,
    )
    _ping_idle_connections(engine)
    _rollback_open_transactions(engine)
    return engine


def _rollback_open_transactions(engine: Engine) -> None:
    """A connection given back to the pool skips the pool's ``ROLLBACK`` only when its
    transaction was ended by SQLAlchemy (a ``COMMIT`` or ``ROLLBACK`` with no statement
    after it) and the server's reply to that said no transaction is open.

    The pool's default is a ``ROLLBACK`` at every return, after the session's own
    ``COMMIT`` or ``ROLLBACK``: a second round trip that did nothing, for every read and
    every write (each entry file, each touch). PyMySQL keeps the status flags of the last
    OK packet (``SERVER_STATUS_IN_TRANS``), which the reply to a ``COMMIT`` or ``ROLLBACK``
    is; a ``SELECT``'s end-of-rows does not update them, hence the marker: anything run
    after the end (raw DBAPI use, a connection never closed and collected, a failed
    statement) keeps the rollback, and so does any other driver."""
    status_flags = getattr(getattr(engine.dialect.loaded_dbapi, "constants", None),
                           "SERVER_STATUS", None)
    in_transaction = getattr(status_flags, "SERVER_STATUS_IN_TRANS", None)

    @event.listens_for(engine, "checkout")
    def _on_checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        record.info[_ENDED] = False

    def mark(conn: Connection, ended: bool) -> None:
        # An invalidated connection (the server went away) has no DBAPI connection under
        # it to mark, and asking for one would raise: the pool discards it anyway.
        if not (conn.invalidated or conn.closed):
            conn.info[_ENDED] = ended

    @event.listens_for(engine, "before_cursor_execute")
    def _on_statement(conn: Connection, *_args: Any) -> None:
        mark(conn, False)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn: Connection) -> None:
        mark(conn, True)

    @event.listens_for(engine, "reset")
    def _on_reset(dbapi_connection: Any, record: Any, state: Any) -> None:
        if state.transaction_was_reset:
            return  # Connection.close() rolled its transaction back itself
        status = getattr(dbapi_connection, "server_status", None)
        if (record is not None and record.info.get(_ENDED) and isinstance(in_transaction, int)
                and isinstance(status, int) and not status & in_transaction):
            return
        dbapi_connection.rollback()


_ENDED = "synoptux_transaction_ended"


# A pooled connection unused for longer than this is pinged before it is handed out.
IDLE_PING_S = 10.0


def _ping_idle_connections(engine: Engine) -> None:
    """Ping a pooled connection before use only when it sat idle for :data:`IDLE_PING_S`.

    ``pool_pre_ping`` pings at every checkout: a round trip more for each short read, 50
    screens times two a second. A connection used a moment ago is alive unless the server
    went away since, and then its statement fails: SQLAlchemy replaces every pooled
    connection (the pool is invalidated) and the caller meets the outage it would have met
    anyway (the change feed tries once more itself). One that sat idle (a quiet screen, an
    ingest waiting for files, a server restarted overnight) is pinged, and replaced when
    the ping fails, as ``pool_pre_ping`` does."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < IDLE_PING_S:
            return  # a new connection, or one used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as err:
            if engine.dialect.is_disconnect(err, dbapi_connection, None):
                raise DisconnectionError(str(err)) from err  # the pool connects anew
            raise


_IDLE_SINCE = "synoptux_idle_since"


def _configure_sqlite(engine: Engine) -> None:
    """WAL for concurrent readers; BEGIN IMMEDIATE for writers so they queue, not fail."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("synoptux_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@dataclass
class Store:
    """One database: its engine, the models of its table prefix, and sessions."""

    engine: Engine
    models: Models
    _writer: sessionmaker[Session] = field(init=False, repr=False)
    _reader: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        write_bind = self.engine.execution_options(synoptux_write=True)
        self._writer = sessionmaker(bind=write_bind, expire_on_commit=False)
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self._writer.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(
    url: str | URL, prefix: str = DEFAULT_PREFIX, *, long_statements: bool = False,
    **engine_kwargs: Any,
) -> Store:
    return Store(
        make_engine(url, long_statements=long_statements, **engine_kwargs), models_for(prefix)
    )


# --------------------------------------------------------------------------- schema


def current_version(store: Store) -> int | None:
    """The recorded schema version, ``None`` when the table does not exist yet."""
    table = store.models.SchemaVersion.__table__  # type: ignore[attr-defined]
    if not inspect(store.engine).has_table(table.name):
        return None
    with store.read() as session:
        return session.scalar(select(table.c.SV_Version).order_by(table.c.SV_Version.desc()))


def upgrade_schema(store: Store) -> list[str]:
    """Create or upgrade every table in place; return what was changed (empty: nothing)."""
    changes: list[str] = []
    with store.engine.begin() as conn:
        if store.dialect in ("mysql", "mariadb"):
            changes += _mysql_convert_legacy_tables(conn, store.models)
        existing = set(inspect(conn).get_table_names())
        for table in store.models.metadata.sorted_tables:
            if table.name not in existing:
                table.create(conn)
                changes.append(f"table {table.name} créée")
                continue
            changes += _add_missing_columns(conn, table)
            changes += _add_missing_indexes(conn, table)
        if store.dialect in ("mysql", "mariadb"):
            # SQLite neither enforces VARCHAR sizes nor has collations to change: the
            # services' own cut (to the model's widths) is the only one there.
            changes += _mysql_widen_columns(conn, store.models)
        changes += upgrade_feed_schema(conn, store.models)
        changes += seed_roles(conn, store.models)
        version_table = store.models.SchemaVersion.__table__  # type: ignore[attr-defined]
        recorded = conn.scalar(select(version_table.c.SV_Version).order_by(
            version_table.c.SV_Version.desc()))
        if recorded is None or recorded < SCHEMA_VERSION:
            conn.execute(version_table.insert().values(SV_Version=SCHEMA_VERSION))
            changes.append(f"version du schéma {SCHEMA_VERSION} enregistrée")
    return changes


def _add_missing_columns(conn: Connection, table: Any) -> list[str]:
    present = {c["name"].lower() for c in inspect(conn).get_columns(table.name)}
    changes = []
    for column in table.columns:
        if column.name.lower() in present:
            continue
        ddl = CreateColumn(column).compile(dialect=conn.dialect)
        preparer = conn.dialect.identifier_preparer
        conn.exec_driver_sql(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {ddl}")
        changes.append(f"colonne {table.name}.{column.name} ajoutée")
    return changes


def _add_missing_indexes(conn: Connection, table: Any) -> list[str]:
    insp = inspect(conn)
    present_names = {ix["name"] for ix in insp.get_indexes(table.name)}
    present_cols = {tuple(c.lower() for c in ix["column_names"] if c) for ix in
                    insp.get_indexes(table.name)}
    pk = insp.get_pk_constraint(table.name).get("constrained_columns") or []
    if pk:
        present_cols.add(tuple(c.lower() for c in pk[:1]))
    changes = []
    for index in table.indexes:
        cols = tuple(c.name.lower() for c in index.columns)
        if index.name in present_names or cols in present_cols:
            continue
        index.create(conn)
        changes.append(f"index {index.name} créé")
    return changes


def _mysql_widen_columns(conn: Connection, models: Models) -> list[str]:
    """Widen VARCHAR columns narrower than the model (never narrow one an admin widened)
    and give exact-compare columns their binary collation; ``MODIFY`` keeps each name."""
    present = {
        (str(table).lower(), str(column).lower()): (str(kind).lower(), length, collation)
        for table, column, kind, length, collation in conn.execute(
            text(
                "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, "
                "COLLATION_NAME FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = DATABASE()"
            )
        )
    }
    exact = exact_collation(conn.dialect)
    preparer = conn.dialect.identifier_preparer
    changes: list[str] = []
    for table in models.metadata.sorted_tables:
        clauses: list[str] = []  # one ALTER per table: a big legacy table is rebuilt once
        for column in table.columns:
            wanted = column.type
            if not isinstance(wanted, String) or isinstance(wanted, Text) or not wanted.length:
                continue
            found = present.get((table.name.lower(), column.name.lower()))
            if found is None or found[0] not in ("varchar", "char"):
                continue  # just created, or made TEXT by an admin: wide enough
            _kind, length, collation = found
            wider = int(length or 0) < wanted.length
            recollate = isinstance(wanted, ExactString) and collation != exact
            if not (wider or recollate):
                continue
            target = column._copy()
            target.type = type(wanted)(max(wanted.length, int(length or 0)))
            clauses.append(f"MODIFY COLUMN {CreateColumn(target).compile(dialect=conn.dialect)}")
            if wider:
                changes.append(
                    f"colonne {table.name}.{column.name} élargie à {wanted.length} caractères"
                )
            if recollate:
                changes.append(f"colonne {table.name}.{column.name} comparée exactement ({exact})")
        if clauses:
            conn.exec_driver_sql(f"ALTER TABLE {preparer.format_table(table)} {', '.join(clauses)}")
    return changes


def _mysql_convert_legacy_tables(conn: Connection, models: Models) -> list[str]:
    """MyISAM/utf8 (Synoptux 2.16) -> InnoDB/utf8mb4, keeping every row."""
    changes: list[str] = []
    ours = {t.name.lower(): t for t in models.metadata.sorted_tables}
    rows = conn.execute(
        text(
            "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = DATABASE()"
        )
    ).all()
    preparer = conn.dialect.identifier_preparer
    for name, engine_name, collation in rows:
        table = ours.get(name.lower())
        if table is None:
            continue
        quoted = preparer.quote(name)
        if (engine_name or "").lower() != "innodb":
            if table is models.Task.__table__:  # type: ignore[attr-defined]
                # MyISAM allowed AUTO_INCREMENT as the 2nd column of the key; InnoDB
                # needs it to lead an index of its own.
                _ensure_num_tache_key(conn, name)
            conn.exec_driver_sql(f"ALTER TABLE {quoted} ENGINE=InnoDB")
            changes.append(f"table {name} convertie en InnoDB")
        if not (collation or "").lower().startswith("utf8mb4"):
            conn.exec_driver_sql(
                f"ALTER TABLE {quoted} CONVERT TO CHARACTER SET utf8mb4 "
                "COLLATE utf8mb4_unicode_ci"
            )
            changes.append(f"table {name} convertie en utf8mb4")
    return changes


def _ensure_num_tache_key(conn: Connection, table_name: str) -> None:
    indexes = inspect(conn).get_indexes(table_name)
    if any(ix["column_names"][:1] == ["EN_Num_tache"] for ix in indexes):
        return
    quoted = conn.dialect.identifier_preparer.quote(table_name)
    conn.exec_driver_sql(f"ALTER TABLE {quoted} ADD KEY ix_num_tache (EN_Num_tache)")


def is_empty_board_reference(session: Session, models: Models) -> bool:
    return session.scalar(select(models.Box.code).limit(1)) is None
