"""Pure rules of the board: box types, lateness, state effects, capacity.

Nothing here reads the clock or the database: callers pass ``now`` and plain values,
so every rule is testable without sleeping.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


class BoxType(enum.Enum):
    WAITING = "Attente"
    CARE = "Soins"
    ABSENCE = "Absence"
    EXIT = "Sortie"

    @property
    def needs_destination(self) -> bool:
        return self in (BoxType.ABSENCE, BoxType.EXIT)

    @property
    def folds_patients(self) -> bool:
        return self in (BoxType.ABSENCE, BoxType.EXIT)


# Synoptux stored the type as (sometimes translated) text: "Exit" in an English locale
# broke its exit logic (facts, failure 13).  Every spelling seen maps to one enum value.
_BOX_TYPE_ALIASES = {
    "attente": BoxType.WAITING,
    "waiting": BoxType.WAITING,
    "wait": BoxType.WAITING,
    "soins": BoxType.CARE,
    "soin": BoxType.CARE,
    "care": BoxType.CARE,
    "absence": BoxType.ABSENCE,
    "absence provisoire": BoxType.ABSENCE,
    "absent": BoxType.ABSENCE,
    "sortie": BoxType.EXIT,
    "sorties": BoxType.EXIT,
    "exit": BoxType.EXIT,
    "out": BoxType.EXIT,
}


def parse_box_type(raw: str | None) -> BoxType:
    """The box type from stored text, whatever its case or language; unknown -> care."""
    if raw is None:
        return BoxType.CARE
    return _BOX_TYPE_ALIASES.get(raw.strip().lower(), BoxType.CARE)


def parse_exit_type(raw: str | None) -> BoxType | None:
    """A destination's type (``DE_TypeSortie``): Absence or Sortie, else ``None``."""
    kind = _BOX_TYPE_ALIASES.get((raw or "").strip().lower())
    return kind if kind in (BoxType.ABSENCE, BoxType.EXIT) else None


class TaskTimes(Protocol):
    @property
    def planned_start(self) -> datetime | None: ...
    @property
    def planned_end(self) -> datetime | None: ...
    @property
    def started_at(self) -> datetime | None: ...
    @property
    def ended_at(self) -> datetime | None: ...


def is_late(task: TaskTimes, now: datetime) -> bool:
    """Planned start passed and not started, or planned end passed and not ended.

    (Synoptux tested ``planned > now`` for the start: inverted, facts failure 1.)
    """
    if task.planned_start is not None and task.started_at is None and task.planned_start < now:
        return True
    return task.planned_end is not None and task.ended_at is None and task.planned_end < now


@dataclass(frozen=True)
class StateEffect:
    """Task times after a state is chosen."""

    started_at: datetime | None
    ended_at: datetime | None
    planned_end: datetime | None


def state_change_effect(
    *,
    now: datetime,
    terminal: bool,
    started_at: datetime | None,
    planned_end: datetime | None,
    max_duration_min: int | None,
) -> StateEffect:
    """The first state sets the actual start (and a planned end from the maximum
    duration when there is none); a terminal state sets the actual end, a
    non-terminal one clears it."""
    start = started_at if started_at is not None else now
    end_planned = planned_end
    if end_planned is None and max_duration_min and max_duration_min > 0:
        end_planned = start + timedelta(minutes=max_duration_min)
    return StateEffect(
        started_at=start,
        ended_at=now if terminal else None,
        planned_end=end_planned,
    )


def has_room(capacity: int | None, occupants: int) -> bool:
    """Capacity counts every patient in the box; no capacity set means unlimited."""
    return capacity is None or capacity <= 0 or occupants < capacity


def is_exit_purgeable(moved_at: datetime | None, now: datetime, delay_min: int) -> bool:
    """A patient in a Sortie box whose exit is older than the delay."""
    return moved_at is not None and now - moved_at > timedelta(minutes=delay_min)


def is_past_lifetime(entered_at: datetime | None, now: datetime, max_lifetime_s: int) -> bool:
    """On the board for longer than the lifetime limit (0 disables the limit)."""
    if max_lifetime_s <= 0 or entered_at is None:
        return False
    return now - entered_at > timedelta(seconds=max_lifetime_s)


def initials(last_name: str, first_name: str) -> str:
    """What a public screen shows when the name is hidden: ``D. M.``."""
    parts = [p.strip()[:1].upper() + "." for p in (last_name, first_name) if p and p.strip()]
    return " ".join(parts)


def late_minutes(task: TaskTimes, now: datetime) -> int | None:
    """How late a task is, in whole minutes (0 in its first minute); None when not late.

    Measured from the deadline it missed: the planned start when it has not started,
    else the planned end."""
    if not is_late(task, now):
        return None
    missed = [
        t
        for t, done in ((task.planned_start, task.started_at), (task.planned_end, task.ended_at))
        if t is not None and done is None and t < now
    ]
    return int((now - min(missed)).total_seconds() // 60)


def format_late(minutes: int) -> str:
    """``+25 min``, ``+1 h 05``, ``+2 j`` (how late, read from a few metres)."""
    if minutes < 60:
        return f"+{minutes} min"
    hours, mins = divmod(minutes, 60)
    if hours >= 48:
        return f"+{hours // 24} j"
    return f"+{hours} h {mins:02d}"


def counts_as_late(box_type: BoxType) -> bool:
    """A patient in a Sortie box has left: their tasks are not late and not counted."""
    return box_type is not BoxType.EXIT


def patient_late(tasks: Sequence[TaskTimes], box_type: BoxType, now: datetime) -> list[int]:
    """Indexes of the late tasks of one patient in a box of ``box_type``."""
    if not counts_as_late(box_type):
        return []
    return [i for i, t in enumerate(tasks) if is_late(t, now)]


def distinct_initials(last_name: str, first_name: str, letters: int = 2) -> str:
    """A masked name on the glance: two letters of the last name and the first name's
    initial (``DU. M.``), enough to tell patients of one box apart without the name."""
    last = last_name.strip()
    first = first_name.strip()
    parts = []
    if last:
        parts.append(last[:letters].upper() + ".")
    if first:
        parts.append(first[:1].upper() + ".")
    return " ".join(parts)


def letters_to_tell_apart(
    last_name: str, first_name: str, others: Sequence[tuple[str, str]]
) -> int:
    """How many letters of the last name tell this patient's initials from ``others``'
    (the patients of the same box): two, more only when two would be the same."""
    letters = 2
    while letters < len(last_name.strip()) and any(
        distinct_initials(last_name, first_name, letters) == distinct_initials(o, f, letters)
        for o, f in others
    ):
        letters += 1
    return letters
