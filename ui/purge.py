"""The exit purge and the lifetime purge, every ``Periodicite_controle_des_entrees``
seconds, off the GUI thread (the pool of :class:`ui.live.Background`).

The result comes back through a queued signal: the patients removed, so the board takes
their cards away at once (the change feed would show it too, a poll later).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from synoptic.db_errors import is_outage
from synoptic.ingest.wiring import purge_board
from synoptic.transient import is_transient
from ui.context import UiContext
from ui.live import Background, database_error_message

log = logging.getLogger(__name__)


class Purger(QObject):
    removed = Signal(list)  # patient keys
    outage = Signal(object)  # the error: the database cannot be reached

    def __init__(
        self,
        ctx: UiContext,
        background: Background,
        offline: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.background = background
        self.offline = offline
        self.timer = QTimer(self)
        self.timer.setInterval(max(1000, round(ctx.config.timers.inbox_check_s * 1000)))
        self.timer.timeout.connect(self.purge)
        self._deferred = False  # a transient failure was logged: quiet until a success

    def purge(self) -> None:
        if self.offline():
            return  # nothing to purge where nothing can be read
        timers = self.ctx.config.timers
        now = self.ctx.clock()
        services = self.ctx.services
        self.background.submit(
            lambda: purge_board(services, timers, now), self._done, self._failed
        )

    def _done(self, result: object) -> None:
        self._deferred = False
        removed = list(getattr(result, "exits_removed", ())) + list(
            getattr(result, "lifetime_removed", ())
        )
        if removed:
            self.removed.emit(removed)

    def _failed(self, err: BaseException) -> None:
        if is_outage(err):
            self.outage.emit(err)
        elif is_transient(err):  # busy, locked: one line until a purge succeeds again
            if not self._deferred:
                log.warning("purge reportée : %s", database_error_message(err))
            self._deferred = True
        else:
            log.error("échec de la purge : %s", err)
