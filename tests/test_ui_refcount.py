"""A real board must not eat Python's ``None`` (issue 7, item 1).

PySide6-Essentials 6.12.0 on Python 3.11 takes one reference off ``None`` on every call of a
Qt method that returns nothing (``setText``, ``update``, ``style().unpolish``...); when the
count reaches zero Python aborts ("Fatal Python error: none_dealloc").  A wall board makes
thousands of such calls a minute (every blink repolishes each late widget), so it died within
minutes.  The dependency pin keeps that pair out; this test catches any later pair that leaks
again, on a board of 40 patients and 120 late tasks driven by hand: blink ticks (each late
glance card repaints its late chips, the opened card repolishes its late rows), alarm checks
(every glance card's lateness, the opened card's time labels, the clock, the late count) and
card rebuilds (services, then the touch path's reload or a change-feed result; the opened
card's patient among them).

Python 3.12 made ``None`` immortal (its count no longer moves): the test only makes sense, and
only runs, before that.

The count is read after every step, not only at the end: on a leaking pair a few hundred
steps would take ``None`` to zero and abort the whole pytest run before any report.  On the
first step over the tolerance the test pays the references back (a list of Nones: enough for
pytest to tear down and report) and fails with the figures.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Self

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
from ui_support import NOW, BoardEnv, card_of, glance_of

from synoptic.services import NewTask
from synoptic.store import queries
from ui.board import BoardWindow
from ui.live import FeedUpdate

pytestmark = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None est immortel à partir de Python 3.12"
)

PATIENTS = 40
LATE_PER_PATIENT = 3  # 120 late tasks, each a blinking widget
# Steps: each blink tick repaints the 120 late chips of 40 glance cards (update, then the
# paint: one drawPixmap a chip) and repolishes the opened card's 3 late rows, each alarm check
# recomputes every glance card and sets the opened card's time labels, the clock and the late
# count, each rebuild replaces one glance card and ticks again.
BLINK_TICKS = 300
ALARM_CHECKS = 1000
REBUILDS = 120
# How far None's count may fall below its starting value.  Measured on PySide6 6.11.3 over
# this test: it never falls, it only rises (by ~400 a rebuilt card: 6.11.3 itself keeps one
# reference to None per widget destroyed, two with a connection; no memory goes with them).
# On 6.12.0 one blink tick takes ~360 off, so the first tick goes over; a leak of one
# reference per *step* (a far slower bug) would go over it within 500 of the 1,420 steps,
# unless hidden by the rise, which only the blink and alarm phases are free of.
TOLERANCE = 500
# Paid back on failure so that pytest survives to report (the board's teardown makes more
# void calls).
REPAYMENT = 5_000_000
_repaid: list[None] = []


class NoneWatch:
    """Reads None's reference count after each step; fails at the first drop too large.

    Garbage left by earlier tests of the run would free its references to None in the
    middle (a full suite lost 6,000 at once): it is collected first, and the collector is
    off while the watch runs, so only this board's own calls move the count."""

    def __enter__(self) -> Self:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
        gc.disable()
        self.start = sys.getrefcount(None)
        self.lowest = self.start
        self.steps = 0
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.enable()

    def run(self, what: str, step: Callable[[int], object], times: int) -> None:
        for i in range(times):
            step(i)
            self.steps += 1
            now = sys.getrefcount(None)
            self.lowest = min(self.lowest, now)
            if self.start - now > TOLERANCE:
                _repaid.extend([None] * REPAYMENT)
                pytest.fail(
                    f"None lost {self.start - now} references after {i + 1} step(s) of {what} "
                    f"({self.steps} steps in all; started at {self.start}): a Qt call that "
                    f"returns nothing takes a reference off None (PySide6 6.12.0 on Python "
                    f"3.11 does); the board would abort with 'none_dealloc'."
                )


def late_board(qtbot, env: BoardEnv) -> tuple[BoardWindow, list[int]]:  # type: ignore[no-untyped-def]
    late = NOW - timedelta(minutes=20)
    codes = ("ECG", "RX", "PERF", "BIO")  # buttons and menus
    pks = []
    for i in range(PATIENTS):
        tasks = tuple(
            NewTask(
                codes[(i + t) % len(codes)], planned_start=late if t < LATE_PER_PATIENT else None
            )
            for t in range(LATE_PER_PATIENT + 1)
        )
        box = ("ATT", "UHCD")[i % 2] if i >= 6 else f"B{i + 1}"
        pks.append(env.admit(box, f"PATIENT{i:02d}", tasks=tasks, minutes_ago=40 + i))
    board = env.board(qtbot)
    return board, pks


def blinking_tasks(board: BoardWindow) -> int:
    """Late tasks painted blinking: the late chips of the registered glance cards."""
    return sum(
        card.late_count
        for panel in board.panels.values()
        for card in panel.cards.values()
        if board.blinker.is_registered(card)
    )


def test_a_long_day_of_blinking_and_rebuilding_keeps_none_alive(qtbot, env: BoardEnv) -> None:  # type: ignore[no-untyped-def]
    board, pks = late_board(qtbot, env)
    opened = card_of(board, pks[0])  # the opened card's late rows blink too
    assert board.wall.late_total == blinking_tasks(board) == PATIENTS * LATE_PER_PATIENT
    assert board.blinker.count() == PATIENTS + LATE_PER_PATIENT  # glance cards, opened rows
    with NoneWatch() as watch:
        run_the_day(env, board, pks, watch)
    assert glance_of(board, pks[(REBUILDS - 1) % PATIENTS]).patient.comment == (
        f"Commentaire {REBUILDS - 1}"
    )
    assert board.open_card_panel.card is not opened  # its patient changed: the opened card too
    # Rebuilt cards blink again.
    assert blinking_tasks(board) == PATIENTS * LATE_PER_PATIENT
    assert board.blinker.count() == PATIENTS + LATE_PER_PATIENT
    print(f"None: start {watch.start}, lowest {watch.lowest}, end {sys.getrefcount(None)}")


def run_the_day(env: BoardEnv, board: BoardWindow, pks: list[int], watch: NoneWatch) -> None:
    def blink(_i: int) -> None:
        board.blinker.tick()
        QApplication.processEvents()  # the late chips painted in the new phase

    watch.run("blink ticks", blink, BLINK_TICKS)

    def alarm_check(i: int) -> None:
        env.clock.advance(seconds=1)  # times and durations change: labels are set again
        board.check_alarms()

    watch.run("alarm checks", alarm_check, ALARM_CHECKS)

    def rebuild(i: int) -> None:
        pk = pks[i % len(pks)]
        env.services.set_comment(pk, f"Commentaire {i}", now=env.clock.now)
        if i % 2:  # the touch path: the board reads the patient again
            board.refresh_patients([pk])
        else:  # the change feed's path
            with env.store.read() as s:
                fresh = queries.load_patients(s, env.store.models, pks=[pk])
            board.apply_update(FeedUpdate(i, frozenset({pk}), tuple(fresh), None, None, 0))
        board.blinker.tick()
        QApplication.processEvents()

    watch.run("card rebuilds", rebuild, REBUILDS)


# ---------------------------------------------------------------- the start-up guard


def test_this_binding_passes_the_start_up_probe() -> None:
    from ui.app import refuse_none_eating_binding

    refuse_none_eating_binding()  # the installed PySide6: no reference taken off None


def test_a_binding_that_eats_none_is_refused_at_start_up() -> None:
    from synoptic.command_context import UsageError
    from ui.app import PROBE_CALLS, refuse_none_eating_binding

    held = [None] * (PROBE_CALLS + 10)  # each call lets one reference to None go, as 6.12.0
    with pytest.raises(UsageError, match="perd une référence à None") as refused:
        refuse_none_eating_binding(held.pop)
    assert "PySide6-Essentials>=6.8,<6.12" in str(refused.value)
    assert len(held) == 10  # the probe made its calls, no more


# ---------------------------------------------------------------- a day of touches


def test_menus_opened_all_day_do_not_pile_up(qtbot, env: BoardEnv) -> None:  # type: ignore[no-untyped-def]
    """Found by bench/soak.py: each touch on the filter (or on a state menu dismissed without
    a choice) built a QMenu that its parent window (row) kept until it was closed."""
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtWidgets import QMenu

    pk = env.admit("B1", tasks=(NewTask("RX"),))
    board = env.board(qtbot)
    row = card_of(board, pk).task_rows[0]
    assert row.menu_button is not None
    for _ in range(20):
        qtbot.mouseClick(board.top_bar.filter_button, Qt.MouseButton.LeftButton)
        board.filter.menu.close()
        qtbot.mouseClick(row.menu_button, Qt.MouseButton.LeftButton)
        row.menu.close()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(board.findChildren(QMenu, "FilterMenu")) == 1
    assert len(row.findChildren(QMenu, "StateMenu")) == 1
    qtbot.mouseClick(board.top_bar.filter_button, Qt.MouseButton.LeftButton)
    assert board.filter.menu.isVisible()  # the latest one still works


def test_masking_names_changes_the_names_not_the_cards(qtbot, env: BoardEnv) -> None:  # type: ignore[no-untyped-def]
    """Found by bench/soak.py: the names button rebuilt every card, twice a touch: ~20 s of
    frozen board at 150 patients on the development machine.  The glance cards and the
    opened card take the new name in place."""
    from PySide6.QtCore import Qt

    pk = env.admit(last="DUPONT", first="Marie", tasks=(NewTask("RX"),))
    other = env.admit(last="DURAND", first="Marc")  # same box, same "DU. M."
    board = env.board(qtbot)
    card = card_of(board, pk)
    glances = {p: glance_of(board, p) for p in (pk, other)}
    qtbot.mouseClick(board.top_bar.names_button, Qt.MouseButton.LeftButton)
    assert card_of(board, pk) is card
    assert all(glance_of(board, p) is g for p, g in glances.items())
    assert card.name_button.fullText() == "Patient DUP. M." == glances[pk].full_name()
    assert glances[other].full_name() == "Patient DUR. M."  # told apart in the box
    assert card.name_button.property("hiddenName") is True
    qtbot.mouseClick(board.top_bar.names_button, Qt.MouseButton.LeftButton)
    assert card_of(board, pk) is card
    assert all(glance_of(board, p) is g for p, g in glances.items())
    assert card.name_button.fullText() == "DUPONT Marie" == glances[pk].full_name()
    assert card.property("hiddenName") is False
