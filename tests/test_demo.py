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
