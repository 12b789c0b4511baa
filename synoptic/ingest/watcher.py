"""The inbox watcher: reacts to new entry files at once, and catches what events miss.

- At start, the files left over (a crash, files dropped while nobody watched) are processed.
- A watchdog observer reports files written into the inbox; events are coalesced (a burst of
  files is one pass) for ``DEBOUNCE_S`` after the last one, at most ``MAX_DEBOUNCE_S``.
  On Linux a "closed after writing" event tells that a file is complete, so it is taken at
  once instead of after the stability delay.
- Every ``rescan_s`` seconds (``Periodicite_controle_des_entrees``) the folder is scanned
  anyway: file-system events do not cross network shares.
- Periodic jobs (purges, pruning of the change log) run on their own intervals, in the same
  thread, between two files.
- While the database is away (a pass or a job fails with an error that says "retry later",
  :mod:`synoptic.transient`), passes back off (:mod:`synoptic.ingest.backoff`): file-system
  events, such as the file just put back, do not bring the next attempt forward, and the log
  gets one line when the outage starts and one when it ends; jobs fail silently meanwhile.
  Only a successful write ends an outage (an entry file admitted or rejected, a job that
  deleted something): under SQLite's WAL a read succeeds while another program holds the
  write lock, so a purge that found nothing to do proves nothing.

No Qt here: ``synoptux watch`` runs it headless; a screen may run it in a thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from synoptic.db_messages import french_database_error
from synoptic.ingest.backoff import DEFAULT_CEILING_S, RetryBackoff
from synoptic.ingest.inbox import (
    WORK_DIR,
    InboxProcessor,
    IngestResult,
    TransientError,
    is_entry_file_name,
)
from synoptic.transient import is_transient

__all__ = ["InboxWatcher", "PeriodicJob"]

log = logging.getLogger(__name__)

# Events are coalesced for this long after the last one (a burst of files is one pass), and
# at most for the longer delay.
DEBOUNCE_S = 0.02
MAX_DEBOUNCE_S = 0.1


def wrote_something(result: object) -> bool:
    """A job's result that proves a committed write: ``True`` or a positive count."""
    if isinstance(result, bool):
        return result
    return isinstance(result, int) and result > 0


@dataclass
class PeriodicJob:
    """``action()`` every ``interval_s`` seconds (the first run ``first_delay_s`` after start).

    ``wrote(result)`` tells whether the action committed a write, which alone ends an
    outage (by default: it returned ``True`` or a positive count)."""

    name: str
    interval_s: float
    action: Callable[[], object]
    first_delay_s: float = 0.0
    wrote: Callable[[object], bool] = wrote_something
    due: float = field(default=0.0, init=False)


class _Events(FileSystemEventHandler):
    """Watchdog thread side: keeps only events about entry files at the inbox's top level."""

    def __init__(
        self, inbox: Path, sink: queue.SimpleQueue[tuple[Path, bool]], wake: threading.Event
    ) -> None:
        self._inbox = inbox.resolve()
        self._sink = sink
        self._wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        if isinstance(event, FileMovedEvent):
            path = _as_path(event.dest_path)
        elif isinstance(event, FileCreatedEvent | FileModifiedEvent | FileClosedEvent):
            path = _as_path(event.src_path)
        else:
            return
        if path.parent != self._inbox or not is_entry_file_name(path.name):
            return
        # A file moved in was written elsewhere: complete, like one closed after writing.
        complete = isinstance(event, FileClosedEvent | FileMovedEvent)
        self._sink.put((path, complete))
        self._wake.set()


def _as_path(value: str | bytes) -> Path:
    # os.fsdecode, as os.scandir does: a name that is not UTF-8 must not raise here (in
    # watchdog's thread) and must be the same string the inbox scan sees.
    return Path(os.fsdecode(value))


class InboxWatcher:
    """Drives an opened :class:`InboxProcessor` until ``stop()`` (or the stop event) is set.

    ``on_result`` receives each file's result (in the watcher's thread). After a failure the
    next pass waits ``rescan_s``, doubling up to ``max_backoff_s`` (see
    :mod:`synoptic.ingest.backoff`). ``use_observer=False`` relies on the periodic scan
    alone. ``monotonic`` is the clock of passes and jobs (waits are real time).
    """

    def __init__(
        self,
        processor: InboxProcessor,
        *,
        rescan_s: float,
        jobs: Sequence[PeriodicJob] = (),
        on_result: Callable[[IngestResult], None] | None = None,
        use_observer: bool = True,
        max_backoff_s: float = DEFAULT_CEILING_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.processor = processor
        self.rescan_s = max(0.05, rescan_s)
        self.monotonic = monotonic
        self.jobs = list(jobs)
        self.on_result = on_result
        self.use_observer = use_observer
        self.stop_event = threading.Event()
        self.passes = 0
        self.backoff = RetryBackoff(self.rescan_s, max_backoff_s)
        self._wake = threading.Event()
        self._events: queue.SimpleQueue[tuple[Path, bool]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ control

    def start(self) -> None:
        """Run in a background thread (screens, tests, the benchmark)."""
        self._thread = threading.Thread(target=self.run, name="synoptux-inbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Ask to stop (the current file is finished first); join the thread if any."""
        self.stop_event.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    # ------------------------------------------------------------------ loop

    def run(self) -> None:
        """The loop, in the calling thread, until stopped."""
        observer = self._start_observer()
        try:
            start = self.monotonic()
            for job in self.jobs:
                job.due = start + job.first_delay_s
            next_scan = self._scan(start)
            while not self.stop_event.is_set():
                now = self.monotonic()
                due = min([next_scan] + [job.due for job in self.jobs])
                if self._wake.wait(max(0.0, due - now)):
                    if self.backoff.failures:
                        # Backing off: an event (the file just put back, a new one) is
                        # noted, but the next attempt stays when it is due.
                        self._wake.clear()
                        self._drain_events()
                    else:
                        self._debounce()
                if self.stop_event.is_set():
                    break
                now = self.monotonic()
                woken = self._wake.is_set() or not self._events.empty()
                if now >= next_scan or (woken and not self.backoff.failures):
                    self._wake.clear()
                    next_scan = self._scan(now)
                if self._run_due_jobs():
                    next_scan = self.monotonic()  # the database is back: files wait
        finally:
            if observer is not None:
                observer.stop()
                observer.join(timeout=10)
            log.info("Surveillance du dossier des entrées arrêtée")

    def _start_observer(self) -> BaseObserver | None:
        if not self.use_observer:
            return None
        observer = Observer()
        try:
            # Recursive although only the top level matters: a file claimed (moved into
            # .work/) is then seen arriving there too, so the two halves of the move pair at
            # once. Watchdog holds an unpaired "moved from" event (0.5 s on Linux) and the
            # events behind it: none of our own moves leaves the watched tree.
            observer.schedule(
                _Events(self.processor.inbox_dir, self._events, self._wake),
                str(self.processor.inbox_dir),
                recursive=True,
            )
            observer.start()
        except Exception as err:  # noqa: BLE001 - no events: the periodic scan still works
            log.warning(
                "Événements du système de fichiers indisponibles (%s) : contrôle du "
                "dossier toutes les %.0f s seulement",
                err,
                self.rescan_s,
            )
            return None
        log.info(
            "Surveillance de %s (contrôle complet toutes les %.1f s)",
            self.processor.inbox_dir,
            self.rescan_s,
        )
        return observer

    def _debounce(self) -> None:
        """Let a burst of events settle: wait for a quiet ``DEBOUNCE_S``, at most the max."""
        deadline = self.monotonic() + MAX_DEBOUNCE_S
        while not self.stop_event.is_set():
            quiet_until = self.monotonic() + DEBOUNCE_S
            self._wake.clear()
            remaining = min(quiet_until, deadline) - self.monotonic()
            if remaining <= 0 or not self._wake.wait(remaining):
                break
            if self.monotonic() >= deadline:
                break
        self._wake.set()  # a scan is due

    def _drain_events(self) -> None:
        while True:
            try:
                path, complete = self._events.get_nowait()
            except queue.Empty:
                return
            if complete:
                self.processor.note_closed(path)
            else:  # written again since: back to the stability delay
                self.processor.note_changed(path)

    def _scan(self, now: float) -> float:
        """One pass; returns when the next one is due."""
        self._drain_events()
        self.passes += 1
        try:
            result = self.processor.run_pass(self.stop_event.is_set)
        except TransientError as err:
            self._database_failed(now, str(err), installation=err.installation)
            return now + self.backoff.delay()
        except Exception as err:  # the watcher must survive; the next pass retries
            if is_transient(err):
                self._database_failed(now, french_database_error(err))
            else:
                if self.backoff.failures == 0:  # one traceback, not one a pass
                    log.exception("Erreur pendant le contrôle du dossier des entrées")
                else:
                    log.error("Erreur pendant le contrôle du dossier des entrées : %s", err)
                self.backoff.failures += 1
            return now + self.backoff.delay()
        if self.on_result is not None:
            for item in result.results:
                self.on_result(item)
        # Only a write ends an outage: a pass without files, or whose files were only read
        # (archived after a crash), proves nothing while another program holds the lock.
        if any(item.wrote for item in result.results) or not self.backoff.in_outage:
            line = self.backoff.succeeded(now, (item.name for item in result.results))
            if line:
                log.warning("%s", line)
        if result.waiting:
            # Files still being written: look again once the stability delay has passed.
            return now + min(self.rescan_s, max(0.05, self.processor.stability_delay_s / 2))
        return now + self.rescan_s

    def _run_due_jobs(self) -> bool:
        """Run the jobs that are due; True when one of them ended an outage."""
        ended = False
        for job in self.jobs:
            now = self.monotonic()
            if now < job.due or self.stop_event.is_set():
                continue
            job.due = now + job.interval_s
            try:
                result = job.action()
            except Exception as err:  # one failing job must not stop the others
                if is_transient(err):  # one line when the outage starts, then silence
                    self._database_failed(now, french_database_error(err), job.name)
                else:
                    log.exception("Tâche périodique « %s » en échec", job.name)
                continue
            if self.backoff.in_outage and job.wrote(result):  # the files waiting go through
                line = self.backoff.succeeded(self.monotonic(), self._waiting_files())
                if line:
                    log.warning("%s", line)
                    ended = True
        return ended

    def _database_failed(
        self, now: float, reason: str, job: str | None = None, *, installation: bool = False
    ) -> None:
        line = self.backoff.failed(now, reason, self._waiting_files(), installation=installation)
        if line:
            log.error("%s%s", f"Tâche périodique « {job} » : " if job else "", line)
        else:
            log.debug("Base de données toujours indisponible (%s)", reason)

    def _waiting_files(self) -> set[str]:
        """Names of the entry files waiting: in the inbox, or left in a working folder."""
        inbox = self.processor.inbox_dir
        names: set[str] = set()
        with contextlib.suppress(OSError):
            names.update(e.name for e in os.scandir(inbox) if is_entry_file_name(e.name))
        with contextlib.suppress(OSError):
            for folder in os.scandir(inbox / WORK_DIR):
                if folder.is_dir():
                    names.update(
                        e.name for e in os.scandir(folder.path) if is_entry_file_name(e.name)
                    )
        return names
