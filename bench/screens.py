"""Screens benchmark: what N boards polling one MariaDB database cost the server.

    .venv/bin/python bench/screens.py                          # 50 screens, 30 s, shared server
    .venv/bin/python bench/screens.py --screens 10 --runs 5
    .venv/bin/python bench/screens.py --private                # a private server: no neighbours
    .venv/bin/python bench/screens.py --db mysql+pymysql://root@db-host:3306/synoptux

``--screens`` reader processes poll the change feed every ``--interval`` seconds as a board
does (a poll still under way skips the ticks it overlaps): ``--reader board`` as
``ui/live.py`` does now (the feed, then a session reading the changed patients),
``--reader feed`` through ``ChangeFeed.read_changes`` (the changed patients on the feed's
own connection). A writer process changes one patient's comment a second (``--writes``)
through the services. Measured over ``--seconds``:

- the server's CPU (utime + stime of ``mariadbd`` in ``/proc/<pid>/stat``; the pid from the
  server's ``pid_file``, else ``pidof``) as % of one core, less the idle rate measured first
  for ``--idle`` seconds with the screens connected but quiet (the server must run on this
  machine); the same per poll, in ms;
- freshness: from the writer's commit to each screen holding the changed patient's view
  (median, p90, max, ms), and the changes a screen never saw (must be 0).

By default a database of its own is created on ``--server`` (``SYNOPTUX_TEST_MARIADB_URL``,
else ``mysql+pymysql://root@127.0.0.1:3306``), filled with a department
(``synoptic.department``: ``--patients`` patients, 3 tasks each) and dropped afterwards;
``--private`` starts a private server instead (``tests/private_mariadb.py``), whose CPU is
the screens' alone. ``--db`` uses an existing board database as it is (and writes to it).
The shared machine is noisy: ``--runs`` repeats the measure and the table gives medians.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))
NOW = datetime(2026, 11, 21, 14, 0, 0)
MARK = "Banc "  # the writer's comments: "Banc <seq>"
MARK_RE = re.compile(r"^Banc (\d+)$")


# ----------------------------------------------------------------------------- server


def server_cpu_s(pid: int) -> float:
    """utime + stime of process ``pid``, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


STATUS = ("Com_select", "Com_rollback", "Com_commit", "Com_admin_commands")


def server_counts(url: str) -> dict[str, int]:
    """Statements run by the server so far (global status; one more SELECT each call)."""
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SHOW GLOBAL STATUS WHERE Variable_name IN :names").bindparams(
                    bindparam("names", expanding=True)
                ),
                {"names": list(STATUS)},
            ).all()
    finally:
        engine.dispose()
    return {str(name): int(value) for name, value in rows}


def server_pid(url: str) -> int:
    """The pid of the server behind ``url``, which must run on this machine."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            pid_file = conn.execute(text("SELECT @@pid_file")).scalar()
    finally:
        engine.dispose()
    try:
        pid = int(Path(str(pid_file)).read_text().split()[0])
        server_cpu_s(pid)
        return pid
    except (OSError, ValueError, IndexError):
        pass
    found = subprocess.run(
        ["pidof", "mariadbd", "mysqld"], check=False, capture_output=True, text=True
    )
    pids = found.stdout.split()
    if len(pids) != 1:
        raise SystemExit(f"processus du serveur introuvable ({pid_file}, pidof : {pids})")
    return int(pids[0])


@contextmanager
def bench_database(args: argparse.Namespace) -> Iterator[tuple[str, int]]:
    """(database URL, server pid): a fresh database (dropped after), or ``--db``'s."""
    if args.db:
        yield args.db, server_pid(args.db)
        return
    if args.private:
        from private_mariadb import PrivateMariaDB

        with PrivateMariaDB() as server:
            assert server.process is not None
            _raise_max_connections(server.server_url, args.screens)
            url = server.create_database(f"synoptux_bench_{uuid.uuid4().hex[:8]}")
            fill(url, args.patients)
            yield url, server.process.pid
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"synoptux_bench_screens_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.server, isolation_level="AUTOCOMMIT")
    quoted = admin.dialect.identifier_preparer.quote_identifier(name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {quoted} CHARACTER SET utf8mb4")
    try:
        url = make_url(args.server).set(database=name).render_as_string(hide_password=False)
        fill(url, args.patients)
        yield url, server_pid(url)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted}")
        admin.dispose()


def _raise_max_connections(server_url: str, screens: int) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("SET GLOBAL max_connections = :n"), {"n": 3 * screens + 20})
    engine.dispose()


def fill(url: str, patients: int) -> None:
    from synoptic.department import seed_department
    from synoptic.services import BoardServices
    from synoptic.store.db import open_store
    from synoptic.store.seed import create_or_upgrade

    store = open_store(url)
    create_or_upgrade(store)
    seed_department(BoardServices(store, "bench"), NOW, patients=patients)
    store.dispose()


# ----------------------------------------------------------------------------- children


def board_poller(url: str) -> tuple[Callable[[], list[tuple[int, str]]], Callable[[], None]]:
    """The poll of ``ui/live.py`` (``LiveFeed._read``) with the core calls, no Qt: the feed,
    then in one session the whole board, or the changed patients and the reference."""
    from synoptic.feed import ChangeFeed
    from synoptic.store import queries
    from synoptic.store.db import open_store

    store = open_store(url)
    feed = ChangeFeed(store)
    revision = feed.changes_since(-1).revision  # BoardWindow.load: initial_revision, then all
    with store.read() as session:
        queries.load_board(session, store.models)

    def poll() -> list[tuple[int, str]]:
        nonlocal revision
        result = feed.changes_since(revision)
        with store.read() as session:
            if result.full_reload:
                patients = queries.load_board(session, store.models).patients
            else:
                pks = result.patient_pks
                patients = queries.load_patients(session, store.models, pks=pks) if pks else ()
                if result.reference_changed:
                    queries.load_reference(session, store.models)
        revision = result.revision
        return [(p.pk, p.comment) for p in patients]

    return poll, store.dispose


def feed_poller(url: str) -> tuple[Callable[[], list[tuple[int, str]]], Callable[[], None]]:
    """The same poll through ``ChangeFeed.read_changes`` (the feed's own connection for
    the changed patients too): what the board does once ``ui/live.py`` calls it."""
    from synoptic.feed import ChangeFeed
    from synoptic.store.db import open_store

    store = open_store(url)
    feed = ChangeFeed(store)
    revision = feed.read_changes(-1).revision

    def poll() -> list[tuple[int, str]]:
        nonlocal revision
        changes = feed.read_changes(revision)
        revision = changes.revision
        patients = changes.board.patients if changes.board is not None else changes.patients
        return [(p.pk, p.comment) for p in patients]

    def close() -> None:
        feed.close()
        store.dispose()

    return poll, close


POLLERS = {"board": board_poller, "feed": feed_poller}


def reader(url: str, seconds: float, interval: float, poller: str) -> dict[str, Any]:
    """One screen: ready, wait for "go", poll for ``seconds``; when each change was seen."""
    poll, close = POLLERS[poller](url)
    print("ready", flush=True)
    sys.stdin.readline()
    end = time.monotonic() + seconds
    start = end - seconds + random.uniform(0, interval)  # screens start at any moment
    polls = errors = 0
    seen: dict[int, float] = {}
    ticks = 0
    while True:
        now = time.monotonic()
        # A QTimer: the next tick; those missed during a long poll are not made up.
        ticks = max(ticks + 1, math.ceil((now - start) / interval))
        tick = start + ticks * interval
        if tick > end:
            break
        time.sleep(tick - now)
        try:
            views = poll()
        except Exception as err:  # noqa: BLE001 - counted, as the board's outage banner
            errors += 1
            print(f"erreur : {err}", file=sys.stderr)
            continue
        polls += 1
        at = time.monotonic()
        for _pk, comment in views:
            match = MARK_RE.match(comment or "")
            if match:
                seen.setdefault(int(match.group(1)), at)
    close()
    return {"polls": polls, "errors": errors, "seen": seen}


def writer(url: str, seconds: float, patients: int, per_s: float) -> dict[str, Any]:
    """``per_s`` changes a second (a patient's comment) through the services; commit times."""
    from sqlalchemy import select

    from synoptic.services import BoardServices
    from synoptic.store.db import open_store

    store = open_store(url)
    services = BoardServices(store, "bench")
    with store.read() as session:
        pks = sorted(session.scalars(select(store.models.Patient.pk)))[:patients]
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.monotonic()
    committed: dict[int, float] = {}
    seq = 0
    while per_s > 0:
        seq += 1
        at = start + (seq - 0.5) / per_s
        if at > start + seconds:
            break
        time.sleep(max(0.0, at - time.monotonic()))
        services.set_comment(pks[seq % len(pks)], f"{MARK}{seq}", now=NOW)
        committed[seq] = time.monotonic()
    store.dispose()
    return {"committed": committed}


# ----------------------------------------------------------------------------- one run


def spawn(args: argparse.Namespace, url: str, role: str) -> subprocess.Popen[str]:
    command = [sys.executable, __file__, "--child", role, "--db", url]
    command += ["--seconds", str(args.seconds), "--interval", str(args.interval)]
    command += ["--patients", str(args.patients), "--reader", args.reader]
    command += ["--writes", str(args.writes)]
    return subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )


def _line(stream: IO[str] | None) -> str:
    assert stream is not None
    return stream.readline()


def one_run(args: argparse.Namespace, url: str, pid: int) -> dict[str, float]:
    readers = [spawn(args, url, "reader") for _ in range(args.screens)]
    write = spawn(args, url, "writer")
    children = [*readers, write]
    try:
        for child in children:
            if _line(child.stdout).strip() != "ready":
                raise SystemExit("un processus de banc n'a pas démarré")
        before = server_cpu_s(pid)
        time.sleep(args.idle)
        idle_rate = (server_cpu_s(pid) - before) / args.idle
        counts = server_counts(url)
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        started = time.monotonic()
        before = server_cpu_s(pid)
        time.sleep(max(0.0, started + args.seconds - time.monotonic()))
        busy = server_cpu_s(pid) - before
        elapsed = time.monotonic() - started
        after = server_counts(url)
        outputs = [json.loads(_line(child.stdout)) for child in children]
    finally:
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
    committed = {int(k): v for k, v in outputs[-1]["committed"].items()}
    polls = sum(o["polls"] for o in outputs[:-1])
    errors = sum(o["errors"] for o in outputs[:-1])
    delays: list[float] = []
    missed = 0
    for out in outputs[:-1]:
        seen = {int(k): v for k, v in out["seen"].items()}
        for seq, at in committed.items():
            if seq in seen:
                delays.append(max(0.0, seen[seq] - at))
            elif at < started + args.seconds - 1.5:  # the last ones may come after the end
                missed += 1
    net = max(0.0, busy - idle_rate * elapsed)
    delays.sort()
    return {
        "cpu_pct": 100 * net / elapsed,
        "idle_pct": 100 * idle_rate,
        "ms_per_poll": 1000 * net / max(1, polls),
        "polls_per_s": polls / elapsed,
        "median_ms": 1000 * statistics.median(delays) if delays else float("nan"),
        "p90_ms": 1000 * delays[int(0.9 * (len(delays) - 1))] if delays else float("nan"),
        "max_ms": 1000 * delays[-1] if delays else float("nan"),
        **{
            name.removeprefix("Com_") + "/poll": (after[name] - counts[name]) / max(1, polls)
            for name in STATUS
        },
        "missed": missed,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--idle", type=float, default=5.0, help="quiet seconds measured first")
    parser.add_argument("--interval", type=float, default=0.5, help="poll period (s)")
    parser.add_argument("--patients", type=int, default=50)
    parser.add_argument("--writes", type=float, default=1.0, help="changes a second (0: none)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", help="an existing board database (used as it is)")
    parser.add_argument(
        "--server",
        default=os.environ.get("SYNOPTUX_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306"),
        help="the server where a fresh database is made (default)",
    )
    parser.add_argument("--private", action="store_true", help="a private MariaDB server")
    parser.add_argument(
        "--reader",
        choices=sorted(POLLERS),
        default="board",
        help="board: ui/live.py's poll as it is (the feed, then a session for the patients);"
        " feed: ChangeFeed.read_changes",
    )
    parser.add_argument("--child", choices=["reader", "writer"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "reader":
        print(json.dumps(reader(args.db, args.seconds, args.interval, args.reader)), flush=True)
        return 0
    if args.child == "writer":
        print(json.dumps(writer(args.db, args.seconds, args.patients, args.writes)), flush=True)
        return 0

    runs = []
    with bench_database(args) as (url, pid):
        for n in range(args.runs):
            figures = one_run(args, url, pid)
            runs.append(figures)
            print(f"run {n + 1}: " + ", ".join(f"{k} {v:.3g}" for k, v in figures.items()))

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    where = "private server" if args.private else "shared server"
    print(
        f"{args.screens} screens, {args.interval:g} s polls, {args.writes:g} change/s, "
        f"{args.seconds:g} s, "
        f"{where}, {args.reader} reader, median of {args.runs} runs "
        f"(idle server {med('idle_pct'):.2f}% subtracted)"
    )
    print("| screens | server % of a core | ms server CPU per poll | polls/s "
          "| freshness median / p90 / max | missed | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {args.screens} | {med('cpu_pct'):.2f}% | {med('ms_per_poll'):.3f} "
        f"| {med('polls_per_s'):.0f} | {med('median_ms'):.0f} / {med('p90_ms'):.0f} / "
        f"{med('max_ms'):.0f} ms | {med('missed'):.0f} | {med('errors'):.0f} |"
    )
    per_poll = ", ".join(
        f"{name.removeprefix('Com_')} {med(name.removeprefix('Com_') + '/poll'):.2f}"
        for name in STATUS
    )
    print(f"Statements per poll (server status, whole server, writer included): {per_poll}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
