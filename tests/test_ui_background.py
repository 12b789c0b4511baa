"""The board's thread pool keeps nothing of a job once its callback ran (a soak: +470
Python objects a minute, one poll's job, relay and closures each second)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent

from ui.live import Background


class Payload:
    """Something a job's work refers to (a poll's feed, its result...)."""


def work_on(payload: Payload) -> Callable[[], list[Payload]]:
    return lambda: [payload] * 100


def test_finished_jobs_are_released(qtbot) -> None:  # type: ignore[no-untyped-def]
    background = Background(threads=2)
    results: list[object] = []
    kept: list[weakref.ref[Payload]] = []
    for _ in range(40):  # one at a time, as the feed polls
        payload = Payload()
        kept.append(weakref.ref(payload))
        background.submit(work_on(payload), results.append, results.append)
        del payload
        count = len(results)
        qtbot.waitUntil(lambda c=count: len(results) > c, timeout=2000)
        qtbot.wait(20)
    results.clear()
    assert background.wait()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the relays
    gc.collect()
    assert [r for r in kept if r() is not None] == []
    background.deleteLater()
