"""Statistics benchmark: a year of synthetic activity, the figures of a month and of the year,
and the board's refresh queries with and without that history.

    .venv/bin/python bench/stats.py                          # SQLite and MariaDB
    .venv/bin/python bench/stats.py --backends sqlite --patients 4000
    .venv/bin/python bench/stats.py --mariadb mysql+pymysql://root@127.0.0.1:3306

For each backend: a department board (``synoptic.department``, 150 patients) is seeded, its
refresh queries are timed (the board snapshot ``queries.load_board``, the feed's poll
``ChangeFeed.changes_since``, and one action with its history row, ``set_comment``); then a
year of history is bulk-inserted (about 40,000 patients, 300,000 tasks, 1.5 million rows,
as the services write them: PATIENT_IN, SET_PLACE, SET_EXIT_TIME, PATIENT_OUT, TASK_ADD,
TASK_STATE, TASK_DELETE) without the statistics' indexes, which ``upgrade_schema`` then
adds as it would to an older database (schema 3, ``synoptic.stats.stats_indexes``), the
refresh queries are timed again (ratio: with / without) and ``compute_stats`` is timed
for a month and for the year.  Figures are medians (statistics: of ``--runs``, 3 by default;
refresh queries: of 40); the CPU time of this process is printed beside the statistics'
(SQLite: all the work; MariaDB: the client's share), telling a busy machine from slow code.
MariaDB gets a database of its own (bench/scratch.py), dropped at the end; when the server runs
on this machine its CPU during the statistics is printed too.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scratch import drop_database, mariadb_database
from screens import server_cpu_s, server_pid

from synoptic.department import add_boxes, seed_department
from synoptic.feed import ChangeFeed
from synoptic.services import BoardServices
from synoptic.stats import Period, compute_stats, stats_indexes
from synoptic.store import queries
from synoptic.store.db import Store, open_store, upgrade_schema
from synoptic.store.seed import create_or_upgrade

NOW = datetime(2026, 11, 21, 14, 0, 0)
YEAR = Period(date(2025, 11, 21), date(2026, 11, 20))
MONTH = Period(date(2026, 10, 1), date(2026, 10, 31))
FIRST_KEY = 1_000_000  # history patient keys, far from the board's own
CARE = ["B1", "B2", "B3", "B4", "B5", "B6", *[f"B{i}" for i in range(7, 17)], "DECH", "PED",
        "PLAT", "UHCD"]
EXITS = ["Retour domicile"] * 6 + ["Hospitalisation médecine", "Hospitalisation chirurgie",
                                   "UHCD", "Transfert autre hôpital"]
ABSENCES = ["Scanner", "Radiologie", "IRM"]
TASKS = ["BIO", "RX", "ECG", "SCAN", "PERF", "ANTALG", "AVIS", "CS", "ECHO", "BU"]
# Arrivals per hour of the day (relative): quiet nights, a late-morning and evening peak.
HOURLY = [2, 1.5, 1, 1, 1, 1, 1.5, 2.5, 4, 5.5, 6, 6, 5.5, 5.5, 5.5, 5, 5, 5, 5, 4.5, 4, 3.5,
          3, 2.5]


def fmt(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class HistoryMaker:
    """Synthetic history rows, patient by patient (deterministic: seeded)."""

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.task_num = FIRST_KEY

    def patient(self, key: int, entry: datetime) -> list[dict[str, Any]]:
        rng = self.rng
        rows: list[dict[str, Any]] = []
        box = "ATT" if rng.random() < 0.8 else rng.choice(CARE)

        def add(at: datetime, action: str, **extra: Any) -> None:
            rows.append({"HI_NumEncours": str(key), "HI_Date": fmt(at), "HI_Action": action,
                         "HI_Code_box": extra.pop("box", box), "HI_Nom_patient": "PATIENT",
                         "HI_PrenomPatient": "", "HI_Code_acteur": "bench", **extra})

        add(entry, "PATIENT_IN", HI_Commentaire="Motif")
        stay = timedelta(minutes=min(rng.lognormvariate(5.2, 0.6), 4000))
        at = entry
        if box == "ATT":
            at = entry + timedelta(minutes=min(rng.expovariate(1 / 45), stay.total_seconds() / 60))
            box = rng.choice(CARE)
            add(at, "SET_PLACE")
        exit_at = entry + stay
        if rng.random() < 0.2 and at + timedelta(minutes=60) < exit_at:
            back = box
            box = "ABS"
            add(at + timedelta(minutes=10), "SET_PLACE", HI_Commentaire=rng.choice(ABSENCES))
            box = back
            add(at + timedelta(minutes=50), "SET_PLACE")
        nums = []
        for _ in range(rng.randint(4, 11)):
            self.task_num += 1
            code = rng.choice(TASKS)
            nums.append((self.task_num, code))
            added = entry + timedelta(minutes=rng.uniform(0, 30))
            planned = added + timedelta(minutes=15) if rng.random() < 0.5 else None
            task = {"HI_Code_tache": code, "HI_Libelle_tache": code, "HI_Num_tache": self.task_num,
                    "HI_HeureDebPrevue": planned and fmt(planned)}
            add(added, "TASK_ADD", **task)
            started = added + timedelta(minutes=rng.expovariate(1 / 30))
            add(started, "TASK_STATE", HI_Libelle_etat="Demandé", HI_Code_etat="2DE", **task)
            if rng.random() < 0.5:
                add(started + timedelta(minutes=5), "TASK_STATE", HI_Libelle_etat="En cours",
                    HI_Code_etat="3EC", **task)
            ended = started + timedelta(minutes=rng.expovariate(1 / 40))
            if ended < exit_at:
                add(ended, "TASK_STATE", HI_Libelle_etat="Terminé", HI_Code_etat="4TE", **task)
        box = "SORT"
        add(exit_at, "SET_PLACE", HI_Commentaire=rng.choice(EXITS))
        if rng.random() < 0.3:
            add(exit_at + timedelta(minutes=5), "SET_EXIT_TIME",
                HI_Commentaire=(exit_at - timedelta(minutes=10)).strftime("%d/%m/%Y %H:%M"))
        out = exit_at + timedelta(hours=24)
        for num, code in nums:
            add(out, "TASK_DELETE", HI_Code_tache=code, HI_Num_tache=num,
                HI_Commentaire="purge des sorties")
        add(out, "PATIENT_OUT", HI_Commentaire="purge des sorties")
        return rows

    def year(self, patients: int, chunk_rows: int = 50_000) -> Iterator[list[dict[str, Any]]]:
        """Rows of ``patients`` arrivals over the year before NOW, in chunks."""
        days = (YEAR.stop - YEAR.start).days
        weights = HOURLY
        chunk: list[dict[str, Any]] = []
        for i in range(patients):
            day = YEAR.start + timedelta(days=int(i * days / patients))
            hour = self.rng.choices(range(24), weights)[0]
            entry = day + timedelta(hours=hour, minutes=self.rng.uniform(0, 60))
            chunk.extend(self.patient(FIRST_KEY + i, entry.replace(microsecond=0)))
            if len(chunk) >= chunk_rows:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


COLUMNS = ("HI_NumEncours", "HI_Date", "HI_Action", "HI_Code_box", "HI_Nom_patient",
           "HI_PrenomPatient", "HI_Code_acteur", "HI_Commentaire", "HI_Code_tache",
           "HI_Libelle_tache", "HI_Num_tache", "HI_Libelle_etat", "HI_HeureDebPrevue",
           "HI_Code_etat")


def bulk_history(store: Store, patients: int) -> tuple[int, float]:
    """Insert the year; returns (rows, seconds)."""
    table = store.models.History.__table__  # type: ignore[attr-defined]
    insert = table.insert()
    maker = HistoryMaker()
    total = 0
    start = time.perf_counter()
    for chunk in maker.year(patients):
        rows = [{c: row.get(c) for c in COLUMNS} for row in chunk]
        with store.engine.begin() as conn:
            conn.execute(insert, rows)
        total += len(rows)
    return total, time.perf_counter() - start


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def board_figures(store: Store, services: BoardServices, repeat: int = 40) -> dict[str, float]:
    m = store.models
    feed = ChangeFeed(store)
    revision = feed.changes_since(-1).revision

    def snapshot() -> None:
        with store.read() as session:
            queries.load_board(session, m)

    def poll() -> None:
        feed.changes_since(revision)

    with store.read() as session:
        patient = queries.load_patients(session, m)[0]
    counter = iter(range(10**6))

    def act() -> None:
        with store.read() as session:
            revision_now = queries.load_patients(session, m, [patient.pk])[0].revision
        services.set_comment(patient.pk, f"Commentaire {next(counter)}", now=NOW,
                             expected_revision=revision_now)

    snapshot()
    return {"snapshot": median_ms(snapshot, repeat), "poll": median_ms(poll, repeat * 5),
            "action": median_ms(act, repeat)}


def run_backend(name: str, url: str, patients: int, runs: int) -> dict[str, Any]:
    store = open_store(url, long_statements=True)  # the indexes of a year: minutes when busy
    create_or_upgrade(store)
    services = BoardServices(store, "bench")
    add_boxes(store)
    seed_department(services, NOW, patients=150, tasks_per_patient=4)
    before = board_figures(store, services)
    with store.engine.begin() as conn:  # a bulk insert is faster without them
        for index in stats_indexes(store.models):
            index.drop(conn)
    rows, insert_s = bulk_history(store, patients)
    start = time.perf_counter()
    upgrade_schema(store)
    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            conn.exec_driver_sql("ANALYZE")
    index_s = time.perf_counter() - start
    after = board_figures(store, services)
    figures: dict[str, float] = {}
    server = server_pid(str(url)) if store.dialect != "sqlite" else None
    for label, period in (("month", MONTH), ("year", YEAR)):
        times, cpu, server_cpu = [], [], []
        for _ in range(runs):
            s0 = server_cpu_s(server) if server else 0.0
            t0, c0 = time.perf_counter(), time.process_time()
            result = compute_stats(store, period, now=NOW)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            server_cpu.append(server_cpu_s(server) - s0 if server else 0.0)
        figures[label] = statistics.median(times)
        figures[f"{label}_cpu"] = statistics.median(cpu)
        figures[f"{label}_server_cpu"] = statistics.median(server_cpu)
        figures[f"{label}_arrivals"] = result.arrivals
        figures[f"{label}_tasks"] = sum(t.count for t in result.tasks.values())
    store.dispose()
    return {"backend": name, "rows": rows, "insert_s": insert_s, "index_s": index_s,
            "before": before, "after": after, **figures}


def cpu_yardstick_ms(repeat: int = 9) -> float:
    """One core's speed now: milliseconds for ``sum(range(10**6))`` (median)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        sum(range(10**6))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(result: dict[str, Any]) -> None:
    b, a = result["before"], result["after"]
    print(f"\n== {result['backend']}: {result['rows']:,} history rows "
          f"(inserted in {result['insert_s']:.1f} s, index {result['index_s']:.1f} s)")
    for label in ("month", "year"):
        server = result[f"{label}_server_cpu"]
        print(f"statistics, {label:<5} : {result[label]:.2f} s "
              f"(this process's CPU {result[f'{label}_cpu']:.2f} s"
              + (f", the server's {server:.2f} s" if server else "") + "; "
              f"{result[f'{label}_arrivals']:,} arrivals, {result[f'{label}_tasks']:,} tasks)")
    print(f"{'board query':<26}{'empty history':>15}{'with the year':>15}{'ratio':>8}")
    for key, label in (("snapshot", "snapshot (load_board)"), ("poll", "feed poll"),
                       ("action", "one action + history")):
        print(f"{label:<26}{b[key]:>12.2f} ms{a[key]:>12.2f} ms{a[key] / b[key]:>8.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,mariadb")
    parser.add_argument("--mariadb", default="mysql+pymysql://root@127.0.0.1:3306",
                        help="MariaDB server URL without a database name")
    parser.add_argument("--patients", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"CPU yardstick: {cpu_yardstick_ms():.1f} ms for sum(range(10**6)), median of 9 "
          "(tells this machine's speed from another's)")
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                report(run_backend("SQLite", f"sqlite:///{folder}/bench.sqlite",
                                   args.patients, args.runs))
        elif backend == "mariadb":
            scratch = mariadb_database(args.mariadb)
            if scratch is None:
                continue
            url, name = scratch
            try:
                report(run_backend("MariaDB", url, args.patients, args.runs))
            finally:
                drop_database(args.mariadb, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
