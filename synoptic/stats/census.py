"""Patients present at once: a sweep over the stays' intervals, hour by hour (pure)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
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
    Arrivals and departures are sorted apart (no tuples to compare); the count at each hour
    start is found by bisection, and only arrivals can raise the count within an hour.
    """
    begins: list[datetime] = []
    ends: list[datetime] = []
    for arrival, departure in intervals:
        begin = max(start, arrival)
        end = min(stop, departure)
        if begin < end:
            begins.append(begin)
            ends.append(end)
    begins.sort()
    ends.sort()
    hours: list[tuple[datetime, int]] = []
    current = peak = 0
    peak_at: datetime | None = None
    i = j = 0  # the next arrival, the next departure
    hour = start
    while hour < stop:
        hour_end = min(hour + HOUR, stop)
        at_start = bisect_right(begins, hour, i)
        leaving = bisect_right(ends, hour, j)
        current += (at_start - i) - (leaving - j)
        i, j = at_start, leaving
        most = current
        if current > peak:
            peak, peak_at = current, hour
        last_begin = bisect_left(begins, hour_end, i)
        last_end = bisect_left(ends, hour_end, j)
        while i < last_begin:
            begin = begins[i]
            while j < last_end and ends[j] <= begin:  # departures first at one instant
                current -= 1
                j += 1
            current += 1
            i += 1
            if current > most:
                most = current
                if current > peak:
                    peak, peak_at = current, begin
        current -= last_end - j
        j = last_end
        hours.append((hour, most))
        hour += HOUR
    return Census(tuple(hours), peak, peak_at)
