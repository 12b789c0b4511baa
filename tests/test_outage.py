"""A busy, locked or restarting database never gets an entry file rejected, and an outage
costs neither CPU nor log: the watcher backs off and logs one line at each end.

Real conditions: another SQLite connection holding the write lock for 40 s (longer than
the 30 s busy timeout); a private MariaDB server (``tests/private_mariadb.py``) stopped and
restarted under a running watcher. Waits are deadline loops; the attempt rate is asserted as
"no sooner than the backoff allows", never as a speed.
"""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pymysql
import pytest
from conftest import MARIADB_REQUIRED, NOW, make_seeded_store
from private_mariadb import PrivateMariaDB, skip_reason
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from ui_support import DatabaseSwitch

from synoptic.feed import ChangeFeed, prune_changes
from synoptic.ingest.inbox import InboxProcessor, Outcome, PassResult, TransientError
from synoptic.ingest.watcher import InboxWatcher, PeriodicJob
from synoptic.services import BoardServices
from synoptic.store.db import Store

START = "Base de données indisponible"
END = "Base de données de nouveau disponible"


def entry(n: int, box: str = "") -> bytes:
    return (
        f"[Entree]\r\nNom_Patient=ATTENTE{n:03d}\r\nGUID_Patient=g-{n:03d}\r\n"
        f"Code_Box={box}\r\nCode_Responsable=MARTIN\r\n[Tache_1]\r\nCode_Tache=ECG\r\n"
    ).encode()


def drop(inbox: Path, n: int, box: str = "") -> None:
    tmp = inbox / f".e{n:03d}.tmp"
    tmp.write_bytes(entry(n, box))
    os.replace(tmp, inbox / f"e{n:03d}.txt")  # as a host should: complete when it appears


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"délai dépassé : {what}")
        time.sleep(0.05)


def patient_count(store: Store) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(store.models.Patient)) or 0)


def rejected(inbox: Path) -> list[str]:
    folder = inbox / "rejected"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@dataclass
class Passes:
    """Wraps ``run_pass``: when each pass ran, and whether it failed."""

    processor: InboxProcessor
    times: list[tuple[float, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        original = self.processor.run_pass

        def recording(should_stop: Callable[[], bool] = lambda: False) -> PassResult:
            at = time.monotonic()
            try:
                result = original(should_stop)
            except Exception:
                self.times.append((at, False))
                raise
            self.times.append((at, True))
            return result

        self.processor.run_pass = recording  # type: ignore[method-assign]

    def failed_since(self, start: float) -> list[float]:
        return [at for at, ok in self.times if not ok and at >= start]


def assert_backed_off(attempts: list[float], base_s: float, ceiling_s: float = 60.0) -> None:
    """Each attempt waited at least what the backoff prescribes after the one before
    (base, 2 x base, 4 x base... up to the ceiling). ``attempts`` are the starts of the
    passes; the slack covers what the watcher does between its clock reading and the pass."""
    assert len(attempts) >= 2, attempts
    for k, (before, after) in enumerate(itertools.pairwise(attempts)):
        expected = min(ceiling_s, base_s * 2**k)
        slack = max(0.1 * expected, 0.05)
        assert after - before >= expected - slack, (k, after - before, expected, attempts)


def outage_lines(caplog: pytest.LogCaptureFixture) -> tuple[list[str], list[str]]:
    messages = [r.getMessage() for r in caplog.records]
    return [m for m in messages if START in m], [m for m in messages if END in m]


def no_traceback(caplog: pytest.LogCaptureFixture) -> bool:
    return not any(r.exc_info for r in caplog.records)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def run_watcher(
    store: Store, inbox: Path, rescan_s: float, jobs: list[PeriodicJob] | None = None
) -> tuple[InboxWatcher, Passes]:
    processor = InboxProcessor(
        BoardServices(store, "test"), inbox, "ATT", stability_delay_s=0, now=lambda: NOW
    )
    processor.open()
    passes = Passes(processor)
    watcher = InboxWatcher(processor, rescan_s=rescan_s, jobs=jobs or [])
    watcher.start()
    return watcher, passes


def stop_watcher(watcher: InboxWatcher) -> None:
    watcher.stop()
    watcher.processor.close()


# ---------------------------------------------------------------------- every query


def test_every_query_of_an_admission_puts_the_file_back_when_the_database_goes(
    sqlite_store: Store, inbox: Path
) -> None:
    """The database goes away at the 1st, 2nd... connection taken during an admission (the
    box lookup, the codes, the transaction, the log): the file is put back untouched, never
    rejected, and admitted once the database is back."""
    switch = DatabaseSwitch(sqlite_store)
    waited: list[int] = []
    services = BoardServices(sqlite_store, "t")
    try:
        with InboxProcessor(services, inbox, "ATT", stability_delay_s=0, now=lambda: NOW) as p:
            for n in range(1, 7):
                drop(inbox, n, box="B1")  # a box of its own: its code is looked up
                data = (inbox / f"e{n:03d}.txt").read_bytes()
                switch.cut_at_checkout(n)
                try:
                    [result] = p.run_pass().results
                except TransientError:
                    waited.append(n)
                    assert (inbox / f"e{n:03d}.txt").read_bytes() == data
                    switch.restore()
                    [result] = p.run_pass().results
                switch.restore()
                assert result.outcome is Outcome.ACCEPTED, result.message
    finally:
        switch.remove()
    assert waited[:2] == [1, 2]  # the box lookup and the codes too
    assert rejected(inbox) == [] and patient_count(sqlite_store) == 6


# ---------------------------------------------------------------------- attempt rate


def test_an_outage_is_retried_with_backoff_not_at_every_event(
    sqlite_store: Store,
    inbox: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The file put back (and new files arriving) wake the watcher at once: during an
    outage that must not bring the next attempt forward."""
    caplog.set_level(logging.INFO)
    admit = BoardServices.admit
    attempts: list[float] = []
    down = threading.Event()
    down.set()

    def refused(self: BoardServices, *args: object, **kwargs: object) -> object:
        if down.is_set():
            attempts.append(time.monotonic())
            refused_error = pymysql.err.OperationalError(
                2003, "Can't connect to MySQL server on 'db' ([Errno 111] Connection refused)"
            )
            raise OperationalError("INSERT", {}, refused_error)
        return admit(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(BoardServices, "admit", refused)
    base_s = 0.25
    watcher, passes = run_watcher(sqlite_store, inbox, base_s)
    try:
        drop(inbox, 0)
        wait_for(lambda: bool(attempts), 10, "premier essai")
        window_end = attempts[0] + 3.0
        n = 1
        while time.monotonic() < window_end:  # files keep arriving during the outage
            drop(inbox, n)
            n += 1
            time.sleep(0.1)
        during = [at for at in passes.failed_since(0) if at <= window_end]
        # 0.25 + 0.5 + 1 = 1.75 s, + 2 = 3.75 s: four attempts fit in 3 s, not hundreds.
        assert len(during) <= 4 and len([a for a in attempts if a <= window_end]) <= 4
        assert_backed_off(during, base_s)
        assert rejected(inbox) == []
        down.clear()  # the database is back
        wait_for(lambda: patient_count(sqlite_store) == n, 30, "fichiers traités")
    finally:
        stop_watcher(watcher)
    assert rejected(inbox) == []
    starts, ends = outage_lines(caplog)
    assert len(starts) == 1 and "(2003" in starts[0] and "Connection refused" in starts[0]
    assert len(ends) == 1 and f": {n} fichier(s) d'entrée en attente repris" in ends[0], ends
    assert no_traceback(caplog)


# ---------------------------------------------------------------------- SQLite lock


def test_a_write_lock_held_40_s_makes_the_file_wait_not_rejected(
    sqlite_store: Store, sqlite_url: str, inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another program holds SQLite's write lock for 40 s, longer than our 30 s busy
    timeout: the admission fails with "database is locked" while reads still work (WAL).
    That is not the file's fault: it waits, and is admitted once the lock is released."""
    caplog.set_level(logging.INFO)
    path = sqlite_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released_at: list[float] = []

    def release() -> None:
        released_at.append(time.monotonic())
        holder.execute("COMMIT")

    timer = threading.Timer(40.0, release)
    timer.start()
    watcher, passes = run_watcher(sqlite_store, inbox, rescan_s=1.0)
    try:
        drop(inbox, 1)
        wait_for(
            lambda: bool(passes.failed_since(0) or rejected(inbox)),
            60,
            "admission bloquée par le verrou",
        )
        assert rejected(inbox) == [] and patient_count(sqlite_store) == 0
        wait_for(lambda: patient_count(sqlite_store) == 1, 90, "fichier admis après le verrou")
        assert released_at, "admitted while the lock was still held"
    finally:
        timer.cancel()
        stop_watcher(watcher)
        holder.close()
    assert rejected(inbox) == []
    assert len(list((inbox / "processed").rglob("e001.txt"))) == 1
    starts, ends = outage_lines(caplog)
    assert len(starts) == 1 and "database is locked" in starts[0], starts
    assert len(ends) == 1 and ": 1 fichier(s) d'entrée en attente repris" in ends[0], ends
    assert no_traceback(caplog)


def test_reads_that_succeed_under_a_sqlite_write_lock_do_not_end_the_outage(
    sqlite_store: Store, sqlite_url: str, inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """WAL: while another program holds the write lock, reads succeed. The purges (one that
    only reads when there is nothing to prune, one that needs the write lock) must neither
    end the inbox's outage nor announce their own: one line when it starts, one when it
    ends, after the lock is released and the files are admitted."""
    caplog.set_level(logging.INFO)

    @event.listens_for(sqlite_store.engine, "connect")
    def short_busy_timeout(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=200")  # after the store's 30 s

    sqlite_store.engine.dispose()
    services = BoardServices(sqlite_store, "test")
    prune_runs: list[int] = []

    def purge_board() -> bool:
        services.purge(now=NOW, exit_delay_min=60, max_lifetime_s=10**9)
        return True

    def prune() -> int:
        prune_runs.append(prune_changes(sqlite_store))
        return prune_runs[-1]

    jobs = [
        PeriodicJob("purge des sorties", 0.1, purge_board, first_delay_s=0.3),
        PeriodicJob("purge du journal des changements", 0.1, prune, first_delay_s=0.3),
    ]
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    watcher, passes = run_watcher(sqlite_store, inbox, rescan_s=0.2, jobs=jobs)
    try:
        drop(inbox, 1)
        drop(inbox, 2)
        wait_for(lambda: len(prune_runs) >= 5, 30, "purges (lecture seule) réussies sous le verrou")
        wait_for(lambda: len(passes.failed_since(0)) >= 2, 30, "passages en échec")
        starts, ends = outage_lines(caplog)
        assert len(starts) == 1 and ends == [], (starts, ends)
        assert patient_count(sqlite_store) == 0
        holder.execute("COMMIT")
        wait_for(lambda: patient_count(sqlite_store) == 2, 90, "fichiers admis après le verrou")
        wait_for(lambda: bool(outage_lines(caplog)[1]), 30, "fin de panne journalisée")
    finally:
        stop_watcher(watcher)
        holder.close()
    assert rejected(inbox) == []
    starts, ends = outage_lines(caplog)
    periodic = [r.getMessage() for r in caplog.records if "Tâche périodique" in r.getMessage()]
    assert len(starts) == 1 and periodic == [], (starts, periodic)
    assert "base verrouillée" in starts[0] and "database is locked" in starts[0], starts
    assert len(ends) == 1 and ": 2 fichier(s) d'entrée en attente repris" in ends[0], ends
    assert no_traceback(caplog)


# ---------------------------------------------------------------------- MariaDB restart


@pytest.fixture
def private_mariadb() -> Iterator[PrivateMariaDB]:
    reason = skip_reason()
    if reason is not None:
        if MARIADB_REQUIRED:
            pytest.fail(f"SYNOPTUX_TEST_MARIADB=1 but {reason}")
        pytest.skip(reason)
    with PrivateMariaDB() as server:
        yield server


@pytest.mark.mariadb
def test_a_mariadb_restart_never_rejects_a_file(
    private_mariadb: PrivateMariaDB, inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The server stops (clean shutdown) while files are pending and new ones arrive, then
    restarts: nothing is rejected, everything is admitted once, the attempts follow the
    backoff, the purge job stays quiet, and the log has one line at each end."""
    caplog.set_level(logging.INFO)
    store = make_seeded_store(private_mariadb.create_database(f"sx_{uuid.uuid4().hex[:8]}"))
    prune = PeriodicJob("purge du journal des changements", 0.5, lambda: prune_changes(store))
    base_s = 0.2
    watcher, passes = run_watcher(store, inbox, base_s, jobs=[prune])
    try:
        drop(inbox, 0)
        wait_for(lambda: patient_count(store) == 1, 30, "premier fichier admis")
        private_mariadb.stop()
        stopped_at = time.monotonic()
        for n in (1, 2, 3):
            drop(inbox, n)
            time.sleep(0.3)
        wait_for(lambda: time.monotonic() - stopped_at > 4.0, 10, "panne de 4 s")
        during = passes.failed_since(stopped_at)
        assert rejected(inbox) == []
        # 0.2 + 0.4 + 0.8 + 1.6 = 3.0 s: at most five failed passes in 4 s (the purge
        # job's failures only make the next ones later).
        assert 1 <= len(during) <= 5, during
        if len(during) >= 2:
            assert_backed_off(during, base_s)
        private_mariadb.start()
        wait_for(lambda: patient_count(store) == 4, 60, "fichiers admis après le retour")
    finally:
        stop_watcher(watcher)
        store.dispose()
    assert rejected(inbox) == []
    assert len(list((inbox / "processed").rglob("*.txt"))) == 4
    starts, ends = outage_lines(caplog)
    assert len(starts) == 1, starts
    assert len(ends) == 1 and ": 3 fichier(s) d'entrée en attente repris" in ends[0], ends
    assert no_traceback(caplog)


# ---------------------------------------------------------------------- periodic jobs


def test_a_purge_job_during_an_outage_logs_one_line_and_no_traceback(
    sqlite_store: Store, inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    runs: list[bool] = []
    down = threading.Event()
    down.set()

    def purge() -> int:
        runs.append(down.is_set())
        if down.is_set():
            lost = pymysql.err.OperationalError(2013, "Lost connection to server during query")
            raise OperationalError("DELETE FROM synopt_changes ...", {}, lost)
        return 3  # rows deleted: a write, which ends the outage

    job = PeriodicJob("purge du journal des changements", 0.05, purge)
    watcher, _passes = run_watcher(sqlite_store, inbox, rescan_s=0.2, jobs=[job])
    try:
        wait_for(lambda: len(runs) >= 5, 10, "purges en échec")
        down.clear()
        wait_for(lambda: False in runs, 10, "purge réussie")
        wait_for(lambda: bool(outage_lines(caplog)[1]), 10, "fin de panne journalisée")
    finally:
        stop_watcher(watcher)
    starts, ends = outage_lines(caplog)
    assert len(starts) == 1 and starts[0].startswith("Tâche périodique « purge du journal")
    assert "(2013" in starts[0]
    assert len(ends) == 1 and ": 0 fichier(s) d'entrée" in ends[0]
    assert no_traceback(caplog)


# ---------------------------------------------------------------------- a board's polls


@pytest.mark.mariadb
def test_a_board_poll_survives_a_mariadb_restart(private_mariadb: PrivateMariaDB) -> None:
    """The feed keeps its connection between polls, with no ping: a restart between two
    polls costs the next one a second try (no outage shown), and the pool's stale
    connections are replaced for the writes that follow. While the server is down each poll
    fails (the banner); the first one after the restart answers, with what changed."""
    store = make_seeded_store(private_mariadb.create_database(f"sx_{uuid.uuid4().hex[:8]}"))
    services = BoardServices(store, "test")
    feed = ChangeFeed(store)
    try:
        revision = feed.read_changes(-1).revision
        first = services.admit(box_code="ATT", last_name="AVANT", now=NOW).patient_pk

        private_mariadb.stop()
        private_mariadb.start()
        changes = feed.read_changes(revision)  # no error: tried again on a new connection
        assert changes.patient_pks == {first}
        services.set_comment(first, "après le redémarrage", now=NOW)  # no error either
        changes = feed.read_changes(changes.revision)
        assert [p.comment for p in changes.patients] == ["après le redémarrage"]

        private_mariadb.stop()
        for _poll in range(2):
            with pytest.raises(OperationalError):
                feed.read_changes(changes.revision)
        private_mariadb.start()
        second = services.admit(box_code="ATT", last_name="APRES", now=NOW).patient_pk
        after = feed.read_changes(changes.revision)
        assert after.patient_pks == {second} and [p.last_name for p in after.patients] == ["APRES"]
    finally:
        feed.close()
        store.dispose()
