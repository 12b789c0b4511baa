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

from PySide6.QtCore import QObject, QTimer, Signal

from synoptic.ingest.rejected import RejectedFile, list_rejected
from ui.context import UiContext
from ui.live import Background

__all__ = ["InboxMonitor", "RejectedFile", "list_rejected"]

log = logging.getLogger(__name__)

PRUNE_INTERVAL_S = 60.0


class InboxMonitor(QObject):
    changed = Signal()

    def __init__(
        self, ctx: UiContext, background: Background, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.background = background
        self.inbox_dir = ctx.config.interface.inbox_dir
        self.error = ""
        self.rejected: list[RejectedFile] = []
        self._watcher = None
        self._processor = None
        self._counting = False
        self.timer = QTimer(self)
        self.timer.setInterval(max(1000, round(ctx.config.timers.inbox_check_s * 1000)))
        self.timer.timeout.connect(self.count_rejected)

    @property
    def listening(self) -> bool:
        return self._watcher is not None and not self.error

    def start(self) -> None:
        """Open the inbox and watch it in a thread; a failure is shown, not raised."""
        from synoptic.feed import prune_changes
        from synoptic.ingest.inbox import InboxProcessor
        from synoptic.ingest.watcher import InboxWatcher, PeriodicJob

        cfg = self.ctx.config.interface
        try:
            processor = InboxProcessor(
                self.ctx.services,
                cfg.inbox_dir,
                cfg.default_box,
                retention_days=cfg.processed_retention_days,
            )
            processor.open()
        except OSError as err:
            self.error = f"dossier {cfg.inbox_dir} inaccessible : {err.strerror or err}"
            log.warning("dossier des entrées : %s", self.error)
            self.changed.emit()
            return
        store = self.ctx.store
        jobs = [
            PeriodicJob(
                "purge du journal des changements",
                PRUNE_INTERVAL_S,
                lambda: prune_changes(store),
                first_delay_s=PRUNE_INTERVAL_S / 2,
            ),
            PeriodicJob("purge des fichiers traités", 3600.0, processor.purge_processed),
        ]
        self._processor = processor
        self._watcher = InboxWatcher(
            processor, rescan_s=self.ctx.config.timers.inbox_check_s, jobs=jobs
        )
        self._watcher.start()
        self.timer.start()
        self.count_rejected()
        self.changed.emit()

    def stop(self) -> None:
        self.timer.stop()
        if self._watcher is not None:
            self._watcher.stop(timeout=10)
            self._watcher = None
        if self._processor is not None:
            self._processor.close()
            self._processor = None

    def status(self) -> tuple[bool, str]:
        if self.error:
            return False, f"Entrées : non surveillées ({self.error})"
        if self._watcher is None:
            return False, "Entrées : non surveillées"
        return True, "Entrées : surveillées"

    def count_rejected(self) -> None:
        if self._counting:
            return
        self._counting = True
        folder = self.inbox_dir / "rejected"
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
                f"{self.inbox_dir / 'rejected'}.\n\n"
                "Les noms sont masqués sur cet écran : leurs noms de fichier et leurs motifs, "
                "qui peuvent contenir le nom d'un patient, ne sont pas affichés. Touchez "
                "« Afficher les noms » pour les voir, ou lisez les fichiers .error.txt du dossier."
            )
        lines = [f"Dossier : {self.inbox_dir / 'rejected'}", ""]
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
