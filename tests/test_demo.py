"""The demo board a newcomer starts with: its patients came in as patients do, so the
history and the statistics window have a day to show."""

from __future__ import annotations

from datetime import timedelta

from conftest import NOW
from sqlalchemy import select

from synoptic.demo import DEMO_PATIENTS, seed_demo
from synoptic.services import BoardServices
from synoptic.stats import Period, compute_stats
from synoptic.store.db import Store


def test_the_demo_day_has_waits_stays_and_exits(services: BoardServices, store: Store) -> None:
    pks = seed_demo(services, NOW)
    assert len(pks) == len(DEMO_PATIENTS)
    day = NOW.date()
    figures = compute_stats(store, Period(day, day), now=NOW + timedelta(hours=1))
    assert figures.arrivals == len(DEMO_PATIENTS)
    assert figures.exits == 2 and figures.exits_by_destination == {"Retour domicile": 2}
    # Everyone arrived in the waiting room; all but the three still there reached care.
    waiting = figures.waiting.overall
    assert waiting.n == len(DEMO_PATIENTS) - 3
    assert waiting.median is not None and 2 <= waiting.median <= 30
    assert figures.stay.overall.n == 2
    assert seed_demo(services, NOW) == []  # seeded once: a second run adds nobody


def test_init_db_demo_adds_yesterday_for_the_statistics(
    services: BoardServices, store: Store
) -> None:
    """The statistics window opens on yesterday: on the demo it was empty."""
    from synoptic.demo import seed_demo_days
    from synoptic.domain import BoxType

    pks, past = seed_demo_days(services, NOW)
    assert len(pks) == len(DEMO_PATIENTS) and past >= 30
    yesterday = (NOW - timedelta(days=1)).date()
    figures = compute_stats(store, Period(yesterday, yesterday), now=NOW)
    assert figures.arrivals == past
    assert figures.waiting.overall.n == past  # each went from the waiting room to a box
    assert figures.stay.overall.n == past  # and left: nobody of yesterday is on the board
    assert figures.exits > past // 2 and figures.tasks
    care = next(o for o in figures.occupancy if o.kind is BoxType.CARE)
    assert care.capacity is not None and care.peak <= care.capacity  # never over capacity
    with store.read() as session:
        on_board = session.scalars(select(store.models.Patient.guid)).all()
    assert not [g for g in on_board if g and g.startswith("demo-hier-")]
    assert seed_demo_days(services, NOW) == ([], 0)  # once: the demo is there already


def test_each_demo_action_happens_where_the_patient_was_at_that_time(
    services: BoardServices, store: Store
) -> None:
    """The history is written in time order: a scanner done after leaving for the
    scanner is dated and placed there, an ECG at triage in the waiting room."""
    from synoptic.store import queries

    seed_demo(services, NOW)
    with store.read() as session:
        for patient in queries.load_patients(session, store.models):
            rows = queries.patient_history(session, store.models, patient.pk)
            dates = [r.date for r in rows]
            assert dates == sorted(dates), patient.last_name
            box = "ATT"
            for row in sorted(rows, key=lambda r: (r.date, r.pk)):
                if row.action == "SET_PLACE":
                    box = row.box_code
                elif row.action == "TASK_STATE":
                    assert row.box_code == box, (patient.last_name, row)


def test_the_demo_on_a_board_already_in_use(services: BoardServices, store: Store) -> None:
    """Boxes held by other patients are left to them, nothing fails, and a board with a
    past (a department's archive, or a demo run before) gets no made-up yesterday."""
    from synoptic.demo import seed_demo_days

    for box in ("B1", "B5"):
        services.admit(box_code=box, last_name=f"DEJA {box}", now=NOW - timedelta(days=3))
    pks, past = seed_demo_days(services, NOW)
    assert len(pks) == len(DEMO_PATIENTS) and past == 0  # the history has a past
    from synoptic.store import queries

    with store.read() as session:
        boxes = {p.last_name: p.box_code
                 for p in queries.load_patients(session, store.models)}
    assert boxes["MOREAU"] == "ATT" and boxes["DEJA B1"] == "B1"  # B1 was taken
    assert boxes["DEJA B5"] == "B5"


def test_yesterday_never_overlaps_today_in_a_box(services: BoardServices, store: Store) -> None:
    """At 02:00 today's demo patients arrived yesterday evening: yesterday's stays end
    before they come, and no care box ever holds more than its capacity."""
    from synoptic.demo import seed_demo_days
    from synoptic.domain import BoxType

    early = NOW.replace(hour=2, minute=0)
    _pks, past = seed_demo_days(services, early)
    assert past > 0
    yesterday = (early - timedelta(days=1)).date()
    figures = compute_stats(store, Period(yesterday, early.date()), now=early)
    care = next(o for o in figures.occupancy if o.kind is BoxType.CARE)
    assert care.capacity is not None and care.peak <= care.capacity
