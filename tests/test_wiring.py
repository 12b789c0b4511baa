"""The one wiring of the inbox and of the purges (``synoptux watch`` and the board), and the
watcher's injected clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from conftest import NOW
from test_inbox import drop, entry, patients

from synoptic.config import Config, DatabaseSettings, InterfaceSettings, TimerSettings
from synoptic.ingest.watcher import InboxWatcher, PeriodicJob
from synoptic.ingest.wiring import inbox_processor, inbox_runner, purge_board
from synoptic.services import BoardServices
from synoptic.store.db import Store


def config_for(inbox: Path, **timers: float) -> Config:
    return Config(
        path=None,
        database=DatabaseSettings(url="sqlite://"),
        interface=InterfaceSettings(inbox_dir=inbox, default_box="B1", processed_retention_days=7),
        timers=TimerSettings(**timers),  # type: ignore[arg-type]
    )


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "trop long"
        time.sleep(0.02)


def test_the_processor_follows_the_interface_settings(sqlite_store: Store, tmp_path: Path) -> None:
    cfg = config_for(tmp_path / "entrees")
    processor = inbox_processor(BoardServices(sqlite_store), cfg.interface, stability_delay_s=0)
    with processor:
        drop(tmp_path / "entrees", "a.txt", entry("A"))
        [item] = processor.run_pass().results
    assert item.box_code == "B1"  # the ini's default box
    assert processor.retention_days == 7


def test_purge_board_uses_the_delays_of_the_ini(sqlite_store: Store) -> None:
    services = BoardServices(sqlite_store, "test")
    pk = services.admit(box_code="ATT", last_name="SORTI", now=NOW - timedelta(hours=2)).patient_pk
    services.move(pk, "SORT", now=NOW - timedelta(hours=2), destination="Retour domicile")
    kept = TimerSettings(exit_purge_delay_min=180, max_lifetime_s=0)
    assert purge_board(services, kept, NOW).exits_removed == ()
    gone = TimerSettings(exit_purge_delay_min=60, max_lifetime_s=0)
    assert purge_board(services, gone, NOW).exits_removed == (pk,)


def test_the_runner_watches_the_inbox_and_runs_the_board_purge_when_asked(
    sqlite_store: Store, tmp_path: Path
) -> None:
    inbox = tmp_path / "entrees"
    purges: list[float] = []
    runner = inbox_runner(
        config_for(inbox, inbox_check_s=0.05),
        BoardServices(sqlite_store, "test"),
        board_purge=lambda: purges.append(time.monotonic()),
        stability_delay_s=0,
    )
    assert [job.name for job in runner.watcher.jobs] == [
        "purge des sorties",
        "purge du journal des changements",
        "purge des fichiers traités",
    ]
    runner.start()
    try:
        drop(inbox, "a.txt", entry("A"))
        wait_for(lambda: len(patients(sqlite_store)) == 1 and bool(purges))
    finally:
        runner.stop()
    assert not runner.processor.folder.is_open
    # The board runs its purges itself: not in its watcher.
    board = inbox_runner(config_for(inbox), BoardServices(sqlite_store, "test"))
    assert "purge des sorties" not in [job.name for job in board.watcher.jobs]


def test_the_watcher_schedules_passes_and_jobs_on_its_injected_clock(
    sqlite_store: Store, tmp_path: Path
) -> None:
    clock = [1000.0]
    runs: list[float] = []
    inbox = tmp_path / "entrees"
    processor = inbox_processor(
        BoardServices(sqlite_store), config_for(inbox).interface, stability_delay_s=0
    )
    job = PeriodicJob("tâche", 60.0, lambda: runs.append(clock[0]), first_delay_s=60.0)
    watcher = InboxWatcher(
        processor, rescan_s=0.05, jobs=[job], use_observer=False, monotonic=lambda: clock[0]
    )
    with processor:
        thread = threading.Thread(target=watcher.run, daemon=True)
        thread.start()
        try:
            time.sleep(0.3)  # real time passes, the watcher's clock does not
            assert (watcher.passes, runs) == (1, [])
            clock[0] += 61.0
            wait_for(lambda: runs == [1061.0] and watcher.passes == 2)
        finally:
            watcher.stop(timeout=0)
            thread.join(10)
