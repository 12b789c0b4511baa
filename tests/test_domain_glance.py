"""Pure rules behind the glance: how late, what counts, masked initials (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from synoptic.domain import (
    BoxType,
    counts_as_late,
    distinct_initials,
    format_late,
    late_minutes,
    letters_to_tell_apart,
    patient_late,
)

NOW = datetime(2026, 11, 21, 14, 0)


@dataclass
class T:
    planned_start: datetime | None = None
    planned_end: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None


def test_how_late_from_the_deadline_missed() -> None:
    assert late_minutes(T(planned_start=NOW + timedelta(minutes=5)), NOW) is None
    assert late_minutes(T(planned_start=NOW - timedelta(minutes=25)), NOW) == 25
    started = T(NOW - timedelta(hours=2), NOW - timedelta(minutes=70), started_at=NOW)
    assert late_minutes(started, NOW) == 70  # started: the planned end is what was missed
    assert late_minutes(T(planned_start=NOW - timedelta(seconds=30)), NOW) == 0


def test_late_is_said_in_words() -> None:
    assert format_late(25) == "+25 min"
    assert format_late(65) == "+1 h 05"
    assert format_late(60 * 50) == "+2 j"


def test_patients_in_sortie_are_not_late_and_not_counted() -> None:
    tasks = [T(planned_start=NOW - timedelta(minutes=9)), T(planned_start=NOW + timedelta(1))]
    assert patient_late(tasks, BoxType.CARE, NOW) == [0]
    assert patient_late(tasks, BoxType.ABSENCE, NOW) == [0]
    assert patient_late(tasks, BoxType.EXIT, NOW) == []
    assert not counts_as_late(BoxType.EXIT) and counts_as_late(BoxType.WAITING)


def test_masked_initials_keep_two_letters_of_the_last_name() -> None:
    assert distinct_initials("MARTIN", "Marie") == "MA. M."
    assert distinct_initials("MOREAU", "Marc") == "MO. M."  # not both "M. M."
    assert distinct_initials("LEROY", "") == "LE."
    assert distinct_initials("", "Anne") == "A."


def test_initials_grow_only_to_tell_two_patients_apart() -> None:
    others = [("DURAND", "Marc"), ("LEROY", "Paul")]
    assert letters_to_tell_apart("DUPONT", "Marie", others) == 3  # DUP. M. / DUR. M.
    assert letters_to_tell_apart("MARTIN", "Marie", others) == 2
    assert letters_to_tell_apart("DU", "Marc", [("DU", "Marie")]) == 2  # nothing more to show
