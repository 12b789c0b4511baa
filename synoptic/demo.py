"""Fictional patients for a demonstration board (``synoptux init-db --demo``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from synoptic.demo_day import seed_yesterday
from synoptic.errors import BoxFullError
from synoptic.services import BoardServices, NewTask
from synoptic.store.db import Store

# box, last name, first name, responsable, comment, minutes since arrival,
# tasks as (code, planned start offset min, planned end offset min, [states chosen])
# offsets are relative to now; negative means in the past.
Task = tuple[str, int | None, int | None, list[str]]
DEMO_PATIENTS: list[tuple[str, str, str, str, str, int, list[Task]]] = [
    ("ATT", "DUPUICH", "Mireille", "IAO", "Poignet douloureux", 35,
     [("RX", -10, None, []), ("ANTALG", -30, None, ["4TE"])]),
    ("ATT", "LEROUX", "Jean", "IAO", "Céphalées", 20, [("CS", 10, None, [])]),
    ("ATT", "NGUYEN", "Thi", "BERNARD", "Fièvre enfant", 15, [("BU", None, None, [])]),
    ("B1", "MOREAU", "Paul", "MARTIN", "Douleur thoracique", 80,
     [("ECG", -75, -65, ["3EC", "4TE"]), ("BIO", -70, -20, ["2DE"]), ("AVIS", 30, None, [])]),
    ("B2", "GARCIA", "Lucia", "MARTIN", "Plaie main gauche", 50,
     [("SUT", -15, None, ["2DE"]), ("ANTALG", -45, None, ["4TE"])]),
    ("B3", "L'HERMITTE", "Anne", "BERNARD", "Chute, hanche", 120,
     [("RX", -100, -70, ["2DE", "3EC", "4TE"]), ("SCAN", -40, -5, ["2DE"]),
      ("PERF", -90, None, ["3EC"])]),
    ("B4", "FONTAINE", "Marc", "PETIT", "Entorse cheville", 40,
     [("RX", -30, -5, []), ("PLA", 20, None, [])]),
    ("DECH", "ROUSSEL", "Henri", "DUBOIS", "Détresse respiratoire", 25,
     [("BIO", -20, 10, ["3EC"]), ("ECG", -22, -18, ["4TE"]), ("AVIS", -5, None, [])]),
    ("UHCD", "BLANC", "Sophie", "PETIT", "Surveillance", 300,
     [("BIO", -60, -30, ["4TE"]), ("PERF", -200, None, ["3EC"])]),
    ("ABS", "CHEVALIER", "Pierre", "DUBOIS", "Trauma crânien", 90,
     [("SCAN", -20, 30, ["3EC"])]),
    ("SORT", "PERRIN", "Claire", "MARTIN", "Malaise", 240, [("ECG", -230, -220, ["4TE"])]),
    ("SORT", "MERCIER", "Louis", "BERNARD", "Contusion", 180, []),
]
DESTINATIONS = {"ABS": "Scanner", "SORT": "Retour domicile"}
# Where a patient now out of the department (absent or gone) was cared for before.
CARED_IN = {"CHEVALIER": "B5", "PERRIN": "B5", "MERCIER": "B6"}


def waited(box: str, age: int) -> int:
    """Minutes a demo patient spent in the waiting room before their care box: a few for
    the resuscitation room, else a quarter of their time here, at most half an hour."""
    return 2 if box == "DECH" else min(age // 4, 30)


def seed_demo_days(services: BoardServices, now: datetime) -> tuple[list[int], int]:
    """``init-db --demo``: on a board whose history holds nothing before today (a new one:
    never a department's real archive), first the whole of yesterday
    (:mod:`synoptic.demo_day`: patients who came and left, for the statistics window, which
    opens on yesterday), then today's patients (:func:`seed_demo`).  Returns today's new
    keys and how many patients yesterday had (0 when the history had a past already)."""
    store = services.store
    h = store.models.History
    midnight = datetime.combine(now.date(), time())
    with store.read() as session:
        past_rows = session.scalar(select(func.count()).where(h.date < midnight))
    oldest_today = max(age for *_, age, _tasks in DEMO_PATIENTS)
    until = min(midnight, now - timedelta(minutes=oldest_today + 5))
    past = seed_yesterday(services, now, until=until) if not past_rows else 0
    return seed_demo(services, now), past


def seed_demo(services: BoardServices, now: datetime) -> list[int]:
    """Admit the demo patients not already on the board; return the new keys.  Each one
    arrives in the waiting room and moves on as patients do (into their care box, then for
    some out again), every action written in the order of its time, so that the history
    and the statistics have a day to show.  A care box another patient holds is skipped
    (the demo patient waits in the waiting room)."""
    store = services.store
    with store.read() as session:
        present = set(session.scalars(select(store.models.Patient.guid)))
    pks = []

    def at(offset: int | None) -> datetime | None:
        return None if offset is None else now + timedelta(minutes=offset)

    for box, last, first, resp, comment, age, tasks in DEMO_PATIENTS:
        if f"demo-{last.lower()}" in present:
            continue
        arrived = now - timedelta(minutes=age)
        result = services.admit(
            box_code="ATT", last_name=last, first_name=first, responsable=resp,
            comment=comment, guid=f"demo-{last.lower()}", now=arrived,
            allow_over_capacity=True,
            tasks=[NewTask(code=c, planned_start=at(s), planned_end=at(e), priority=i + 1)
                   for i, (c, s, e, _) in enumerate(tasks)],
        )
        pk = result.patient_pk
        # (time, order at the same time, what, which box or task): played in time order
        events: list[tuple[datetime, int, str, str, int]] = []
        care = CARED_IN.get(last, box)
        if care != "ATT":
            events.append((arrived + timedelta(minutes=waited(care, age)), 0, "care", care, 0))
        for num, (_, start, _end, states) in zip(result.task_nums, tasks, strict=True):
            for j, state in enumerate(states):
                when = (at(start) or arrived) + timedelta(minutes=5 * j)
                events.append((when, 1, "state", state, num))
        if box in DESTINATIONS:
            events.append((now - timedelta(minutes=age // 3), 2, "out", box, 0))
        for when, _order, what, code, num in sorted(events):
            if what == "care":
                _move_if_room(services, pk, code, when)
            elif what == "state":
                services.set_task_state(pk, num, code, now=when)
            else:
                services.move(pk, code, now=when, destination=DESTINATIONS[code])
        pks.append(pk)
    return pks


def _move_if_room(services: BoardServices, pk: int, box: str, when: datetime) -> None:
    try:
        services.move(pk, box, now=when)
    except BoxFullError:  # another patient holds it: this one stays in the waiting room
        pass


def open_demo_store(folder: Path, now: datetime) -> Store:
    """A new SQLite board in ``folder`` with the reference data and the demo patients."""
    from synoptic.store.db import open_store
    from synoptic.store.seed import create_or_upgrade

    store = open_store(f"sqlite:///{(folder / 'demo.sqlite').as_posix()}")
    create_or_upgrade(store)
    seed_demo(BoardServices(store, "demo"), now)
    return store
