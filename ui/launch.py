"""Starting the annex program and note readers named by entry files — only allowed ones.

Synoptux 2.16 ran whatever program an entry file named, through a shell (facts, failure 12).
Here a program is started only when it is on ``[Interface] Programmes_Autorises``, without
a shell, with its argument list as given: no argument is ever interpreted by a shell.

Matching rules (``Programmes_Autorises`` holds absolute paths or bare program names):

* an absolute program path is allowed when it is one of the absolute entries, or the
  path a bare-name entry resolves to on ``PATH``;
* a bare program name is allowed when it is one of the bare-name entries (it is then
  resolved on ``PATH``), or when it resolves to one of the absolute entries;
* a relative path with folders (``../drtux/bin/drtux``) is never allowed: what it
  designates depends on the current folder.

No Qt here: the board catches :class:`LaunchRefused` and shows its French message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from synoptic.errors import SynoptuxError

Popen = Callable[..., Any]


class LaunchRefused(SynoptuxError):
    """The program may not, or could not, be started; the message says why, in French."""


def _has_folder(program: str) -> bool:
    return "/" in program or "\\" in program


def _is_absolute(program: str) -> bool:
    return PurePosixPath(program).is_absolute() or PureWindowsPath(program).is_absolute()


def _same_path(a: str, b: str) -> bool:
    return os.path.normcase(os.path.normpath(a)) == os.path.normcase(os.path.normpath(b))


def note_file_refusal(path: str) -> str | None:
    """Why a task's note file (``Nom_Fichier_Note`` of an entry file) is not handed to its
    reader, or ``None`` when it may be.

    The reader is allowed, the file name is not vetted by anyone: a name starting with
    ``-`` would reach the reader as an option, a relative one designates whatever sits in
    the board's current folder.  Only absolute paths are opened."""
    name = path.strip()
    if name.startswith("-"):
        return (
            f"Document refusé : « {name} » commence par « - » "
            "(le lecteur le prendrait pour une option)."
        )
    if not _is_absolute(name):
        return f"Document refusé : « {name} » n'est pas un chemin absolu."
    return None


class Launcher:
    """Checks a program against the allow-list and starts it detached, without a shell."""

    def __init__(
        self,
        allowed: Sequence[str],
        *,
        popen: Popen = subprocess.Popen,
        which: Callable[[str], str | None] = shutil.which,
        exists: Callable[[str], bool] = os.path.isfile,
    ) -> None:
        self.allowed = tuple(a for a in allowed if a.strip())
        self._popen = popen
        self._which = which
        self._exists = exists

    def resolve(self, program: str) -> str | None:
        """The absolute path to run for ``program``, or ``None`` when it is not allowed."""
        program = program.strip()
        if not program:
            return None
        absolute_entries = [a for a in self.allowed if _is_absolute(a)]
        bare_entries = [a for a in self.allowed if not _has_folder(a)]
        if _is_absolute(program):
            if any(_same_path(program, a) for a in absolute_entries):
                return program
            for name in bare_entries:
                found = self._which(name)
                if found and _same_path(found, program):
                    return program
            return None
        if _has_folder(program):
            return None
        found = self._which(program)
        if program in bare_entries or (
            sys.platform == "win32" and program.lower() in (b.lower() for b in bare_entries)
        ):
            return found or program
        if found and any(_same_path(found, a) for a in absolute_entries):
            return found
        return None

    def is_allowed(self, program: str) -> bool:
        return self.resolve(program) is not None

    def launch(self, program: str, args: Sequence[str] = ()) -> None:
        """Start ``program`` with ``args``; raise :class:`LaunchRefused` when it is not allowed
        or cannot be started.  Never waits for the program."""
        resolved = self.resolve(program)
        if resolved is None:
            raise LaunchRefused(
                f"Le programme « {program} » n'est pas dans la liste des programmes autorisés "
                "([Interface] Programmes_Autorises de synoptux.ini) : il n'est pas lancé."
            )
        if _is_absolute(resolved) and not self._exists(resolved):
            raise LaunchRefused(f"Le programme « {resolved} » est introuvable.")
        options: dict[str, Any] = {"shell": False, "close_fds": True, "stdin": subprocess.DEVNULL}
        if sys.platform != "win32":
            options["start_new_session"] = True  # survives the board, gets no terminal signals
        try:
            self._popen([resolved, *args], **options)
        except OSError as err:
            raise LaunchRefused(
                f"Impossible de lancer « {resolved} » : {err.strerror or err}."
            ) from err
