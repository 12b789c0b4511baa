"""The demo board a newcomer starts with: its patients came in as patients do, so the
history and the statistics window have a day to show."""

from __future__ import annotations

from datetime import timedelta

from conftest import NOW

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
