"""The inbox and the purges wired once, from the configuration, for both the headless
``synoptux watch`` and the board (which watches the inbox itself, as Synoptux 2.16 did).

- :func:`inbox_runner`: the processor of ``[Interface] Dossier_Entrees``, its watcher
  (scan every ``Periodicite_controle_des_entrees``) and its periodic jobs: the pruning of
  the change log, the retention of processed files and, where asked, the board's purges;
- :func:`purge_board`: the exit and lifetime purges with the delays of ``[Timers]``; the
  board runs it on its own timer, to take the removed patients' cards away at once;
- :class:`DailyReports`: ``synoptux watch``'s job writing yesterday's regional summary into
  ``[Statistiques] Dossier_Rapports`` after midnight, and the days missed after a stop.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from synoptic.config import Config, InterfaceSettings, TimerSettings
from synoptic.feed import prune_changes
from synoptic.ingest.inbox import InboxProcessor
from synoptic.ingest.watcher import InboxWatcher, PeriodicJob
from synoptic.services import BoardServices, PurgeResult
from synoptic.stats_cli import write_missing_daily_reports
from synoptic.store.db import Store

__all__ = ["DAILY_REPORTS_JOB", "JOBS_INTERVAL_S", "DailyReports", "InboxRunner",
           "inbox_processor", "inbox_runner", "purge_board"]

log = logging.getLogger(__name__)

JOBS_INTERVAL_S = 60.0  # the change log's pruning, and the board's purges in `watch`
PROCESSED_PURGE_S = 3600.0
DAILY_REPORTS_JOB = "résumés quotidiens"


def local_now() -> datetime:
    return datetime.now().replace(microsecond=0)


def purge_board(services: BoardServices, timers: TimerSettings, now: datetime) -> PurgeResult:
    """Exits past ``Delai_Purge_Sorties`` and patients past ``Duree_Vie_Max``, removed."""
    return services.purge(
        now=now,
        exit_delay_min=timers.exit_purge_delay_min,
        max_lifetime_s=timers.max_lifetime_s,
    )


def inbox_processor(
    services: BoardServices, interface: InterfaceSettings, *, stability_delay_s: float = 0.5
) -> InboxProcessor:
    return InboxProcessor(
        services,
        interface.inbox_dir,
        interface.default_box,
        retention_days=interface.processed_retention_days,
        stability_delay_s=stability_delay_s,
    )


@dataclass
class DailyReports:
    """Writes the days missing in ``folder`` (see ``stats_cli.write_missing_daily_reports``:
    each day once, even with several watchers); a folder that cannot be written is logged
    once, not every minute."""

    store: Store
    folder: Path
    tension_threshold: int | None
    clock: Callable[[], datetime] = local_now
    _failing: str = ""

    def __call__(self) -> list[date]:
        try:
            days = write_missing_daily_reports(self.store, self.folder, now=self.clock(),
                                               tension_threshold=self.tension_threshold)
        except OSError as err:
            message = f"{self.folder} : {err.strerror or err}"
            if message != self._failing:
                log.warning("Résumés quotidiens non écrits (%s)", message)
            self._failing = message
            return []
        self._failing = ""
        for day in days:
            log.info("Résumé quotidien du %s écrit dans %s", f"{day:%d/%m/%Y}", self.folder)
        return days


@dataclass
class InboxRunner:
    """An inbox processor and the watcher that drives it, opened and closed together."""

    processor: InboxProcessor
    watcher: InboxWatcher

    def run(self) -> None:
        """Watch in the calling thread until the watcher is stopped."""
        with self.processor:
            self.watcher.run()

    def start(self) -> None:
        """Open the inbox (an OSError when it cannot be) and watch it in a thread."""
        self.processor.open()
        self.watcher.start()

    def stop(self, timeout: float | None = 30.0) -> None:
        self.watcher.stop(timeout)
        self.processor.close()


def inbox_runner(
    config: Config,
    services: BoardServices,
    *,
    board_purge: Callable[[], object] | None = None,
    stability_delay_s: float = 0.5,
    rescan_s: float | None = None,
    jobs_interval_s: float = JOBS_INTERVAL_S,
    monotonic: Callable[[], float] = time.monotonic,
    daily_reports: bool = False,
    clock: Callable[[], datetime] = local_now,
) -> InboxRunner:
    """The inbox of ``config`` watched with its jobs; ``board_purge`` (when given) runs
    every ``jobs_interval_s`` too, and always counts as a write (its transaction took the
    write lock and committed). With ``daily_reports`` (``synoptux watch``) and a
    ``[Statistiques] Dossier_Rapports``, the days' summaries are written there (``clock``:
    the local time, injected for tests)."""
    processor = inbox_processor(services, config.interface, stability_delay_s=stability_delay_s)
    store = services.store
    jobs = []
    if board_purge is not None:
        jobs.append(PeriodicJob("purge des sorties", jobs_interval_s, board_purge,
                                wrote=lambda _result: True))
    jobs += [
        PeriodicJob(
            "purge du journal des changements",
            jobs_interval_s,
            lambda: prune_changes(store),
            first_delay_s=jobs_interval_s / 2,
        ),
        PeriodicJob(
            "purge des fichiers traités",
            PROCESSED_PURGE_S,
            processor.purge_processed,
            wrote=lambda _removed: True,  # its DELETE of old log rows committed
        ),
    ]
    folder = config.statistics.reports_dir
    if daily_reports and folder is not None:
        reports = DailyReports(store, folder, config.statistics.tension_threshold, clock)
        jobs.append(PeriodicJob(DAILY_REPORTS_JOB, jobs_interval_s, reports,
                                wrote=lambda _days: False))  # reads the database only
    watcher = InboxWatcher(
        processor,
        rescan_s=rescan_s or config.timers.inbox_check_s,
        jobs=jobs,
        monotonic=monotonic,
    )
    return InboxRunner(processor, watcher)
