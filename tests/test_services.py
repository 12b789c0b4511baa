"""Use cases of the board (synoptic.services) on SQLite and MariaDB.

Every test runs on both backends through the ``services``/``store`` fixtures (seeded with
the French reference data of synoptic.store.seed: ATT waiting room of 20, B1..B6 and
DECH of 1 place, UHCD of 4, ABS absence, SORT exit).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from conftest import NOW
from sqlalchemy import delete, func, select

from synoptic.domain import is_late
from synoptic.errors import (
    BoxFullError,
    ConflictError,
    DestinationRequiredError,
    InvalidValueError,
    NotInExitBoxError,
    PatientNotFoundError,
    SameBoxError,
    StateNotAllowedError,
    TaskNotFoundError,
    UnknownBoxError,
    UnknownDestinationError,
    UnknownResponsableError,
    UnknownStateError,
    UnknownTaskCodeError,
    WrongDestinationTypeError,
)
from synoptic.services import (
    PATIENT_IN,
    PATIENT_LIFEOUT,
    PATIENT_OUT,
    SET_COMMENT,
    SET_EXIT_TIME,
    SET_FOLDED,
    SET_HIDDEN,
    SET_OWNER,
    SET_PLACE,
    TASK_ADD,
    TASK_DELETE,
    TASK_STATE,
    BoardServices,
    NewTask,
    resolve_actor,
)
from synoptic.services import history as history_module
from synoptic.store import queries
from synoptic.store.db import Store
from synoptic.views import HistoryView, PatientView, TaskView

MIN = timedelta(minutes=1)
LEGACY_NONE = "1000-01-01 01:01:00"


# --------------------------------------------------------------------------- helpers


def read_patient(store: Store, pk: int) -> PatientView | None:
    with store.read() as s:
        found = queries.load_patients(s, store.models, [pk])
    return found[0] if found else None


def get_patient(store: Store, pk: int) -> PatientView:
    found = read_patient(store, pk)
    assert found is not None, f"patient {pk} absent"
    return found


def all_patients(store: Store) -> tuple[PatientView, ...]:
    with store.read() as s:
        return queries.load_patients(s, store.models)


def get_task(store: Store, pk: int, num: int) -> TaskView:
    return next(t for t in get_patient(store, pk).tasks if t.num == num)


def history_of(store: Store, pk: int) -> tuple[HistoryView, ...]:
    with store.read() as s:
        return queries.patient_history(s, store.models, pk)


def all_history(store: Store) -> list[HistoryView]:
    h = store.models.History
    with store.read() as s:
        return [queries.history_view(r) for r in s.scalars(select(h).order_by(h.pk))]


def counts(store: Store) -> tuple[int, int, int]:
    m = store.models
    with store.read() as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (m.Patient, m.Task, m.History)
        )


def state(store: Store) -> tuple[Any, ...]:
    """Everything a refused action must leave untouched."""
    return all_patients(store), tuple(all_history(store)), counts(store)


def admit(services: BoardServices, last_name: str = "DUPONT", box: str = "ATT",
          now: datetime = NOW, **kwargs: Any) -> int:
    return services.admit(box_code=box, last_name=last_name, now=now, **kwargs).patient_pk


def raw_sql(store: Store, sql: str) -> None:
    with store.engine.begin() as conn:
        conn.exec_driver_sql(sql)


# --------------------------------------------------------------------------- admit


def test_admit_writes_patient_and_patient_in_history(
    services: BoardServices, store: Store
) -> None:
    result = services.admit(
        box_code="ATT", last_name=" MARTIN ", first_name="Lucie", guid="guid-1",
        responsable="IAO", comment="Chute", annex_program="/opt/drtux",
        annex_args=["-p", "42"], now=NOW,
    )
    assert result.merged is False
    assert result.task_nums == ()
    assert result.warnings == ()
    p = get_patient(store, result.patient_pk)
    assert (p.box_code, p.last_name, p.first_name, p.guid) == ("ATT", "MARTIN", "Lucie", "guid-1")
    assert (p.responsable, p.comment, p.entered_at, p.moved_at) == ("IAO", "Chute", NOW, NOW)
    assert (p.folded, p.hidden, p.revision, p.destination) == (False, False, 0, "")
    assert (p.annex_program, p.annex_args) == ("/opt/drtux", ("-p", "42"))
    rows = history_of(store, result.patient_pk)
    assert [r.action for r in rows] == [PATIENT_IN]
    row = rows[0]
    assert (row.actor, row.last_name, row.first_name, row.box_code) == (
        "test-screen", "MARTIN", "Lucie", "ATT")
    assert (row.date, row.responsable, row.comment) == (NOW, "IAO", "Chute")


def test_admit_with_tasks_writes_them_with_history(services: BoardServices, store: Store) -> None:
    result = services.admit(
        box_code="B1", last_name="DURAND", now=NOW,
        tasks=[NewTask("BIO", priority=2, comment="NFS", planned_start=NOW + 5 * MIN),
               NewTask("RX", planned_end=NOW + 30 * MIN, note="face + profil")],
    )
    assert len(result.task_nums) == 2
    tasks = {t.num: t for t in get_patient(store, result.patient_pk).tasks}
    bio, rx = tasks[result.task_nums[0]], tasks[result.task_nums[1]]
    assert (bio.code, bio.priority, bio.comment, bio.planned_start) == ("BIO", 2, "NFS",
                                                                      NOW + 5 * MIN)
    assert (rx.code, rx.planned_end, rx.note, rx.state_code) == ("RX", NOW + 30 * MIN,
                                                                 "face + profil", None)
    assert [(r.action, r.task_code, r.task_label) for r in history_of(store, result.patient_pk)] \
        == [(PATIENT_IN, "", ""), (TASK_ADD, "BIO", "Biologie"), (TASK_ADD, "RX", "Radiographie")]


def test_admit_into_exit_box_folds(services: BoardServices, store: Store) -> None:
    assert get_patient(store, admit(services, box="SORT")).folded is True
    assert get_patient(store, admit(services, box="B1")).folded is False


def test_same_guid_appends_tasks(services: BoardServices, store: Store) -> None:
    first = services.admit(box_code="B1", last_name="PETIT", guid="G-42", now=NOW,
                           tasks=[NewTask("BIO")])
    second = services.admit(box_code="ATT", last_name="PETIT", guid=" G-42 ", now=NOW + MIN,
                            tasks=[NewTask("RX"), NewTask("ECG")])
    assert second.merged is True
    assert second.patient_pk == first.patient_pk
    assert len(second.task_nums) == 2
    patients = all_patients(store)
    assert len(patients) == 1
    assert patients[0].box_code == "B1"  # an appended file does not move the patient
    assert sorted(t.code for t in patients[0].tasks) == ["BIO", "ECG", "RX"]
    assert [r.action for r in history_of(store, first.patient_pk)].count(PATIENT_IN) == 1


def test_guid_longer_than_its_column_still_matches(services: BoardServices, store: Store) -> None:
    """A GUID longer than 2.16's 45 characters is stored and compared whole."""
    guid = "{" + "8F3A2C10-" * 6 + "}"
    first = services.admit(box_code="ATT", last_name="LONG", guid=guid, now=NOW)
    second = services.admit(box_code="ATT", last_name="LONG", guid=guid, now=NOW,
                            tasks=[NewTask("BIO")])
    assert second.merged and second.patient_pk == first.patient_pk
    assert len(all_patients(store)) == 1


def test_empty_guid_never_matches_another_empty_guid(
    services: BoardServices, store: Store
) -> None:
    """Facts, failure 3: an empty GUID matched any other patient with an empty GUID."""
    # a host macro may also leave an empty string (not NULL) in EC_GUIDPatient
    raw_sql(store, "INSERT INTO synopt_encours (EC_CodeBox,EC_NomPatient,EC_GUIDPatient,"
                   "EC_HeureEntree) VALUES ('ATT','HOTE','','2026-11-21 13:00:00')")
    a = services.admit(box_code="ATT", last_name="ALPHA", guid="", now=NOW,
                       tasks=[NewTask("BIO")])
    b = services.admit(box_code="ATT", last_name="BETA", guid="   ", now=NOW,
                       tasks=[NewTask("RX")])
    c = services.admit(box_code="ATT", last_name="GAMMA", now=NOW, tasks=[NewTask("ECG")])
    assert not (a.merged or b.merged or c.merged)
    assert len({a.patient_pk, b.patient_pk, c.patient_pk}) == 3
    by_name = {p.last_name: p for p in all_patients(store)}
    assert set(by_name) == {"HOTE", "ALPHA", "BETA", "GAMMA"}
    assert [t.code for t in by_name["ALPHA"].tasks] == ["BIO"]
    assert [t.code for t in by_name["BETA"].tasks] == ["RX"]
    assert [t.code for t in by_name["GAMMA"].tasks] == ["ECG"]
    assert by_name["HOTE"].tasks == ()
    assert by_name["ALPHA"].guid == ""


def test_quotes_in_names_and_comments_are_stored_intact(
    services: BoardServices, store: Store
) -> None:
    """Facts, failure 4: an apostrophe broke the concatenated SQL."""
    last, first = "L'HERMITTE", 'Jean "Jo"'
    comment = "Chute à l'hôpital'); DROP TABLE x; --"[:45]
    guid = "o'neil-\"7\""
    result = services.admit(
        box_code="ATT", last_name=last, first_name=first, comment=comment, guid=guid,
        now=NOW, tasks=[NewTask("AVIS", comment="avis \"cardio\" d'urgence", note="l'note")],
    )
    again = services.admit(box_code="ATT", last_name=last, guid=guid, now=NOW,
                           tasks=[NewTask("BIO", comment="'")])
    assert again.merged and again.patient_pk == result.patient_pk
    p = get_patient(store, result.patient_pk)
    assert (p.last_name, p.first_name, p.comment, p.guid) == (last, first, comment, guid)
    assert sorted(t.comment for t in p.tasks) == ["'", "avis \"cardio\" d'urgence"]
    services.set_comment(result.patient_pk, "Vu par l'interne", now=NOW)
    assert get_patient(store, result.patient_pk).comment == "Vu par l'interne"
    rows = history_of(store, result.patient_pk)
    assert {r.last_name for r in rows} == {last}
    assert rows[-1].comment == "Vu par l'interne"


def test_long_values_are_cut_to_the_column_size_with_a_warning(
    services: BoardServices, store: Store
) -> None:
    result = services.admit(box_code="ATT", last_name="X" * 80, comment="c" * 300, now=NOW)
    p = get_patient(store, result.patient_pk)
    assert p.last_name == "X" * 80  # 2.16's 45 characters were too few for real names
    assert p.comment == "c" * 255
    assert result.warnings == ("Commentaire : 300 caractères, coupé à 255.",)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"box_code": "NOPE"}, UnknownBoxError, ("Box inconnu", "NOPE")),
        ({"tasks": [NewTask("BIO"), NewTask("ZZZ")]}, UnknownTaskCodeError,
         ("Code de tâche inconnu", "ZZZ")),
        ({"responsable": "GHOST"}, UnknownResponsableError, ("Responsable inconnu", "GHOST")),
        ({"last_name": "  "}, InvalidValueError, ("nom du patient",)),
    ],
)
def test_admit_refuses_unknown_references_in_french(
    services: BoardServices, store: Store, kwargs: dict[str, Any], error: type[Exception],
    words: tuple[str, ...],
) -> None:
    args: dict[str, Any] = {"box_code": "ATT", "last_name": "DUPONT", "now": NOW, **kwargs}
    with pytest.raises(error) as caught:
        services.admit(**args)
    for word in words:
        assert word in str(caught.value)
    assert counts(store) == (0, 0, 0)


def test_lenient_admit_keeps_unknown_codes_and_warns(
    services: BoardServices, store: Store
) -> None:
    result = services.admit(
        box_code="ATT", last_name="DUPONT", responsable="GHOST", now=NOW, lenient=True,
        tasks=[NewTask("XYZ", comment="inconnue"), NewTask("BIO")],
    )
    assert len(result.warnings) == 2
    assert any("GHOST" in w for w in result.warnings)
    assert any("XYZ" in w for w in result.warnings)
    p = get_patient(store, result.patient_pk)
    assert p.responsable == "GHOST"
    assert sorted(t.code for t in p.tasks) == ["BIO", "XYZ"]
    # a task of unknown type takes no state
    unknown = next(t for t in p.tasks if t.code == "XYZ")
    with pytest.raises(StateNotAllowedError):
        services.set_task_state(p.pk, unknown.num, "2DE", now=NOW)


def test_admit_respects_capacity(services: BoardServices, store: Store) -> None:
    admit(services, "UN", box="B1")
    with pytest.raises(BoxFullError) as caught:
        admit(services, "DEUX", box="B1")
    assert "plein" in str(caught.value)
    assert [p.last_name for p in all_patients(store)] == ["UN"]
    admit(services, "TROIS", box="B1", allow_over_capacity=True)
    assert len(all_patients(store)) == 2


# --------------------------------------------------------------------------- task states


def test_set_task_state_allowed_and_not_allowed(services: BoardServices, store: Store) -> None:
    # ECG is a button task: only 2DE, 3EC and 4TE are configured for it
    result = services.admit(box_code="B1", last_name="DUPONT", now=NOW, tasks=[NewTask("ECG")])
    pk, num = result.patient_pk, result.task_nums[0]
    before = state(store)
    with pytest.raises(StateNotAllowedError) as caught:
        services.set_task_state(pk, num, "1PR", now=NOW)
    assert "n'est pas permis" in str(caught.value)
    assert "ECG" in str(caught.value)
    with pytest.raises(UnknownStateError) as unknown:
        services.set_task_state(pk, num, "ZZ", now=NOW)
    assert "État inconnu" in str(unknown.value)
    with pytest.raises(TaskNotFoundError):
        services.set_task_state(pk, num + 1000, "2DE", now=NOW)
    with pytest.raises(PatientNotFoundError):
        services.set_task_state(pk + 1000, num, "2DE", now=NOW)
    assert state(store) == before
    services.set_task_state(pk, num, "3EC", now=NOW)
    task = get_task(store, pk, num)
    assert (task.state_code, task.revision, task.actor) == ("3EC", 1, "test-screen")


def test_set_task_state_effects_on_times(services: BoardServices, store: Store) -> None:
    # BIO: maximum duration 60 minutes, no planned end given
    result = services.admit(box_code="B1", last_name="DUPONT", now=NOW - 10 * MIN,
                            tasks=[NewTask("BIO", planned_start=NOW - 5 * MIN),
                                   NewTask("RX", planned_end=NOW + 7 * MIN)])
    pk, bio, rx = result.patient_pk, *result.task_nums
    services.set_task_state(pk, bio, "2DE", now=NOW)
    t = get_task(store, pk, bio)
    assert (t.started_at, t.ended_at, t.planned_end) == (NOW, None, NOW + 60 * MIN)
    services.set_task_state(pk, bio, "4TE", now=NOW + 30 * MIN)
    t = get_task(store, pk, bio)
    assert (t.started_at, t.ended_at, t.planned_end) == (NOW, NOW + 30 * MIN, NOW + 60 * MIN)
    services.set_task_state(pk, bio, "3EC", now=NOW + 40 * MIN)
    t = get_task(store, pk, bio)
    assert (t.started_at, t.ended_at, t.state_code) == (NOW, None, "3EC")
    assert t.revision == 3
    # a planned end given by the host is kept
    services.set_task_state(pk, rx, "2DE", now=NOW)
    assert get_task(store, pk, rx).planned_end == NOW + 7 * MIN


def test_terminal_flag_is_the_states_own_not_its_order(
    services: BoardServices, store: Store
) -> None:
    m = store.models
    with store.write() as s:
        s.add(m.State(code="0AB", label="Abandonné", color="#000", terminal=1))  # first
        s.add(m.State(code="8NU", label="Sans drapeau", color="#111", terminal=None))
        s.add(m.State(code="9RO", label="Rouvert", color="#fff", terminal=0))  # last
        for code in ("0AB", "8NU", "9RO"):
            s.add(m.TaskState(task_code="BIO", state_code=code))
    result = services.admit(box_code="B1", last_name="DUPONT", now=NOW, tasks=[NewTask("BIO")])
    pk, num = result.patient_pk, result.task_nums[0]
    steps = [("0AB", True), ("9RO", False), ("4TE", True), ("8NU", False), ("5AN", True),
             ("2DE", False)]
    for i, (code, terminal) in enumerate(steps):
        when = NOW + i * MIN
        services.set_task_state(pk, num, code, now=when)
        task = get_task(store, pk, num)
        assert task.ended_at == (when if terminal else None), code
        assert task.started_at == NOW


def test_task_type_without_configured_states_takes_any_state(
    services: BoardServices, store: Store
) -> None:
    m = store.models
    with store.write() as s:
        s.add(m.TaskType(code="LIBRE", label="Sans états", max_duration_min=None))
    result = services.admit(box_code="B1", last_name="DUPONT", now=NOW,
                            tasks=[NewTask("LIBRE")])
    pk, num = result.patient_pk, result.task_nums[0]
    for code in ("1PR", "5AN", "3EC"):
        services.set_task_state(pk, num, code, now=NOW)
        assert get_task(store, pk, num).state_code == code
    assert get_task(store, pk, num).planned_end is None  # no maximum duration


def test_task_state_history_names_everything(services: BoardServices, store: Store) -> None:
    result = services.admit(box_code="B2", last_name="GARCIA", first_name="Lucia",
                            responsable="MARTIN", now=NOW, tasks=[NewTask("SUT")])
    pk, num = result.patient_pk, result.task_nums[0]
    services.as_user("Dr Who").set_task_state(pk, num, "3EC", now=NOW + MIN)
    row = history_of(store, pk)[-1]
    assert row.action == TASK_STATE
    assert (row.last_name, row.first_name, row.box_code, row.responsable) == (
        "GARCIA", "Lucia", "B2", "MARTIN")
    assert (row.task_code, row.task_label, row.task_num) == ("SUT", "Suture", num)
    assert (row.state_label, row.actor, row.date) == ("En cours", "Dr Who", NOW + MIN)


def test_delete_task_writes_history(services: BoardServices, store: Store) -> None:
    """Facts, failure 9: deleting a task wrote no history."""
    result = services.admit(box_code="B1", last_name="DUPONT", now=NOW,
                            tasks=[NewTask("BIO"), NewTask("RX")])
    pk, bio, rx = result.patient_pk, *result.task_nums
    services.delete_task(pk, bio, now=NOW + MIN)
    assert [t.num for t in get_patient(store, pk).tasks] == [rx]
    row = history_of(store, pk)[-1]
    assert (row.action, row.task_code, row.task_label, row.task_num) == (
        TASK_DELETE, "BIO", "Biologie", bio)
    assert (row.last_name, row.actor, row.date) == ("DUPONT", "test-screen", NOW + MIN)
    with pytest.raises(TaskNotFoundError):
        services.delete_task(pk, bio, now=NOW)


def test_add_task(services: BoardServices, store: Store) -> None:
    pk = admit(services)
    num = services.add_task(pk, NewTask("ECHO", comment="abdo"), now=NOW)
    assert [(t.num, t.code, t.comment) for t in get_patient(store, pk).tasks] == [
        (num, "ECHO", "abdo")]
    with pytest.raises(UnknownTaskCodeError):
        services.add_task(pk, NewTask("NOPE"), now=NOW)
    assert history_of(store, pk)[-1].action == TASK_ADD


# --------------------------------------------------------------------------- patient fields


def test_set_responsable(services: BoardServices, store: Store) -> None:
    pk = admit(services)
    services.set_responsable(pk, "PETIT", now=NOW + MIN)
    p = get_patient(store, pk)
    assert (p.responsable, p.revision) == ("PETIT", 1)
    row = history_of(store, pk)[-1]
    assert (row.action, row.responsable, row.actor, row.date) == (
        SET_OWNER, "PETIT", "test-screen", NOW + MIN)
    with pytest.raises(UnknownResponsableError) as caught:
        services.set_responsable(pk, "GHOST", now=NOW)
    assert "Responsable inconnu" in str(caught.value)
    assert get_patient(store, pk).responsable == "PETIT"
    services.set_responsable(pk, None, now=NOW + 2 * MIN)
    assert get_patient(store, pk).responsable is None
    assert [r.action for r in history_of(store, pk)] == [PATIENT_IN, SET_OWNER, SET_OWNER]


def test_set_comment_hidden_folded(services: BoardServices, store: Store) -> None:
    pk = admit(services)
    services.set_comment(pk, "  Allergie pénicilline ", now=NOW + MIN)
    services.set_hidden(pk, True, now=NOW + 2 * MIN)
    services.set_folded(pk, True, now=NOW + 3 * MIN)
    p = get_patient(store, pk)
    assert (p.comment, p.hidden, p.folded, p.revision) == ("Allergie pénicilline", True, True, 3)
    services.set_hidden(pk, False, now=NOW + 4 * MIN)
    services.set_folded(pk, False, now=NOW + 5 * MIN)
    p = get_patient(store, pk)
    assert (p.hidden, p.folded, p.revision) == (False, False, 5)
    rows = history_of(store, pk)
    assert [(r.action, r.comment) for r in rows] == [
        (PATIENT_IN, ""),
        (SET_COMMENT, "Allergie pénicilline"),
        (SET_HIDDEN, "masqué"),
        (SET_FOLDED, "replié"),
        (SET_HIDDEN, "affiché"),
        (SET_FOLDED, "déplié"),
    ]
    assert all(r.actor == "test-screen" and r.last_name == "DUPONT" for r in rows)
    assert [r.date for r in rows] == [NOW + i * MIN for i in range(6)]


@pytest.mark.parametrize(
    "action",
    [
        lambda s, pk: s.set_comment(pk, "x", now=NOW),
        lambda s, pk: s.set_hidden(pk, True, now=NOW),
        lambda s, pk: s.set_folded(pk, True, now=NOW),
        lambda s, pk: s.set_responsable(pk, "IAO", now=NOW),
        lambda s, pk: s.move(pk, "B1", now=NOW),
        lambda s, pk: s.add_task(pk, NewTask("BIO"), now=NOW),
    ],
)
def test_actions_on_a_missing_patient(
    services: BoardServices, store: Store, action: Callable[[BoardServices, int], Any]
) -> None:
    with pytest.raises(PatientNotFoundError) as caught:
        action(services, 4242)
    assert "n'est plus sur le tableau" in str(caught.value)
    assert counts(store) == (0, 0, 0)


# --------------------------------------------------------------------------- move


def test_move_capacity_counts_every_patient_in_the_box(
    services: BoardServices, store: Store
) -> None:
    """Facts, failure 7: only displayed patients were counted (a responsable filter let
    a box overflow).  The occupant is hidden, folded and has another responsable."""
    first = admit(services, "PREMIER", responsable="MARTIN")
    second = admit(services, "SECOND", responsable="BERNARD")
    services.move(first, "B1", now=NOW + MIN)
    services.set_hidden(first, True, now=NOW + MIN)
    services.set_folded(first, True, now=NOW + MIN)
    before = state(store)
    with pytest.raises(BoxFullError) as caught:
        services.move(second, "B1", now=NOW + 2 * MIN)
    assert "Box 1" in str(caught.value) and "1 place" in str(caught.value)
    assert state(store) == before
    assert get_patient(store, second).box_code == "ATT"
    # a patient inserted by a host macro counts too
    raw_sql(store, "INSERT INTO synopt_encours (EC_CodeBox,EC_NomPatient,EC_HeureEntree) "
                   "VALUES ('B2','HOTE','2026-11-21 13:00:00')")
    with pytest.raises(BoxFullError):
        services.move(second, "B2", now=NOW + 2 * MIN)
    # once the place is free the move succeeds
    services.move(first, "B3", now=NOW + 3 * MIN)
    services.move(second, "B1", now=NOW + 4 * MIN)
    p = get_patient(store, second)
    assert (p.box_code, p.moved_at, p.revision) == ("B1", NOW + 4 * MIN, 1)
    row = history_of(store, second)[-1]
    assert (row.action, row.box_code, row.actor) == (SET_PLACE, "B1", "test-screen")


def test_move_errors(services: BoardServices, store: Store) -> None:
    pk = admit(services)
    before = state(store)
    with pytest.raises(SameBoxError):
        services.move(pk, "ATT", now=NOW)
    with pytest.raises(UnknownBoxError):
        services.move(pk, "NOPE", now=NOW)
    for box, kind in (("ABS", "Absence"), ("SORT", "Sortie")):
        with pytest.raises(DestinationRequiredError) as required:
            services.move(pk, box, now=NOW)
        assert kind in str(required.value) and "obligatoire" in str(required.value)
        with pytest.raises(DestinationRequiredError):
            services.move(pk, box, now=NOW, destination="  ")
        with pytest.raises(UnknownDestinationError) as unknown:
            services.move(pk, box, now=NOW, destination="Lune")
        assert "Destination inconnue" in str(unknown.value)
    with pytest.raises(WrongDestinationTypeError) as wrong:
        services.move(pk, "ABS", now=NOW, destination="Retour domicile")
    assert "Absence" in str(wrong.value)
    with pytest.raises(WrongDestinationTypeError):
        services.move(pk, "SORT", now=NOW, destination="Scanner")
    assert state(store) == before


def test_move_to_absence_then_exit_then_back(services: BoardServices, store: Store) -> None:
    pk = admit(services)
    services.move(pk, "ABS", now=NOW + MIN, destination="Scanner")
    p = get_patient(store, pk)
    assert (p.box_code, p.destination, p.folded, p.moved_at) == ("ABS", "Scanner", True,
                                                                 NOW + MIN)
    assert history_of(store, pk)[-1].comment == "Scanner"
    exit_time = NOW - 20 * MIN
    services.move(pk, "SORT", now=NOW + 2 * MIN, destination="Fugue", exit_time=exit_time)
    p = get_patient(store, pk)
    assert (p.box_code, p.destination, p.folded, p.moved_at) == ("SORT", "Fugue", True,
                                                                 exit_time)
    services.set_folded(pk, False, now=NOW + 3 * MIN)
    services.move(pk, "B1", now=NOW + 4 * MIN)
    p = get_patient(store, pk)
    assert (p.box_code, p.destination, p.moved_at) == ("B1", "", NOW + 4 * MIN)


def test_move_into_exit_without_exit_time_uses_now(
    services: BoardServices, store: Store
) -> None:
    pk = admit(services)
    services.move(pk, "SORT", now=NOW + 9 * MIN, destination="Retour domicile")
    p = get_patient(store, pk)
    assert (p.moved_at, p.destination, p.folded) == (NOW + 9 * MIN, "Retour domicile", True)
    assert [r.action for r in history_of(store, pk)] == [PATIENT_IN, SET_PLACE]


def test_set_exit_time(services: BoardServices, store: Store) -> None:
    pk = admit(services)
    with pytest.raises(NotInExitBoxError):
        services.set_exit_time(pk, NOW - MIN, now=NOW)
    services.move(pk, "SORT", now=NOW, destination="Décès")
    services.set_exit_time(pk, datetime(2026, 11, 21, 13, 45), now=NOW + MIN)
    assert get_patient(store, pk).moved_at == datetime(2026, 11, 21, 13, 45)
    row = history_of(store, pk)[-1]
    assert (row.action, row.comment, row.date) == (SET_EXIT_TIME, "21/11/2026 13:45", NOW + MIN)


def test_discharge_only_from_an_exit_box_and_history_is_kept(
    services: BoardServices, store: Store
) -> None:
    result = services.admit(box_code="B1", last_name="PERRIN", now=NOW,
                            tasks=[NewTask("ECG")])
    pk = result.patient_pk
    before = state(store)
    with pytest.raises(NotInExitBoxError) as caught:
        services.discharge(pk, now=NOW)
    assert "box de sortie" in str(caught.value)
    assert state(store) == before
    services.move(pk, "SORT", now=NOW + MIN, destination="Retour domicile")
    services.discharge(pk, now=NOW + 2 * MIN)
    assert read_patient(store, pk) is None
    assert counts(store)[1] == 0  # its tasks went with it
    rows = history_of(store, pk)
    assert [r.action for r in rows] == [PATIENT_IN, TASK_ADD, SET_PLACE, TASK_DELETE,
                                        PATIENT_OUT]
    assert all(r.last_name == "PERRIN" for r in rows)
    with pytest.raises(PatientNotFoundError):
        services.discharge(pk, now=NOW)


# --------------------------------------------------------------------------- purge


def test_purge_removes_only_old_exits_from_exit_boxes(
    services: BoardServices, store: Store
) -> None:
    """Facts, failure 8: the purge deleted any patient whose last move was old."""
    old = NOW - timedelta(days=2)
    in_care = admit(services, "SOINS", now=old)
    services.move(in_care, "B1", now=old)  # moved long ago, still in a care box
    waiting = admit(services, "ATTENTE", now=old)
    absent = admit(services, "ABSENT", now=old)
    services.move(absent, "ABS", now=old, destination="IRM")
    old_exit = admit(services, "PARTI", now=old, tasks=[NewTask("BIO")])
    services.move(old_exit, "SORT", now=NOW - timedelta(hours=25), destination="Fugue")
    given_exit = admit(services, "DECLARE", now=NOW - timedelta(hours=30))
    services.move(given_exit, "SORT", now=NOW - 10 * MIN, destination="Fugue",
                  exit_time=NOW - timedelta(hours=26))
    recent_exit = admit(services, "RECENT", now=old)
    services.move(recent_exit, "SORT", now=NOW - 60 * MIN, destination="Fugue")

    result = services.purge(now=NOW, exit_delay_min=1440, max_lifetime_s=0)
    assert set(result.exits_removed) == {old_exit, given_exit}
    assert result.lifetime_removed == ()
    assert {p.pk for p in all_patients(store)} == {in_care, waiting, absent, recent_exit}
    assert counts(store)[1] == 0
    out = history_of(store, old_exit)[-1]
    assert (out.action, out.last_name, out.box_code, out.actor, out.date) == (
        PATIENT_OUT, "PARTI", "SORT", "test-screen", NOW)
    # nothing left to purge: a second run is a no-op
    assert services.purge(now=NOW, exit_delay_min=1440, max_lifetime_s=0).exits_removed == ()


def test_exit_box_recognised_by_translated_type(services: BoardServices, store: Store) -> None:
    """Facts, failure 13: a box typed "Exit" (English locale) is an exit box."""
    m = store.models
    with store.write() as s:
        s.add(m.Box(code="OUT", label="Exits", capacity=0, type="Exit "))
    pk = admit(services)
    with pytest.raises(DestinationRequiredError):
        services.move(pk, "OUT", now=NOW)
    services.move(pk, "OUT", now=NOW - timedelta(hours=2), destination="Retour domicile")
    assert get_patient(store, pk).folded is True
    assert services.purge(now=NOW, exit_delay_min=60, max_lifetime_s=0).exits_removed == (pk,)


def test_lifetime_purge_removes_patient_and_tasks_together(
    services: BoardServices, store: Store
) -> None:
    """Facts, failure 8: the lifetime purge left orphan task rows and a nameless history."""
    ancient = services.admit(box_code="B2", last_name="ANCIEN", first_name="Paul",
                             now=NOW - timedelta(days=4),
                             tasks=[NewTask("BIO"), NewTask("RX")]).patient_pk
    recent = services.admit(box_code="B3", last_name="RECENT", now=NOW - timedelta(hours=1),
                            tasks=[NewTask("ECG")]).patient_pk
    limit = 72 * 3600
    assert services.purge(now=NOW, exit_delay_min=1440, max_lifetime_s=0).lifetime_removed == ()
    result = services.purge(now=NOW, exit_delay_min=1440, max_lifetime_s=limit)
    assert result.lifetime_removed == (ancient,)
    assert result.exits_removed == ()
    assert [p.pk for p in all_patients(store)] == [recent]
    m = store.models
    with store.read() as s:
        task_owners = set(s.scalars(select(m.Task.patient_pk)))
        orphans = s.scalar(
            select(func.count()).select_from(m.Task).where(
                ~m.Task.patient_pk.in_(select(m.Patient.pk))))
    assert task_owners == {recent}
    assert orphans == 0
    rows = history_of(store, ancient)
    assert [r.action for r in rows][-3:] == [TASK_DELETE, TASK_DELETE, PATIENT_LIFEOUT]
    assert all((r.last_name, r.first_name) == ("ANCIEN", "Paul") for r in rows)
    assert all(r.last_name for r in all_history(store))


# --------------------------------------------------------------------------- late tasks


def _sql_date(value: datetime | str | None) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%d %H:%M:%S")
    return f"'{value}'"


def test_late_tasks_of_stored_times(services: BoardServices, store: Store) -> None:
    past, earlier, future = NOW - 30 * MIN, NOW - 60 * MIN, NOW + 30 * MIN
    cases: list[tuple[str, Any, Any, Any, Any, bool]] = [
        # comment, planned start, planned end, started, ended, late at NOW
        ("debut-depasse", past, None, None, None, True),
        ("debut-depasse-legacy", past, LEGACY_NONE, LEGACY_NONE, LEGACY_NONE, True),
        ("debut-futur", future, None, None, None, False),
        ("debut-legacy", LEGACY_NONE, future, None, None, False),
        ("debut-depasse-commence", past, None, earlier, None, False),
        ("fin-depassee", None, past, earlier, None, True),
        ("fin-depassee-legacy", LEGACY_NONE, past, earlier, LEGACY_NONE, True),
        ("fin-depassee-finie", earlier, past, earlier, past, False),
        ("fin-future", earlier, future, earlier, None, False),
        ("rien", None, None, None, None, False),
        ("tout-legacy", LEGACY_NONE, LEGACY_NONE, LEGACY_NONE, LEGACY_NONE, False),
        ("pile-maintenant", NOW, NOW, None, None, False),
        ("avant-2000", "1999-12-31 23:59:59", "1999-12-31 23:59:59", None, None, False),
    ]
    pk = admit(services, "RETARDS")
    gone = admit(services, "EFFACE")
    table = store.models.table_name("encours_taches")
    with store.engine.begin() as conn:
        for comment, ps, pe, st, en, _ in cases:
            conn.exec_driver_sql(
                f"INSERT INTO {table} (EN_PK_encours,EN_Code_tache,EN_Comment,"
                f"EN_HeureDebPrevue,EN_HeureFinPrevue,EN_HeureDebut,EN_HeureFin) VALUES "
                f"({pk},'BIO','{comment}',{_sql_date(ps)},{_sql_date(pe)},"
                f"{_sql_date(st)},{_sql_date(en)})"
            )
        # a late task whose patient a host macro deleted: not on the board
        conn.exec_driver_sql(
            f"INSERT INTO {table} (EN_PK_encours,EN_Code_tache,EN_Comment,EN_HeureDebPrevue)"
            f" VALUES ({gone},'RX','orpheline',{_sql_date(past)})")
        conn.exec_driver_sql(
            f"DELETE FROM {store.models.table_name('encours')} WHERE EC_PK={gone}")

    def by_rule(now: datetime) -> set[str]:
        return {t.comment for p in all_patients(store) for t in p.tasks if is_late(t, now)}

    expected = {c[0] for c in cases if c[5]}
    assert by_rule(NOW) == expected
    # a clock with sub-second precision (datetime.now()): stored times are whole seconds
    assert "pile-maintenant" in by_rule(NOW + timedelta(milliseconds=1))
    # legacy "none" dates read as None
    legacy = next(t for t in get_patient(store, pk).tasks if t.comment == "tout-legacy")
    assert (legacy.planned_start, legacy.planned_end, legacy.started_at, legacy.ended_at) == (
        None, None, None, None)


# --------------------------------------------------------------------------- concurrency


def _exit_patient(services: BoardServices) -> int:
    pk = admit(services, "CONCURRENT")
    services.move(pk, "SORT", now=NOW, destination="Retour domicile")
    return pk


PATIENT_ACTIONS: list[tuple[str, Callable[[BoardServices, int, int], Any]]] = [
    ("set_comment", lambda s, pk, rev: s.set_comment(pk, "y", now=NOW, expected_revision=rev)),
    ("set_responsable",
     lambda s, pk, rev: s.set_responsable(pk, "PETIT", now=NOW, expected_revision=rev)),
    ("set_hidden", lambda s, pk, rev: s.set_hidden(pk, True, now=NOW, expected_revision=rev)),
    ("set_folded", lambda s, pk, rev: s.set_folded(pk, False, now=NOW, expected_revision=rev)),
    ("move", lambda s, pk, rev: s.move(pk, "B1", now=NOW, expected_revision=rev)),
    ("set_exit_time",
     lambda s, pk, rev: s.set_exit_time(pk, NOW - MIN, now=NOW, expected_revision=rev)),
    ("discharge", lambda s, pk, rev: s.discharge(pk, now=NOW, expected_revision=rev)),
]


@pytest.mark.parametrize("action", [a for _, a in PATIENT_ACTIONS],
                         ids=[n for n, _ in PATIENT_ACTIONS])
def test_stale_patient_revision_conflicts_and_writes_nothing(
    services: BoardServices, store: Store, action: Callable[[BoardServices, int, int], Any]
) -> None:
    pk = _exit_patient(services)
    seen = get_patient(store, pk)  # what this screen displays
    other = BoardServices(store, "autre-ecran")
    other.set_comment(pk, "changé ailleurs", now=NOW + MIN)
    before = state(store)
    with pytest.raises(ConflictError) as caught:
        action(services, pk, seen.revision)
    assert "autre écran" in str(caught.value)
    assert state(store) == before
    assert get_patient(store, pk).comment == "changé ailleurs"
    # with the current revision the same action goes through
    action(services, pk, get_patient(store, pk).revision)
    assert state(store) != before


@pytest.mark.parametrize("what", ["set_task_state", "delete_task"])
def test_stale_task_revision_conflicts_and_writes_nothing(
    services: BoardServices, store: Store, what: str
) -> None:
    result = services.admit(box_code="B1", last_name="DUPONT", now=NOW, tasks=[NewTask("BIO")])
    pk, num = result.patient_pk, result.task_nums[0]
    seen = get_task(store, pk, num)
    BoardServices(store, "autre-ecran").set_task_state(pk, num, "2DE", now=NOW + MIN)
    before = state(store)

    def act(revision: int) -> None:
        if what == "set_task_state":
            services.set_task_state(pk, num, "4TE", now=NOW + 2 * MIN, expected_revision=revision)
        else:
            services.delete_task(pk, num, now=NOW + 2 * MIN, expected_revision=revision)

    with pytest.raises(ConflictError):
        act(seen.revision)
    assert state(store) == before
    assert get_task(store, pk, num).state_code == "2DE"
    act(get_task(store, pk, num).revision)
    assert state(store) != before


# --------------------------------------------------------------------------- transactions


def _fail_on_call(monkeypatch: pytest.MonkeyPatch, failing_call: int) -> list[str]:
    """Make the building of a history row raise on its ``failing_call``-th call."""
    real = history_module.row
    calls: list[str] = []

    def flaky(m: Any, actor: str, action: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(action)
        if len(calls) == failing_call:
            raise RuntimeError("panne simulée")
        return real(m, actor, action, *args, **kwargs)

    monkeypatch.setattr(history_module, "row", flaky)
    return calls


def test_admit_is_one_transaction(
    services: BoardServices, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Facts, failure 11: a crash mid-import left half a patient."""
    calls = _fail_on_call(monkeypatch, 2)
    with pytest.raises(RuntimeError, match="panne simulée"):
        services.admit(box_code="ATT", last_name="DEMI", guid="g-demi", now=NOW,
                       tasks=[NewTask("BIO"), NewTask("RX")])
    # PATIENT_IN is the database trigger's row (written with the patient, before these)
    assert calls == [TASK_ADD, TASK_ADD]
    assert counts(store) == (0, 0, 0)
    monkeypatch.undo()
    # the same file imported again is a new patient, not a merge into a half-written one
    assert services.admit(box_code="ATT", last_name="DEMI", guid="g-demi", now=NOW,
                          tasks=[NewTask("BIO"), NewTask("RX")]).merged is False
    assert counts(store) == (1, 2, 3)


def test_move_is_one_transaction(
    services: BoardServices, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    pk = admit(services)
    before = state(store)
    _fail_on_call(monkeypatch, 1)
    with pytest.raises(RuntimeError):
        services.move(pk, "SORT", now=NOW, destination="Fugue")
    assert state(store) == before


def test_purge_is_one_transaction(
    services: BoardServices, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("UN", "DEUX"):
        pk = services.admit(box_code="ATT", last_name=name, now=NOW - timedelta(days=2),
                            tasks=[NewTask("BIO")]).patient_pk
        services.move(pk, "SORT", now=NOW - timedelta(days=2), destination="Fugue")
    before = state(store)
    calls = _fail_on_call(monkeypatch, 3)  # the first history row of the second patient
    with pytest.raises(RuntimeError):
        services.purge(now=NOW, exit_delay_min=60, max_lifetime_s=0)
    assert calls == [TASK_DELETE, PATIENT_OUT, TASK_DELETE]
    assert state(store) == before


# --------------------------------------------------------------------------- actors


def test_as_user_names_the_actor(services: BoardServices, store: Store) -> None:
    result = services.admit(box_code="B1", last_name="DUPONT", now=NOW, tasks=[NewTask("BIO")])
    pk, num = result.patient_pk, result.task_nums[0]
    doctor = services.as_user("  Dr House ")
    assert doctor.actor == "Dr House"
    assert services.actor == "test-screen"  # the screen's own services are unchanged
    assert services.as_user(None).actor == "test-screen"
    assert services.as_user("   ").actor == "test-screen"
    doctor.set_task_state(pk, num, "2DE", now=NOW + MIN)
    services.set_comment(pk, "vu", now=NOW + 2 * MIN)
    assert get_task(store, pk, num).actor == "Dr House"
    assert [r.actor for r in history_of(store, pk)] == [
        "test-screen", "test-screen", "Dr House", "test-screen"]


def test_resolve_actor_fallbacks(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    monkeypatch.setattr(history_module.socket, "gethostname", lambda: "poste-urgences-3")
    assert resolve_actor("marie", "ecran-accueil") == "marie"
    assert resolve_actor(None, "ecran-accueil") == "ecran-accueil"
    assert resolve_actor("  ", " ecran-accueil ") == "ecran-accueil"
    assert resolve_actor(None, None) == "poste-urgences-3"
    assert resolve_actor("", "") == "poste-urgences-3"
    assert resolve_actor("u" * 60) == "u" * 45
    assert BoardServices(store).actor == "poste-urgences-3"
    assert BoardServices(store, "ecran").as_user(None).actor == "ecran"
    monkeypatch.setattr(history_module.socket, "gethostname", lambda: "")
    assert resolve_actor() == "inconnu"


def test_a_patient_history_never_shows_the_patient_who_had_the_key_before(
    services: BoardServices, store: Store
) -> None:
    """SQLite gives the key of the patient removed last from the top of the table to the
    next one admitted; the history names patients by key, so the new patient's history
    window listed the earlier patient's name and care first."""
    first = services.admit(box_code="B1", last_name="AVANT", tasks=[NewTask("RX")], now=NOW)
    services.move(first.patient_pk, "SORT", now=NOW + timedelta(minutes=5),
                  destination="Retour domicile")
    services.discharge(first.patient_pk, now=NOW + timedelta(minutes=6))
    h = store.models.History
    with store.write() as s:  # as an archive written before exits were logged: no exit row
        s.execute(delete(h).where(h.action.in_(("PATIENT_OUT", "TASK_DELETE"))))
    second = services.admit(box_code="B2", last_name="APRES", now=NOW + timedelta(minutes=7))
    if store.dialect == "sqlite":
        assert second.patient_pk == first.patient_pk  # the reuse this guards against
    shown = history_of(store, second.patient_pk)
    assert [(h.action, h.last_name) for h in shown] == [("PATIENT_IN", "APRES")]
    services.set_comment(second.patient_pk, "revu", now=NOW + timedelta(minutes=8))
    services.move(second.patient_pk, "SORT", now=NOW + timedelta(minutes=9),
                  destination="Retour domicile")
    services.discharge(second.patient_pk, now=NOW + timedelta(minutes=10))
    # A patient just removed: still its own whole history, its exit included.
    assert [h.action for h in history_of(store, second.patient_pk)] == [
        "PATIENT_IN", "SET_COMMENT", "SET_PLACE", "PATIENT_OUT"]
    assert {h.last_name for h in history_of(store, second.patient_pk)} == {"APRES"}
