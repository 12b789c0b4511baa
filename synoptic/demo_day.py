"""Yesterday in the demo department: patients who came, were cared for and left, so that the
statistics window (which opens on yesterday), ``synoptux stats`` and ``daily-report`` have a
whole day to show on the demo board.

A small simulation, the same every time (a fixed seed): arrivals weighted towards the day,
a triage wait, then the first care box to free up (so the waiting room fills when the boxes
are busy, as in a real department, and no box ever holds more than its capacity), one to
three tasks with their states, an exit to a destination and the definitive exit.  Only the
history remains: every patient of yesterday is off the board.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from synoptic.department import COMMENTS, FIRST_NAMES, LAST_NAMES, RESPONSABLES
from synoptic.services import BoardServices, NewTask

PATIENTS = 42
# One place per patient a care box holds (the seeded layout: UHCD takes four).
CARE_PLACES = ("B1", "B2", "B3", "B4", "B5", "B6", "DECH", "UHCD", "UHCD", "UHCD", "UHCD")
ARRIVAL_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 6, 5, 5, 5, 5, 5, 5, 5, 4, 4, 3, 3, 2, 1)
DESTINATIONS = (("Retour domicile", 14), ("Hospitalisation médecine", 4),
                ("Hospitalisation chirurgie", 2), ("UHCD", 2), ("Transfert autre hôpital", 1))
# code, minutes from entering the box to its planned start, usual duration
TASKS = (("BIO", 5, 60), ("RX", 15, 30), ("ECG", 2, 10), ("SCAN", 30, 45), ("ANTALG", 0, 15),
         ("AVIS", 60, 40), ("SUT", 20, 25), ("CS", 0, 20))
DEMANDED, DONE = "2DE", "4TE"
GUID_PREFIX = "demo-hier-"


def free_places(services: BoardServices) -> list[str]:
    """One entry per patient each care box of :data:`CARE_PLACES` can take now (none when
    the board has no waiting room or exit box of the seeded layout)."""
    store = services.store
    m = store.models
    with store.read() as session:
        held = dict(session.execute(
            select(m.Patient.box_code, func.count()).group_by(m.Patient.box_code)).all())
        boxes = set(session.scalars(select(m.Box.code)))
    if not {"ATT", "SORT"} <= boxes:
        return []  # not the seeded layout: no day to make up
    wanted: dict[str, int] = {}
    for code in CARE_PLACES:
        if code in boxes:  # another department's layout: its own boxes are left alone
            wanted[code] = wanted.get(code, 0) + 1
    return [code for code, count in wanted.items()
            for _ in range(max(0, count - int(held.get(code, 0))))]


def seed_yesterday(services: BoardServices, now: datetime, *, until: datetime) -> int:
    """Write yesterday's patients (each admitted, moved, its tasks done, gone); returns how
    many.  Every stay ends by ``until`` (before today's patients of the demo arrive: no box
    holds more than its capacity at any time), so nobody of yesterday is left on the board.
    Only the places free now are used: a patient already on the board keeps his."""
    rng = random.Random(20261130)
    midnight = datetime.combine((now - timedelta(days=1)).date(), time())
    latest = min(until, now - timedelta(minutes=15))
    places = free_places(services)
    if not places:
        return 0
    free_at = {place: midnight for place in range(len(places))}
    arrivals = sorted(
        midnight + timedelta(hours=hour, minutes=rng.randrange(60))
        for hour in rng.choices(range(24), weights=ARRIVAL_WEIGHTS, k=PATIENTS)
    )
    written = 0
    for n, arrived in enumerate(arrivals):
        if arrived >= latest - timedelta(minutes=60):
            continue  # too late for a stay: tomorrow's demo shows it
        place = min(free_at, key=lambda p: free_at[p])
        entered = max(arrived + timedelta(minutes=rng.randint(5, 35)), free_at[place])
        left = min(entered + timedelta(minutes=rng.randint(30, 300)), latest)
        if left <= entered + timedelta(minutes=10):
            continue
        free_at[place] = left + timedelta(minutes=5)
        chosen = rng.sample(TASKS, rng.randint(1, 3))
        planned = [entered + timedelta(minutes=offset) for _, offset, _ in chosen]
        result = services.admit(
            box_code="ATT", last_name=LAST_NAMES[n % len(LAST_NAMES)],
            first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
            responsable=RESPONSABLES[n % len(RESPONSABLES)],
            comment=COMMENTS[n % len(COMMENTS)], guid=f"{GUID_PREFIX}{n:02d}", now=arrived,
            allow_over_capacity=True,
            tasks=[NewTask(code=code, planned_start=at, priority=i + 1)
                   for i, ((code, _, _), at) in enumerate(zip(chosen, planned, strict=True))],
        )
        pk = result.patient_pk
        services.move(pk, places[place], now=entered)
        for num, (_, _, usual), at in zip(result.task_nums, chosen, planned, strict=True):
            started = min(at + timedelta(minutes=rng.randint(0, 40)), left)
            ended = min(started + timedelta(minutes=rng.randint(usual // 2, usual * 2)), left)
            services.set_task_state(pk, num, DEMANDED, now=started)
            services.set_task_state(pk, num, DONE, now=ended)
        destination = rng.choices([d for d, _ in DESTINATIONS],
                                  weights=[w for _, w in DESTINATIONS])[0]
        services.move(pk, "SORT", now=left, destination=destination)
        services.discharge(pk, now=min(left + timedelta(minutes=rng.randint(5, 45)), latest))
        written += 1
    return written
