"""This process's working folder in the inbox, and the take-over of dead processes' ones.

A file is claimed by an atomic rename into ``.work/<host>-<pid>-<random>/``: of two
processes racing for a file, one rename wins. The folder holds a lock file (``flock``) for as
long as the process lives; a folder whose lock can be taken belongs to a dead process, and
its files are moved into ours and processed first. Where files cannot be locked, a folder
is taken over once its owner has not touched its lock file (heartbeat) for a while.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from synoptic.ingest.names import display_name

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
try:  # Windows
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]

__all__ = ["LOCK_FILE", "WORK_DIR", "Claimed", "WorkFolder"]

# The inbox's one logger: its lines keep their name whichever module of the inbox says them.
log = logging.getLogger("synoptic.ingest.inbox")

WORK_DIR = ".work"
LOCK_FILE = ".lock"
# A working folder with no lock file (its process died while creating it) is taken over
# once it is this old; so is one whose lock cannot be tested (file system without locks)
# and whose owner has not touched its lock file (heartbeat) for that long.
STALE_WORK_DIR_S = 300.0
HEARTBEAT_S = 30.0


@dataclass(frozen=True)
class Claimed:
    name: str  # original file name
    path: Path  # where it is now, in our working folder
    origin: Path  # folder to put it back into on a transient failure
    recovered: bool = False  # left by a crash: it may have been committed already

    def put_back(self) -> None:
        """Back where it was taken from (the database cannot serve it now)."""
        back = self.origin / self.name
        if back.exists():
            return  # a new file of that name arrived: ours waits in the working folder
        with contextlib.suppress(OSError):
            os.replace(self.path, back)


class WorkFolder:
    """``inbox/.work/<host>-<pid>-<random>/``, locked while open.

    ``monotonic`` paces the heartbeat; ``wall_clock`` (seconds since the epoch) dates the
    folders of other processes against their files' times.
    """

    def __init__(
        self, inbox_dir: Path, monotonic: Callable[[], float], wall_clock: Callable[[], float]
    ) -> None:
        self.root = inbox_dir / WORK_DIR
        self.monotonic = monotonic
        self.wall_clock = wall_clock
        self._path: Path | None = None
        self._lock: IO[bytes] | None = None
        self._heartbeat_at = 0.0

    @property
    def is_open(self) -> bool:
        return self._path is not None

    @property
    def path(self) -> Path:
        if self._path is None:
            raise RuntimeError("InboxProcessor.open() n'a pas été appelé")
        return self._path

    def open(self) -> None:
        self.root.mkdir(exist_ok=True)
        host = re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname() or "hote")[:40]
        work = self.root / f"{host}-{os.getpid()}-{secrets.token_hex(3)}"
        work.mkdir()
        lock = open(work / LOCK_FILE, "wb")  # noqa: SIM115 - held open for our lifetime
        if _try_lock(lock) is not True:
            log.warning(
                "Verrouillage de fichiers indisponible dans %s : reprise des fichiers "
                "d'un processus arrêté après %d s seulement",
                work,
                STALE_WORK_DIR_S,
            )
        self._path, self._lock = work, lock
        self._heartbeat_at = self.monotonic()

    def close(self) -> None:
        """Release the folder (files still in it are taken over by the next run)."""
        work, lock = self._path, self._lock
        self._path = self._lock = None
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

    def claim(self, source: Path) -> Path | None:
        """Move ``source`` into the folder; ``None`` when another process took it first."""
        target = self.path / source.name
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
        return target

    def leftovers(self) -> list[Path]:
        """Our own files, left by a failed archiving or a crash of this process."""
        return sorted(p for p in self.path.iterdir() if p.name != LOCK_FILE and p.is_file())

    def others(self) -> list[Path]:
        """The working folders of other processes, alive or dead."""
        try:
            return [p for p in self.root.iterdir() if p.is_dir() and p != self._path]
        except FileNotFoundError:
            return []

    def take_over(self, folder: Path) -> list[Path]:
        """The files of a dead process's working folder, moved into ours (else nothing)."""
        lock_path = folder / LOCK_FILE
        try:
            lock = open(lock_path, "r+b")  # noqa: SIM115
        except FileNotFoundError:
            if self._age(folder) < STALE_WORK_DIR_S:
                return []  # being created right now
            lock = None
        except OSError:
            return []
        try:
            if lock is not None:
                locked = _try_lock(lock)
                if locked is False:
                    return []  # its process is alive
                if locked is None and self._age(lock_path) < STALE_WORK_DIR_S:
                    return []  # no locks here; its heartbeat is recent
            taken: list[Path] = []
            for path in sorted(folder.iterdir()):
                if path.name == LOCK_FILE or not path.is_file():
                    continue
                target = self.path / path.name
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
                taken.append(target)
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

    def heartbeat(self) -> None:
        """Touch our lock file now and then: where locks do not work, that says we live."""
        now = self.monotonic()
        if self._path is not None and now - self._heartbeat_at >= HEARTBEAT_S:
            self._heartbeat_at = now
            with contextlib.suppress(OSError):
                os.utime(self._path / LOCK_FILE)

    def _age(self, path: Path) -> float:
        try:
            return self.wall_clock() - path.stat().st_mtime
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
