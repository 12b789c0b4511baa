"""``synoptux watch`` writes the regional daily summary (issue 11): yesterday's after
midnight, once; the days missed after a stop; each day once even with two watchers."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from archive_support import make_day
from test_wiring import config_for

from synoptic import stats_cli
from synoptic.config import StatisticsSettings
from synoptic.ingest.wiring import DAILY_REPORTS_JOB, DailyReports, inbox_runner
from synoptic.services import BoardServices
from synoptic.stats.daily import daily_paths
from synoptic.store.db import Store


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """The days whose summary gets written (every write, in order)."""
    days: list[date] = []
    real = stats_cli.write_daily_report

    def spy(store: Store, day: date, folder: Path, **kwargs: Any) -> tuple[Path, Path]:
        days.append(day)
        time.sleep(0.05)  # long enough for a second watcher to try the same day meanwhile
        return real(store, day, folder, **kwargs)

    monkeypatch.setattr(stats_cli, "write_daily_report", spy)
    return days


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_yesterday_is_written_once_after_midnight(
    sqlite_store: Store, tmp_path: Path, written: list[date]
) -> None:
    make_day(sqlite_store)  # 21/11/2026
    folder = tmp_path / "rapports"
    clock = Clock(datetime(2026, 11, 21, 23, 58))
    job = DailyReports(sqlite_store, folder, None, clock)
    assert job() == [date(2026, 11, 20)]  # first start: yesterday
    clock.now += timedelta(minutes=1)
    assert job() == []
    clock.now = datetime(2026, 11, 22, 0, 0, 30)  # midnight crossed
    assert job() == [date(2026, 11, 21)]
    for minutes in range(1, 4):
        clock.now += timedelta(minutes=minutes)
        assert job() == []
    assert written == [date(2026, 11, 20), date(2026, 11, 21)]
    json_path, csv_path = daily_paths(folder, date(2026, 11, 21))
    summary = json.loads(json_path.read_text(encoding="utf-8"))
    assert (summary["date"], summary["arrivals"], summary["exits"]) == ("2026-11-21", 3, 2)
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert sorted(p.name for p in folder.iterdir()) == [
        "synoptux-resume-2026-11-20.csv", "synoptux-resume-2026-11-20.json",
        "synoptux-resume-2026-11-21.csv", "synoptux-resume-2026-11-21.json"]  # no claim left


def test_days_missed_during_a_stop_are_caught_up_in_order(
    sqlite_store: Store, tmp_path: Path, written: list[date]
) -> None:
    folder = tmp_path / "rapports"
    clock = Clock(datetime(2026, 11, 22, 0, 5))
    job = DailyReports(sqlite_store, folder, None, clock)
    assert job() == [date(2026, 11, 21)]
    clock.now = datetime(2026, 11, 26, 9, 0)  # stopped four days
    assert job() == [date(2026, 11, d) for d in (22, 23, 24, 25)]
    assert job() == []
    assert written == [date(2026, 11, d) for d in (21, 22, 23, 24, 25)]


def test_two_watchers_write_each_day_once(
    sqlite_store: Store, tmp_path: Path, written: list[date]
) -> None:
    folder = tmp_path / "rapports"
    first = DailyReports(sqlite_store, folder, None, Clock(datetime(2026, 11, 22, 0, 1)))
    assert first() == [date(2026, 11, 21)]
    clock = Clock(datetime(2026, 11, 26, 0, 1))
    watchers = [DailyReports(sqlite_store, folder, None, clock) for _ in range(2)]
    results: list[list[date]] = [[], []]
    start = threading.Barrier(2)

    def run(i: int) -> None:
        start.wait()
        results[i] = watchers[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    missed = [date(2026, 11, d) for d in (22, 23, 24, 25)]
    assert sorted(results[0] + results[1]) == missed
    assert sorted(written) == [date(2026, 11, 21), *missed]  # each day written once
    assert all(all(p.is_file() for p in daily_paths(folder, d)) for d in missed)


def test_an_abandoned_claim_is_taken_over(
    sqlite_store: Store, tmp_path: Path, written: list[date]
) -> None:
    folder = tmp_path / "rapports"
    folder.mkdir()
    claim = folder / ".synoptux-resume-2026-11-21.en-cours"
    claim.touch()
    job = DailyReports(sqlite_store, folder, None, Clock(datetime(2026, 11, 22, 0, 1)))
    assert job() == []  # another watcher is writing it
    old = time.time() - stats_cli.STALE_CLAIM_S - 1
    os.utime(claim, (old, old))
    assert job() == [date(2026, 11, 21)]  # that one stopped while writing
    assert not claim.exists()


def test_a_folder_that_cannot_be_written_is_logged_once(
    sqlite_store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "fichier"
    blocked.write_text("pas un dossier", encoding="utf-8")
    job = DailyReports(sqlite_store, blocked / "rapports", None,
                       Clock(datetime(2026, 11, 22, 0, 1)))
    with caplog.at_level(logging.WARNING):
        assert job() == [] and job() == []
    assert len([r for r in caplog.records if "Résumés quotidiens" in r.message]) == 1


def test_only_watch_with_a_reports_folder_gets_the_job(sqlite_store: Store,
                                                       tmp_path: Path) -> None:
    services = BoardServices(sqlite_store, "test")
    cfg = config_for(tmp_path / "entrees")
    with_folder = replace(cfg, statistics=StatisticsSettings(
        tension_threshold=4, reports_dir=tmp_path / "rapports"))

    def names(**kwargs: Any) -> list[str]:
        return [job.name for job in inbox_runner(with_folder, services, **kwargs).watcher.jobs]

    assert DAILY_REPORTS_JOB in names(daily_reports=True)
    assert DAILY_REPORTS_JOB not in names()  # the board's own watcher
    no_folder = [job.name for job in inbox_runner(cfg, services, daily_reports=True)
                 .watcher.jobs]
    assert DAILY_REPORTS_JOB not in no_folder
    [job] = [j for j in inbox_runner(with_folder, services, daily_reports=True,
                                     clock=lambda: datetime(2026, 11, 22, 0, 1)).watcher.jobs
             if j.name == DAILY_REPORTS_JOB]
    assert job.action() == [date(2026, 11, 21)]
    assert job.action() == []
