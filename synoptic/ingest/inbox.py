"""Inbox processing: claim an entry file, admit its patient in one transaction, archive it.

The host system drops ``*.txt`` entry files into the inbox (``Dossier_Entrees``). For each:

1. **Claim.** An atomic rename moves it into this process's own working folder
   ``.work/<host>-<pid>-<random>/``: of two processes racing for a file, one rename wins and
   the other gets ``FileNotFoundError`` and moves on. The working folder holds a lock file
   (``flock``) for as long as the process lives; a folder whose lock can be taken belongs to
   a dead process, and its files are taken over and processed first (:meth:`recover`).
2. **Admit.** The file is parsed (:mod:`synoptic.ingest.parser`) and its patient admitted by
   :meth:`BoardServices.admit`; a row of ``<prefix>ingest_log`` (name, key, outcome, patient)
   is written in that same transaction. A crash after the commit leaves the file in the
   working folder; when it is processed again its key is found in the log and the file is
   only archived. The key is a SHA-256 of the file name, modification time and content:
   the same bytes dropped again later are a new message and are admitted again.
3. **Archive.** Accepted files go to ``processed/YYYY-MM-DD/`` (removed after
   ``Jours_Conservation_Entrees_Traitees`` days), rejected ones to ``rejected/`` beside a
   ``NAME.error.txt`` that says in French what is wrong and where. Nothing is deleted unseen.
   Copies' names (:mod:`synoptic.ingest.names`) fit in 255 bytes whatever the name; a copy
   appears whole or not at all (:mod:`synoptic.ingest.archive`). A file nothing can handle
   is set aside in ``rejected/`` under a short name, and the pass goes on.

A file is taken only once it has stopped changing: its size and modification time unchanged
for ``stability_delay_s``, or a "closed after writing" event seen by the watcher for exactly
that size and time. Hidden files (``.name``) and files not ending in ``.txt`` (any case) are
left alone. Box choice: ``Code_Box`` if known and not full, else the default box (with a
warning), else the default box over its capacity (with a warning): a patient is never
refused for want of room.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import IO, Any, Self

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from synoptic.db_messages import french_database_error
from synoptic.errors import BoxFullError, SynoptuxError, UnknownBoxError
from synoptic.ingest.archive import archive_file
from synoptic.ingest.names import display_name, fallback_name, is_reason_file_name, log_name
from synoptic.ingest.parser import (
    MAX_ENTRY_FILE_BYTES,
    EntryFile,
    EntryFileError,
    parse_entry_file,
)
from synoptic.messages import quote_value
from synoptic.services import AdmitResult, BoardServices, KnownCodes, NewTask, load_known_codes
from synoptic.store.feed_schema import (
    OUTCOME_ACCEPTED,
    OUTCOME_REJECTED,
    feed_tables,
    fit_log_message,
)
from synoptic.transient import is_transient

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
try:  # Windows
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]

__all__ = [
    "InboxProcessor",
    "IngestResult",
    "InstallationError",
    "Outcome",
    "PassResult",
    "TransientError",
    "is_entry_file_name",
]

log = logging.getLogger(__name__)

WORK_DIR = ".work"
PROCESSED_DIR = "processed"
REJECTED_DIR = "rejected"
LOCK_FILE = ".lock"
# A working folder with no lock file (its process died while creating it) is taken over
# once it is this old; so is one whose lock cannot be tested (file system without locks)
# and whose owner has not touched its lock file (heartbeat) for that long.
STALE_WORK_DIR_S = 300.0
HEARTBEAT_S = 30.0
# A file untouched for this long is complete, whatever we observed of it.
UNTOUCHED_S = 2.0
# A file processed but not movable into its archive folder is tried again this often.
ARCHIVE_RETRY_S = 60.0
_DATED_DIR = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Outcome(Enum):
    ACCEPTED = "accepted"  # admitted now
    REJECTED = "rejected"  # set aside in rejected/ with NAME.error.txt
    ALREADY = "already"  # committed before a crash: archived without a second admission


class TransientError(Exception):
    """The database cannot serve us now (unreachable, busy, locked, restarting: see
    :func:`synoptic.transient.is_transient`): the file is put back untouched and retried
    on a later pass."""

    installation = False  # True: the installation must be fixed (not a passing outage)


class InstallationError(TransientError):
    """No file is at fault but something must be fixed first (the default box missing):
    the files wait, as in an outage, and the log says what to fix."""

    installation = True


def transient_error(err: BaseException) -> TransientError:
    """A :class:`TransientError` worded in French (``base verrouillée ... (détail : ...)``)."""
    return TransientError(french_database_error(err))


@dataclass(frozen=True)
class IngestResult:
    name: str
    outcome: Outcome
    patient_pk: int | None = None
    box_code: str | None = None
    merged: bool = False
    tasks: int = 0
    warnings: tuple[str, ...] = ()
    message: str = ""
    archived_as: Path | None = None
    wrote: bool = False  # committed to the database (not only read): the database works

    def line(self) -> str:
        """One line for the command line and the log, in French."""
        name = display_name(self.name)
        if self.outcome is Outcome.REJECTED:
            return f"REJETÉ   {name} : {self.message}"
        if self.outcome is Outcome.ALREADY:
            return f"DÉJÀ INTÉGRÉ {name} : patient n° {self.patient_pk}, fichier archivé"
        what = "tâche(s) ajoutée(s) au" if self.merged else "tâche(s), nouveau"
        text = f"ACCEPTÉ  {name} : {self.tasks} {what} patient n° {self.patient_pk}" + (
            f" (box {self.box_code})" if self.box_code and not self.merged else ""
        )
        if self.warnings:
            text += " ; avertissement(s) : " + " ".join(self.warnings)
        return text


@dataclass(frozen=True)
class PassResult:
    results: tuple[IngestResult, ...]
    waiting: int  # files seen but still being written: look again after the delay


def is_entry_file_name(name: str) -> bool:
    """``*.txt`` in any case, not hidden, not a rejection's reason file (``*.error.txt``)."""
    return (
        not name.startswith(".")
        and name.lower().endswith(".txt")
        and len(name) > 4
        and not is_reason_file_name(name)
    )


@dataclass
class _Seen:
    signature: tuple[int, int]  # size, mtime_ns
    since: float  # monotonic time it was first seen with this signature


@dataclass(frozen=True)
class _Claimed:
    name: str  # original file name
    path: Path  # where it is now, in our working folder
    origin: Path  # folder to put it back into on a transient failure
    recovered: bool = False  # left by a crash: it may have been committed already


class _DuplicateGuid(Exception):
    """Another transaction admitted the same GUID meanwhile: retry, which merges."""


@dataclass
class InboxProcessor:
    """Processes one inbox folder. Open it (``with`` or :meth:`open`) before use.

    ``now`` gives the local time used for admissions and folder names (tests pass a fixed
    one); ``monotonic`` the clock of the stability delay.
    """

    services: BoardServices
    inbox_dir: Path
    default_box: str
    retention_days: int = 30
    stability_delay_s: float = 0.5
    now: Callable[[], datetime] = datetime.now
    monotonic: Callable[[], float] = time.monotonic
    _work: Path | None = field(default=None, init=False, repr=False)
    _lock: IO[bytes] | None = field(default=None, init=False, repr=False)
    _locks_work: bool = field(default=False, init=False, repr=False)
    _heartbeat_at: float = field(default=0.0, init=False, repr=False)
    _seen: dict[str, _Seen] = field(default_factory=dict, init=False, repr=False)
    _closed: dict[str, tuple[int, int]] = field(default_factory=dict, init=False, repr=False)
    # Reason files (NAME.error.txt) put back into the inbox: left alone, said once each.
    _reason_files: set[str] = field(default_factory=set, init=False, repr=False)
    # Box code -> capacity, read once per pass (reference data: "cached per batch").
    _boxes: dict[str, int | None] | None = field(default=None, init=False, repr=False)
    # Task and responsable codes, read once a pass (a code missing is still looked up).
    _known: KnownCodes | None = field(default=None, init=False, repr=False)
    # Files processed but whose move to processed/ or rejected/ failed (EIO, ENOSPC...):
    # they stay in the working folder and are archived later; name -> next attempt.
    _unarchived: dict[str, float] = field(default_factory=dict, init=False, repr=False)

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def work_dir(self) -> Path:
        if self._work is None:
            raise RuntimeError("InboxProcessor.open() n'a pas été appelé")
        return self._work

    @property
    def processed_dir(self) -> Path:
        return self.inbox_dir / PROCESSED_DIR

    @property
    def rejected_dir(self) -> Path:
        return self.inbox_dir / REJECTED_DIR

    def open(self) -> None:
        """Create the inbox folders and this process's locked working folder."""
        if self._work is not None:
            return
        self.inbox_dir.mkdir(parents=True, exist_ok=True)
        today = self.processed_dir / self.now().strftime("%Y-%m-%d")
        for folder in (self.processed_dir, today, self.rejected_dir, self.inbox_dir / WORK_DIR):
            folder.mkdir(exist_ok=True)
        host = re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname() or "hote")[:40]
        work = self.inbox_dir / WORK_DIR / f"{host}-{os.getpid()}-{secrets.token_hex(3)}"
        work.mkdir()
        lock = open(work / LOCK_FILE, "wb")  # noqa: SIM115 - held open for our lifetime
        self._locks_work = _try_lock(lock) is True
        if not self._locks_work:
            log.warning(
                "Verrouillage de fichiers indisponible dans %s : reprise des fichiers "
                "d'un processus arrêté après %d s seulement",
                work,
                STALE_WORK_DIR_S,
            )
        self._work, self._lock = work, lock
        self._heartbeat_at = self.monotonic()

    def close(self) -> None:
        """Release the working folder (files still in it are taken over by the next run)."""
        work, lock = self._work, self._lock
        self._work = self._lock = None
        if lock is not None:
            lock.close()
        if work is None:
            return
        leftovers = [p for p in work.iterdir() if p.name != LOCK_FILE]
        if leftovers:
            log.warning(
                "%d fichier(s) laissé(s) dans %s, repris au prochain démarrage",
                len(leftovers),
                work,
            )
            return  # the lock is released: another process will take them over
        with contextlib.suppress(OSError):
            (work / LOCK_FILE).unlink()
            work.rmdir()

    # ------------------------------------------------------------------ passes

    def note_closed(self, path: Path) -> None:
        """The watcher saw ``path`` closed after writing: it is complete as it is now."""
        with contextlib.suppress(OSError):
            st = path.stat()
            self._closed[path.name] = (st.st_size, st.st_mtime_ns)

    def note_changed(self, path: Path) -> None:
        """The watcher saw ``path`` created or written: not known to be complete any more."""
        self._closed.pop(path.name, None)

    def run_pass(self, should_stop: Callable[[], bool] = lambda: False) -> PassResult:
        """Recover files of dead processes, then take every complete entry file, oldest first.

        Raises :class:`TransientError` when the database cannot be reached (the file being
        processed is put back first).
        """
        self._boxes = None
        self._known = None
        # Today's archive folder exists before the first file is moved into it, so that a
        # file-system watcher already watches it (see synoptic/ingest/watcher.py).
        today = self.processed_dir / self.now().strftime("%Y-%m-%d")
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
        self._heartbeat()
        return PassResult(tuple(results), waiting)

    def ready_files(self) -> tuple[list[Path], int]:
        """Entry files of the inbox ready to be taken (oldest first), and how many wait."""
        now_mono, now_wall = self.monotonic(), time.time()
        ready: list[tuple[int, str, Path]] = []
        waiting = 0
        names: set[str] = set()
        reasons: set[str] = set()
        try:
            entries = list(os.scandir(self.inbox_dir))
        except FileNotFoundError:
            return [], 0
        for entry in entries:
            if not is_entry_file_name(entry.name):
                if is_reason_file_name(entry.name) and not entry.name.startswith("."):
                    reasons.add(entry.name)
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            names.add(entry.name)
            signature = (st.st_size, st.st_mtime_ns)
            if self._is_complete(entry.name, signature, now_mono, now_wall):
                ready.append((st.st_mtime_ns, entry.name, Path(entry.path)))
            else:
                waiting += 1
        for gone in set(self._seen) - names:
            del self._seen[gone]
        for gone in set(self._closed) - names:
            del self._closed[gone]
        for name in sorted(reasons - self._reason_files):
            log.warning(
                "%s laissé dans le dossier des entrées : c'est l'explication d'un rejet, pas "
                "un fichier d'entrée ; déposez le fichier corrigé, pas son explication",
                display_name(name),
            )
        self._reason_files = reasons
        ready.sort()
        return [path for _mtime, _name, path in ready], waiting

    def ingest_path(self, path: Path) -> IngestResult | None:
        """Claim and process one given file, wherever it is (``synoptux ingest FILE``).

        ``None`` when the file vanished (another process took it).
        """
        self._boxes = None
        self._known = None
        claimed = self._claim(path)
        return None if claimed is None else self._process(claimed)

    def recover(self, should_stop: Callable[[], bool] = lambda: False) -> Iterator[IngestResult]:
        """Process our own leftovers, then the files of working folders of dead processes."""
        now = self.monotonic()
        leftovers = self._own_leftovers()
        for gone in set(self._unarchived) - {path.name for path in leftovers}:
            del self._unarchived[gone]
        for path in leftovers:
            if should_stop():
                return
            if self._unarchived.get(path.name, now) > now:
                continue  # its archiving failed a moment ago: tried again later
            yield self._process(_Claimed(path.name, path, self.inbox_dir, recovered=True))
        root = self.inbox_dir / WORK_DIR
        try:
            folders = [p for p in root.iterdir() if p.is_dir() and p != self._work]
        except FileNotFoundError:
            return
        for folder in folders:
            for claimed in self._take_over(folder):
                if should_stop():
                    return
                yield self._process(claimed)

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
        log_table = feed_tables(self.services.store.models.prefix).ingest_log
        cutoff = datetime.combine(limit, datetime.min.time())
        with self.services.store.write() as session:
            session.execute(delete(log_table).where(log_table.c.IL_Date < cutoff))
        if removed:
            log.info(
                "%d dossier(s) de fichiers traités de plus de %d jours supprimé(s)",
                removed,
                self.retention_days,
            )
        return removed

    # ------------------------------------------------------------------ claim

    def _is_complete(
        self, name: str, signature: tuple[int, int], now_mono: float, now_wall: float
    ) -> bool:
        if self.stability_delay_s <= 0:
            return True
        size, mtime_ns = signature
        if size > 0 and self._closed.get(name) == signature:
            return True
        age = now_wall - mtime_ns / 1e9
        if age >= max(self.stability_delay_s, UNTOUCHED_S):
            return True
        seen = self._seen.get(name)
        if seen is None or seen.signature != signature:
            self._seen[name] = _Seen(signature, now_mono)
            return False
        return now_mono - seen.since >= self.stability_delay_s

    def _claim(self, source: Path) -> _Claimed | None:
        target = self.work_dir / source.name
        if target.exists():  # one of ours not yet archived: process it before taking more
            if source.name in self._unarchived:
                return None  # its archiving fails: the new one waits in the inbox
            log.warning(
                "%s est déjà dans le dossier de travail : traité d'abord",
                display_name(source.name),
            )
            return _Claimed(source.name, target, source.parent, recovered=True)
        try:
            os.replace(source, target)
        except FileNotFoundError:
            return None  # another process took it
        except PermissionError:
            return None  # still open by its writer (Windows): next pass
        except OSError as err:
            if err.errno != 18:  # EXDEV: a file given on another file system
                raise
            shutil.copy2(source, target)
            source.unlink()
        self._seen.pop(source.name, None)
        self._closed.pop(source.name, None)
        return _Claimed(source.name, target, source.parent)

    def _own_leftovers(self) -> list[Path]:
        return sorted(p for p in self.work_dir.iterdir() if p.name != LOCK_FILE and p.is_file())

    def _take_over(self, folder: Path) -> list[_Claimed]:
        """The files of a dead process's working folder, moved into ours (else nothing)."""
        lock_path = folder / LOCK_FILE
        try:
            lock = open(lock_path, "r+b")  # noqa: SIM115
        except FileNotFoundError:
            if _age(folder) < STALE_WORK_DIR_S:
                return []  # being created right now
            lock = None
        except OSError:
            return []
        try:
            if lock is not None:
                locked = _try_lock(lock)
                if locked is False:
                    return []  # its process is alive
                if locked is None and _age(lock_path) < STALE_WORK_DIR_S:
                    return []  # no locks here; its heartbeat is recent
            taken: list[_Claimed] = []
            for path in sorted(folder.iterdir()):
                if path.name == LOCK_FILE or not path.is_file():
                    continue
                target = self.work_dir / path.name
                if target.exists():
                    continue  # same name as one of ours: taken on a later pass
                try:
                    os.replace(path, target)
                except FileNotFoundError:
                    continue
                log.warning(
                    "Reprise de %s laissé par un processus arrêté (%s)",
                    display_name(path.name),
                    folder.name,
                )
                taken.append(_Claimed(path.name, target, self.inbox_dir, recovered=True))
            if not any(p.name != LOCK_FILE for p in folder.iterdir()):
                with contextlib.suppress(OSError):
                    lock_path.unlink()
                if lock is not None:
                    lock.close()
                    lock = None
                with contextlib.suppress(OSError):
                    folder.rmdir()
            return taken
        finally:
            if lock is not None:
                lock.close()

    def _heartbeat(self) -> None:
        now = self.monotonic()
        if self._work is not None and now - self._heartbeat_at >= HEARTBEAT_S:
            self._heartbeat_at = now
            with contextlib.suppress(OSError):
                os.utime(self._work / LOCK_FILE)

    # ------------------------------------------------------------------ process

    def _process(self, claimed: _Claimed) -> IngestResult:
        try:
            st = claimed.path.stat()
            with open(claimed.path, "rb") as handle:
                data = handle.read(MAX_ENTRY_FILE_BYTES + 1)
        except FileNotFoundError:
            log.warning("%s a disparu du dossier de travail", display_name(claimed.name))
            return IngestResult(claimed.name, Outcome.REJECTED, message="fichier disparu")
        except OSError as err:
            return self._set_aside(claimed, f"Fichier illisible : {err.strerror or err}")
        key = _file_key(claimed.name, st.st_mtime_ns, data)
        try:
            return self._admit_or_reject(claimed, st.st_mtime, data, key)
        except TransientError:
            self._put_back(claimed)
            raise
        except Exception as err:
            if is_transient(err):  # any query of the admission: the box lookup, the codes...
                self._put_back(claimed)
                raise transient_error(err) from err
            # a bug: set the file aside rather than retry it for ever
            if claimed.name in self._unarchived:  # said with its traceback already
                log.error(
                    "Erreur interne pendant le traitement de %s : %s",
                    display_name(claimed.name),
                    display_name(_first_line(err)),
                )
            else:
                log.exception(
                    "Erreur interne pendant le traitement de %s", display_name(claimed.name)
                )
            now = self.now().replace(microsecond=0)
            reason = f"Erreur interne du programme : {_first_line(err)}"
            try:
                return self._reject(
                    claimed, key, now, _arrival(st.st_mtime, now), reason, None, None
                )
            except TransientError:
                raise
            except Exception as again:  # not even that: moved aside, the next files go on
                if claimed.name not in self._unarchived:  # one traceback, not one a minute
                    log.exception("Rejet impossible de %s", display_name(claimed.name))
                return self._set_aside(claimed, f"{reason} ; puis : {_first_line(again)}")

    def _set_aside(self, claimed: _Claimed, reason: str) -> IngestResult:
        """Last resort for a file nothing else could handle: ``rejected/`` under a short
        ASCII name, with its reason file; it is listed on the board there, where a quarantine
        folder would hide it. Never raises: if even this fails, the file stays in the working
        folder (retried on the next pass) and the pass goes on."""
        now = self.now().replace(microsecond=0)
        reason = display_name(reason)  # an error's text may quote the raw name
        text = _set_aside_text(display_name(claimed.name), now, reason, self.inbox_dir)
        archived: Path | None = None
        try:
            archived = archive_file(
                claimed.path, self.rejected_dir, fallback_name(claimed.name), text
            )
        except Exception:  # the pass must go on with the next files
            if claimed.name not in self._unarchived:  # one traceback, not one a pass
                log.exception("%s laissé dans %s", display_name(claimed.name), claimed.path.parent)
            self._unarchived[claimed.name] = self.monotonic() + ARCHIVE_RETRY_S
            return IngestResult(claimed.name, Outcome.REJECTED, message=reason)
        log.error("Fichier d'entrée mis de côté %s : %s", display_name(claimed.name), reason)
        return IngestResult(claimed.name, Outcome.REJECTED, message=reason, archived_as=archived)

    def _admit_or_reject(
        self, claimed: _Claimed, mtime: float, data: bytes, key: str
    ) -> IngestResult:
        now = self.now().replace(microsecond=0)
        if claimed.recovered:  # a fresh file cannot be in the log; the unique key guards too
            previous = self._logged(key)
            if previous is not None:
                return self._archive_logged(claimed, previous, now)
        arrived_at = _arrival(mtime, now)
        try:
            entry = parse_entry_file(data, arrived_at)
        except EntryFileError as err:
            return self._reject(claimed, key, now, arrived_at, err.message, err.line, err.key)
        box, box_warnings = self._first_box(entry)
        for _attempt in range(5):
            try:
                result, warnings = self._admit(claimed.name, entry, key, now, box, box_warnings)
            except _DuplicateGuid:
                continue  # the other transaction committed: this time the GUID merges
            except BoxFullError:
                box = self.default_box  # the box of the file is full: the default box
                full = f"Box « {entry.box_code} » plein : patient placé dans le box par défaut"
                box_warnings = (f"{full} « {box} ».",)
                continue
            except IntegrityError:
                previous = self._logged(key)
                if previous is None:
                    raise
                if previous[0] == OUTCOME_REJECTED and not claimed.recovered:
                    # The admin put a rejected file back after fixing the cause (the ini,
                    # a box...): its old rejection must not stick to it for ever.
                    self._forget_rejection(key)
                    continue
                return self._archive_logged(claimed, previous, now)
            except UnknownBoxError:
                self._boxes = None  # the boxes changed during the pass: read them again
                if box != self.default_box:  # the file's box was deleted meanwhile
                    gone = f"Box « {quote_value(box)} » supprimé : patient placé dans le box"
                    box, box_warnings = (
                        self.default_box,
                        (f"{gone} par défaut « {self.default_box} ».",),
                    )
                    continue
                # No file is at fault: every file would be rejected. They wait instead.
                raise InstallationError(
                    f"box par défaut « {quote_value(box)} » absent de la table des boxes : "
                    "corrigez [Interface] Code_Box_Par_Defaut dans synoptux.ini ou créez "
                    "ce box"
                ) from None
            except SynoptuxError as err:
                return self._reject(claimed, key, now, arrived_at, err.message, None, None)
            except DBAPIError as err:
                if _is_deadlock(err):
                    continue
                if is_transient(err):  # busy, locked, unreachable: not the file's fault
                    raise transient_error(err) from err
                return self._reject(  # the database refused a value of this file
                    claimed,
                    key,
                    now,
                    arrived_at,
                    f"Valeur refusée par la base de données : {_first_line(err)}",
                    None,
                    None,
                )
            for warning in warnings:
                log.warning("%s : %s", display_name(claimed.name), warning)
            # Committed: whatever happens to the move now, the file is ACCEPTED (a failed
            # move leaves it in the working folder, archived later; never "rejected").
            archived = self._archive(claimed, self.processed_dir / now.strftime("%Y-%m-%d"))
            outcome = IngestResult(
                claimed.name,
                Outcome.ACCEPTED,
                result.patient_pk,
                None if result.merged else box,
                result.merged,
                len(result.task_nums),
                warnings,
                archived_as=archived,
                wrote=True,
            )
            log.info("%s", outcome.line())
            return outcome
        raise TransientError(
            f"{display_name(claimed.name)} : conflits répétés avec d'autres écritures"
        )

    def _first_box(self, entry: EntryFile) -> tuple[str, tuple[str, ...]]:
        """The box to try first: the file's if it exists, else the default (warned)."""
        wanted, default = entry.box_code, self.default_box
        if wanted is None or wanted == default:
            return default, ()
        boxes = self._box_capacities()
        if wanted in boxes:
            return wanted, ()  # admit() refuses it if full: then the default box
        # "b1" for "B1": MariaDB's collation would match it, SQLite would not; match on both.
        same = [code for code in boxes if code.casefold() == wanted.casefold()]
        if len(same) == 1:
            return same[0], ()
        unknown = f"Box inconnu « {quote_value(wanted)} » : patient placé dans le box par défaut"
        return default, (f"{unknown} « {default} ».",)

    def _known_codes(self) -> KnownCodes:
        if self._known is None:
            self._known = load_known_codes(self.services.store)
        return self._known

    def _box_capacities(self) -> dict[str, int | None]:
        if self._boxes is None:
            m = self.services.store.models
            with self.services.store.read() as session:
                self._boxes = {
                    code: capacity
                    for code, capacity in session.execute(select(m.Box.code, m.Box.capacity))
                }
        return self._boxes

    def _admit(
        self,
        name: str,
        entry: EntryFile,
        key: str,
        now: datetime,
        box: str,
        box_warnings: tuple[str, ...],
    ) -> tuple[AdmitResult, tuple[str, ...]]:
        """One transaction: the admission, a capacity note, and the log row."""
        guid = entry.guid.strip()  # stored whole: admit() refuses one too long
        store = self.services.store
        log_table = feed_tables(store.models.prefix).ingest_log
        models = store.models
        into_default = box == self.default_box
        capacity = self._box_capacities().get(box)
        serialised = store.dialect == "sqlite"  # one writer at a time: no race to guard
        notes: list[str] = []

        def write_log_row(session: Session, result: AdmitResult) -> None:
            notes.extend(entry.warnings)  # the file's own: near-miss headers, dates
            if result.merged:
                notes.extend(result.warnings)  # tasks appended: the box was not used
            else:
                notes.extend(box_warnings)
                # The default box takes everyone; say so when that is over its capacity.
                if into_default and capacity and (result.occupants or 0) > capacity:
                    notes.append(
                        f"Box par défaut « {box} » plein : patient admis au-delà "
                        f"de sa capacité ({capacity} place(s))."
                    )
                notes.extend(result.warnings)
            if guid and not result.merged and not serialised:
                # Two processes admitting the same new GUID at once: the second one waits
                # for the first here (row lock), sees its patient, and retries as a merge.
                same = session.scalars(
                    select(models.Patient.pk)
                    .where(models.Patient.guid == guid)
                    .order_by(models.Patient.pk)
                    .with_for_update()
                ).all()
                if any(pk != result.patient_pk for pk in same):
                    raise _DuplicateGuid(guid)
            session.connection().execute(  # bound parameters: compiled once
                log_table.insert(),
                {
                    "IL_Name": _log_name(log_table, name),
                    "IL_Hash": key,
                    "IL_Date": now,
                    "IL_Outcome": OUTCOME_ACCEPTED,
                    "IL_PK_encours": result.patient_pk,
                    "IL_Message": fit_log_message("\n".join(notes)) or None,
                },
            )

        known = self._known_codes()
        with store.write() as session:  # the admission and its log row commit together
            result = self.services.admit(
                box_code=box,
                last_name=entry.last_name,
                first_name=entry.first_name,
                guid=entry.guid,
                responsable=entry.responsable,
                comment=entry.comment,
                annex_program=entry.annex_program,
                annex_args=entry.annex_args,
                tasks=[
                    NewTask(
                        code=task.code,
                        priority=task.priority,
                        comment=task.comment,
                        planned_start=_naive(task.planned_start),
                        planned_end=_naive(task.planned_end),
                        blob_key=task.blob_key,
                        note_file=task.note_file,
                        note_reader=task.note_reader,
                    )
                    for task in entry.tasks
                ],
                now=now,
                lenient=True,
                allow_over_capacity=into_default,  # a patient is never refused for want of room
                session=session,
                known=known,
            )
            write_log_row(session, result)
        return result, tuple(notes)

    def _logged(self, key: str) -> Any:
        log_table = feed_tables(self.services.store.models.prefix).ingest_log
        try:
            with self.services.store.read() as session:
                return session.execute(
                    select(
                        log_table.c.IL_Outcome, log_table.c.IL_PK_encours, log_table.c.IL_Message
                    ).where(log_table.c.IL_Hash == key)
                ).first()
        except SQLAlchemyError as err:
            if is_transient(err):
                raise transient_error(err) from err
            raise

    def _archive_logged(self, claimed: _Claimed, row: Any, now: datetime) -> IngestResult:
        outcome, patient_pk, message = row
        if outcome == OUTCOME_REJECTED:
            archived = self._archive(claimed, self.rejected_dir, error_text=message or "")
            return IngestResult(
                claimed.name, Outcome.REJECTED, message=message or "", archived_as=archived
            )
        if claimed.name not in self._unarchived:  # else: said when its archiving failed
            log.warning(
                "%s déjà intégré (patient n° %s) avant un arrêt : archivé sans être "
                "intégré une seconde fois",
                display_name(claimed.name),
                patient_pk,
            )
        archived = self._archive(claimed, self.processed_dir / now.strftime("%Y-%m-%d"))
        return IngestResult(claimed.name, Outcome.ALREADY, patient_pk, archived_as=archived)

    def _forget_rejection(self, key: str, session: Session | None = None) -> None:
        """Drop the log row of an earlier rejection of this file (in ``session``, or in a
        transaction of its own)."""
        log_table = feed_tables(self.services.store.models.prefix).ingest_log
        statement = delete(log_table).where(
            log_table.c.IL_Hash == key, log_table.c.IL_Outcome == OUTCOME_REJECTED
        )
        if session is not None:
            session.execute(statement)
            return
        try:
            with self.services.store.write() as own:
                own.execute(statement)
        except SQLAlchemyError as err:
            if is_transient(err):
                raise transient_error(err) from err
            raise

    def _reject(
        self,
        claimed: _Claimed,
        key: str,
        now: datetime,
        arrived_at: datetime,
        message: str,
        line: int | None,
        key_name: str | None,
    ) -> IngestResult:
        where = []
        if line is not None:
            where.append(f"ligne {line}")
        if key_name:
            where.append(f"clé {key_name}")
        # The parser's messages name the line already; others get it appended.
        full = message + (f" ({', '.join(where)})" if where and "ligne" not in message else "")
        text = _error_text(display_name(claimed.name), arrived_at, now, full, self.inbox_dir)
        wrote = False
        log_table = feed_tables(self.services.store.models.prefix).ingest_log
        try:
            with self.services.store.write() as session:
                # A file rejected before and put back: its new reason replaces the old one.
                self._forget_rejection(key, session)
                session.execute(
                    log_table.insert().values(
                        IL_Name=_log_name(log_table, claimed.name),
                        IL_Hash=key,
                        IL_Date=now,
                        IL_Outcome=OUTCOME_REJECTED,
                        IL_PK_encours=None,
                        IL_Message=fit_log_message(text),
                    )
                )
        except IntegrityError:
            # Logged by an earlier attempt. If that was an admission (an error came after
            # its commit), the patient is on the board: archive the file as processed, never
            # as "not registered, drop it again" (a second patient).
            previous = self._logged(key)
            if previous is not None and previous[0] == OUTCOME_ACCEPTED:
                log.error(
                    "%s : %s ; mais il était déjà intégré (patient n° %s) : archivé comme traité",
                    display_name(claimed.name),
                    full,
                    previous[1],
                )
                return self._archive_logged(claimed, previous, now)
        except SQLAlchemyError as err:
            if is_transient(err):
                raise transient_error(err) from err
            raise
        else:
            wrote = True
        archived = self._archive(claimed, self.rejected_dir, error_text=text)
        log.warning("Fichier d'entrée rejeté %s : %s", display_name(claimed.name), full)
        return IngestResult(
            claimed.name, Outcome.REJECTED, message=full, archived_as=archived, wrote=wrote
        )

    def _archive(
        self, claimed: _Claimed, folder: Path, error_text: str | None = None
    ) -> Path | None:
        """Move the claimed file into ``folder`` under a free name (never overwriting).

        The file's outcome is committed already (its log row): when the move fails (EIO,
        ENOSPC, EACCES on the archive folder) the file stays in the working folder, the log
        says so once, and the move is tried again every ``ARCHIVE_RETRY_S`` (the log row
        tells the next attempt what to do); ``None`` then."""
        try:
            archived = archive_file(claimed.path, folder, claimed.name, error_text)
        except OSError as err:
            if claimed.name not in self._unarchived:
                log.error(
                    "%s traité mais impossible à déplacer dans %s (%s) : laissé dans %s, "
                    "archivé plus tard (nouvel essai toutes les %.0f s)",
                    display_name(claimed.name),
                    folder,
                    display_name(err.strerror or str(err)),
                    claimed.path.parent,
                    ARCHIVE_RETRY_S,
                )
            self._unarchived[claimed.name] = self.monotonic() + ARCHIVE_RETRY_S
            return None
        if self._unarchived.pop(claimed.name, None) is not None:
            log.info("%s archivé dans %s", display_name(claimed.name), folder)
        return archived

    def _put_back(self, claimed: _Claimed) -> None:
        back = claimed.origin / claimed.name
        if back.exists():
            return  # a new file of that name arrived: ours waits in the working folder
        with contextlib.suppress(OSError):
            os.replace(claimed.path, back)


# ---------------------------------------------------------------------- helpers


def _file_key(name: str, mtime_ns: int, data: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(name.encode("utf-8", "surrogateescape"))
    digest.update(b"\0" + str(mtime_ns).encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


def _arrival(mtime: float, now: datetime) -> datetime:
    """The file's modification time, or now when that is in the future or unreadable."""
    try:
        arrived = datetime.fromtimestamp(mtime).replace(microsecond=0)
    except (OverflowError, OSError, ValueError):
        return now
    return arrived if arrived <= now + timedelta(minutes=1) else now


def _naive(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=None)


def _log_name(log_table: Any, name: str) -> str:
    """``name`` as stored in ``IL_Name``: escaped if not UTF-8, shortened to the column."""
    return log_name(name, getattr(log_table.c.IL_Name.type, "length", None) or 255)


def _error_text(name: str, arrived_at: datetime, now: datetime, message: str, inbox: Path) -> str:
    return (
        f"Fichier d'entrée rejeté : {name}\n"
        f"Déposé le : {arrived_at:%d/%m/%Y à %H:%M:%S}\n"
        f"Traité le : {now:%d/%m/%Y à %H:%M:%S}\n"
        f"\n"
        f"Motif : {message}\n"
        f"\n"
        f"Le patient de ce fichier n'a PAS été inscrit au tableau.\n"
        f"Corrigez le fichier puis déposez-le à nouveau dans le dossier des entrées\n"
        f"({inbox}).\n"
    )


def _set_aside_text(name: str, now: datetime, message: str, inbox: Path) -> str:
    return (
        f"Fichier d'entrée mis de côté : {name}\n"
        f"Traité le : {now:%d/%m/%Y à %H:%M:%S}\n"
        f"\n"
        f"Motif : {message}\n"
        f"\n"
        f"Ce fichier n'a pas pu être traité jusqu'au bout. Vérifiez au tableau si son patient\n"
        f"y figure avant de le déposer à nouveau dans le dossier des entrées\n"
        f"({inbox}).\n"
    )


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _try_lock(handle: IO[bytes]) -> bool | None:
    """True: locked now; False: held by another process; None: locks unsupported here."""
    try:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        if msvcrt is not None:  # pragma: no cover - Windows
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
    except (BlockingIOError, PermissionError):
        return False
    except OSError as err:
        if err.errno in (11, 13, 35):  # EAGAIN, EACCES, EWOULDBLOCK (macOS)
            return False
        return None
    return None


def _is_deadlock(err: DBAPIError) -> bool:
    code = getattr(err.orig, "args", (None,))[0] if err.orig is not None else None
    return code in (1205, 1213)  # lock wait timeout, deadlock (MariaDB)


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
