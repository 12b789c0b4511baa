"""The change feed: every writer's changes (ours and the host's direct SQL) reach readers.

Database-facing: each test runs on SQLite and, when available, on MariaDB.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Self

import pytest
from conftest import NOW, LegacyDump, load_legacy_dump, make_seeded_store
from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.exc import OperationalError

from synoptic.feed import ChangeFeed, FeedResult, prune_changes
from synoptic.services import BoardServices, NewTask
from synoptic.store import db
from synoptic.store.db import Store, open_store, upgrade_schema
from synoptic.store.feed_schema import feed_tables, trigger_names

# The host's statements, as the facts file quotes them (values bound here, not concatenated).
HOST_INSERT_PATIENT = (
    "INSERT INTO synopt_encours (EC_CodeBox,EC_NomPatient,EC_PrenomPatient,EC_Medecin,"
    "EC_GUIDPatient,EC_Replier,EC_Commentaire,EC_HeureEntree,EC_ProgAnnexe,EC_ArgsAnnexe) "
    "VALUES (:box, :nom, :prenom, :medecin, :guid, '1', :commentaire, :entree, :prog, :args)"
)
HOST_SELECT_PK = "SELECT EC_PK FROM synopt_encours WHERE EC_GUIDPatient = :guid"
HOST_INSERT_TASK = (
    "INSERT INTO synopt_encours_taches (EN_PK_encours,EN_Code_tache,EN_Comment,"
    "EN_HeureDebPrevue,EN_HeureFinPrevue,EN_Priorite) "
    "VALUES (:pk, :code, :comment, :debut, :fin, :priorite)"
)
HOST_DELETE_PATIENT = "DELETE FROM synopt_encours WHERE EC_GUIDPatient = :guid"


@pytest.fixture
def host(store: Store) -> Iterator[Engine]:
    """The host system: its own connection, autocommit, raw SQL (MyISAM-era habits)."""
    engine = create_engine(store.engine.url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def host_admit(host: Engine, guid: str, name: str = "O'Brien") -> int:
    """The host macro: insert the patient, read its key back, insert one task."""
    with host.connect() as conn:
        conn.execute(
            text(HOST_INSERT_PATIENT),
            {
                "box": "ATT",
                "nom": name,
                "prenom": "Jean",
                "medecin": "MARTIN",
                "guid": guid,
                "commentaire": "URGENCES MARIGNANE",
                "entree": "2026-11-21 14:00:00",
                "prog": "../../drtux/bin/drtux",
                "args": "u|u|" + guid,
            },
        )
        pk = int(conn.execute(text(HOST_SELECT_PK), {"guid": guid}).scalar_one())
        conn.execute(
            text(HOST_INSERT_TASK),
            {
                "pk": pk,
                "code": "ECG",
                "comment": "Circonstances : chute",
                "debut": "2026-11-21 14:00:00",
                "fin": "2026-11-21 14:10:00",
                "priorite": "3",
            },
        )
    return pk


def settled(feed: ChangeFeed) -> FeedResult:
    """A feed past its first answer (which always says full_reload)."""
    first = feed.changes_since(0)
    assert first.full_reload
    return first


# ---------------------------------------------------------------------- schema


def test_upgrade_is_idempotent(store: Store) -> None:
    assert upgrade_schema(store) == []


def test_triggers_are_installed(store: Store) -> None:
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
        else:
            rows = conn.execute(
                text(
                    "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
                    "WHERE TRIGGER_SCHEMA = DATABASE()"
                )
            )
        present = {row[0] for row in rows}
    assert set(trigger_names("synopt_", store.dialect)) <= present


def test_an_older_trigger_version_is_replaced(store: Store) -> None:
    old = "synopt_trg0_encours_i"
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            f"CREATE TRIGGER {old} AFTER INSERT ON synopt_encours FOR EACH ROW "
            "BEGIN DELETE FROM synopt_changes WHERE CH_Rev < 0; END"
        )
    changes = upgrade_schema(store)
    assert changes == [f"déclencheur {old} supprimé (ancienne version)"]
    assert upgrade_schema(store) == []


# ---------------------------------------------------------------------- host writes


def test_host_statements_of_the_facts_file_are_reported(store: Store, host: Engine) -> None:
    feed = ChangeFeed(store)
    start = settled(feed)
    pk = host_admit(host, "7543d90c-325a")
    after_insert = feed.changes_since(start.revision)
    assert after_insert.patient_pks == {pk}
    assert not after_insert.full_reload and not after_insert.reference_changed
    assert after_insert.revision > start.revision

    with host.connect() as conn:
        conn.execute(
            text(
                "UPDATE synopt_encours_taches SET EN_Etat_en_cours = '3EC' "
                "WHERE EN_PK_encours = :pk"
            ),
            {"pk": pk},
        )
    after_update = feed.changes_since(after_insert.revision)
    assert after_update.patient_pks == {pk}

    with host.connect() as conn:
        conn.execute(text(HOST_DELETE_PATIENT), {"guid": "7543d90c-325a"})
        orphans = conn.execute(
            text("SELECT COUNT(*) FROM synopt_encours_taches WHERE EN_PK_encours = :pk"), {"pk": pk}
        ).scalar_one()
    assert orphans == 0  # the trigger removed the patient's tasks with it
    after_delete = feed.changes_since(after_update.revision)
    assert after_delete.patient_pks == {pk}
    assert feed.changes_since(after_delete.revision) == FeedResult(
        after_delete.revision, frozenset(), False, False
    )


def test_a_task_moved_to_another_patient_reports_both(store: Store, host: Engine) -> None:
    first, second = host_admit(host, "g-1"), host_admit(host, "g-2")
    feed = ChangeFeed(store)
    start = settled(feed)
    with host.connect() as conn:
        conn.execute(
            text("UPDATE synopt_encours_taches SET EN_PK_encours = :to WHERE EN_PK_encours = :frm"),
            {"to": second, "frm": first},
        )
    assert feed.changes_since(start.revision).patient_pks == {first, second}


def test_reference_tables_report_a_reference_change(store: Store, host: Engine) -> None:
    feed = ChangeFeed(store)
    start = settled(feed)
    with host.connect() as conn:
        conn.execute(
            text("UPDATE synopt_box SET BO_Libelle = :label WHERE BO_Code = 'B1'"),
            {"label": "Box n° 1"},
        )
        conn.execute(
            text("INSERT INTO synopt_responsables (RE_Code, RE_Nom) VALUES ('ro', :name)"),
            {"name": "Dr Ro"},
        )
    result = feed.changes_since(start.revision)
    assert result.reference_changed
    assert result.patient_pks == frozenset()


# ---------------------------------------------------------------------- our writes


def test_service_writes_are_reported_without_orm_warnings(services: BoardServices) -> None:
    feed = ChangeFeed(services.store)
    revision = settled(feed).revision
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the orphan trigger must not upset the ORM's deletes
        admitted = services.admit(
            box_code="B1", last_name="Durand", now=NOW, tasks=[NewTask("ECG"), NewTask("BIO")]
        )
        result = feed.changes_since(revision)
        assert result.patient_pks == {admitted.patient_pk}
        services.set_task_state(admitted.patient_pk, admitted.task_nums[0], "3EC", now=NOW)
        services.move(admitted.patient_pk, "SORT", now=NOW, destination="Retour domicile")
        result = feed.changes_since(result.revision)
        assert result.patient_pks == {admitted.patient_pk}
        purged = services.purge(now=NOW + timedelta(days=2), exit_delay_min=60, max_lifetime_s=0)
        assert purged.exits_removed == (admitted.patient_pk,)
        result = feed.changes_since(result.revision)
        assert result.patient_pks == {admitted.patient_pk}
    with services.store.read() as session:
        m = services.store.models
        assert session.scalars(select(m.Task)).all() == []


# ---------------------------------------------------------------------- reader contract


def test_first_call_says_full_reload_then_follows(store: Store) -> None:
    feed = ChangeFeed(store)
    first = feed.changes_since(0)
    assert first.full_reload
    assert first.revision == feed.current_revision() > 0  # the seeded reference rows
    again = feed.changes_since(first.revision)
    assert again == FeedResult(first.revision, frozenset(), False, False)


def test_a_reader_behind_pruned_rows_reloads_everything(
    services: BoardServices, host: Engine
) -> None:
    feed = ChangeFeed(services.store)
    old = settled(feed).revision
    for n in range(3):
        host_admit(host, f"guid-{n}")
    newest = feed.current_revision()
    deleted = prune_changes(services.store, keep_revisions=1)
    assert deleted > 0
    assert feed.current_revision() == newest  # the newest row is always kept
    behind = feed.changes_since(old)
    assert behind.full_reload and behind.revision == newest
    # A reader that is up to date is not disturbed by the pruning.
    assert feed.changes_since(newest) == FeedResult(newest, frozenset(), False, False)


def test_too_many_changes_means_full_reload(store: Store, host: Engine) -> None:
    feed = ChangeFeed(store, batch_limit=3)
    start = settled(feed)
    host_admit(host, "g-a")
    host_admit(host, "g-b")  # 4 change rows
    result = feed.changes_since(start.revision)
    assert result.full_reload
    assert result.revision == feed.current_revision()


def test_prune_by_age_keeps_recent_rows(store: Store, host: Engine) -> None:
    changes = feed_tables("synopt_").changes
    host_admit(host, "g-old")
    with store.write() as session:
        session.execute(changes.update().values(CH_Date=datetime(2020, 1, 1)))
    host_admit(host, "g-new")
    with store.read() as session:
        total = len(session.execute(select(changes.c.CH_Rev)).all())
    deleted = prune_changes(store, keep_seconds=3600)
    with store.read() as session:
        tables = {row[0] for row in session.execute(select(changes.c.CH_Table))}
        left = len(session.execute(select(changes.c.CH_Rev)).all())
    assert deleted == total - left
    assert left == 2 and tables == {"encours", "encours_taches"}  # g-new's two rows


def test_the_feed_query_uses_the_primary_key(store: Store) -> None:
    feed = ChangeFeed(store)
    query = feed._query.params(rev=10, limit=100)
    sql = str(query.compile(store.engine, compile_kwargs={"literal_binds": True}))
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "USING INTEGER PRIMARY KEY" in plan, plan
        else:
            row = conn.exec_driver_sql("EXPLAIN " + sql).mappings().one()
            assert row["key"] == "PRIMARY" and row["type"] == "range", dict(row)


def test_a_change_committed_before_a_poll_is_in_that_poll(
    services: BoardServices, host: Engine
) -> None:
    """Freshness: whatever is committed when a poll starts, by the host or by a screen, is in
    that poll's answer, with the patient's fresh view. A screen polling every 500 ms so shows
    a change one period after its commit at most (plus the poll itself): bench/screens.py
    measures that delay; a test asserts the behaviour, not a time."""
    feed = ChangeFeed(services.store)
    revision = feed.read_changes(-1).revision
    for n in range(3):
        pk = host_admit(host, f"late-{n}")
        services.set_comment(pk, f"vu {n}", now=NOW)
        changes = feed.read_changes(revision)
        assert changes.patient_pks == {pk}
        assert [(p.pk, p.comment) for p in changes.patients] == [(pk, f"vu {n}")]
        revision = changes.revision
    assert feed.read_changes(revision).patient_pks == frozenset()


# ---------------------------------------------------------------------- what a poll costs


@dataclass
class Traffic:
    """What reaches the database through an engine: statements, pool checkouts (each one
    may ping), and transaction ends (each one a COMMIT or ROLLBACK round trip)."""

    engine: Engine
    statements: list[str] = field(default_factory=list)
    checkouts: int = 0
    ends: int = 0

    def __enter__(self) -> Self:
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "checkout", self._checkout)
        event.listen(self.engine, "commit", self._end)
        event.listen(self.engine, "rollback", self._end)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "checkout", self._checkout)
        event.remove(self.engine, "commit", self._end)
        event.remove(self.engine, "rollback", self._end)

    @property
    def queries(self) -> list[str]:
        """The statements but SQLite's BEGIN (in-process, ours: see store.db)."""
        return [s for s in self.statements if s != "BEGIN"]

    def _statement(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        self.statements.append(statement)

    def _checkout(self, *_args: object) -> None:
        self.checkouts += 1

    def _end(self, *_args: object) -> None:
        self.ends += 1


def test_a_poll_that_finds_nothing_is_one_statement(store: Store) -> None:
    """50 screens poll twice a second: a poll that finds nothing is the feed's one query.
    On MariaDB it runs on the feed's own connection: no checkout (whose ping is a round
    trip), no COMMIT or ROLLBACK either."""
    feed = ChangeFeed(store)
    revision = feed.read_changes(-1).revision
    for poll in (lambda: feed.read_changes(revision), lambda: feed.changes_since(revision)):
        with Traffic(store.engine) as traffic:
            answer = poll()
        assert answer.revision == revision and not answer.patient_pks
        assert len(traffic.queries) == 1 and "changes" in traffic.queries[0]
        if store.dialect != "sqlite":
            assert traffic.statements == traffic.queries
            assert (traffic.checkouts, traffic.ends) == (0, 0)


def test_a_poll_after_a_change_reads_only_the_changed_patients(
    services: BoardServices, host: Engine
) -> None:
    """The feed's queries, the changed patient's two (the patient, its tasks) and nothing
    else; the reference only when it changed; the patients asked again (``also``) too."""
    store = services.store
    pks = [
        services.admit(box_code="ATT", last_name=f"Patient{n}", now=NOW, tasks=[NewTask("ECG")])
        .patient_pk
        for n in range(3)
    ]
    feed = ChangeFeed(store)
    first = feed.read_changes(-1)
    assert first.board is not None and {p.pk for p in first.board.patients} == set(pks)
    assert first.reference == first.board.reference
    services.set_comment(pks[1], "Douleur", now=NOW)
    with Traffic(store.engine) as traffic:
        changes = feed.read_changes(first.revision)
    assert changes.board is None and changes.reference is None
    assert changes.patient_pks == {pks[1]}
    assert [(p.pk, p.comment, len(p.tasks)) for p in changes.patients] == [(pks[1], "Douleur", 1)]
    # The feed's one query (the changes), then the patient and its tasks only.
    reads = [q.split("FROM", 1)[1].split()[0] for q in traffic.queries]
    assert reads == ["synopt_changes", "synopt_encours", "synopt_encours_taches"]
    if store.dialect != "sqlite":
        assert traffic.statements == traffic.queries
        assert (traffic.checkouts, traffic.ends) == (0, 0)

    asked = feed.read_changes(changes.revision, also=[pks[2]])
    assert asked.patient_pks == {pks[2]} and [p.pk for p in asked.patients] == [pks[2]]
    with host.connect() as conn:
        conn.execute(text("UPDATE synopt_box SET BO_Libelle = 'Box n° 1' WHERE BO_Code = 'B1'"))
        conn.execute(text("DELETE FROM synopt_encours WHERE EC_PK = :pk"), {"pk": pks[0]})
    gone = feed.read_changes(asked.revision)
    assert gone.reference is not None and any(b.label == "Box n° 1" for b in gone.reference.boxes)
    assert gone.patient_pks == {pks[0]} and gone.patients == ()  # it left the board


# ---------------------------------------------------------------------- MariaDB specifics


@pytest.mark.mariadb
def test_out_of_order_commits_are_not_missed(mariadb_database: str) -> None:
    """A transaction holding revision N commits after N+1 was read: N is still reported."""
    store = make_seeded_store(mariadb_database)
    other = create_engine(store.engine.url)
    clock = [0.0]
    feed = ChangeFeed(store, clock=lambda: clock[0], gap_grace_s=30)
    try:
        revision = settled(feed).revision
        with other.connect() as slow:
            slow.execute(
                text(HOST_INSERT_PATIENT),
                {
                    "box": "ATT",
                    "nom": "Lent",
                    "prenom": "",
                    "medecin": "",
                    "guid": "slow",
                    "commentaire": "",
                    "entree": "2026-11-21 14:00:00",
                    "prog": "",
                    "args": "",
                },
            )
            slow_pk = slow.execute(text(HOST_SELECT_PK), {"guid": "slow"}).scalar_one()
            services = BoardServices(store, "test")
            fast = services.admit(box_code="ATT", last_name="Rapide", now=NOW).patient_pk
            first = feed.changes_since(revision)
            assert first.patient_pks == {fast}
            assert feed.pending_revisions  # the slow transaction's revision
            slow.commit()
        second = feed.changes_since(first.revision)
        assert second.patient_pks == {slow_pk}
        assert second.revision == first.revision
        assert not feed.pending_revisions

        # A rolled-back transaction leaves a hole that is waited for, then forgotten.
        with other.connect() as aborted:
            aborted.execute(
                text(HOST_INSERT_PATIENT),
                {
                    "box": "ATT",
                    "nom": "Annulé",
                    "prenom": "",
                    "medecin": "",
                    "guid": "gone",
                    "commentaire": "",
                    "entree": "2026-11-21 14:00:00",
                    "prog": "",
                    "args": "",
                },
            )
            aborted.rollback()
        later = services.admit(box_code="ATT", last_name="Après", now=NOW).patient_pk
        third = feed.changes_since(second.revision)
        assert third.patient_pks == {later}
        assert feed.pending_revisions
        clock[0] += 31
        assert feed.changes_since(third.revision).patient_pks == frozenset()
        assert not feed.pending_revisions
    finally:
        other.dispose()
        store.dispose()


@pytest.mark.mariadb
def test_legacy_216_database_gets_the_feed(legacy_dump: LegacyDump, mariadb_database: str) -> None:
    load_legacy_dump(mariadb_database, legacy_dump)
    store = open_store(mariadb_database)
    host = create_engine(store.engine.url, isolation_level="AUTOCOMMIT")
    try:
        changes = upgrade_schema(store)
        assert "table synopt_changes créée" in changes
        assert "table synopt_ingest_log créée" in changes
        assert upgrade_schema(store) == []
        feed = ChangeFeed(store)
        start = settled(feed)
        pk = host_admit(host, "legacy-guid")
        assert feed.changes_since(start.revision).patient_pks == {pk}
    finally:
        host.dispose()
        store.dispose()


def test_a_failed_first_call_still_ends_in_a_full_reload(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A screen started while the database is down must reload everything once it is
    back, not read only the recent changes (boxes would be missing)."""
    feed = ChangeFeed(store)
    real = feed._full_reload
    calls = {"n": 0}

    def down_once(conn: Connection, now: float) -> FeedResult:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("SELECT", {}, Exception("server gone"))
        return real(conn, now)

    monkeypatch.setattr(feed, "_full_reload", down_once)
    with pytest.raises(OperationalError):
        feed.changes_since(0)
    assert feed.changes_since(0).full_reload


def test_mariadb_connections_time_out_instead_of_hanging(mariadb_database: str) -> None:
    """A silent network cut must become an error (the banner), not a frozen screen."""
    for long_statements, expected in ((False, 15), (True, None)):
        store = open_store(mariadb_database, long_statements=long_statements)
        with store.engine.connect() as conn:
            dbapi = conn.connection.dbapi_connection
            assert dbapi is not None
            assert (dbapi.connect_timeout, dbapi._read_timeout) == (5, expected)
        store.dispose()


def kill_connections(store: Store) -> int:
    """Kill every connection to the store's database (wait_timeout, an admin, a proxy)."""
    admin = create_engine(store.engine.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            ids = conn.execute(
                text(
                    "SELECT ID FROM information_schema.PROCESSLIST "
                    "WHERE DB = DATABASE() AND ID <> CONNECTION_ID()"
                )
            ).scalars().all()
            for connection_id in ids:
                conn.execute(text("KILL CONNECTION :id"), {"id": int(connection_id)})
    finally:
        admin.dispose()
    return len(ids)


@pytest.mark.mariadb
def test_connections_killed_by_the_server_are_replaced_without_an_error(
    mariadb_database: str,
) -> None:
    """The server drops the feed's connection and the pool's: the next poll tries once more
    on a new connection and answers; the pool's stale connection is replaced too, so the
    next write works at once."""
    store = make_seeded_store(mariadb_database)
    services = BoardServices(store, "t")
    feed = ChangeFeed(store)
    try:
        revision = feed.read_changes(-1).revision
        pk = services.admit(box_code="ATT", last_name="Tuee", now=NOW).patient_pk
        assert kill_connections(store) >= 2  # the feed's and the pool's
        changes = feed.read_changes(revision)
        assert changes.patient_pks == {pk}
        services.set_comment(pk, "après", now=NOW)
        assert [p.comment for p in feed.read_changes(changes.revision).patients] == ["après"]
    finally:
        feed.close()
        store.dispose()


@pytest.mark.mariadb
def test_only_a_connection_idle_for_a_while_is_pinged(
    mariadb_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pooled connection used a moment ago goes out without a ping (a round trip); one
    idle for longer than IDLE_PING_S is pinged, and replaced when the server dropped it."""
    store = open_store(mariadb_database)

    def pings_and_id() -> tuple[int, int]:
        with store.engine.connect() as conn:
            row = conn.execute(text("SHOW SESSION STATUS LIKE 'Com_admin_commands'")).one()
            return int(row[1]), int(conn.execute(text("SELECT CONNECTION_ID()")).scalar_one())

    try:
        first = pings_and_id()
        assert pings_and_id() == first  # same connection, not pinged
        monkeypatch.setattr(db, "IDLE_PING_S", 0.0)  # now every connection is "idle"
        pings, same = pings_and_id()
        assert (pings, same) == (first[0] + 1, first[1])
        kill_connections(store)
        _pings, new = pings_and_id()  # the ping failed: a new connection, no error
        assert new != same
    finally:
        store.dispose()
