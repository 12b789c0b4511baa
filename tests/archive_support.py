"""A hand-made day of the archive, shared by the history search's and the statistics and
history windows' tests.

21/11/2026, written by two screens: ALPHA Anne 08:00 ATT, B1 08:20 (BIO planned 08:30,
started 08:45, ended 09:15), SORT 10:00 "Retour domicile", exit time corrected to 09:50;
BRAVO Bruno 08:30 straight into B2 (RX 09:00-09:45), SORT 11:00 "Hospitalisation médecine",
then out at 11:30; CHARLIE Claire 09:00 ATT, still there, comment "=1+1 CHARLIE rappelée".
Figures at 12:00 (tests/test_stats_store.py checks them by hand): 3 arrivals, 2 exits,
waiting median 10 p90 18 (n 2), stay median 130 p90 146, peak 3 patients at 09:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from synoptic.services import BoardServices, NewTask
from synoptic.stats import Period
from synoptic.store.db import Store

DAY = Period(date(2026, 11, 21), date(2026, 11, 21))
NOON = datetime(2026, 11, 21, 12, 0)
RECEPTION, CARE = "ecran-accueil", "ecran-soins"


def at(hhmm: str, day: int = 21) -> datetime:
    hours, mins = hhmm.split(":")
    return datetime(2026, 11, day, int(hours), int(mins))


@dataclass(frozen=True)
class Day:
    alpha: int
    bravo: int
    charlie: int


def make_day(store: Store) -> Day:
    front, care = BoardServices(store, RECEPTION), BoardServices(store, CARE)
    a = front.admit(box_code="ATT", last_name="ALPHA", first_name="Anne", now=at("08:00"),
                    tasks=[NewTask("BIO", planned_start=at("08:30"))])
    care.move(a.patient_pk, "B1", now=at("08:20"))
    care.set_task_state(a.patient_pk, a.task_nums[0], "3EC", now=at("08:45"))
    care.set_task_state(a.patient_pk, a.task_nums[0], "4TE", now=at("09:15"))
    care.move(a.patient_pk, "SORT", now=at("10:00"), destination="Retour domicile")
    care.set_exit_time(a.patient_pk, at("09:50"), now=at("10:10"))
    b = front.admit(box_code="B2", last_name="BRAVO", first_name="Bruno", now=at("08:30"),
                    tasks=[NewTask("RX")])
    care.set_task_state(b.patient_pk, b.task_nums[0], "2DE", now=at("09:00"))
    care.set_task_state(b.patient_pk, b.task_nums[0], "4TE", now=at("09:45"))
    care.move(b.patient_pk, "SORT", now=at("11:00"), destination="Hospitalisation médecine")
    c = front.admit(box_code="ATT", last_name="CHARLIE", first_name="Claire", now=at("09:00"))
    front.set_comment(c.patient_pk, "=1+1 CHARLIE rappelée", now=at("09:05"))
    care.discharge(b.patient_pk, now=at("11:30"))
    return Day(a.patient_pk, b.patient_pk, c.patient_pk)
