"""Inbox processing: claim an entry file, admit its patient in one transaction, archive it.

The host system drops ``*.txt`` entry files into the inbox (``Dossier_Entrees``). For each:

1. **Claim.** An atomic rename moves it into this process's own working folder
   (:mod:`synoptic.ingest.workdir`), once it has stopped changing
   (:mod:`synoptic.ingest.stability`); the files of dead processes are taken over and
   processed first (:meth:`InboxProcessor.recover`).
2. **Admit.** The file is parsed (:mod:`synoptic.ingest.parser`) and its patient admitted
   (:mod:`synoptic.ingest.admitting`) with a row of the ingest log in that same transaction
   (:mod:`synoptic.ingest.ingest_log`): a file committed before a crash is only archived.
3. **Archive.** Accepted files go to ``processed/YYYY-MM-DD/`` (removed after
   ``Jours_Conservation_Entrees_Traitees`` days), rejected ones to ``rejected/`` beside a
   ``NAME.error.txt`` that says in French what is wrong and where, and their reason kept as
   data (:mod:`synoptic.ingest.rejected`). Nothing is deleted unseen. Copies' names
   (:mod:`synoptic.ingest.names`) fit in 255 bytes whatever the name; a copy appears whole
   or not at all (:mod:`synoptic.ingest.archive`). A file nothing can handle is set aside
   in ``rejected/`` under a short name, and the pass goes on.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Self

from synoptic.error_text import first_line
from synoptic.ingest import rejected
from synoptic.ingest.admitting import Admitted, Admitter, AlreadyLogged
from synoptic.ingest.filing import ARCHIVE_RETRY_S, Filing
from synoptic.ingest.ingest_log import IngestLog, file_key
from synoptic.ingest.names import display_name
from synoptic.ingest.outcomes import (
    IngestResult,
    InstallationError,
    Outcome,
    PassResult,
    TransientError,
    transient_error,
)
from synoptic.ingest.parser import MAX_ENTRY_FILE_BYTES, EntryFileError, parse_entry_file
from synoptic.ingest.stability import Stability, is_entry_file_name
from synoptic.ingest.workdir import WORK_DIR, Claimed, WorkFolder
from synoptic.services import BoardServices
from synoptic.transient import is_transient

__all__ = [
    "ARCHIVE_RETRY_S",
    "WORK_DIR",
    "InboxProcessor",
    "IngestResult",
    "InstallationError",
    "Outcome",
    "PassResult",
    "TransientError",
    "is_entry_file_name",
]

log = logging.getLogger(__name__)

_DATED_DIR = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class InboxProcessor:
    """Processes one inbox folder. Open it (``with`` or :meth:`open`) before use.

    ``now`` gives the local time used for admissions and folder names (tests pass a fixed
    one); ``monotonic`` the clock of the stability delay and of retries; ``wall_clock``
    (seconds since the epoch) is compared with the files' modification times.
    """

    services: BoardServices
    inbox_dir: Path
    default_box: str
    retention_days: int = 30
    stability_delay_s: float = 0.5
    now: Callable[[], datetime] = datetime.now
    monotonic: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], float] = time.time
    ingest_log: IngestLog = field(init=False, repr=False)
    admitter: Admitter = field(init=False, repr=False)
    filing: Filing = field(init=False, repr=False)
    folder: WorkFolder = field(init=False, repr=False)
    stability: Stability = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.ingest_log = IngestLog(self.services.store)
        self.admitter = Admitter(self.services, self.ingest_log, self.default_box)
        self.filing = Filing(self.inbox_dir, self.ingest_log, self.now, self.monotonic)
        self.folder = WorkFolder(self.inbox_dir, self.monotonic, self.wall_clock)
        self.stability = Stability(self.stability_delay_s, self.monotonic, self.wall_clock)

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def work_dir(self) -> Path:
        return self.folder.path

    @property
    def processed_dir(self) -> Path:
        return self.filing.processed_dir

    @property
    def rejected_dir(self) -> Path:
        return self.filing.rejected_dir

    def open(self) -> None:
        """Create the inbox folders and this process's locked working folder."""
        if self.folder.is_open:
            return
        self.inbox_dir.mkdir(parents=True, exist_ok=True)
        today = self.filing.day_dir(self.now())
        for folder in (self.processed_dir, today, self.rejected_dir):
            folder.mkdir(exist_ok=True)
        self.folder.open()

    def close(self) -> None:
        """Release the working folder (files still in it are taken over by the next run)."""
        self.folder.close()

    # ------------------------------------------------------------------ passes

    def note_closed(self, path: Path) -> None:
        """The watcher saw ``path`` closed after writing: it is complete as it is now."""
        self.stability.note_closed(path)

    def note_changed(self, path: Path) -> None:
        """The watcher saw ``path`` created or written: not known to be complete any more."""
        self.stability.note_changed(path)

    def run_pass(self, should_stop: Callable[[], bool] = lambda: False) -> PassResult:
        """Recover files of dead processes, then take every complete entry file, oldest first.

        Raises :class:`TransientError` when the database cannot be reached (the file being
        processed is put back first).
        """
        self.admitter.new_pass()
        # Today's archive folder exists before the first file is moved into it, so that a
        # file-system watcher already watches it (see synoptic/ingest/watcher.py).
        today = self.filing.day_dir(self.now())
        if not today.is_dir():
            today.mkdir(parents=True, exist_ok=True)
        results = list(self.recover(should_stop))
        ready, waiting = self.ready_files()
        for path in ready:
            if should_stop():
                break
            claimed = self._claim(path)
            if claimed is not None:
                results.append(self._process(claimed))
        self.folder.heartbeat()
        return PassResult(tuple(results), waiting)

    def ready_files(self) -> tuple[list[Path], int]:
        """Entry files of the inbox ready to be taken (oldest first), and how many wait."""
        return self.stability.ready_files(self.inbox_dir)

    def ingest_path(self, path: Path) -> IngestResult | None:
        """Claim and process one given file, wherever it is (``synoptux ingest FILE``).

        ``None`` when the file vanished (another process took it).
        """
        self.admitter.new_pass()
        claimed = self._claim(path)
        return None if claimed is None else self._process(claimed)

    def recover(self, should_stop: Callable[[], bool] = lambda: False) -> Iterator[IngestResult]:
        """Process our own leftovers, then the files of working folders of dead processes."""
        now = self.monotonic()
        leftovers = self.folder.leftovers()
        self.filing.keep_only(path.name for path in leftovers)
        for path in leftovers:
            if should_stop():
                return
            if self.filing.retry_later(path.name, now):
                continue  # its archiving failed a moment ago: tried again later
            yield self._process(Claimed(path.name, path, self.inbox_dir, recovered=True))
        for folder in self.folder.others():
            for path in self.folder.take_over(folder):
                if should_stop():
                    return
                yield self._process(Claimed(path.name, path, self.inbox_dir, recovered=True))

    # ------------------------------------------------------------------ housekeeping

    def purge_processed(self, today: date | None = None) -> int:
        """Delete ``processed/`` day folders and log rows older than the retention period."""
        today = today or self.now().date()
        limit = today - timedelta(days=self.retention_days)
        removed = 0
        with contextlib.suppress(FileNotFoundError):
            for folder in self.processed_dir.iterdir():
                if not (folder.is_dir() and _DATED_DIR.fullmatch(folder.name)):
                    continue
                try:
                    day = date.fromisoformat(folder.name)
                except ValueError:
                    continue
                if day < limit:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
        self.ingest_log.purge(datetime.combine(limit, datetime.min.time()))
        rejected.remove_orphan_reasons(self.rejected_dir, self.wall_clock)
        if removed:
            log.info(
                "%d dossier(s) de fichiers traités de plus de %d jours supprimé(s)",
                removed,
                self.retention_days,
            )
        return removed

    # ------------------------------------------------------------------ claim

    def _claim(self, source: Path) -> Claimed | None:
        target = self.work_dir / source.name
        if target.exists():  # one of ours not yet archived: process it before taking more
            if self.filing.failed_before(source.name):
                return None  # its archiving fails: the new one waits in the inbox
            log.warning(
                "%s est déjà dans le dossier de travail : traité d'abord",
                display_name(source.name),
            )
            return Claimed(source.name, target, source.parent, recovered=True)
        claimed = self.folder.claim(source)
        if claimed is None:
            return None
        self.stability.forget(source.name)
        return Claimed(source.name, claimed, source.parent)

    # ------------------------------------------------------------------ process

    def _process(self, claimed: Claimed) -> IngestResult:
        try:
            st = claimed.path.stat()
            with open(claimed.path, "rb") as handle:
                data = handle.read(MAX_ENTRY_FILE_BYTES + 1)
        except FileNotFoundError:
            log.warning("%s a disparu du dossier de travail", display_name(claimed.name))
            return IngestResult(claimed.name, Outcome.REJECTED, message="fichier disparu")
        except OSError as err:
            return self.filing.set_aside(claimed, f"Fichier illisible : {err.strerror or err}")
        key = file_key(claimed.name, st.st_mtime_ns, data)
        try:
            return self._admit_or_reject(claimed, st.st_mtime, data, key)
        except TransientError:
            claimed.put_back()
            raise
        except Exception as err:
            if is_transient(err):  # any query of the admission: the box lookup, the codes...
                claimed.put_back()
                raise transient_error(err) from err
            # a bug: set the file aside rather than retry it for ever
            if self.filing.failed_before(claimed.name):  # said with its traceback already
                log.error(
                    "Erreur interne pendant le traitement de %s : %s",
                    display_name(claimed.name),
                    display_name(first_line(err)),
                )
            else:
                log.exception(
                    "Erreur interne pendant le traitement de %s", display_name(claimed.name)
                )
            now = self.now().replace(microsecond=0)
            reason = f"Erreur interne du programme : {first_line(err)}"
            try:
                return self.filing.reject(claimed, key, now, _arrival(st.st_mtime, now), reason)
            except TransientError:
                raise
            except Exception as again:  # not even that: moved aside, the next files go on
                if not self.filing.failed_before(claimed.name):  # one traceback, not one a minute
                    log.exception("Rejet impossible de %s", display_name(claimed.name))
                return self.filing.set_aside(claimed, f"{reason} ; puis : {first_line(again)}")

    def _admit_or_reject(
        self, claimed: Claimed, mtime: float, data: bytes, key: str
    ) -> IngestResult:
        now = self.now().replace(microsecond=0)
        if claimed.recovered:  # a fresh file cannot be in the log; the unique key guards too
            previous = self.ingest_log.logged(key)
            if previous is not None:
                return self.filing.logged(claimed, previous, now)
        arrived_at = _arrival(mtime, now)
        try:
            entry = parse_entry_file(data, arrived_at)
        except EntryFileError as err:
            return self.filing.reject(
                claimed, key, now, arrived_at, err.message, err.line, err.key
            )
        admission = self.admitter.admit(claimed.name, entry, key, now, recovered=claimed.recovered)
        if isinstance(admission, AlreadyLogged):
            return self.filing.logged(claimed, admission.row, now)
        if not isinstance(admission, Admitted):
            return self.filing.reject(claimed, key, now, arrived_at, admission.message)
        result, warnings = admission.result, admission.warnings
        for warning in warnings:
            log.warning("%s : %s", display_name(claimed.name), warning)
        archived = self.filing.accepted(claimed, now)
        outcome = IngestResult(
            claimed.name,
            Outcome.ACCEPTED,
            result.patient_pk,
            None if result.merged else admission.box,
            result.merged,
            len(result.task_nums),
            warnings,
            archived_as=archived,
            wrote=True,
        )
        log.info("%s", outcome.line())
        return outcome


def _arrival(mtime: float, now: datetime) -> datetime:
    """The file's modification time, or now when that is in the future or unreadable."""
    try:
        arrived = datetime.fromtimestamp(mtime).replace(microsecond=0)
    except (OverflowError, OSError, ValueError):
        return now
    return arrived if arrived <= now + timedelta(minutes=1) else now
