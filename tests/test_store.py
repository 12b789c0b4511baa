"""The store: host SQL run verbatim, legacy dates, schema creation and in-place upgrade.

The host system (MedinTux macros) writes straight into the tables with the statements
quoted in SYNOPTUX-FACTS.md; they are run here as raw SQL, unchanged, on SQLite and
MariaDB.  The legacy dump of a real 2.16 installation is upgraded in place on MariaDB.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, LegacyDump, load_legacy_dump, make_seeded_store
from sqlalchemy import Connection, inspect, text

from synoptic import cli
from synoptic.domain import BoxType, is_late
from synoptic.errors import BoxFullError, StateNotAllowedError
from synoptic.services import BoardServices, NewTask
from synoptic.store import queries
from synoptic.store.db import SCHEMA_VERSION, Store, current_version, open_store, upgrade_schema
from synoptic.store.seed import seed_reference
from synoptic.store.types import parse_db_datetime
from synoptic.views import BoardSnapshot, TaskView, task_sort_key

HOST_GUID = "{5A1F-host-0001}"


def host_insert_patient(prefix: str = "synopt_", box: str = "B1") -> str:
    return (
        f"INSERT INTO {prefix}encours (EC_CodeBox,EC_NomPatient,EC_PrenomPatient,EC_Medecin,"
        "EC_GUIDPatient,EC_Replier,EC_Commentaire,EC_HeureEntree,EC_ProgAnnexe,EC_ArgsAnnexe) "
        f"VALUES ('{box}','MACRO','Hélène','MARTIN','{HOST_GUID}','1','Entrée par la macro',"
        "'2026-11-21 13:05:00','/opt/drtux/drtux','-p|42')"
    )


def host_select_pk(prefix: str = "synopt_") -> str:
    return f"SELECT EC_PK FROM {prefix}encours WHERE EC_GUIDPatient='{HOST_GUID}'"


def host_insert_task(pk: int, prefix: str = "synopt_", code: str = "BIO") -> str:
    return (
        f"INSERT INTO {prefix}encours_taches (EN_PK_encours,EN_Code_tache,EN_Comment,"
        "EN_HeureDebPrevue,EN_HeureFinPrevue,EN_Priorite) "
        f"VALUES ('{pk}','{code}','Bilan standard','2026-11-21 13:10:00',"
        "'1000-01-01 01:01:00','2')"
    )


def host_delete(pk: int, prefix: str = "synopt_") -> str:
    return f"DELETE FROM {prefix}encours WHERE EC_PK={pk}"


def run_host_macro(store: Store, prefix: str = "synopt_", box: str = "B1",
                   code: str = "BIO") -> int:
    """The host's three statements, each in its own autocommitted step as the macro does."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql(host_insert_patient(prefix, box))
    with store.engine.begin() as conn:
        pk = int(conn.exec_driver_sql(host_select_pk(prefix)).scalar_one())
    with store.engine.begin() as conn:
        conn.exec_driver_sql(host_insert_task(pk, prefix, code))
    return pk


def board(store: Store) -> BoardSnapshot:
    with store.read() as s:
        return queries.load_board(s, store.models)


def late(store: Store, now: datetime) -> tuple[TaskView, ...]:
    """Late tasks of the patients on the board, as the screens compute them."""
    tasks = (t for p in board(store).patients for t in p.tasks if is_late(t, now))
    return tuple(sorted(tasks, key=task_sort_key))


def check_host_patient(store: Store, pk: int, box: str = "B1", code: str = "BIO") -> None:
    patients = [p for p in board(store).patients if p.pk == pk]
    assert len(patients) == 1
    p = patients[0]
    assert (p.box_code, p.last_name, p.first_name, p.responsable, p.guid) == (
        box, "MACRO", "Hélène", "MARTIN", HOST_GUID)
    assert (p.folded, p.hidden, p.comment, p.entered_at, p.moved_at) == (
        True, False, "Entrée par la macro", datetime(2026, 11, 21, 13, 5), None)
    assert (p.annex_program, p.annex_args, p.destination, p.revision) == (
        "/opt/drtux/drtux", ("-p", "42"), "", 0)
    assert len(p.tasks) == 1
    t = p.tasks[0]
    assert (t.patient_pk, t.code, t.comment, t.priority) == (pk, code, "Bilan standard", 2)
    assert (t.planned_start, t.planned_end) == (datetime(2026, 11, 21, 13, 10), None)
    assert (t.state_code, t.started_at, t.ended_at, t.revision) == (None, None, None, 0)


# --------------------------------------------------------------------------- host statements


def test_host_statements_verbatim(store: Store) -> None:
    pk = run_host_macro(store)
    check_host_patient(store, pk)
    (task,) = board(store).patients[0].tasks
    # planned start 13:10 passed, not started: late at 14:00, not at 13:00
    assert [t.num for t in late(store, NOW)] == [task.num]
    assert late(store, datetime(2026, 11, 21, 13, 0)) == ()

    # the services work on what the host wrote
    services = BoardServices(store, "test-screen")
    services.set_task_state(pk, task.num, "2DE", now=NOW)
    merged = services.admit(box_code="ATT", last_name="MACRO", guid=HOST_GUID, now=NOW,
                            tasks=[NewTask("RX")])
    assert merged.merged and merged.patient_pk == pk
    assert late(store, NOW) == ()
    patient = board(store).patients[0]
    assert patient.box_code == "B1"
    assert sorted(t.code for t in patient.tasks) == ["BIO", "RX"]

    # the exit DELETE
    with store.engine.begin() as conn:
        conn.exec_driver_sql(host_delete(pk))
    assert board(store).patients == ()
    assert late(store, datetime(2030, 1, 1)) == ()
    # and the history of what the services did is still there, between the entry and the
    # exit the archive's triggers wrote for the host's INSERT and DELETE
    with store.read() as s:
        rows = queries.patient_history(s, store.models, pk)
    assert [(h.action, h.actor) for h in rows] == [
        ("PATIENT_IN", "hôte"), ("TASK_STATE", "test-screen"), ("TASK_ADD", "test-screen"),
        ("PATIENT_OUT", "hôte")]


def test_host_insert_with_few_columns_gets_defaults(store: Store) -> None:
    """Every column a host statement leaves out has a default."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO synopt_encours (EC_CodeBox,EC_NomPatient) VALUES ('ATT','MINIMAL')")
        pk = int(conn.exec_driver_sql(
            "SELECT EC_PK FROM synopt_encours WHERE EC_NomPatient='MINIMAL'").scalar_one())
        conn.exec_driver_sql(
            f"INSERT INTO synopt_encours_taches (EN_PK_encours,EN_Code_tache) VALUES ({pk},'RX')")
    (p,) = board(store).patients
    assert p.entered_at is not None  # server-side "now"
    assert (p.folded, p.hidden, p.revision, p.guid, p.first_name) == (False, False, 0, "", "")
    (t,) = p.tasks
    assert (t.code, t.revision, t.planned_start, t.state_code) == ("RX", 0, None, None)


def test_service_dates_are_stored_in_the_host_format(store: Store) -> None:
    BoardServices(store, "test-screen").admit(box_code="ATT", last_name="FORMAT", now=NOW)
    with store.engine.begin() as conn:
        stored = conn.exec_driver_sql(
            "SELECT EC_HeureEntree FROM synopt_encours WHERE EC_NomPatient='FORMAT'").scalar_one()
    assert str(stored) == "2026-11-21 14:00:00"


# --------------------------------------------------------------------------- legacy dates


def test_dates_before_2000_read_as_none(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO synopt_encours (EC_CodeBox,EC_NomPatient,EC_HeureEntree,EC_HeureSortie)"
            " VALUES ('ATT','ANCIEN','1000-01-01 01:01:00','1999-12-31 23:59:59')")
        pk = int(conn.exec_driver_sql(
            "SELECT EC_PK FROM synopt_encours WHERE EC_NomPatient='ANCIEN'").scalar_one())
        conn.exec_driver_sql(
            "INSERT INTO synopt_encours_taches (EN_PK_encours,EN_Code_tache,EN_HeureDebPrevue,"
            "EN_HeureFinPrevue,EN_HeureDebut,EN_HeureFin) VALUES "
            f"({pk},'BIO','2000-01-01 00:00:00','1000-01-01 01:01:00',"
            "'1000-01-01 01:01:00','1970-01-01 00:00:00')")
    (p,) = board(store).patients
    assert (p.entered_at, p.moved_at) == (None, None)
    (t,) = p.tasks
    assert t.planned_start == datetime(2000, 1, 1)
    assert (t.planned_end, t.started_at, t.ended_at) == (None, None, None)
    # a patient with no readable entry date is not purged by the lifetime rule
    purged = BoardServices(store, "t").purge(now=NOW, exit_delay_min=0, max_lifetime_s=1)
    assert purged.lifetime_removed == ()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("n'importe quoi", None),
        ("1000-01-01 01:01:00", None),
        ("1000-01-01 01:01", None),
        ("0000-00-00 00:00:00", None),
        ("1999-12-31 23:59:59", None),
        (datetime(1000, 1, 1, 1, 1), None),
        ("2000-01-01 00:00:00", datetime(2000, 1, 1)),
        ("2026-11-21 13:05", datetime(2026, 11, 21, 13, 5)),
        ("2026-11-21T13:05:07", datetime(2026, 11, 21, 13, 5, 7)),
        ("2026-11-21 13:05:07.250000", datetime(2026, 11, 21, 13, 5, 7)),
        (" 2026-11-21 13:05:07 ", datetime(2026, 11, 21, 13, 5, 7)),
        (datetime(2026, 11, 21, 13, 5, 7, 999), datetime(2026, 11, 21, 13, 5, 7)),
    ],
)
def test_parse_db_datetime(raw: Any, expected: datetime | None) -> None:
    assert parse_db_datetime(raw) == expected


# --------------------------------------------------------------------------- schema


def schema_snapshot(conn: Connection) -> list[Any]:
    """Tables, columns, indexes and triggers as the database itself reports them."""
    if conn.dialect.name == "sqlite":
        return [tuple(r) for r in conn.exec_driver_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")]
    names = sorted(r[0] for r in conn.exec_driver_sql("SHOW TABLES"))
    tables = [tuple(conn.exec_driver_sql(f"SHOW CREATE TABLE `{n}`").one()) for n in names]
    triggers = [tuple(r) for r in conn.execute(text(
        "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_STATEMENT FROM "
        "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME"))]
    return tables + triggers


def row_counts(conn: Connection) -> dict[str, int]:
    names = inspect(conn).get_table_names()
    preparer = conn.dialect.identifier_preparer
    return {n: int(conn.exec_driver_sql(f"SELECT COUNT(*) FROM {preparer.quote(n)}").scalar_one())
            for n in names}


def test_schema_creation_twice_changes_nothing(db_url: str) -> None:
    store = open_store(db_url)
    try:
        assert current_version(store) is None
        first = upgrade_schema(store)
        assert "table synopt_encours créée" in first
        assert "table synopt_encours_taches créée" in first
        assert current_version(store) == SCHEMA_VERSION
        with store.write() as s:
            seed_reference(s, store.models)
        with store.engine.connect() as conn:
            before = schema_snapshot(conn), row_counts(conn)
        assert upgrade_schema(store) == []
        assert upgrade_schema(store) == []
        with store.engine.connect() as conn:
            assert (schema_snapshot(conn), row_counts(conn)) == before
    finally:
        store.dispose()


def test_fresh_schema_has_the_board_indexes(store: Store) -> None:
    with store.engine.connect() as conn:
        insp = inspect(conn)
        assert "EC_CodeBox" in leading_columns(insp, "synopt_encours")
        assert "EN_PK_encours" in leading_columns(insp, "synopt_encours_taches")
        assert "HI_NumEncours" in leading_columns(insp, "synopt_historique")


BOARD_TABLES = ("box", "encours", "encours_taches", "historique", "etats", "taches",
                "etats_taches", "destinations", "responsables", "schema_version")


@pytest.mark.parametrize("prefix", ["ST_", ""], ids=["ST_", "no-prefix"])
def test_other_table_prefix_end_to_end(db_url: str, prefix: str) -> None:
    """``ST_`` (the documentation's macro) or no prefix at all (the documentation's tables),
    beside ``synopt_`` in the same database."""
    st = make_seeded_store_with_prefix(db_url, prefix)
    synopt = make_seeded_store(db_url)
    try:
        with st.engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
        assert {prefix + n for n in BOARD_TABLES} <= names
        assert {"synopt_" + n for n in BOARD_TABLES} <= names
        assert upgrade_schema(st) == []
        assert upgrade_schema(synopt) == []

        pk = run_host_macro(st, prefix=prefix)
        check_host_patient(st, pk)
        services = BoardServices(st, "ecran-st")
        other = services.admit(box_code="ATT", last_name="ST", now=NOW, tasks=[NewTask("ECG")])
        services.set_task_state(other.patient_pk, other.task_nums[0], "4TE", now=NOW)
        services.move(other.patient_pk, "SORT", now=NOW, destination="Retour domicile")
        with pytest.raises(BoxFullError):
            services.move(other.patient_pk, "B1", now=NOW)  # the host's patient is in B1
        assert [t.num for t in late(st, NOW)] == [board(st).patients[0].tasks[0].num]
        with st.engine.begin() as conn:
            conn.exec_driver_sql(host_delete(pk, prefix=prefix))
        result = services.purge(now=NOW.replace(day=23), exit_delay_min=60, max_lifetime_s=0)
        assert result.exits_removed == (other.patient_pk,)
        assert board(st).patients == ()
        with st.read() as s:
            actions = [h.action for h in queries.patient_history(s, st.models, other.patient_pk)]
        assert actions == ["PATIENT_IN", "TASK_ADD", "TASK_STATE", "SET_PLACE", "TASK_DELETE",
                           "PATIENT_OUT"]
        # nothing of this went into the synopt_ tables
        assert board(synopt).patients == ()
        with synopt.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM synopt_historique").scalar() == 0
    finally:
        st.dispose()
        synopt.dispose()


def make_seeded_store_with_prefix(url: str, prefix: str) -> Store:
    store = open_store(url, prefix)
    upgrade_schema(store)
    with store.write() as session:
        seed_reference(session, store.models)
    return store


def leading_columns(insp: Any, table: str) -> set[str]:
    """Columns that lead an index (or the primary key) of ``table``."""
    leads = {ix["column_names"][0] for ix in insp.get_indexes(table) if ix["column_names"]}
    pk = insp.get_pk_constraint(table).get("constrained_columns") or []
    return leads | set(pk[:1])


# --------------------------------------------------------------------------- legacy dump

def engines(conn: Connection) -> dict[str, str]:
    return {name: engine for name, engine in conn.execute(text(
        "SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = DATABASE()"))}


@pytest.fixture
def legacy_url(legacy_dump: LegacyDump, mariadb_database: str) -> Iterator[str]:
    load_legacy_dump(mariadb_database, legacy_dump)
    yield mariadb_database


@pytest.fixture
def legacy_store(legacy_url: str) -> Iterator[Store]:
    store = open_store(legacy_url)
    yield store
    store.dispose()


@pytest.mark.mariadb
def test_legacy_dump_upgrade_in_place(legacy_store: Store, legacy_dump: LegacyDump) -> None:
    legacy_counts = legacy_dump.counts
    with legacy_store.engine.connect() as conn:
        assert set(engines(conn).values()) == {"MyISAM"}
        counts = row_counts(conn)
        assert {k: counts[k] for k in legacy_counts} == legacy_counts

    changes = upgrade_schema(legacy_store)
    assert "table synopt_encours_taches convertie en InnoDB" in changes
    assert "colonne synopt_encours.EC_Revision ajoutée" in changes

    with legacy_store.engine.connect() as conn:
        counts = row_counts(conn)
        assert {k: counts[k] for k in legacy_counts} == legacy_counts
        kinds = engines(conn)
        assert set(kinds.values()) == {"InnoDB"}, kinds
        assert {"synopt_responsables", "synopt_schema_version"} <= set(kinds)
        insp = inspect(conn)
        columns = {t: {c["name"] for c in insp.get_columns(t)}
                   for t in ("synopt_encours", "synopt_encours_taches", "synopt_historique")}
        assert "EC_Revision" in columns["synopt_encours"]
        assert "EN_Revision" in columns["synopt_encours_taches"]
        assert "HI_Num_tache" in columns["synopt_historique"]
        assert "EC_CodeBox" in leading_columns(insp, "synopt_encours")
        assert "EN_PK_encours" in leading_columns(insp, "synopt_encours_taches")
        assert "HI_NumEncours" in leading_columns(insp, "synopt_historique")
        # accented labels survived the conversion to utf8mb4
        assert conn.exec_driver_sql(
            "SELECT BO_Libelle FROM synopt_box WHERE BO_Code='D4'").scalar() == "Déchocage S8"
        assert conn.exec_driver_sql(
            "SELECT TA_Commentaire FROM synopt_taches WHERE TA_Code_tache='H G'"
        ).scalar() == "Préciser l'étage avec le menu"
        before = schema_snapshot(conn), row_counts(conn)
    assert current_version(legacy_store) == SCHEMA_VERSION

    assert upgrade_schema(legacy_store) == []
    with legacy_store.engine.connect() as conn:
        assert (schema_snapshot(conn), row_counts(conn)) == before

    reference = board(legacy_store).reference
    assert len(reference.boxes) == legacy_counts["synopt_box"]
    assert reference.box("SR") is not None and reference.box("SR").type is BoxType.EXIT
    assert len(reference.destinations_of(BoxType.EXIT)) == legacy_dump.exits
    assert [s.code for s in reference.allowed_states("RX THO")] == ["DM", "EN", "FI", "PR"]


@pytest.mark.mariadb
def test_legacy_dump_init_db_through_the_cli(
    legacy_url: str, legacy_dump: LegacyDump, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    monkeypatch.delenv("SYNOPTUX_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    ini = tmp_path / "synoptux.ini"
    ini.write_text("[Interface]\nNom_Ecran=poste-test\n", encoding="utf-8")
    argv = ["--config", str(ini), "--db", legacy_url]

    assert cli.main([*argv, "init-db"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^- \d+ tables? converties? en InnoDB$", out, re.MULTILINE), out
    assert "Base neuve" not in out  # the legacy reference data is kept, not re-seeded
    store = open_store(legacy_url)
    try:
        with store.engine.connect() as conn:
            counts = row_counts(conn)
            assert {k: counts[k] for k in legacy_dump.counts} == legacy_dump.counts
            assert set(engines(conn).values()) == {"InnoDB"}
            before = schema_snapshot(conn), row_counts(conn)
        assert cli.main([*argv, "init-db"]) == 0
        assert "déjà à jour" in capsys.readouterr().out
        with store.engine.connect() as conn:
            assert (schema_snapshot(conn), row_counts(conn)) == before
        assert cli.main([*argv, "check-config"]) == 0
        assert f"schéma version {SCHEMA_VERSION}" in capsys.readouterr().out
    finally:
        store.dispose()


@pytest.mark.mariadb
def test_legacy_dump_host_statements_and_services(
    legacy_store: Store, legacy_dump: LegacyDump
) -> None:
    upgrade_schema(legacy_store)
    pk = run_host_macro(legacy_store, box="A1", code="RX THO")
    assert pk >= 4420  # the legacy AUTO_INCREMENT is kept
    check_host_patient(legacy_store, pk, box="A1", code="RX THO")

    services = BoardServices(legacy_store, "test-screen")
    result = services.admit(box_code="R1", last_name="O'BRIEN", first_name="Seán", now=NOW,
                            tasks=[NewTask("RX THO"), NewTask("SCAN C")])
    p, num = result.patient_pk, result.task_nums[0]
    with pytest.raises(StateNotAllowedError):
        services.set_task_state(p, num, "CO", now=NOW)  # not a state of RX THO
    services.set_task_state(p, num, "DM", now=NOW)
    services.set_task_state(p, num, "FI", now=NOW + timedelta(minutes=5))
    patient = next(x for x in board(legacy_store).patients if x.pk == p)
    task = next(t for t in patient.tasks if t.num == num)
    # RX THO: 10 minutes maximum duration; FI is flagged terminated
    assert (task.state_code, task.started_at, task.planned_end, task.ended_at) == (
        "FI", NOW, NOW + timedelta(minutes=10), NOW + timedelta(minutes=5))
    services.set_task_state(p, num, "PR", now=NOW + timedelta(minutes=6))
    patient = next(x for x in board(legacy_store).patients if x.pk == p)
    assert next(t for t in patient.tasks if t.num == num).ended_at is None

    # R1 holds one patient: the host's patient cannot join
    with pytest.raises(BoxFullError):
        services.move(pk, "R1", now=NOW + timedelta(minutes=7))
    services.move(p, "SR", now=NOW + timedelta(minutes=7), destination="Retour domicile")
    services.discharge(p, now=NOW + timedelta(minutes=8))
    with legacy_store.engine.begin() as conn:
        conn.exec_driver_sql(host_delete(pk))
    assert {x.pk for x in board(legacy_store).patients} == legacy_dump.patients
    with legacy_store.read() as s:
        history = queries.patient_history(s, legacy_store.models, p)
    assert [h.action for h in history] == [
        "PATIENT_IN", "TASK_ADD", "TASK_ADD", "TASK_STATE", "TASK_STATE", "TASK_STATE",
        "SET_PLACE", "TASK_DELETE", "TASK_DELETE", "PATIENT_OUT"]
    assert all(h.last_name == "O'BRIEN" and h.actor == "test-screen" for h in history)


@pytest.mark.mariadb
@pytest.mark.parametrize("legacy_dump", ["fixtures"], indirect=True)
def test_legacy_patients_and_tasks_survive_the_upgrade(legacy_store: Store) -> None:
    """The fixture dump's patients: ``1000-01-01`` dates read as "not set" (so nothing is
    late), and the task numbers MyISAM gave per patient (both patients have a task 1)
    stay apart once EN_Num_tache is a global AUTO_INCREMENT."""
    upgrade_schema(legacy_store)
    patients = {p.pk: p for p in board(legacy_store).patients}
    staying, leaving = patients[4400], patients[4401]
    day = datetime(2026, 11, 21)
    assert (staying.box_code, staying.first_name, staying.folded) == ("L1", "Émile", False)
    assert (leaving.box_code, leaving.folded) == ("SR", True)
    assert leaving.destination == "Retour domicile"
    assert (staying.moved_at, leaving.moved_at) == (None, day.replace(hour=11, minute=30))
    rx, ecg = sorted(staying.tasks, key=lambda t: t.num)
    assert (rx.num, rx.code, rx.state_code) == (1, "RX THO", "EN")
    assert rx.started_at == day.replace(hour=9, minute=5)
    assert (rx.planned_end, rx.ended_at) == (None, None)  # 1000-01-01 01:01 in the dump
    assert ecg.num == 2
    assert (ecg.planned_start, ecg.planned_end, ecg.started_at, ecg.ended_at) == (None,) * 4
    [scan] = leaving.tasks
    assert (scan.num, scan.code, scan.state_code, scan.blob_key) == (1, "SCAN C", "FI", 160651)
    assert (scan.ended_at, scan.note) == (day.replace(hour=8, minute=25), "Pas de fracture")
    assert late(legacy_store, NOW) == ()
    with legacy_store.read() as s:
        history = queries.patient_history(s, legacy_store.models, 4400)
    actions = [(h.action, h.state_label) for h in history]
    assert actions == [("PATIENT_IN", ""), ("TASK_STATE", "En Cours")]

    services = BoardServices(legacy_store, "test-screen")
    services.set_task_state(4400, 1, "FI", now=NOW)
    added = services.add_task(4401, NewTask("BU"), now=NOW)
    patients = {p.pk: p for p in board(legacy_store).patients}
    assert added > 2
    assert {t.num: t.state_code for t in patients[4400].tasks} == {1: "FI", 2: ecg.state_code}
    tasks = {t.num: (t.code, t.state_code) for t in patients[4401].tasks}
    assert tasks == {1: ("SCAN C", "FI"), added: ("BU", None)}


# ---------------------------------------------------------------------- pool returns


@pytest.mark.mariadb
def test_a_connection_goes_back_to_the_pool_without_a_second_rollback(
    mariadb_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A COMMIT or the session's ROLLBACK ends the transaction: giving the connection back
    costs no further round trip. One given back with a transaction still open (raw DBAPI
    use) is rolled back: its uncommitted row is gone."""
    import pymysql.connections

    store = make_seeded_store(mariadb_database)
    rollbacks: list[object] = []
    real_rollback = pymysql.connections.Connection.rollback

    def counted(self: pymysql.connections.Connection) -> None:
        rollbacks.append(self)
        real_rollback(self)

    monkeypatch.setattr(pymysql.connections.Connection, "rollback", counted)
    history = store.models.History.__table__  # type: ignore[attr-defined]
    try:
        with store.write() as session:
            session.execute(history.insert().values(HI_Action="POOL", HI_Date=NOW))
        assert rollbacks == []  # the COMMIT, and nothing after it
        with store.read() as session:
            assert session.execute(text("SELECT COUNT(*) FROM synopt_historique "
                                        "WHERE HI_Action = 'POOL'")).scalar() == 1
        assert len(rollbacks) == 1  # the read session's own, not a second one

        raw = store.engine.raw_connection()
        cursor = raw.cursor()
        cursor.execute("INSERT INTO synopt_historique (HI_Action, HI_Date) "
                       "VALUES ('POOL', '2026-11-21 14:00:00')")
        cursor.close()
        raw.close()  # back to the pool with the INSERT uncommitted
        assert len(rollbacks) == 2
        with store.read() as session:
            assert session.execute(text("SELECT COUNT(*) FROM synopt_historique "
                                        "WHERE HI_Action = 'POOL'")).scalar() == 1

        # A SELECT leaves PyMySQL's status flags as the last OK packet set them ("no
        # transaction"), yet the server holds one, with its row locks: still rolled back.
        raw = store.engine.raw_connection()
        cursor = raw.cursor()
        cursor.execute("SELECT CONNECTION_ID()")
        (thread_id,) = cursor.fetchone()
        cursor.execute("SELECT HI_PK FROM synopt_historique WHERE HI_Action = 'POOL' "
                       "FOR UPDATE")
        cursor.fetchall()
        cursor.close()
        raw.close()
        assert len(rollbacks) == 4  # the read session's, then this one's
        with store.read() as session:
            open_transactions = session.execute(
                text("SELECT COUNT(*) FROM information_schema.innodb_trx "
                     "WHERE trx_mysql_thread_id = :id"), {"id": thread_id}).scalar()
        assert open_transactions == 0

        # A connection lost mid-transaction (the server restarted): the session still ends
        # with the driver's error only, never one of ours about marking it.
        with pytest.raises(RuntimeError, match="serveur perdu"), store.read() as session:
            session.execute(text("SELECT 1"))
            session.connection().invalidate()
            raise RuntimeError("serveur perdu")
        with store.read() as session:
            assert session.execute(text("SELECT 1")).scalar() == 1
    finally:
        store.dispose()
