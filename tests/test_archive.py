"""A complete archive (issue 11): every patient has one entry row and one exit row however it
came and went (the services, or the host's own INSERT and DELETE), moves keep the exit time
as corrected, tasks keep their planned start and state code, and patient edits their values
before and after.  On SQLite and MariaDB, and on a 2.16 database upgraded in place."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from conftest import NOW, LegacyDump, load_legacy_dump
from sqlalchemy import select, text

from synoptic import audit
from synoptic.services import BoardServices, NewTask
from synoptic.stats import Period, compute_stats
from synoptic.stats.figures import NO_DESTINATION
from synoptic.store.archive_triggers import HOST_ACTOR, HOST_DELETE_COMMENT
from synoptic.store.db import Store, open_store, upgrade_schema
from synoptic.store.models import HistoryColumns

MIN = timedelta(minutes=1)


def rows_of(store: Store, pk: int) -> list[HistoryColumns]:
    h = store.models.History
    with store.read() as s:
        return list(s.scalars(select(h).where(h.patient_pk == str(pk)).order_by(h.pk)))


def actions(store: Store, pk: int) -> list[tuple[str | None, str | None]]:
    return [(r.action, r.actor) for r in rows_of(store, pk)]


def host_insert(store: Store, name: str, entered: str | None = "'2026-11-21 13:05:00'",
                box: str = "B1") -> int:
    columns = "EC_CodeBox, EC_NomPatient, EC_Commentaire" + (", EC_HeureEntree" if entered
                                                               else "")
    values = f"'{box}', '{name}', 'par la macro'" + (f", {entered}" if entered else "")
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO synopt_encours ({columns}) VALUES ({values})")
        return int(conn.execute(text("SELECT MAX(EC_PK) FROM synopt_encours")).scalar_one())


def host_delete(store: Store, pk: int) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM synopt_encours WHERE EC_PK = :pk"), {"pk": pk})


def database_now(store: Store) -> datetime:
    with store.engine.connect() as conn:
        sql = "SELECT datetime('now','localtime')" if store.dialect == "sqlite" else "SELECT NOW()"
        value = conn.exec_driver_sql(sql).scalar_one()
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


# ------------------------------------------------------------------ one entry row each


def test_an_admission_has_one_entry_row_with_its_actor(services: BoardServices,
                                                      store: Store) -> None:
    result = services.admit(box_code="ATT", last_name="DUPONT", first_name="Jean", guid="g-1",
                            comment=" motif ", now=NOW, tasks=[NewTask("BIO")])
    merged = services.admit(box_code="ATT", last_name="DUPONT", guid="g-1", now=NOW + MIN,
                            tasks=[NewTask("RX")])
    assert merged.merged
    entry, *_ = rows = rows_of(store, result.patient_pk)
    assert [r.action for r in rows] == ["PATIENT_IN", "TASK_ADD", "TASK_ADD"]
    assert (entry.actor, entry.date, entry.box_code, entry.last_name, entry.first_name,
            entry.comment) == ("test-screen", NOW, "ATT", "DUPONT", "Jean", "motif")


def test_a_host_insert_has_its_entry_row(store: Store) -> None:
    pk = host_insert(store, "HOTE")
    [entry] = rows_of(store, pk)
    assert (entry.action, entry.actor, entry.date, entry.box_code, entry.last_name,
            entry.comment) == ("PATIENT_IN", HOST_ACTOR, datetime(2026, 11, 21, 13, 5), "B1",
                               "HOTE", "par la macro")


@pytest.mark.parametrize("entered", [None, "'1000-01-01 01:01:00'"])
def test_a_host_insert_without_entry_time_is_dated_now(store: Store, entered: str | None) -> None:
    before = database_now(store)
    [entry] = rows_of(store, host_insert(store, "SANSHEURE", entered))
    assert entry.date is not None and before <= entry.date <= database_now(store)


def test_an_admission_dated_before_2000_still_has_one_entry_row(services: BoardServices,
                                                               store: Store) -> None:
    """The trigger dates such an entry "now": the services then find its row by key."""
    old = datetime(1999, 12, 31, 23, 0)
    pk = services.admit(box_code="ATT", last_name="ANCIEN", now=old).patient_pk
    assert actions(store, pk) == [("PATIENT_IN", "test-screen")]


def test_a_failed_admission_leaves_no_entry_row(services: BoardServices, store: Store) -> None:
    with pytest.raises(Exception, match="inconnu"):
        services.admit(box_code="ATT", last_name="RATE", now=NOW, tasks=[NewTask("NOPE")])
    with store.read() as s:
        assert s.scalars(select(store.models.History)).all() == []


# ------------------------------------------------------------------ one exit row each


def test_the_services_exits_get_no_second_row(services: BoardServices, store: Store) -> None:
    old = services.admit(box_code="ATT", last_name="OUBLIE", now=NOW - timedelta(days=3)).patient_pk
    gone = services.admit(box_code="ATT", last_name="SORTI", now=NOW,
                          tasks=[NewTask("BIO")]).patient_pk
    services.move(gone, "SORT", now=NOW + MIN, destination="Retour domicile")
    services.discharge(gone, now=NOW + 2 * MIN)
    services.purge(now=NOW, exit_delay_min=60, max_lifetime_s=86_400)
    assert [a for a, _ in actions(store, gone)] == [
        "PATIENT_IN", "TASK_ADD", "SET_PLACE", "TASK_DELETE", "PATIENT_OUT"]
    assert [a for a, _ in actions(store, old)] == ["PATIENT_IN", "PATIENT_LIFEOUT"]


def test_a_host_delete_writes_the_exit(services: BoardServices, store: Store) -> None:
    pk = services.admit(box_code="ATT", last_name="EFFACE", now=NOW,
                        tasks=[NewTask("BIO")]).patient_pk
    services.move(pk, "B2", now=NOW + MIN)
    before = database_now(store)
    host_delete(store, pk)
    *_, out = rows_of(store, pk)
    assert [a for a, _ in actions(store, pk)] == ["PATIENT_IN", "TASK_ADD", "SET_PLACE",
                                                  "PATIENT_OUT"]
    assert (out.actor, out.box_code, out.last_name, out.comment) == (
        HOST_ACTOR, "B2", "EFFACE", HOST_DELETE_COMMENT)
    assert out.date is not None and before <= out.date <= database_now(store)


def test_a_reused_key_gets_its_own_rows(services: BoardServices, store: Store) -> None:
    """SQLite gives the key of the last patient removed to the next one: the new patient
    still gets its entry row with its actor, and its exit when the host deletes it."""
    first = services.admit(box_code="ATT", last_name="PREMIER", now=NOW).patient_pk
    host_delete(store, first)
    again = host_insert(store, "SECOND")
    second = services.admit(box_code="ATT", last_name="TROISIEME", now=NOW + MIN).patient_pk
    host_delete(store, again)
    services.move(second, "SORT", now=NOW + 2 * MIN, destination="Retour domicile")
    services.discharge(second, now=NOW + 3 * MIN)
    rows = [(r.patient_pk, r.action, r.actor, r.last_name) for r in
            rows_of(store, first) + rows_of(store, again) + rows_of(store, second)]
    by_name: dict[str | None, list[tuple[str | None, str | None]]] = {}
    for _key, action, actor, name in dict.fromkeys(rows):
        by_name.setdefault(name, []).append((action, actor))
    assert by_name == {
        "PREMIER": [("PATIENT_IN", "test-screen"), ("PATIENT_OUT", HOST_ACTOR)],
        "SECOND": [("PATIENT_IN", HOST_ACTOR), ("PATIENT_OUT", HOST_ACTOR)],
        "TROISIEME": [("PATIENT_IN", "test-screen"), ("SET_PLACE", "test-screen"),
                      ("PATIENT_OUT", "test-screen")],
    }


# ------------------------------------------------------------------ moves, tasks, edits


def test_an_exit_keeps_its_box_destination_and_corrected_time(services: BoardServices,
                                                             store: Store) -> None:
    pk = services.admit(box_code="ATT", last_name="SORTIE", now=NOW).patient_pk
    services.move(pk, "SORT", now=NOW + 30 * MIN, destination="Retour domicile",
                  exit_time=NOW + 20 * MIN)
    services.set_exit_time(pk, NOW + 25 * MIN, now=NOW + 40 * MIN)
    _, place, first, second = rows_of(store, pk)
    assert (place.action, place.box_code, place.comment, place.date) == (
        "SET_PLACE", "SORT", "Retour domicile", NOW + 30 * MIN)
    assert (first.action, first.comment, first.date) == (
        "SET_EXIT_TIME", "21/11/2026 14:20", NOW + 30 * MIN)
    assert (second.action, second.comment) == ("SET_EXIT_TIME", "21/11/2026 14:25")
    [trail] = _trail(store, pk)
    assert (trail.history_pk, trail.before, trail.after) == (
        second.pk, {"moved_at": "2026-11-21 14:20:00"}, {"moved_at": "2026-11-21 14:25:00"})


def test_a_move_without_exit_time_writes_one_row(services: BoardServices, store: Store) -> None:
    pk = services.admit(box_code="ATT", last_name="SORTIE", now=NOW).patient_pk
    services.move(pk, "SORT", now=NOW + 30 * MIN, destination="Retour domicile")
    services.move(pk, "B1", now=NOW + 40 * MIN, exit_time=NOW)  # not a Sortie box: ignored
    assert [a for a, _ in actions(store, pk)] == ["PATIENT_IN", "SET_PLACE", "SET_PLACE"]


def test_tasks_keep_their_planned_start_and_state_codes(services: BoardServices,
                                                        store: Store) -> None:
    result = services.admit(box_code="ATT", last_name="TACHES", now=NOW, tasks=[
        NewTask("BIO", planned_start=NOW + 15 * MIN), NewTask("RX")])
    bio, rx = result.task_nums
    services.set_task_state(result.patient_pk, bio, "3EC", now=NOW + 20 * MIN)
    added_later = services.add_task(result.patient_pk, NewTask("ECG", planned_start=NOW),
                                    now=NOW + MIN)
    rows = rows_of(store, result.patient_pk)
    planned = {r.task_num: r.planned_start for r in rows if r.action == "TASK_ADD"}
    assert planned == {bio: NOW + 15 * MIN, rx: None, added_later: NOW}
    [state] = [r for r in rows if r.action == "TASK_STATE"]
    assert (state.task_num, state.state_code, state.state_label) == (bio, "3EC", "En cours")


def _trail(store: Store, pk: int) -> tuple[audit.AuditEntry, ...]:
    with store.read() as s:
        return audit.audit_trail(s, store.models, entity="encours", key=str(pk))


def test_patient_edits_keep_the_values_before_and_after(services: BoardServices,
                                                        store: Store) -> None:
    pk = services.admit(box_code="ATT", last_name="EDITE", comment="avant", responsable="IAO",
                        now=NOW).patient_pk
    services.set_comment(pk, "après", now=NOW + MIN)
    services.set_responsable(pk, None, now=NOW + 2 * MIN)
    services.set_hidden(pk, True, now=NOW + 3 * MIN)
    services.set_folded(pk, True, now=NOW + 4 * MIN)
    history = {r.pk: r.action for r in rows_of(store, pk)}
    trail = [(history[e.history_pk], e.before, e.after, e.actor) for e in _trail(store, pk)]
    assert trail[::-1] == [
        ("SET_COMMENT", {"comment": "avant"}, {"comment": "après"}, "test-screen"),
        ("SET_OWNER", {"responsable": "IAO"}, {"responsable": None}, "test-screen"),
        ("SET_HIDDEN", {"hidden": 0}, {"hidden": 1}, "test-screen"),
        ("SET_FOLDED", {"folded": 0}, {"folded": 1}, "test-screen"),
    ]


# ------------------------------------------------------------------ the statistics see it


def test_host_arrivals_and_deletions_count_in_the_figures(services: BoardServices,
                                                          store: Store) -> None:
    """Dated from the database's clock: the host's DELETE is dated by it."""
    t0 = database_now(store).replace(second=0) - timedelta(hours=3)
    host = host_insert(store, "HOTE", f"'{t0:%Y-%m-%d %H:%M:%S}'", box="ATT")
    services.move(host, "B1", now=t0 + 30 * MIN)
    ours = services.admit(box_code="ATT", last_name="NOUS", now=t0 + 60 * MIN).patient_pk
    services.move(ours, "SORT", now=t0 + 150 * MIN, destination="Retour domicile",
                  exit_time=t0 + 120 * MIN)
    host_delete(store, host)
    gone = database_now(store)
    figures = compute_stats(store, Period(t0.date(), gone.date()), now=gone + MIN)
    assert (figures.arrivals, figures.exits) == (2, 2)
    assert figures.exits_by_destination == {"Retour domicile": 1, NO_DESTINATION: 1}
    assert (figures.waiting.overall.n, figures.waiting.overall.median) == (1, 30)
    # 60 min as corrected (not 90 as touched), and the host's ~180 min ended by its DELETE
    host_stay = (gone - t0).total_seconds() / 60
    stay = figures.stay.overall
    assert stay.n == 2
    assert stay.median == pytest.approx(60 + 0.5 * (host_stay - 60))
    assert stay.p90 == pytest.approx(60 + 0.9 * (host_stay - 60))


def test_a_task_gone_with_its_patient_keeps_its_delay(services: BoardServices,
                                                      store: Store) -> None:
    """BIO planned 08:10, started 08:25 (delay 15), ended 08:45; RX planned 08:00, started
    07:55 (delay -5), never ended; ECG without planned start: no delay.  The patient left."""
    t = datetime(2026, 11, 21, 8, 0)
    admitted = services.admit(box_code="B1", last_name="PARTI", now=t - 10 * MIN, tasks=[
        NewTask("BIO", planned_start=t + 10 * MIN), NewTask("RX", planned_start=t),
        NewTask("ECG")])
    pk, (bio, rx, ecg) = admitted.patient_pk, admitted.task_nums
    services.set_task_state(pk, rx, "3EC", now=t - 5 * MIN)
    services.set_task_state(pk, bio, "3EC", now=t + 25 * MIN)
    services.set_task_state(pk, ecg, "4TE", now=t + 30 * MIN)
    services.set_task_state(pk, bio, "4TE", now=t + 45 * MIN)
    services.move(pk, "SORT", now=t + 60 * MIN, destination="Retour domicile")
    services.discharge(pk, now=t + 70 * MIN)
    tasks = compute_stats(store, Period(t.date(), t.date()), now=t + 120 * MIN).tasks
    assert (tasks["BIO"].delay.n, tasks["BIO"].delay.median) == (1, 15.0)
    assert (tasks["BIO"].duration.n, tasks["BIO"].duration.median) == (1, 20.0)
    assert (tasks["RX"].delay.n, tasks["RX"].delay.median, tasks["RX"].duration.n) == (1, -5.0, 0)
    assert (tasks["ECG"].count, tasks["ECG"].delay.n, tasks["ECG"].duration.median) == (1, 0, 0.0)


def test_a_state_code_tells_a_task_ended_whatever_its_label(store: Store) -> None:
    """A terminal state's label renamed since (``4TE`` is "Terminé" today): rows that kept
    the code still end their task; 2.16's rows, without a code, are read by label."""
    def state(patient: str, minute: int, label: str, code: str | None) -> dict[str, object]:
        return {"HI_NumEncours": patient, "HI_Date": datetime(2026, 11, 21, 8, minute),
                "HI_Action": "TASK_STATE", "HI_Code_tache": "BIO", "HI_Num_tache": None,
                "HI_Libelle_etat": label, "HI_Code_etat": code}
    table = store.models.History.__table__  # type: ignore[attr-defined]
    with store.write() as session:
        session.connection().execute(table.insert(), [
            state("701", 0, "Demandé", "2DE"), state("701", 20, "Fini (ancien libellé)", "4TE"),
            state("702", 0, "Demandé", None), state("702", 40, "Terminé", None),
            state("703", 0, "Demandé", "2DE"), state("703", 10, "Terminé", "3EC"),  # a code wins
        ])
    bio = compute_stats(store, Period(date(2026, 11, 21), date(2026, 11, 21)),
                        now=datetime(2026, 11, 21, 12, 0)).tasks["BIO"]
    assert (bio.count, bio.duration.n, bio.duration.median) == (3, 2, 30.0)


# ------------------------------------------------------------------ 2.16 upgraded in place


@pytest.mark.mariadb
def test_a_2_16_database_upgraded_in_place_archives_host_writes(
    legacy_dump: LegacyDump, mariadb_database: str
) -> None:
    load_legacy_dump(mariadb_database, legacy_dump)
    store = open_store(mariadb_database)
    try:
        upgrade_schema(store)
        services = BoardServices(store, "test-screen")
        box = _boxes(store)[0]
        host = host_insert(store, "HOTE", box=box)
        ours = services.admit(box_code=box, last_name="NOUS", now=NOW,
                              allow_over_capacity=True).patient_pk
        assert actions(store, host) == [("PATIENT_IN", HOST_ACTOR)]
        assert actions(store, ours) == [("PATIENT_IN", "test-screen")]
        for pk in (host, *sorted(legacy_dump.patients)):
            host_delete(store, pk)
            assert actions(store, pk)[-1] == ("PATIENT_OUT", HOST_ACTOR)
    finally:
        store.dispose()


def _boxes(store: Store) -> list[str]:
    with store.read() as s:
        return sorted(s.scalars(select(store.models.Box.code)))
