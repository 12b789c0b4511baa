"""What comes to one board on its own, and whether its database answers.

The change feed polled off the GUI thread (``ui.live``), the exit and lifetime purges
(``ui.purge``), the inbox (``ui.inbox``) and the alarm timer; the first three share one
small thread pool.  An outage seen by any of them, or by a touch action, is reported here:
:attr:`BoardFeeds.offline_since` is set and :attr:`BoardFeeds.outage` emitted; the first
poll that succeeds again clears it and emits :attr:`BoardFeeds.restored`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from ui.context import UiContext
from ui.inbox import InboxMonitor
from ui.live import Background, LiveFeed
from ui.purge import Purger


class BoardFeeds(QObject):
    outage = Signal(object)  # datetime: since when the database cannot be reached
    restored = Signal()

    def __init__(
        self, ctx: UiContext, sequence: Callable[[], int], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.offline_since: datetime | None = None
        self.background = Background(self)
        # ``sequence``: the board's count of touch actions (see ui.updates).
        self.live = LiveFeed(ctx, self.background, sequence, self)
        self.live.outage.connect(self._went_offline)
        self.live.restored.connect(self._came_back)
        self.alarm_timer = QTimer(self)
        self.alarm_timer.setInterval(max(100, round(ctx.config.timers.alarm_check_s * 1000)))
        self.purger = Purger(ctx, self.background, lambda: self.offline, self)
        self.purger.outage.connect(self.report_outage)
        self.inbox = InboxMonitor(ctx, self.background, self)

    @property
    def offline(self) -> bool:
        return self.offline_since is not None

    def start(self, *, live: bool, timers: bool, inbox: bool) -> None:
        if live:
            self.live.start(self.live.revision)
        if timers:
            self.alarm_timer.start()
            self.purger.timer.start()
        if inbox:
            self.inbox.start()

    def stop(self) -> None:
        self.inbox.stop()
        self.live.stop()
        self.alarm_timer.stop()
        self.purger.timer.stop()
        self.background.wait(5000)

    def report_outage(self, error: BaseException) -> None:
        """The database could not be reached (a poll, a purge, a touch action...)."""
        self.live.report(error)
        if self.offline_since is None:  # live was not running: say it ourselves
            self._went_offline(self.ctx.clock())

    def _went_offline(self, since: datetime) -> None:
        if self.offline_since is None:
            self.offline_since = since
        self.outage.emit(self.offline_since)

    def _came_back(self) -> None:
        self.offline_since = None
        self.restored.emit()
