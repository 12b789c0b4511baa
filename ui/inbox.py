"""The board listens to the inbox itself, as Synoptux 2.16 did on every screen.

It runs the core's :class:`InboxWatcher` in its own thread (several screens may watch one
shared folder: each file is claimed by exactly one).  New patients reach the board through
the change feed like any other change, so nothing here touches a widget.  The status bar
asks :meth:`InboxMonitor.status`; rejected files are listed by the core
(:func:`synoptic.ingest.rejected.list_rejected`, with their reason) off the GUI thread, and
shown on a touch.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from synoptic.ingest.rejected import REJECTED_DIR, RejectedFile, list_rejected
from ui.context import UiContext
from ui.live import Background

if TYPE_CHECKING:
    from synoptic.ingest.wiring import InboxRunner

__all__ = ["InboxMonitor", "RejectedFile", "list_rejected"]

log = logging.getLogger(__name__)


class InboxMonitor(QObject):
    changed = Signal()

    def __init__(
        self, ctx: UiContext, background: Background, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.background = background
        self.inbox_dir = ctx.config.interface.inbox_dir
        self.rejected_dir = self.inbox_dir / REJECTED_DIR
        self.error = ""
        self.rejected: list[RejectedFile] = []
        self._runner: InboxRunner | None = None
        self._counting = False
        self.timer = QTimer(self)
        self.timer.setInterval(max(1000, round(ctx.config.timers.inbox_check_s * 1000)))
        self.timer.timeout.connect(self.count_rejected)

    @property
    def listening(self) -> bool:
        return self._runner is not None and not self.error

    def start(self) -> None:
        """Open the inbox and watch it in a thread; a failure is shown, not raised."""
        from synoptic.ingest.wiring import inbox_runner

        # The board's purges run on the board's own timer (ui.purge), not in the watcher.
        runner = inbox_runner(self.ctx.config, self.ctx.services)
        try:
            runner.start()
        except OSError as err:
            self.error = f"dossier {self.inbox_dir} inaccessible : {err.strerror or err}"
            log.warning("dossier des entrées : %s", self.error)
            self.changed.emit()
            return
        self._runner = runner
        self.timer.start()
        self.count_rejected()
        self.changed.emit()

    def stop(self) -> None:
        self.timer.stop()
        if self._runner is not None:
            self._runner.stop(timeout=10)
            self._runner = None

    def status(self) -> tuple[bool, str]:
        if self.error:
            return False, f"Entrées : non surveillées ({self.error})"
        if self._runner is None:
            return False, "Entrées : non surveillées"
        return True, "Entrées : surveillées"

    def count_rejected(self) -> None:
        if self._counting:
            return
        self._counting = True
        folder = self.rejected_dir
        self.background.submit(lambda: list_rejected(folder), self._counted, self._count_failed)

    def _counted(self, files: list[RejectedFile]) -> None:
        self._counting = False
        if files != self.rejected:
            self.rejected = files
            self.changed.emit()

    def _count_failed(self, err: BaseException) -> None:
        self._counting = False
        log.warning("fichiers rejetés illisibles : %s", err)

    def rejected_text(self, masked: bool = False) -> str:
        """The rejected files and why; on a masked screen only how many and where: a file's
        name and its reason may carry a patient's name."""
        if not self.rejected:
            return "Aucun fichier d'entrée refusé."
        if masked:
            return (
                f"{len(self.rejected)} fichier(s) d'entrée refusé(s) dans "
                f"{self.rejected_dir}.\n\n"
                "Les noms sont masqués sur cet écran : leurs noms de fichier et leurs motifs, "
                "qui peuvent contenir le nom d'un patient, ne sont pas affichés. Touchez "
                "« Afficher les noms » pour les voir, ou lisez les fichiers .error.txt du dossier."
            )
        lines = [f"Dossier : {self.rejected_dir}", ""]
        for item in self.rejected:
            lines.append(f"• {item.name}" + (f" — {item.reason}" if item.reason else ""))
        lines += [
            "",
            (
                "Corrigez le fichier puis replacez-le dans le dossier des entrées, "
                "ou supprimez-le avec son fichier .error.txt."
            ),
        ]
        return "\n".join(lines)
