"""Patients present at once: a sweep over the stays' intervals, hour by hour (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Census:
    """Hour starts with the most patients present at once during each hour, and the peak."""

    hours: tuple[tuple[datetime, int], ...]
    peak: int
    peak_at: datetime | None  # when the peak was first reached (None: nobody present)


def hourly_census(
    intervals: Iterable[tuple[datetime, datetime]], start: datetime, stop: datetime
) -> Census:
    """Presence ``[arrival, departure)`` intervals swept over the hours of ``[start, stop)``.

    A departure and an arrival at the same instant are not counted together (the departure
    comes first).  ``start`` is an hour start; the last hour may be cut short by ``stop``.
    """
    events: list[tuple[datetime, int]] = []
    for arrival, departure in intervals:
        begin, end = max(arrival, start), min(departure, stop)
        if begin < end:
            events.append((begin, 1))
            events.append((end, -1))
    events.sort()  # at one instant: -1 before +1
    hours: list[tuple[datetime, int]] = []
    current = peak = 0
    peak_at: datetime | None = None
    i = 0
    hour = start
    while hour < stop:
        hour_end = min(hour + HOUR, stop)
        while i < len(events) and events[i][0] <= hour:
            current += events[i][1]
            i += 1
        most = current
        if current > peak:
            peak, peak_at = current, hour
        while i < len(events) and events[i][0] < hour_end:
            at, step = events[i]
            current += step
            i += 1
            most = max(most, current)
            if current > peak:
                peak, peak_at = current, at
        hours.append((hour, most))
        hour += HOUR
    return Census(tuple(hours), peak, peak_at)
