"""The board's purge timer while the database is busy (an InnoDB lock wait timeout: not an
outage banner, the board still reads): one log line, not one a tick."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pymysql
import pytest
from conftest import NOW
from sqlalchemy.exc import InternalError

from ui.live import Background
from ui.purge import Purger


class FlakyServices:
    def __init__(self) -> None:
        self.locked = True
        self.calls = 0

    def purge(self, **_kwargs: object) -> object:
        self.calls += 1
        if self.locked:
            timeout = pymysql.err.InternalError(1205, "Lock wait timeout exceeded")
            raise InternalError("DELETE FROM synopt_encours ...", {}, timeout)
        return SimpleNamespace(exits_removed=(), lifetime_removed=())


def test_a_locked_database_defers_the_purge_with_one_line(
    qtbot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    services = FlakyServices()
    timers = SimpleNamespace(inbox_check_s=10.0, exit_purge_delay_min=1, max_lifetime_s=0)
    ctx = SimpleNamespace(
        config=SimpleNamespace(timers=timers), clock=lambda: NOW, services=services
    )
    background = Background()
    purger = Purger(ctx, background, offline=lambda: False)  # type: ignore[arg-type]
    outages: list[object] = []
    purger.outage.connect(outages.append)

    def tick(expected_calls: int) -> None:
        purger.purge()
        qtbot.waitUntil(lambda: services.calls == expected_calls, timeout=5000)
        qtbot.wait(50)  # the queued failure callback

    for n in range(1, 4):
        tick(n)
    lines = [r for r in caplog.records if "purge reportée" in r.getMessage()]
    assert len(lines) == 1 and "1205" in lines[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)
    assert outages == []  # a lock is not an outage banner
    services.locked = False
    tick(4)
    services.locked = True
    tick(5)
    lines = [r for r in caplog.records if "purge reportée" in r.getMessage()]
    assert len(lines) == 2  # a new episode after a success: one more line
