"""Statistics read from a real archive: rows written by the services, rows shaped like
Synoptux 2.16's (no HI_Num_tache, states named by label) and a 2.16 database dump."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from conftest import LegacyDump, load_legacy_dump

from synoptic.services import BoardServices, NewTask
from synoptic.stats import Period, compute_stats
from synoptic.stats.read import flow_query, task_query
from synoptic.store.db import Store, open_store, upgrade_schema

DAY = Period(date(2026, 11, 21), date(2026, 11, 21))


def at(hhmm: str, day: int = 21) -> datetime:
    hours, mins = hhmm.split(":")
    return datetime(2026, 11, day, int(hours), int(mins))


def test_figures_of_a_day_written_by_the_services(services: BoardServices) -> None:
    """A: 08:00 ATT, B1 08:20, SORT 10:00 with its exit corrected to 09:50 (still on the
    board, its BIO task planned 08:30, started 08:45, ended 09:15).  B: 08:30 straight into
    B2, RX started 09:00 ended 09:45, SORT 11:00 then out.  C: 09:00 ATT, on the board."""
    a = services.admit(box_code="ATT", last_name="ALPHA", now=at("08:00"),
                       tasks=[NewTask("BIO", planned_start=at("08:30"))])
    services.move(a.patient_pk, "B1", now=at("08:20"))
    services.set_task_state(a.patient_pk, a.task_nums[0], "3EC", now=at("08:45"))
    services.set_task_state(a.patient_pk, a.task_nums[0], "4TE", now=at("09:15"))
    services.move(a.patient_pk, "SORT", now=at("10:00"), destination="Retour domicile")
    services.set_exit_time(a.patient_pk, at("09:50"), now=at("10:10"))
    b = services.admit(box_code="B2", last_name="BRAVO", now=at("08:30"),
                       tasks=[NewTask("RX")])
    services.set_task_state(b.patient_pk, b.task_nums[0], "2DE", now=at("09:00"))
    services.set_task_state(b.patient_pk, b.task_nums[0], "4TE", now=at("09:45"))
    services.move(b.patient_pk, "SORT", now=at("11:00"), destination="Hospitalisation médecine")
    services.discharge(b.patient_pk, now=at("11:30"))
    services.admit(box_code="ATT", last_name="CHARLIE", now=at("09:00"))

    f = compute_stats(services.store, DAY, now=at("12:00"))

    assert (f.arrivals, f.exits) == (3, 2)
    assert f.exits_by_destination == {"Hospitalisation médecine": 1, "Retour domicile": 1}
    # waits: B 0, A 20 -> median 10, p90 0 + 0.9 * 20 = 18
    assert (f.waiting.overall.median, f.waiting.overall.p90, f.waiting.overall.n) == (
        10.0, 18.0, 2)
    # stays: A 08:00-09:50 = 110, B 08:30-11:00 = 150 -> median 130, p90 110 + 0.9 * 40 = 146
    assert (f.stay.overall.median, f.stay.overall.p90) == (130.0, pytest.approx(146.0))
    assert f.stays_over_4h == 0.0
    # A [08:00, 09:50), B [08:30, 11:00), C [09:00, now 12:00): three at 09:00
    assert (f.census.peak, f.census.peak_at) == (3, at("09:00"))
    assert len(f.census.hours) == 12  # up to now
    assert f.census.hours[11] == (at("11:00"), 1)  # C only
    bio, rx = f.tasks["BIO"], f.tasks["RX"]
    assert (bio.count, bio.duration.median, bio.delay.median) == (1, 30.0, 15.0)
    # B is off the board: its task's planned start is gone with it
    assert (rx.count, rx.duration.median, rx.delay.n) == (1, 45.0, 0)
    assert f.task_labels["BIO"] == "Biologie"


def legacy_row(patient: str, when: str, action: str, box: str = "", task: str = "",
               state: str = "", comment: str = "", day: int = 21) -> dict[str, Any]:
    """A history row as Synoptux 2.16 wrote it: empty strings, no task number, no actor."""
    return {"HI_NumEncours": patient, "HI_Date": at(when, day), "HI_Action": action,
            "HI_Code_box": box, "HI_Code_tache": task, "HI_Libelle_tache": task,
            "HI_Libelle_etat": state, "HI_Commentaire": comment, "HI_Nom_patient": "ANCIEN",
            "HI_Code_acteur": "", "HI_Num_tache": None}


def insert_history(store: Store, rows: list[dict[str, Any]]) -> None:
    table = store.models.History.__table__  # type: ignore[attr-defined]
    with store.write() as session:
        session.connection().execute(table.insert(), rows)


def test_a_216_archive_pairs_task_states_by_patient_and_code(store: Store) -> None:
    insert_history(store, [
        legacy_row("501", "07:00", "PATIENT_IN", "ATT", comment="Chute"),
        legacy_row("501", "07:10", "TASK_STATE", "ATT", "ECG", "Demandé"),
        legacy_row("501", "07:20", "TASK_STATE", "ATT", "ECG", "En cours"),
        legacy_row("501", "07:25", "TASK_STATE", "ATT", "ECG", "Terminé"),
        legacy_row("501", "07:30", "SET_PLACE", "B1"),
        legacy_row("501", "07:40", "TASK_STATE", "B1", "RX", "En cours"),
        legacy_row("501", "08:00", "TASK_STATE", "B1", "RX", "Terminé"),
        legacy_row("501", "08:05", "TASK_STATE", "B1", "RX", "En cours"),  # reopened
        legacy_row("501", "09:00", "SET_PLACE", "SORT", comment="Retour domicile"),
        legacy_row("501", "09:00", "PATIENT_OUT", "SORT", day=22),
        legacy_row("502", "07:05", "PATIENT_IN", "ATT"),
        legacy_row("502", "07:15", "TASK_STATE", "ATT", "ECG", "Terminé"),
        legacy_row("502", "10:00", "PATIENT_OUT", "ATT"),  # 2.16's purge, from any box
        legacy_row("503", "10:00", "PATIENT_IN", "ATT", day=1),  # long before: not read
    ])
    f = compute_stats(store, DAY, now=at("12:00", 23))
    assert (f.arrivals, f.exits) == (2, 2)
    assert f.exits_by_destination == {"Non renseignée": 1, "Retour domicile": 1}
    assert (f.waiting.overall.median, f.waiting.overall.n) == (30.0, 1)  # 501: 07:00-07:30
    # stays 120 (501) and 175 (502): median 147.5
    assert (f.stay.overall.median, f.stay.overall.n) == (147.5, 2)
    ecg, rx = f.tasks["ECG"], f.tasks["RX"]
    # ECG of 501: 07:10-07:25 = 15; of 502: one terminal state, 0 -> median 7.5, p90 13.5
    assert (ecg.count, ecg.duration.median, ecg.duration.p90) == (2, 7.5, pytest.approx(13.5))
    assert (rx.count, rx.duration.n) == (1, 0)  # reopened after its end: not ended
    assert (f.census.peak, f.census.peak_at) == (2, at("07:05"))


def test_the_reads_are_covered_by_the_schema_indexes(sqlite_store: Store) -> None:
    """SQLite reads a year's flow rows and task states from the schema's covering indexes,
    the task states in their grouping's order (no row lookups, no sort)."""
    store, m = sqlite_store, sqlite_store.models
    year = Period(date(2025, 11, 22), date(2026, 11, 21))
    with store.read() as session:
        conn = session.connection()

        def plan(query: Any) -> str:
            sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
            return " ".join(str(row[-1]) for row in conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {sql}"))

        flow = plan(flow_query(m, year.start, year.stop))
        assert "COVERING INDEX ix_synopt_historique_flow" in flow
        tasks = plan(task_query(m, year.start, year.stop, frozenset({"4TE"})))
        assert "COVERING INDEX ix_synopt_historique_task_states" in tasks
        assert "TEMP B-TREE" not in tasks


@pytest.fixture
def legacy_store(legacy_dump: LegacyDump, mariadb_database: str) -> Iterator[Store]:
    load_legacy_dump(mariadb_database, legacy_dump)
    store = open_store(mariadb_database)
    upgrade_schema(store)
    yield store
    store.dispose()


@pytest.mark.mariadb
def test_a_216_database_upgraded_in_place(legacy_store: Store, legacy_dump: LegacyDump) -> None:
    f = compute_stats(legacy_store, DAY, now=at("14:00"))
    if legacy_dump.original:  # the real installation's dump has no patient data
        assert (f.arrivals, f.exits, f.tasks) == (0, 0, {})
        # its care places: S1 1, S2 3, S3 2, D4, R1-R4 and L1-L6 1 each
        assert f.tension_threshold == 17
        return
    # 4400: in 08:40 into L1 (Soins: no wait), on the board; 4401: moved to SR at 11:30
    # (no entry row: an exit only); RX THO of 4400 "En Cours" at 09:05, planned 09:00.
    assert (f.arrivals, f.exits, f.exits_by_destination) == (1, 1, {"Retour domicile": 1})
    assert (f.waiting.overall.median, f.stay.overall.n) == (0.0, 0)
    assert (f.census.peak, f.census.peak_at) == (1, at("08:40"))
    rx = f.tasks["RX THO"]
    assert (rx.count, rx.duration.n, rx.delay.median) == (1, 0, 5.0)
    assert f.tension_threshold == 3 and f.tension_hours == ()  # R1, D4, L1


def test_task_rows_without_a_patient_key_count_while_patients_are_on_board(
    services: BoardServices,
) -> None:
    services.admit(box_code="ATT", last_name="PRESENT", now=at("07:00"))
    orphan = legacy_row("", "08:00", "TASK_STATE", "ATT", "ECG", "Terminé")
    orphan["HI_NumEncours"] = None  # 2.16's lifetime purge wrote rows without a patient
    insert_history(services.store, [orphan])
    f = compute_stats(services.store, DAY, now=at("12:00"))
    assert f.tasks["ECG"].count == 1 and f.tasks["ECG"].duration.median == 0.0


def test_tasks_on_the_board_counted_once_beside_equal_ones_off_it(
    services: BoardServices,
) -> None:
    """A (on the board) and B (gone) each had a BIO started 08:00 and ended 08:30: both
    counted once; both planned 07:50: B's planned start is archived with its TASK_ADD row
    (schema 3), so both have a delay, A's counted once (archived and on the board)."""
    a = services.admit(box_code="B1", last_name="ALPHA", now=at("07:30"),
                       tasks=[NewTask("BIO", planned_start=at("07:50"))])
    b = services.admit(box_code="B2", last_name="BRAVO", now=at("07:30"),
                       tasks=[NewTask("BIO", planned_start=at("07:50"))])
    for patient in (a, b):
        services.set_task_state(patient.patient_pk, patient.task_nums[0], "3EC", now=at("08:00"))
        services.set_task_state(patient.patient_pk, patient.task_nums[0], "4TE", now=at("08:30"))
    services.move(b.patient_pk, "SORT", now=at("09:00"), destination="Retour domicile")
    services.discharge(b.patient_pk, now=at("09:30"))
    bio = compute_stats(services.store, DAY, now=at("12:00")).tasks["BIO"]
    assert (bio.count, bio.duration.n, bio.duration.median) == (2, 2, 30.0)
    assert (bio.delay.n, bio.delay.median) == (2, 10.0)


def test_a_failed_task_read_is_raised_and_gives_its_connection_back(
    services: BoardServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On MariaDB the tasks are read in a thread: its error reaches the caller, and no
    connection stays checked out (on SQLite the same read runs in the caller's thread)."""
    from synoptic import stats

    services.admit(box_code="ATT", last_name="ALPHA", now=at("08:00"), tasks=[NewTask("BIO")])

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("lecture des tâches impossible")

    monkeypatch.setattr(stats, "read_tasks", broken)
    with pytest.raises(RuntimeError, match="lecture des tâches impossible"):
        compute_stats(services.store, DAY, now=at("12:00"))
    assert services.store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
