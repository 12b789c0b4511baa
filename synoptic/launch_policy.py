"""Which program an entry file may have the board start: the allow-list, compared on the
files the paths really designate.  No Qt and no process here (``ui/launch.py`` starts it).

Synoptux 2.16 ran whatever program an entry file named, through a shell (facts, failure
12).  Comparing the text of paths is not enough either: ``/tmp/lnk/../../../usr/bin/evince``
reads as ``/usr/bin/evince``, but the system follows the symbolic link ``lnk`` before each
``..`` and starts another file.  So both sides are resolved as the system resolves them
(symbolic links, ``..``) and compared as real files.

Rules (``[Interface] Programmes_Autorises`` holds absolute paths or bare program names):

* an allow-list entry designates the real path of its absolute path, or of where ``PATH``
  finds its bare name; an entry that designates no executable file allows nothing;
* the program an entry file names is an absolute path or a bare name found on ``PATH``; a
  relative path with folders (``../drtux/bin/drtux``) is never allowed: what it designates
  depends on the current folder;
* it is allowed when it is an existing regular file the board may execute and its real
  path is the real path of an entry.

What starts is the matching entry's own path (a bare name: where ``PATH`` found it), never
the text of the entry file: a program installed under several names (busybox) does what
its name says, and the name that runs is the administrator's.

The allow-list is resolved again at each check: a program installed, removed or moved
since the board started counts as it is now.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from synoptic.errors import SynoptuxError

Which = Callable[[str], str | None]

NOT_ALLOWED = (
    "n'est pas dans la liste des programmes autorisés "
    "([Interface] Programmes_Autorises de synoptux.ini) : il n'est pas lancé."
)


class LaunchRefused(SynoptuxError):
    """The program may not, or could not, be started; the message says why, in French."""


@dataclass(frozen=True)
class AllowedProgram:
    path: str  # what is started
    real: str  # the file it designates (symbolic links and ".." resolved)


def _has_folder(program: str) -> bool:
    return "/" in program or "\\" in program


def real_executable(path: str) -> str | None:
    """The real path of ``path`` when it designates an existing regular file the board
    may execute, else ``None``."""
    try:
        real = os.path.realpath(path, strict=True)
    except (OSError, ValueError):  # missing, a loop of links, a NUL character
        return None
    if not os.path.isfile(real) or not os.access(real, os.X_OK):
        return None
    return os.path.normcase(real)


def _same_path(a: str, b: str) -> bool:
    return os.path.normcase(os.path.normpath(a)) == os.path.normcase(os.path.normpath(b))


class LaunchPolicy:
    def __init__(self, allowed: Sequence[str], *, which: Which = shutil.which) -> None:
        self.allowed = tuple(a.strip() for a in allowed if a.strip())
        self._which = which

    def locate(self, program: str) -> str | None:
        """The path the system would start for ``program``, not yet resolved: itself when
        absolute, where ``PATH`` finds a bare name, ``None`` for a relative path."""
        if os.path.isabs(program):
            return program
        if _has_folder(program) or not program:
            return None
        found = self._which(program)
        return os.path.abspath(found) if found else None

    def entries(self) -> list[AllowedProgram]:
        """The allow-list entries that designate an executable file now."""
        result = []
        for entry in self.allowed:
            path = self.locate(entry)
            real = real_executable(path) if path else None
            if path and real:
                result.append(AllowedProgram(path, real))
        return result

    def check(self, program: str) -> str:
        """The path to start for ``program`` (an allow-list entry's); raise
        :class:`LaunchRefused` with the reason in French when it may not start."""
        program = program.strip()
        if not program:
            raise LaunchRefused("Aucun programme indiqué : rien n'est lancé.")
        path = self.locate(program)
        if path is None and _has_folder(program):
            raise LaunchRefused(
                f"Le programme « {program} » n'est pas un chemin absolu : il n'est pas lancé."
            )
        real = real_executable(path) if path else None
        if path is None or real is None:
            raise LaunchRefused(
                f"Le programme « {program} » est introuvable ou n'est pas un fichier "
                "exécutable : il n'est pas lancé."
            )
        matches = [e for e in self.entries() if e.real == real]
        if not matches:
            really = "" if _same_path(real, program) else f" (en réalité « {real} »)"
            raise LaunchRefused(f"Le programme « {program} »{really} {NOT_ALLOWED}")
        same_name = [e for e in matches if _same_path(e.path, path)]
        return (same_name or matches)[0].path

    def resolve(self, program: str) -> str | None:
        """The path to start for ``program``, or ``None`` when it may not start."""
        try:
            return self.check(program)
        except LaunchRefused:
            return None

    def refusal(self, program: str) -> str | None:
        """Why ``program`` may not start (French), or ``None`` when it may."""
        try:
            self.check(program)
        except LaunchRefused as err:
            return err.message
        return None

    def is_allowed(self, program: str) -> bool:
        return self.resolve(program) is not None


def note_file_refusal(path: str, flavour: type[PurePath] = PurePath) -> str | None:
    """Why a task's note file (``Nom_Fichier_Note`` of an entry file) is not handed to its
    reader, or ``None`` when it may be.

    The reader is allowed, the file name is not vetted by anyone: a name starting with
    ``-`` would reach the reader as an option, a relative one designates whatever sits in
    the board's current folder.  Only absolute paths are opened, absolute for the system the
    board runs on (``flavour``: this system's paths): on Linux ``C:\\x`` is a relative name
    of the current folder, on Windows ``/x`` is relative to the current drive."""
    name = path.strip()
    if name.startswith("-"):
        return (
            f"Document refusé : « {name} » commence par « - » "
            "(le lecteur le prendrait pour une option)."
        )
    if not flavour(name).is_absolute():
        return f"Document refusé : « {name} » n'est pas un chemin absolu."
    return None
