"""Percentiles as a spreadsheet computes them, and the median/p90/n summary of the reports.

Emergency-department indicators are medians and 90th percentiles, never a mean alone.
:func:`percentile_inc` is Excel's ``PERCENTILE.INC`` (LibreOffice's ``PERCENTILE``): rank
``p * (n - 1)`` in the sorted values, linear between the two closest ranks, so a spreadsheet
given the same values finds the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def percentile_inc(sorted_values: Sequence[float], p: float) -> float | None:
    """``PERCENTILE.INC(values, p)`` of values already sorted ascending; ``None`` if empty."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"percentile out of [0, 1]: {p}")
    n = len(sorted_values)
    if n == 0:
        return None
    rank = p * (n - 1)
    low = math.floor(rank)
    high = min(low + 1, n - 1)
    fraction = rank - low
    lower = float(sorted_values[low])
    return lower + fraction * (float(sorted_values[high]) - lower)


@dataclass(frozen=True)
class Summary:
    """Median, 90th percentile and count of a set of durations (minutes)."""

    median: float | None
    p90: float | None
    n: int

    def as_json(self, digits: int = 1) -> dict[str, float | int | None]:
        return {"median": _round(self.median, digits), "p90": _round(self.p90, digits),
                "n": self.n}


EMPTY = Summary(None, None, 0)


def summarize(values: Iterable[float]) -> Summary:
    ordered = sorted(values)
    if not ordered:
        return EMPTY
    return Summary(percentile_inc(ordered, 0.5), percentile_inc(ordered, 0.9), len(ordered))


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
