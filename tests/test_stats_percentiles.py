"""Percentiles as Excel's PERCENTILE.INC computes them (values checked in a spreadsheet)."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synoptic.stats.percentiles import Summary, percentile_inc, summarize


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([1, 3, 2, 4], 0.3, 1.9),  # Microsoft's own example for PERCENTILE.INC
        ([1, 2, 3, 4], 0.9, 3.7),  # rank 2.7: 3 + 0.7 * (4 - 3)
        ([15, 20, 35, 40, 50], 0.9, 46.0),  # rank 3.6: 40 + 0.6 * 10
        ([15, 20, 35, 40, 50], 0.5, 35.0),
        ([15, 20, 35, 40, 50], 0.4, 29.0),  # rank 1.6: 20 + 0.6 * 15
        ([7], 0.9, 7.0),
        ([2, 10], 0.0, 2.0),
        ([2, 10], 1.0, 10.0),
        ([2, 10], 0.25, 4.0),
    ],
)
def test_known_percentile_inc_values(values: list[float], p: float, expected: float) -> None:
    assert percentile_inc(sorted(values), p) == pytest.approx(expected)


def test_empty_and_out_of_range() -> None:
    assert percentile_inc([], 0.5) is None
    assert summarize([]) == Summary(None, None, 0)
    with pytest.raises(ValueError, match="out of"):
        percentile_inc([1.0], 1.5)


def test_summary_rounds_for_the_reports() -> None:
    assert summarize([1.0, 2.0, 2.0, 10.0]).as_json() == {"median": 2.0, "p90": 7.6, "n": 4}


durations = st.lists(st.floats(min_value=-1e5, max_value=1e5, allow_nan=False), min_size=1,
                     max_size=60)


@given(durations)
def test_median_is_the_median_and_p90_lies_above_it(values: list[float]) -> None:
    s = summarize(values)
    assert s.n == len(values)
    assert s.median is not None and s.p90 is not None
    assert s.median == pytest.approx(statistics.median(values), abs=1e-6)
    assert min(values) - 1e-6 <= s.median <= s.p90 + 1e-6
    assert s.p90 <= max(values) + 1e-6


@given(durations, st.floats(0, 1), st.floats(0, 1))
def test_percentile_grows_with_p(values: list[float], p: float, q: float) -> None:
    ordered = sorted(values)
    low, high = sorted((p, q))
    a, b = percentile_inc(ordered, low), percentile_inc(ordered, high)
    assert a is not None and b is not None and a <= b + 1e-6


@given(durations)
def test_order_of_values_does_not_matter(values: list[float]) -> None:
    assert summarize(values) == summarize(list(reversed(values)))
