"""Pure board rules (synoptic.domain): lateness, state effects, capacity, box types, purge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from synoptic.domain import (
    BoxType,
    StateEffect,
    has_room,
    initials,
    is_exit_purgeable,
    is_late,
    is_past_lifetime,
    parse_box_type,
    parse_exit_type,
    state_change_effect,
)

NOW = datetime(2026, 11, 21, 14, 0, 0)
MIN = timedelta(minutes=1)


@dataclass(frozen=True)
class Times:
    planned_start: datetime | None = None
    planned_end: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None


# --------------------------------------------------------------------------- is_late


@pytest.mark.parametrize(
    ("task", "late"),
    [
        # planned start passed and not started
        (Times(planned_start=NOW - MIN), True),
        (Times(planned_start=NOW - MIN, started_at=NOW - 2 * MIN), False),
        # planned end passed and not ended
        (Times(planned_end=NOW - MIN), True),
        (Times(planned_end=NOW - MIN, started_at=NOW - 5 * MIN), True),
        (Times(planned_end=NOW - MIN, ended_at=NOW - 2 * MIN), False),
        # started in time but the planned end passed without an end
        (Times(planned_start=NOW - 9 * MIN, started_at=NOW - 8 * MIN, planned_end=NOW - MIN), True),
        # started and ended
        (Times(planned_start=NOW - 9 * MIN, started_at=NOW - 8 * MIN,
               planned_end=NOW - MIN, ended_at=NOW - 2 * MIN), False),
        # neither: nothing planned, or everything planned in the future
        (Times(), False),
        (Times(planned_start=NOW + MIN, planned_end=NOW + 10 * MIN), False),
        # the boundary: a time equal to now has not passed yet
        (Times(planned_start=NOW), False),
        (Times(planned_end=NOW), False),
    ],
)
def test_is_late(task: Times, late: bool) -> None:
    assert is_late(task, NOW) is late


def test_is_late_start_test_is_not_the_inverted_legacy_one() -> None:
    """Facts, failure 1: 2.16 flagged a start as late when ``planned > now``."""
    future = Times(planned_start=NOW + 30 * MIN)
    past = Times(planned_start=NOW - 30 * MIN)

    def legacy_start_late(t: Times) -> bool:
        return t.planned_start is not None and t.started_at is None and t.planned_start > NOW

    assert legacy_start_late(future) and not legacy_start_late(past)
    assert is_late(future, NOW) is False
    assert is_late(past, NOW) is True


def test_is_late_follows_now() -> None:
    task = Times(planned_start=NOW)
    assert not is_late(task, NOW - timedelta(seconds=1))
    assert is_late(task, NOW + timedelta(seconds=1))


# --------------------------------------------------------------------------- state effects


def test_first_state_sets_start_and_planned_end_from_max_duration() -> None:
    effect = state_change_effect(
        now=NOW, terminal=False, started_at=None, planned_end=None, max_duration_min=45
    )
    assert effect == StateEffect(started_at=NOW, ended_at=None, planned_end=NOW + 45 * MIN)


def test_existing_planned_end_is_kept() -> None:
    planned = NOW + 5 * MIN
    effect = state_change_effect(
        now=NOW, terminal=False, started_at=None, planned_end=planned, max_duration_min=45
    )
    assert effect.planned_end == planned
    assert effect.started_at == NOW


@pytest.mark.parametrize("duration", [None, 0, -5])
def test_no_max_duration_no_planned_end(duration: int | None) -> None:
    effect = state_change_effect(
        now=NOW, terminal=False, started_at=None, planned_end=None, max_duration_min=duration
    )
    assert effect.planned_end is None
    assert effect.started_at == NOW


def test_later_state_keeps_the_actual_start() -> None:
    started = NOW - 20 * MIN
    effect = state_change_effect(
        now=NOW, terminal=False, started_at=started, planned_end=None, max_duration_min=30
    )
    assert effect.started_at == started
    # the planned end counts from the actual start, not from this later state
    assert effect.planned_end == started + 30 * MIN


def test_terminal_state_sets_end() -> None:
    started = NOW - 20 * MIN
    effect = state_change_effect(
        now=NOW, terminal=True, started_at=started, planned_end=NOW + MIN, max_duration_min=30
    )
    assert effect == StateEffect(started_at=started, ended_at=NOW, planned_end=NOW + MIN)


def test_terminal_first_state_sets_start_and_end() -> None:
    effect = state_change_effect(
        now=NOW, terminal=True, started_at=None, planned_end=None, max_duration_min=None
    )
    assert effect.started_at == NOW
    assert effect.ended_at == NOW


def test_non_terminal_state_after_terminal_clears_end() -> None:
    started = NOW - 20 * MIN
    ended = state_change_effect(
        now=NOW - 10 * MIN, terminal=True, started_at=started, planned_end=None,
        max_duration_min=None,
    )
    assert ended.ended_at == NOW - 10 * MIN
    reopened = state_change_effect(
        now=NOW, terminal=False, started_at=ended.started_at, planned_end=ended.planned_end,
        max_duration_min=None,
    )
    assert reopened.ended_at is None
    assert reopened.started_at == started


def test_terminal_is_the_chosen_states_own_flag() -> None:
    """Only the flag passed for the chosen state counts: whatever came before (a terminal
    state, or states ordered before it) does not make a non-terminal state terminal."""
    after_terminal = state_change_effect(
        now=NOW, terminal=False, started_at=NOW - MIN, planned_end=None, max_duration_min=None
    )
    assert after_terminal.ended_at is None
    terminal = state_change_effect(
        now=NOW, terminal=True, started_at=NOW - MIN, planned_end=None, max_duration_min=None
    )
    assert terminal.ended_at == NOW


# --------------------------------------------------------------------------- capacity


@pytest.mark.parametrize(
    ("capacity", "occupants", "room"),
    [
        (None, 500, True),  # no capacity set: unlimited
        (0, 500, True),
        (-1, 3, True),
        (1, 0, True),
        (1, 1, False),
        (1, 2, False),
        (3, 2, True),
        (3, 3, False),
    ],
)
def test_has_room(capacity: int | None, occupants: int, room: bool) -> None:
    assert has_room(capacity, occupants) is room


# --------------------------------------------------------------------------- box types


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("Sortie", BoxType.EXIT),
        ("sortie ", BoxType.EXIT),
        ("  SORTIE\t", BoxType.EXIT),
        ("Sorties", BoxType.EXIT),
        ("Exit", BoxType.EXIT),  # facts, failure 13: the English translation
        ("exit", BoxType.EXIT),
        ("EXIT ", BoxType.EXIT),
        ("Attente", BoxType.WAITING),
        ("attente", BoxType.WAITING),
        ("Waiting", BoxType.WAITING),
        ("Soins", BoxType.CARE),
        ("Care", BoxType.CARE),
        ("Absence", BoxType.ABSENCE),
        (" absence ", BoxType.ABSENCE),
        (None, BoxType.CARE),
        ("", BoxType.CARE),
        ("Bidule", BoxType.CARE),
    ],
)
def test_parse_box_type(raw: str | None, kind: BoxType) -> None:
    assert parse_box_type(raw) is kind


def test_box_type_flags() -> None:
    assert [k for k in BoxType if k.needs_destination] == [BoxType.ABSENCE, BoxType.EXIT]
    assert [k for k in BoxType if k.folds_patients] == [BoxType.ABSENCE, BoxType.EXIT]


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("Sortie", BoxType.EXIT),
        ("Exit", BoxType.EXIT),
        ("absence ", BoxType.ABSENCE),
        ("Soins", None),
        ("Attente", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_exit_type(raw: str | None, kind: BoxType | None) -> None:
    assert parse_exit_type(raw) is kind


# --------------------------------------------------------------------------- purge predicates


def test_is_exit_purgeable() -> None:
    delay = 60
    assert not is_exit_purgeable(None, NOW, delay)
    assert not is_exit_purgeable(NOW - 59 * MIN, NOW, delay)
    assert not is_exit_purgeable(NOW - 60 * MIN, NOW, delay)  # exactly the delay: not yet
    assert is_exit_purgeable(NOW - 60 * MIN - timedelta(seconds=1), NOW, delay)
    assert is_exit_purgeable(NOW - timedelta(days=3), NOW, delay)
    assert not is_exit_purgeable(NOW + MIN, NOW, 0)  # exit time in the future
    assert is_exit_purgeable(NOW - timedelta(seconds=1), NOW, 0)


def test_is_past_lifetime() -> None:
    limit = 72 * 3600
    assert not is_past_lifetime(None, NOW, limit)
    assert not is_past_lifetime(NOW - timedelta(hours=71), NOW, limit)
    assert not is_past_lifetime(NOW - timedelta(hours=72), NOW, limit)
    assert is_past_lifetime(NOW - timedelta(hours=72, seconds=1), NOW, limit)
    # 0 disables the limit
    assert not is_past_lifetime(NOW - timedelta(days=400), NOW, 0)


# --------------------------------------------------------------------------- initials


@pytest.mark.parametrize(
    ("last", "first", "expected"),
    [
        ("Dupont", "Marie", "D. M."),
        ("dupont", "marie", "D. M."),
        ("L'HERMITTE", "  anne", "L. A."),
        ("Éluard", "élise", "É. É."),
        ("Martin", "", "M."),
        ("", "Paul", "P."),
        ("   ", "  ", ""),
        ("", "", ""),
    ],
)
def test_initials(last: str, first: str, expected: str) -> None:
    assert initials(last, first) == expected
