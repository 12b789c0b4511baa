"""The admission's few statements (the inbox's cost on a shared server) and what they must
keep: the capacity of a box under concurrent admissions, the GUID's merge whatever the box,
the task numbers in the order of the file. On SQLite and MariaDB."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from conftest import NOW
from sqlalchemy import event, select

from synoptic.errors import BoxFullError, UnknownBoxError
from synoptic.services import TASK_ADD, BoardServices, NewTask, load_known_codes
from synoptic.store import queries
from synoptic.store.db import Store


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs (not BEGIN, COMMIT, pings)."""
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        sent.append(sql)

    event.listen(store.engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(store.engine, "before_cursor_execute", note)


def test_a_new_patient_with_tasks_takes_five_statements(
    services: BoardServices, store: Store
) -> None:
    """Each statement is a round trip to a shared server.  SQLite runs in the process and
    has no round trip to save: SQLAlchemy sends it one INSERT a task, as executemany."""
    known = load_known_codes(store)  # read once a pass by the inbox
    with statements(store) as sent:
        services.admit(box_code="ATT", last_name="RAPIDE", guid="g-1", responsable="IAO",
                       now=NOW, tasks=[NewTask("BIO"), NewTask("RX"), NewTask("ECG")],
                       known=known)
    # the box locked with its occupants and the GUID looked up; the patient (its trigger
    # writes its PATIENT_IN row); our actor on that row; its tasks; their history rows
    if store.dialect == "sqlite":  # BEGIN IMMEDIATE: the write lock taken first (no 'busy')
        assert [s.split()[0] for s in sent] == ["BEGIN", "SELECT", "INSERT", "UPDATE",
                                                "INSERT", "INSERT", "INSERT", "INSERT"], sent
    else:
        assert [s.split()[0] for s in sent] == ["SELECT", "INSERT", "UPDATE", "INSERT",
                                                "INSERT"], sent


def test_tasks_inserted_together_keep_the_order_of_the_file(
    services: BoardServices, store: Store
) -> None:
    codes = ["RX", "BIO", "ECG", "BIO"]
    result = services.admit(box_code="ATT", last_name="ORDRE", now=NOW,
                            tasks=[NewTask(c, comment=f"n°{i}") for i, c in enumerate(codes)])
    assert list(result.task_nums) == sorted(result.task_nums)
    with store.read() as s:
        [patient] = queries.load_patients(s, store.models, [result.patient_pk])
        history = queries.patient_history(s, store.models, result.patient_pk)
    by_num = {t.num: (t.code, t.comment) for t in patient.tasks}
    assert [by_num[n] for n in result.task_nums] == [(c, f"n°{i}") for i, c in enumerate(codes)]
    added = [(r.task_num, r.task_code) for r in history if r.action == TASK_ADD]
    assert added == list(zip(result.task_nums, codes, strict=True))


def test_a_guid_merges_whatever_the_box_named(services: BoardServices, store: Store) -> None:
    first = services.admit(box_code="B2", last_name="MEME", guid="g-2", now=NOW)
    known = services.admit(box_code="ATT", last_name="MEME", guid="g-2", now=NOW,
                           tasks=[NewTask("BIO")])
    unknown = services.admit(box_code="NULLEPART", last_name="MEME", guid="g-2", now=NOW,
                             tasks=[NewTask("RX")])
    assert (known.merged, unknown.merged) == (True, True)
    assert known.patient_pk == unknown.patient_pk == first.patient_pk
    assert (known.occupants, unknown.occupants) == (None, None)
    with pytest.raises(UnknownBoxError):
        services.admit(box_code="NULLEPART", last_name="AUTRE", guid="g-3", now=NOW)


def test_occupants_count_everyone_in_the_box(services: BoardServices) -> None:
    for n in range(3):
        result = services.admit(box_code="ATT", last_name=f"P{n}", now=NOW)
        assert result.occupants == n + 1


def test_the_capacity_holds_against_an_admission_committed_while_waiting(
    services: BoardServices, store: Store
) -> None:
    """The box's occupants are counted once its lock is held: a patient put into the box
    by a transaction that held the lock meanwhile is counted (B1 has one place)."""
    m = store.models
    outcome: list[object] = []

    def admit() -> None:
        try:
            outcome.append(services.admit(box_code="B1", last_name="SECOND", now=NOW))
        except BoxFullError as err:
            outcome.append(err)

    with store.write() as other:
        other.execute(select(m.Box).where(m.Box.code == "B1").with_for_update()).all()
        other.add(m.Patient(box_code="B1", last_name="PREMIER", entered_at=NOW, moved_at=NOW))
        other.flush()
        thread = threading.Thread(target=admit)
        thread.start()
        time.sleep(0.5)  # the admission waits for the box
        assert outcome == []
    thread.join(30)
    [result] = outcome
    assert isinstance(result, BoxFullError), result
