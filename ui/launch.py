"""Starting the annex program and note readers named by entry files: only allowed ones.

Whether a program may start is the core's decision (:class:`synoptic.launch_policy.
LaunchPolicy`: the allow-list compared on real files).  Here it is started with
``QProcess.startDetached``: the program and its argument list as given, no shell (no
argument is ever interpreted), detached (it outlives the board and leaves no zombie
behind), its standard input on the null device.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence

from PySide6.QtCore import QProcess

from synoptic.launch_policy import LaunchPolicy, LaunchRefused, Which

Start = Callable[[str, list[str]], bool]


def start_detached(program: str, args: list[str]) -> bool:
    """Start ``program`` with ``args``, without a shell; ``False`` when it did not start."""
    process = QProcess()
    process.setProgram(program)
    process.setArguments(args)
    process.setStandardInputFile(QProcess.nullDevice())
    started = process.startDetached()
    return bool(started[0] if isinstance(started, tuple) else started)  # PySide6 versions


class Launcher:
    """Checks a program against the allow-list and starts it detached, without a shell."""

    def __init__(
        self, allowed: Sequence[str], *, start: Start = start_detached, which: Which = shutil.which
    ) -> None:
        self.policy = LaunchPolicy(allowed, which=which)
        self._start = start

    def is_allowed(self, program: str) -> bool:
        return self.policy.is_allowed(program)

    def refusal(self, program: str) -> str | None:
        return self.policy.refusal(program)

    def launch(self, program: str, args: Sequence[str] = ()) -> None:
        """Start ``program`` with ``args``; raise :class:`LaunchRefused` when it may not
        or could not start.  Never waits for the program."""
        path = self.policy.check(program)
        if not self._start(path, list(args)):
            raise LaunchRefused(f"Impossible de lancer « {path} ».")
