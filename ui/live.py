"""Following the database: the change feed polled off the GUI thread (Anki style).

Every ``poll_interval_ms`` (500 ms) a worker thread asks :class:`synoptic.feed.ChangeFeed`
what changed since the revision the board shows and reads the fresh views of just those
patients; the result comes back to the GUI thread through a queued signal and the board
rebuilds only those cards.  The worker never touches a widget.

Any exception in the worker (server down, network cut, SQLite file locked for too long)
is an outage: the board raises its banner and keeps the last state; polling goes on, and
the first poll that succeeds is the reconnection.  A poll still under way after
``HUNG_AFTER_S`` seconds is an outage too (a connection that hangs instead of failing);
the next poll starts only when that one ends, since the feed is not thread-safe.  The same
pool runs the purges and the reads of the host's record texts.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from synoptic.db_errors import NoAnswer
from synoptic.db_messages import Problem, describe_database_error, french_database_error
from synoptic.views import BoardSnapshot, PatientView, Reference
from ui.context import FeedLike, UiContext

log = logging.getLogger(__name__)

# A poll under way for longer than this is taken as an outage (MariaDB's read timeout, set
# by synoptic.store.db.make_engine, ends it later; a banner must not wait for that).
HUNG_AFTER_S = 5.0
# The revision that makes ChangeFeed.changes_since reload everything (see synoptic.feed).
FULL_RELOAD = -1


class PollHung(NoAnswer):
    """The change feed did not answer within HUNG_AFTER_S seconds (an outage)."""


def database_error_message(err: BaseException) -> str:
    """ "Erreur de la base de données : ..." in French words when the driver's error is a
    known one ("base verrouillée", "accès refusé"...), with the driver's first line."""
    problem = describe_database_error(err)
    if problem.kind is Problem.OTHER:
        return f"Erreur de la base de données : {problem.detail}"
    return f"Erreur de la base de données : {problem.sentence()}"


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


def _run(work: Callable[[], Any], relay: _Relay) -> None:
    """In a pool thread: one job, its outcome sent through ``relay``."""
    try:
        result = work()
    except Exception as err:  # noqa: BLE001 - every failure is reported, none kills the pool
        relay.failed.emit(err)
    else:
        relay.done.emit(result)


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
        # A plain callable, not a QRunnable subclass: PySide keeps a reference from the pool
        # to a Python QRunnable it started (ownership given to C++) and, with auto-delete, not
        # always lets it go: each poll's job, relay and closures stayed (~60 a minute, ~470
        # objects).  A callable is wrapped in C++ and released once run.
        self.pool.start(functools.partial(_run, work, relay))

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
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.background = background
        self.sequence = sequence
        self.monotonic = monotonic  # tests inject their own (the watchdog)
        self.revision: int | None = None
        self.offline_since: datetime | None = None
        self.running = False
        self.polls = 0
        self._feed: FeedLike | None = None
        self._in_flight_since: float | None = None
        self._recheck: set[int] = set()
        self.timer = QTimer(self)
        self.timer.setInterval(ctx.poll_interval_ms)
        self.timer.timeout.connect(self.poll)

    @property
    def listening(self) -> bool:
        return self.running and self.offline_since is None

    @property
    def in_flight(self) -> bool:
        return self._in_flight_since is not None

    def start(self, revision: int | None) -> None:
        self.revision = revision
        self.running = True
        self.timer.start()

    def stop(self) -> None:
        self.running = False
        self.timer.stop()

    def initial_revision(self) -> int:
        """The feed's revision now; read it before loading the board (nothing is missed).

        Asked as "reload everything" (the feed may have started already, e.g. when a
        first load failed half-way): this is that answer's revision."""
        return int(self._get_feed().changes_since(FULL_RELOAD).revision)

    def recheck(self, pks: set[int] | frozenset[int]) -> None:
        """Read these patients again at the next poll, changed or not."""
        self._recheck |= pks

    def _get_feed(self) -> FeedLike:
        if self._feed is None:
            self._feed = self.ctx.new_feed()
        return self._feed

    def poll(self) -> None:
        """Start one poll unless one is under way (the timer calls it; tests may too).

        A poll under way for more than ``HUNG_AFTER_S`` seconds raises the outage banner;
        it is not abandoned (the feed is not thread-safe): its end, success or failure,
        decides what comes next."""
        if not self.running:
            return
        if self._in_flight_since is not None:
            if self.monotonic() - self._in_flight_since > HUNG_AFTER_S:
                self.report(PollHung(f"aucune réponse de la base depuis {HUNG_AFTER_S:g} s"))
            return
        self._in_flight_since = self.monotonic()
        revision = self.revision
        sequence = self.sequence()
        extra, self._recheck = frozenset(self._recheck), set()
        self.background.submit(
            lambda: self._read(revision, sequence, extra),
            self._done,
            lambda err: self._failed(err, extra),
        )

    def _read(self, revision: int | None, sequence: int, extra: frozenset[int]) -> FeedUpdate:
        """In the worker thread: what changed, and the fresh views.  No widget here."""
        # No revision yet (the first load failed): ask the feed to reload everything.  An
        # idle poll is one small query; a change reads only the patients concerned.
        c = self._get_feed().read_changes(
            revision if revision is not None else FULL_RELOAD, also=extra
        )
        return FeedUpdate(c.revision, c.patient_pks, c.patients, c.reference, c.board, sequence)

    def _done(self, update: FeedUpdate) -> None:
        self._in_flight_since = None
        self.polls += 1
        if not self.running:
            return
        if self.offline_since is not None:
            self.offline_since = None
            self.restored.emit()
        self.revision = update.revision
        self.updated.emit(update)

    def _failed(self, err: BaseException, extra: frozenset[int] = frozenset()) -> None:
        self._in_flight_since = None
        self.polls += 1
        self._recheck |= extra  # still to be read again
        # The feed object is kept: it remembers revisions in flight (see synoptic.feed).
        if not self.running:
            return
        self.report(err)

    def report(self, err: BaseException) -> None:
        """An outage seen by the feed or by an action."""
        if self.offline_since is None:
            log.warning("base de données injoignable : %s", french_database_error(err))
            self.offline_since = self.ctx.clock()
            self.outage.emit(self.offline_since)
