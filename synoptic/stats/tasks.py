"""Tasks by code as parallel lists of seconds, and their figures.

A year holds 300,000 tasks: one Python object each would cost a second, so the reads add
them to a :class:`TaskTable` (start and duration in whole seconds from 1970-01-01, wall
clock), and the figures are list comprehensions over it.  :class:`TaskEpisode` objects (the
tests', the tasks still on the board) go in through :meth:`TaskTable.add_episode`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from synoptic.stats.episodes import TaskEpisode
from synoptic.stats.percentiles import Summary, summarize
from synoptic.stats.sql import to_seconds

NO_DURATION = -1
HOUR = 3600  # seconds


@dataclass(frozen=True)
class TaskFigures:
    count: int
    duration: Summary
    delay: Summary


@dataclass
class TaskTable:
    starts: dict[str, list[int]] = field(default_factory=dict)
    seconds: dict[str, list[int]] = field(default_factory=dict)  # NO_DURATION: not ended
    delays: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # (start, delay)

    def add(self, code: str, start: int, seconds: int | None) -> None:
        starts = self.starts.get(code)
        if starts is None:
            starts = self.starts[code] = []
            self.seconds[code] = []
        starts.append(start)
        self.seconds[code].append(NO_DURATION if seconds is None else seconds)

    def extend(self, code: str, starts: list[int], seconds: list[int]) -> None:
        """Tasks of one code: their starts and durations (:data:`NO_DURATION`: not ended)."""
        self.starts.setdefault(code, []).extend(starts)
        self.seconds.setdefault(code, []).extend(seconds)

    def take_out(self, tasks: Iterable[TaskEpisode]) -> None:
        """Remove one added task equal to each of ``tasks`` (same code, start, duration:
        interchangeable in the figures); the delays are left as they are."""
        wanted: dict[str, Counter[tuple[int, int]]] = {}
        for task in tasks:
            seconds = NO_DURATION if task.seconds is None else task.seconds
            wanted.setdefault(task.code, Counter())[(to_seconds(task.start), seconds)] += 1
        for code, pairs in wanted.items():
            starts: list[int] = []
            durations: list[int] = []
            for pair in zip(self.starts.get(code, ()), self.seconds.get(code, ()), strict=True):
                if pairs[pair] > 0:
                    pairs[pair] -= 1
                    continue
                starts.append(pair[0])
                durations.append(pair[1])
            self.starts[code], self.seconds[code] = starts, durations

    def add_episode(self, task: TaskEpisode) -> None:
        start = to_seconds(task.start)
        self.add(task.code, start, task.seconds)
        if task.planned_start is not None:
            delay = start - to_seconds(task.planned_start)
            self.delays.setdefault(task.code, []).append((start, delay))

    @classmethod
    def of(cls, tasks: Iterable[TaskEpisode]) -> TaskTable:
        table = cls()
        for task in tasks:
            table.add_episode(task)
        return table

    def figures(self, lo: int, hi: int, hours: AbstractSet[int] | None = None,
                ) -> dict[str, TaskFigures]:
        """Per code (sorted), the tasks started in ``[lo, hi)`` (seconds) and, given
        ``hours``, in one of those hours (their starts, in seconds).  The bounds are
        compared inline: a predicate called per task cost a tenth of a second a year."""
        result = {}
        for code in sorted(self.starts):
            pairs = zip(self.starts[code], self.seconds[code], strict=True)
            if hours is None:
                kept = [s for start, s in pairs if lo <= start < hi]
            else:
                kept = [s for start, s in pairs
                        if lo <= start < hi and start - start % HOUR in hours]
            if not kept:
                continue
            durations = [s / 60.0 for s in kept if s != NO_DURATION]
            delays = [d / 60.0 for start, d in self.delays.get(code, ())
                      if lo <= start < hi and (hours is None or start - start % HOUR in hours)]
            result[code] = TaskFigures(len(kept), summarize(durations), summarize(delays))
        return result
