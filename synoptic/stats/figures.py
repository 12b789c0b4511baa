"""The figures of a period, computed from stays and tasks (pure: ``now`` is passed in).

Definitions (issue 11), for the whole local days ``first``..``last``:

- ``arrivals``: stays whose entry is in the period; ``exits``: stays whose exit (move into a
  Sortie box, or definitive exit without one) is in the period, also by destination.
- ``waiting_minutes``: entry to the first move into a Soins box (0 for a patient admitted
  straight into one); ``stay_minutes``: entry to exit; both over the stays that arrived in the
  period and have that end, overall, by hour of arrival and by day of the week.
- ``census``: the most patients present at once, overall and for each hour; a patient is
  present from the entry to the exit (in Attente, Soins or Absence boxes).
- ``tasks``: per task code, the tasks whose actual start is in the period.
- ``tension``: the hours whose census exceeded the threshold, and the tasks started then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from functools import cached_property

from synoptic.domain import BoxType
from synoptic.errors import InvalidValueError
from synoptic.stats.census import HOUR, Census, hourly_census
from synoptic.stats.episodes import Stay, TaskEpisode, minutes
from synoptic.stats.percentiles import Summary, summarize
from synoptic.stats.read import BoxInfo
from synoptic.stats.sql import to_seconds
from synoptic.stats.tasks import TaskFigures, TaskTable

LONG_STAY_MINUTES = 240
NO_DESTINATION = "Non renseignée"
PRESENT_KINDS = (BoxType.WAITING, BoxType.CARE, BoxType.ABSENCE)
DAY_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class Period:
    """Whole local days ``first``..``last``, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidValueError(
                f"Période invalide : le {self.last:%d/%m/%Y} est avant le {self.first:%d/%m/%Y}."
            )

    @cached_property
    def start(self) -> datetime:
        return datetime.combine(self.first, time())

    @cached_property
    def stop(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time())

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.stop


def parse_day(text: str) -> date:
    """``AAAA-MM-JJ``; a clear French message otherwise."""
    try:
        return datetime.strptime(text.strip(), DAY_FORMAT).date()
    except ValueError:
        raise InvalidValueError(
            f"Date invalide « {text} » : attendu AAAA-MM-JJ (par exemple 2026-11-21)."
        ) from None


@dataclass(frozen=True)
class Durations:
    """A duration overall, by hour of arrival (0-23) and by day of week (Monday first)."""

    overall: Summary
    by_hour: tuple[Summary, ...]
    by_weekday: tuple[Summary, ...]


@dataclass(frozen=True)
class Occupancy:
    kind: BoxType
    capacity: int | None  # None: a box of this type has no limit
    peak: int
    peak_at: datetime | None
    hourly: Summary  # of the hourly peaks
    hours_at_capacity: int  # hours whose peak reached the capacity


@dataclass(frozen=True)
class Figures:
    period: Period
    arrivals: int
    arrivals_by_hour: tuple[int, ...]
    exits: int
    exits_by_destination: dict[str, int]
    waiting: Durations
    stay: Durations
    stays_over_4h: float | None
    census: Census
    occupancy: tuple[Occupancy, ...]
    tasks: dict[str, TaskFigures]
    tension_threshold: int | None
    tension_hours: tuple[datetime, ...]
    tension_tasks: dict[str, TaskFigures]
    task_labels: Mapping[str, str]


def care_capacity(boxes: Mapping[str, BoxInfo]) -> int | None:
    """The default tension threshold: the care places (None when one is unlimited)."""
    return _capacity(b for b in boxes.values() if b.kind is BoxType.CARE)


def _capacity(boxes: Iterable[BoxInfo]) -> int | None:
    total, seen = 0, False
    for box in boxes:
        if box.capacity is None or box.capacity <= 0:
            return None
        total, seen = total + box.capacity, True
    return total if seen else None


def _durations(pairs: Sequence[tuple[datetime, float]]) -> Durations:
    by_hour: list[list[float]] = [[] for _ in range(24)]
    by_day: list[list[float]] = [[] for _ in range(7)]
    for arrival, value in pairs:
        by_hour[arrival.hour].append(value)
        by_day[arrival.weekday()].append(value)
    return Durations(summarize(v for _, v in pairs), tuple(summarize(v) for v in by_hour),
                     tuple(summarize(v) for v in by_day))


def mark_on_board(stays: Iterable[Stay], on_board: frozenset[str]) -> list[tuple[Stay, bool]]:
    """Each stay with whether it is the one still on the board (its patient key's last)."""
    listed = list(stays)
    last: dict[str, int] = {}
    for index, stay in enumerate(listed):
        last[stay.patient] = index
    return [(stay, stay.patient in on_board and last[stay.patient] == index)
            for index, stay in enumerate(listed)]


def compute_figures(
    stays: Iterable[tuple[Stay, bool]],
    tasks: Iterable[TaskEpisode] | TaskTable,
    *,
    period: Period,
    now: datetime,
    boxes: Mapping[str, BoxInfo],
    task_labels: Mapping[str, str] | None = None,
    tension_threshold: int | None = None,
) -> Figures:
    """The figures of ``period``; ``stays`` come with whether each is still on the board
    (present until ``now``); ``tension_threshold`` None: the care boxes' capacity."""
    flow = flow_figures(stays, period=period, now=now, boxes=boxes,
                        tension_threshold=tension_threshold)
    return flow.with_tasks(tasks, task_labels)


@dataclass(frozen=True)
class FlowFigures:
    """The figures of the stays alone: computed while the tasks are still being read."""

    period: Period
    arrivals_by_hour: tuple[int, ...]
    exits_by_destination: dict[str, int]
    waiting: Durations
    stay: Durations
    stays_over_4h: float | None
    census: Census
    occupancy: tuple[Occupancy, ...]
    tension_threshold: int | None
    tension_hours: tuple[datetime, ...]

    def with_tasks(self, tasks: Iterable[TaskEpisode] | TaskTable,
                   task_labels: Mapping[str, str] | None = None) -> Figures:
        """All the figures: these and the tasks', overall and in the hours of tension."""
        table = tasks if isinstance(tasks, TaskTable) else TaskTable.of(tasks)
        first_s, stop_s = to_seconds(self.period.start), to_seconds(self.period.stop)
        tense = {to_seconds(h) for h in self.tension_hours}
        return Figures(
            **{f.name: getattr(self, f.name) for f in fields(self)},
            arrivals=sum(self.arrivals_by_hour),
            exits=sum(self.exits_by_destination.values()),
            tasks=table.figures(first_s, stop_s),
            tension_tasks=table.figures(first_s, stop_s, tense) if tense else {},
            task_labels=dict(task_labels or {}),
        )


def flow_figures(
    stays: Iterable[tuple[Stay, bool]],
    *,
    period: Period,
    now: datetime,
    boxes: Mapping[str, BoxInfo],
    tension_threshold: int | None = None,
) -> FlowFigures:
    """The figures of ``period`` that the stays tell (see :func:`compute_figures`)."""
    start, stop = period.start, period.stop
    census_stop = max(start, min(stop, now))
    arrivals_by_hour = [0] * 24
    exits: dict[str, int] = {}
    waits: list[tuple[datetime, float]] = []
    lengths: list[tuple[datetime, float]] = []
    present: list[tuple[datetime, datetime]] = []
    by_kind: dict[BoxType, list[tuple[datetime, datetime]]] = {k: [] for k in PRESENT_KINDS}
    for stay, on_board in stays:
        exit_at = stay.exit if stay.exit is None or stay.entry is None \
            else max(stay.exit, stay.entry)
        if period.holds(exit_at):
            name = stay.destination or NO_DESTINATION
            exits[name] = exits.get(name, 0) + 1
        if stay.entry is None:
            continue  # no known entry: neither an arrival nor a known presence
        if period.holds(stay.entry):
            arrivals_by_hour[stay.entry.hour] += 1
            if stay.first_care is not None:
                waits.append((stay.entry, minutes(stay.entry, max(stay.first_care, stay.entry))))
            if exit_at is not None:
                lengths.append((stay.entry, minutes(stay.entry, exit_at)))
        end = exit_at if exit_at is not None else stay.end_of_presence(
            now if on_board else None)
        if end is None:
            continue
        present.append((stay.entry, end))
        for segment in stay.segments:
            if segment.kind in by_kind:
                seg_end = end if segment.end is None else min(segment.end, end)
                by_kind[segment.kind].append((segment.start, seg_end))
    census = hourly_census(present, start, census_stop)
    threshold = tension_threshold if tension_threshold is not None else care_capacity(boxes)
    long_stays = sum(1 for _, v in lengths if v > LONG_STAY_MINUTES)
    return FlowFigures(
        period=period,
        arrivals_by_hour=tuple(arrivals_by_hour),
        exits_by_destination=dict(sorted(exits.items(), key=lambda kv: (-kv[1], kv[0]))),
        waiting=_durations(waits),
        stay=_durations(lengths),
        stays_over_4h=long_stays / len(lengths) if lengths else None,
        census=census,
        occupancy=tuple(_occupancy(kind, by_kind[kind], boxes, start, census_stop)
                        for kind in PRESENT_KINDS),
        tension_threshold=threshold,
        tension_hours=tuple(h for h, n in census.hours if threshold is not None and n > threshold),
    )


def _occupancy(
    kind: BoxType, intervals: list[tuple[datetime, datetime]], boxes: Mapping[str, BoxInfo],
    start: datetime, stop: datetime,
) -> Occupancy:
    census = hourly_census(intervals, start, stop)
    capacity = _capacity(b for b in boxes.values() if b.kind is kind)
    full = 0 if capacity is None else sum(1 for _, n in census.hours if n >= capacity)
    return Occupancy(kind, capacity, census.peak, census.peak_at,
                     summarize(float(n) for _, n in census.hours), full)


__all__ = ["HOUR", "Durations", "Figures", "FlowFigures", "Occupancy", "Period", "TaskFigures",
           "compute_figures", "flow_figures", "mark_on_board", "parse_day"]
