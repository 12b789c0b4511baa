"""Outage benchmark: what a database outage costs the inbox watcher, and what it loses.

    .venv/bin/python bench/outage.py                    # 200 files, 60 s outage, 10 s period
    .venv/bin/python bench/outage.py --files 50 --outage 30 --rescan 2

A private MariaDB server (``tests/private_mariadb.py``: own data folder, own port; the
shared server is not touched) backs a watcher run as ``synoptux watch`` runs it (watchdog
events, ``Periodicite_controle_des_entrees`` = ``--rescan``, the purge jobs every minute,
every file logged at INFO to a file). ``--files`` entry files are admitted; then the server
is stopped for ``--outage`` seconds while a file keeps arriving every ``--interval``
seconds; then it is restarted. Printed: attempts per minute during the outage (passes that
tried the database and failed, and purge jobs), CPU seconds of this process during the
outage, bytes of log written during the outage, seconds from the restart to an empty
backlog, files rejected (must be 0), files processed.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from private_mariadb import PrivateMariaDB, skip_reason

from synoptic.feed import prune_changes
from synoptic.ingest.inbox import InboxProcessor, Outcome, PassResult
from synoptic.ingest.watcher import InboxWatcher, PeriodicJob
from synoptic.services import BoardServices
from synoptic.store.db import Store, open_store
from synoptic.store.seed import create_or_upgrade

LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s : %(message)s"


def entry(n: int) -> bytes:
    return (
        f"[Entree]\r\nNom_Patient=PANNE{n:05d}\r\nPrenom_Patient=Test\r\n"
        f"GUID_Patient=panne-{n:05d}\r\nCode_Responsable=MARTIN\r\n"
        f"[Tache_1]\r\nCode_Tache=ECG\r\nPriorite=1\r\n"
        f"[Tache_2]\r\nCode_Tache=BIO\r\nPriorite=2\r\n"
    ).encode()


def drop(inbox: Path, n: int) -> None:
    tmp = inbox / f".{n:05d}.tmp"
    tmp.write_bytes(entry(n))
    os.replace(tmp, inbox / f"entree_{n:05d}.txt")


def patients(store: Store) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(store.models.Patient)) or 0)


def backlog(inbox: Path) -> int:
    top = sum(1 for p in inbox.glob("*.txt"))
    work = sum(1 for p in (inbox / ".work").rglob("*.txt"))
    return top + work


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"délai dépassé : {what}")
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200, help="files admitted before")
    parser.add_argument("--outage", type=float, default=60.0, help="seconds without server")
    parser.add_argument("--interval", type=float, default=1.0, help="s between two arrivals")
    parser.add_argument(
        "--rescan", type=float, default=10.0, help="Periodicite_controle_des_entrees (s)"
    )
    args = parser.parse_args(argv)
    reason = skip_reason()
    if reason is not None:
        raise SystemExit(reason)

    folder = Path(tempfile.mkdtemp(prefix="sx-outage-"))
    inbox = folder / "inbox"
    inbox.mkdir()
    log_file = folder / "synoptux.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    for noisy in ("sqlalchemy", "watchdog"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    with PrivateMariaDB() as server:
        store = open_store(server.create_database("synoptux"))
        create_or_upgrade(store)
        services = BoardServices(store, "bench")
        processor = InboxProcessor(services, inbox, "ATT", stability_delay_s=0.5)
        processor.open()

        failed_passes: list[float] = []
        job_failures: list[float] = []
        original = processor.run_pass

        def counting(should_stop: Callable[[], bool] = lambda: False) -> PassResult:
            try:
                return original(should_stop)
            except Exception:
                failed_passes.append(time.monotonic())
                raise

        processor.run_pass = counting  # type: ignore[method-assign]
        rejected = 0
        accepted = 0

        def on_result(item: object) -> None:
            nonlocal rejected, accepted
            outcome = getattr(item, "outcome", None)
            rejected += outcome is Outcome.REJECTED
            accepted += outcome in (Outcome.ACCEPTED, Outcome.ALREADY)

        def counted(action: Callable[[], object]) -> Callable[[], object]:
            def run() -> object:
                try:
                    return action()
                except Exception:
                    job_failures.append(time.monotonic())
                    raise

            return run

        def purge_board() -> None:
            services.purge(
                now=datetime.now().replace(microsecond=0), exit_delay_min=1440, max_lifetime_s=0
            )

        jobs = [
            PeriodicJob("purge des sorties", 60.0, counted(purge_board)),
            PeriodicJob(
                "purge du journal des changements",
                60.0,
                counted(lambda: prune_changes(store)),
                first_delay_s=30.0,
            ),
            PeriodicJob("purge des fichiers traités", 3600.0, counted(processor.purge_processed)),
        ]
        watcher = InboxWatcher(processor, rescan_s=args.rescan, jobs=jobs, on_result=on_result)
        watcher.start()
        try:
            for n in range(args.files):
                drop(inbox, n)
            wait_until(lambda: patients(store) == args.files, 600, "fichiers initiaux")

            # --- the outage
            server.stop()
            log_before = log_file.stat().st_size
            cpu_before = time.process_time()
            started = time.monotonic()
            arrived = 0
            while time.monotonic() - started < args.outage:
                drop(inbox, args.files + arrived)
                arrived += 1
                time.sleep(max(0.0, started + arrived * args.interval - time.monotonic()))
            outage_s = time.monotonic() - started
            cpu_s = time.process_time() - cpu_before
            log_bytes = log_file.stat().st_size - log_before
            passes = sum(1 for t in failed_passes if t >= started)
            jobs_failed = sum(1 for t in job_failures if t >= started)

            # --- back
            server.start()
            restarted = time.monotonic()
            total = args.files + arrived
            wait_until(
                lambda: backlog(inbox) == 0 and accepted + rejected >= total,
                600,
                "file d'attente",
            )
            drained_s = time.monotonic() - restarted
        finally:
            watcher.stop()
            processor.close()
            store.dispose()
        handler.flush()
        root.removeHandler(handler)
        handler.close()
        lines = log_file.read_text(encoding="utf-8").splitlines()
        outage_lines = [ln for ln in lines if "Base de données" in ln]
        shutil.rmtree(folder, ignore_errors=True)

    per_min = 60.0 / outage_s
    print(f"Panne de {outage_s:.0f} s, période {args.rescan:g} s, {arrived} fichier(s) arrivés")
    print("| figure | value |")
    print("| --- | --- |")
    print(f"| failed inbox passes per minute during the outage | {passes * per_min:.1f} |")
    print(f"| failed purge jobs per minute during the outage | {jobs_failed * per_min:.1f} |")
    print(f"| CPU seconds used during the outage | {cpu_s:.2f} |")
    print(f"| log bytes written during the outage | {log_bytes} |")
    print(f"| seconds from restart to an empty backlog | {drained_s:.1f} |")
    print(f"| files rejected | {rejected} |")
    print(f"| files processed | {accepted} of {total} |")
    print("Log lines about the database:")
    for line in outage_lines:
        print("  " + line)
    return 1 if rejected else 0


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    raise SystemExit(main())
