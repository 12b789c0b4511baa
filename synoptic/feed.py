"""Change feed: what changed in the board's tables since revision R.

Triggers (``synoptic/store/feed_schema.py``) write one row into ``<prefix>changes`` for every
row inserted, updated or deleted in the board's tables, whoever the writer: this program, or
the host system writing straight into ``synopt_encours`` / ``synopt_encours_taches``. Its
autoincrement key ``CH_Rev`` is the revision. A screen polls::

    feed = ChangeFeed(store)            # one per screen (it remembers revisions in flight)
    result = feed.changes_since(0)      # the first call always says full_reload
    ...
    result = feed.changes_since(result.revision)
    if result.full_reload: reload everything
    else:
        if result.reference_changed: reload boxes, states, task types...
        reload the patients result.patient_pks (a missing one has left the board)

A poll is one query on the primary key (``CH_Rev >= R ORDER BY CH_Rev LIMIT n``): when it
returns only the reader's own row R, nothing changed and that was the only query; otherwise
it returned the changes (a full reload, the first call or a reader far behind, also reads the
newest revisions). Its cost depends on what changed since R, not on the size of the
history, which :func:`prune_changes` keeps small anyway. A board reads the changed patients with it::

    changes = feed.read_changes(revision, also=pks_to_read_again)
    # changes.board (a full reload), or changes.patients / changes.reference

On MariaDB the feed keeps one autocommit connection for its reads
(:class:`synoptic.store.polling.PollingConnection`): a poll that finds nothing is that one
``SELECT``, one round trip (no ping, no ``ROLLBACK``); a poll that finds changed patients
adds their two queries, and only theirs. :meth:`ChangeFeed.close`
gives the connection back.

Revisions in flight. On MariaDB a revision is taken when the row is inserted, not when its
transaction commits: a transaction holding revision 10 may commit after another one has
committed 11. A reader that saw 11 must not skip 10 for ever, so the feed remembers the
missing revisions below what it returned (for ``gap_grace_s`` seconds, after which they are
taken as rolled back) and asks for them again with the next query. SQLite serialises its
writers, so there revisions appear in order and without holes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import BigInteger, Connection, Integer, bindparam, delete, func, or_, select, text
from sqlalchemy.orm import Session

from synoptic.store import queries
from synoptic.store.db import Store
from synoptic.store.feed_schema import feed_tables
from synoptic.store.polling import PollingConnection
from synoptic.views import BoardSnapshot, PatientView, Reference

__all__ = ["BoardChanges", "ChangeFeed", "FeedResult", "prune_changes"]

log = logging.getLogger(__name__)

PATIENT_TABLES = frozenset({"encours", "encours_taches"})


@dataclass(frozen=True)
class FeedResult:
    revision: int  # pass it back next time
    patient_pks: frozenset[int]  # patients inserted/updated/deleted (incl. their tasks)
    reference_changed: bool  # boxes/states/tasks/destinations/responsables changed
    full_reload: bool  # the reader is too far behind (rows pruned) or first call: reload all


@dataclass(frozen=True)
class BoardChanges:
    """What a board needs after a poll: fresh views of what changed, or the whole board."""

    revision: int  # pass it back next time
    patient_pks: frozenset[int]  # patients read (changed, and those asked again)
    patients: tuple[PatientView, ...]  # their views; a key without a view has left the board
    reference: Reference | None  # boxes, states, task types... when they changed
    board: BoardSnapshot | None  # everything, when the feed says reload all


class ChangeFeed:
    """Answers "what changed since revision R?" for one reader (not thread-safe).

    ``batch_limit``: more changes than this since R and the reader is told to reload
    everything instead. ``gap_grace_s``: how long a missing revision (a transaction not yet
    committed) is waited for. ``clock``: monotonic seconds (tests pass their own).
    """

    # Gaps registered at most per hole and in all: a hole of thousands of revisions is an
    # autoincrement jump (server restart, bulk allocation), not that many open transactions.
    MAX_GAP_PER_HOLE = 256
    MAX_PENDING = 4096
    # Revisions looked at below the newest one when (re)starting, to find those in flight.
    START_WINDOW = 512

    def __init__(
        self,
        store: Store,
        *,
        batch_limit: int = 5000,
        gap_grace_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if batch_limit < 1:
            raise ValueError("batch_limit must be at least 1")
        self._store = store
        self._table = feed_tables(store.models.prefix).changes
        self._batch_limit = batch_limit
        self._gap_grace_s = gap_grace_s
        self._clock = clock
        self._pending: dict[int, float] = {}  # missing revision -> when first noticed
        self._started = False
        self._polling = PollingConnection(store.engine)
        c = self._table.c
        columns = (c.CH_Rev, c.CH_PK_encours, c.CH_Table)
        self._query = (
            select(*columns)
            .where(c.CH_Rev >= bindparam("rev", type_=BigInteger()))
            .order_by(c.CH_Rev)
            .limit(bindparam("limit", type_=Integer()))
        )
        self._query_with_gaps = (
            select(*columns)
            .where(
                or_(
                    c.CH_Rev >= bindparam("rev", type_=BigInteger()),
                    c.CH_Rev.in_(bindparam("gaps", expanding=True)),
                )
            )
            .order_by(c.CH_Rev)
            .limit(bindparam("limit", type_=Integer()))
        )
        self._max_query = select(func.max(c.CH_Rev))
        self._top_query = (
            select(c.CH_Rev).order_by(c.CH_Rev.desc()).limit(bindparam("limit", type_=Integer()))
        )

    @property
    def pending_revisions(self) -> frozenset[int]:
        """Revisions below the last answer not seen yet (transactions still open)."""
        return frozenset(self._pending)

    def current_revision(self) -> int:
        """The latest revision now (0 if none)."""
        return self._polling.run(lambda conn: int(conn.execute(self._max_query).scalar() or 0))

    def changes_since(self, revision: int) -> FeedResult:
        """What changed since ``revision`` (a negative one: reload everything)."""
        return self._polling.run(lambda conn: self._changes(conn, revision))

    def read_changes(self, revision: int, also: Iterable[int] = ()) -> BoardChanges:
        """:meth:`changes_since`, then the fresh views a board applies: the changed patients
        and those of ``also`` (read again whatever changed), the reference when it changed,
        or the whole board when the feed says reload all. Nothing changed, nothing asked:
        the one query of the feed, and no other."""
        extra = frozenset(also)
        models = self._store.models

        def read(conn: Connection) -> BoardChanges:
            result = self._changes(conn, revision)
            pks = result.patient_pks | extra
            if not (result.full_reload or pks or result.reference_changed):
                return BoardChanges(result.revision, frozenset(), (), None, None)
            with Session(bind=conn) as session:
                if result.full_reload:
                    board = queries.load_board(session, models)
                    return BoardChanges(result.revision, frozenset(), (), board.reference, board)
                patients = queries.load_patients(session, models, pks=pks) if pks else ()
                reference = (
                    queries.load_reference(session, models) if result.reference_changed else None
                )
            return BoardChanges(result.revision, pks, tuple(patients), reference, None)

        return self._polling.run(read)

    def close(self) -> None:
        """Give back the connection kept for the polls (a later call takes a new one)."""
        self._polling.close()

    def _changes(self, conn: Connection, revision: int) -> FeedResult:
        """One poll on ``conn``; this feed's state changes only once the rows are read, so
        a poll that fails half-way can be run again."""
        now = self._clock()
        self._forget_old_gaps(now)
        if not self._started or revision < 0:
            result = self._full_reload(conn, now)  # may raise: then the next call reloads
            self._started = True
            return result
        gaps = sorted(g for g in self._pending if g < revision)
        # One query, whether anything changed or not: a poll that finds nothing reads the
        # reader's own row and stops there (a MAX(CH_Rev) first saved nothing on an idle
        # poll and cost a round trip on every poll that found a change).
        limit = self._batch_limit + len(gaps) + 2  # +1 for the anchor row, +1 to see "more"
        if gaps:
            rows = conn.execute(
                self._query_with_gaps, {"rev": revision, "gaps": gaps, "limit": limit}
            ).all()
        else:
            rows = conn.execute(self._query, {"rev": revision, "limit": limit}).all()
        anchored = revision == 0
        newer: list[tuple[int, int | None, str]] = []
        filled: list[tuple[int, int | None, str]] = []
        for rev, patient_pk, table in rows:
            if rev == revision:
                anchored = True
            elif rev > revision:
                newer.append((int(rev), patient_pk, table))
            else:
                filled.append((int(rev), patient_pk, table))
        if not anchored:
            # The reader's own revision is gone: pruned (the reader is far behind), or the
            # database was replaced. The pruning always keeps the newest row.
            log.info(
                "Révision %s introuvable dans le journal des changements : rechargement", revision
            )
            return self._full_reload(conn, now)
        if len(newer) > self._batch_limit:
            return self._full_reload(conn, now)
        for rev, _pk, _table in filled:
            self._pending.pop(rev, None)
        self._note_gaps(revision, (rev for rev, _pk, _table in newer), now)
        new_revision = newer[-1][0] if newer else revision
        return _result(new_revision, filled + newer, full_reload=False)

    # ------------------------------------------------------------------ helpers

    def _full_reload(self, conn: Connection, now: float) -> FeedResult:
        """Reload everything from the newest revision; note the holes just below it."""
        top = [int(r) for r in conn.execute(self._top_query, {"limit": self.START_WINDOW}).scalars()]
        self._pending.clear()
        if not top:
            return FeedResult(0, frozenset(), True, True)
        top.reverse()
        self._note_gaps(top[0], top[1:], now)
        return FeedResult(top[-1], frozenset(), True, True)

    def _note_gaps(self, start: int, revisions: Iterable[int], now: float) -> None:
        """Register the revisions missing between ``start`` and each of ``revisions``."""
        previous = start
        for rev in revisions:
            if rev > previous + 1:
                low = max(previous + 1, rev - self.MAX_GAP_PER_HOLE)
                for missing in range(low, rev):
                    self._pending.setdefault(missing, now)
            previous = max(previous, rev)
        if len(self._pending) > self.MAX_PENDING:
            for rev in sorted(self._pending)[: len(self._pending) - self.MAX_PENDING]:
                del self._pending[rev]

    def _forget_old_gaps(self, now: float) -> None:
        expired = [rev for rev, seen in self._pending.items() if now - seen > self._gap_grace_s]
        for rev in expired:
            del self._pending[rev]


def _result(
    revision: int, rows: Iterable[tuple[int, int | None, str]], *, full_reload: bool
) -> FeedResult:
    patients: set[int] = set()
    reference = False
    for _rev, patient_pk, table in rows:
        if table in PATIENT_TABLES:
            if patient_pk is not None:
                patients.add(int(patient_pk))
        else:
            reference = True
    return FeedResult(revision, frozenset(patients), reference, full_reload)


def prune_changes(
    store: Store,
    *,
    keep_revisions: int = 100_000,
    keep_seconds: int = 86_400,
    chunk: int = 10_000,
) -> int:
    """Delete change rows older than ``keep_seconds`` or beyond the last ``keep_revisions``.

    The newest row is always kept (readers find their revision by it). Deletes in chunks of
    ``chunk`` rows, one short transaction each. Returns the number of rows deleted.
    """
    table = feed_tables(store.models.prefix).changes
    c = table.c
    if store.dialect == "sqlite":
        older = text("CH_Date < datetime('now', 'localtime', :shift)").bindparams(
            shift=f"-{int(keep_seconds)} seconds"
        )
    else:
        older = text("CH_Date < NOW() - INTERVAL :seconds SECOND").bindparams(
            seconds=int(keep_seconds)
        )
    with store.engine.connect() as conn:
        low, high = conn.execute(select(func.min(c.CH_Rev), func.max(c.CH_Rev))).one()
        if high is None:
            return 0
        by_date = conn.execute(select(func.max(c.CH_Rev)).where(older)).scalar()
    floor = max(int(high) - keep_revisions, int(by_date or 0))
    floor = min(floor, int(high) - 1)  # never the newest row
    deleted = 0
    start = int(low)
    while start <= floor:
        upto = min(floor, start + chunk - 1)
        with store.write() as session:
            outcome = session.execute(delete(table).where(c.CH_Rev <= upto))
            deleted += int(getattr(outcome, "rowcount", 0) or 0)
        start = upto + 1
    if deleted:
        log.info("Journal des changements : %d ligne(s) anciennes supprimée(s)", deleted)
    return deleted
