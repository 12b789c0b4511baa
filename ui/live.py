"""Following the database: the change feed polled off the GUI thread (Anki style).

Every ``poll_interval_ms`` (500 ms) a worker thread asks :class:`synoptic.feed.ChangeFeed`
what changed since the revision the board shows and reads the fresh views of just those
patients; the result comes back to the GUI thread through a queued signal and the board
rebuilds only those cards.  The worker never touches a widget.

Any exception in the worker (server down, network cut, SQLite file locked for too long)
is an outage: the board raises its banner and keeps the last state; polling goes on, and
the first poll that succeeds is the reconnection.  The same pool runs the purges.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from synoptic.store import queries
from synoptic.store.queries import BoardSnapshot, PatientView, Reference
from ui.context import FeedLike, UiContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedUpdate:
    """What the worker found: fresh views of the changed patients (or a whole board)."""

    revision: int
    patient_pks: frozenset[int]
    patients: tuple[PatientView, ...]
    reference: Reference | None
    full: BoardSnapshot | None
    sequence: int  # the board's action counter when the poll started


class _Relay(QObject):
    """Carries one job's outcome to the GUI thread (queued: it lives in the GUI thread)."""

    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as err:  # noqa: BLE001 - every failure is reported, none kills the pool
            self._relay.failed.emit(err)
        else:
            self._relay.done.emit(result)


class Background(QObject):
    """Runs plain functions in a small thread pool; callbacks run in the GUI thread."""

    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._relays: set[_Relay] = set()

    def submit(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        relay = _Relay()
        self._relays.add(relay)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            callback(value)

        relay.done.connect(lambda value: finish(done, value))
        relay.failed.connect(lambda err: finish(failed, err))
        self.pool.start(_Job(work, relay))

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)


class LiveFeed(QObject):
    updated = Signal(object)  # FeedUpdate
    outage = Signal(object)  # datetime: since when the database cannot be reached
    restored = Signal()

    def __init__(
        self,
        ctx: UiContext,
        background: Background,
        sequence: Callable[[], int] = lambda: 0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.background = background
        self.sequence = sequence
        self.revision: int | None = None
        self.offline_since: datetime | None = None
        self.running = False
        self.polls = 0
        self._feed: FeedLike | None = None
        self._in_flight = False
        self.timer = QTimer(self)
        self.timer.setInterval(ctx.poll_interval_ms)
        self.timer.timeout.connect(self.poll)

    @property
    def listening(self) -> bool:
        return self.running and self.offline_since is None

    def start(self, revision: int | None) -> None:
        self.revision = revision
        self.running = True
        self.timer.start()

    def stop(self) -> None:
        self.running = False
        self.timer.stop()

    def initial_revision(self) -> int:
        """The feed's revision now; read it before loading the board (nothing is missed).

        The feed's first answer is always "reload everything": this is that answer."""
        return int(self._get_feed().changes_since(0).revision)

    def _get_feed(self) -> FeedLike:
        if self._feed is None:
            self._feed = self.ctx.feed_factory(self.ctx.store)
        return self._feed

    def poll(self) -> None:
        """Start one poll unless one is under way (the timer calls it; tests may too)."""
        if self._in_flight or not self.running:
            return
        self._in_flight = True
        revision = self.revision
        sequence = self.sequence()
        self.background.submit(lambda: self._read(revision, sequence), self._done, self._failed)

    def _read(self, revision: int | None, sequence: int) -> FeedUpdate:
        """In the worker thread: what changed, and the fresh views.  No widget here."""
        feed = self._get_feed()
        store = self.ctx.store
        result = feed.changes_since(revision if revision is not None else 0)
        with store.read() as session:
            if result.full_reload:
                board = queries.load_board(session, store.models)
                return FeedUpdate(
                    result.revision, frozenset(), (), board.reference, board, sequence
                )
            patients = (
                queries.load_patients(session, store.models, pks=result.patient_pks)
                if result.patient_pks
                else ()
            )
            reference = (
                queries.load_reference(session, store.models) if result.reference_changed else None
            )
        return FeedUpdate(
            result.revision, frozenset(result.patient_pks), patients, reference, None, sequence
        )

    def _done(self, update: FeedUpdate) -> None:
        self._in_flight = False
        self.polls += 1
        if not self.running:
            return
        if self.offline_since is not None:
            self.offline_since = None
            self.restored.emit()
        self.revision = update.revision
        self.updated.emit(update)

    def _failed(self, err: BaseException) -> None:
        self._in_flight = False
        self.polls += 1
        # The feed object is kept: it remembers revisions in flight (see synoptic.feed).
        if not self.running:
            return
        self.report(err)

    def report(self, err: BaseException) -> None:
        """An outage seen by the feed or by an action."""
        if self.offline_since is None:
            log.warning("database unreachable: %s", err)
            self.offline_since = self.ctx.clock()
            self.outage.emit(self.offline_since)
