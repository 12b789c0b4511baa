"""Which files of the inbox are entry files, and which of them are complete.

A file is taken only once it has stopped changing: its size and modification time unchanged
for ``delay_s``, or a "closed after writing" event seen by the watcher for exactly that size
and time, or untouched for a while whatever we observed of it. Hidden files (``.name``) and
files not ending in ``.txt`` (any case) are left alone; so are reasons of rejections
(``NAME.error.txt``) put back into the inbox, said once each in the log.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from synoptic.ingest.names import display_name, is_reason_file_name

__all__ = ["Stability", "is_entry_file_name"]

# The inbox's one logger: its lines keep their name whichever module of the inbox says them.
log = logging.getLogger("synoptic.ingest.inbox")

# A file untouched for this long is complete, whatever we observed of it.
UNTOUCHED_S = 2.0


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


class Stability:
    """What is known of the files of one inbox folder, from one scan to the next.

    ``monotonic`` times the delay; ``wall_clock`` (seconds since the epoch) gives the age
    of a file from its modification time.
    """

    def __init__(
        self, delay_s: float, monotonic: Callable[[], float], wall_clock: Callable[[], float]
    ) -> None:
        self.delay_s = delay_s
        self.monotonic = monotonic
        self.wall_clock = wall_clock
        self._seen: dict[str, _Seen] = {}
        self._closed: dict[str, tuple[int, int]] = {}
        self._reason_files: set[str] = set()  # said once each

    def note_closed(self, path: Path) -> None:
        """The watcher saw ``path`` closed after writing: it is complete as it is now."""
        with contextlib.suppress(OSError):
            st = path.stat()
            self._closed[path.name] = (st.st_size, st.st_mtime_ns)

    def note_changed(self, path: Path) -> None:
        """The watcher saw ``path`` created or written: not known to be complete any more."""
        self._closed.pop(path.name, None)

    def forget(self, name: str) -> None:
        """``name`` was taken: a new file of that name starts afresh."""
        self._seen.pop(name, None)
        self._closed.pop(name, None)

    def ready_files(self, folder: Path) -> tuple[list[Path], int]:
        """Entry files of ``folder`` ready to be taken (oldest first), and how many wait."""
        now_mono, now_wall = self.monotonic(), self.wall_clock()
        ready: list[tuple[int, str, Path]] = []
        waiting = 0
        names: set[str] = set()
        reasons: set[str] = set()
        try:
            entries = list(os.scandir(folder))
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

    def _is_complete(
        self, name: str, signature: tuple[int, int], now_mono: float, now_wall: float
    ) -> bool:
        if self.delay_s <= 0:
            return True
        size, mtime_ns = signature
        if size > 0 and self._closed.get(name) == signature:
            return True
        age = now_wall - mtime_ns / 1e9
        if age >= max(self.delay_s, UNTOUCHED_S):
            return True
        seen = self._seen.get(name)
        if seen is None or seen.signature != signature:
            self._seen[name] = _Seen(signature, now_mono)
            return False
        return now_mono - seen.since >= self.delay_s
