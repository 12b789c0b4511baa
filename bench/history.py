"""Global history benchmark: the history window's reads on a year of archive (1.5 million
rows, the builder of ``bench/stats.py``), on SQLite and MariaDB.

    .venv/bin/python bench/history.py                       # SQLite and MariaDB
    .venv/bin/python bench/history.py --backends sqlite --patients 4000

Timed (median of ``--runs``, 7 by default), over the year unless said: the first page
(100 rows), the next page (a seek after the first), the first page of a month, a name
search matching every patient, a name found once in the year (one patient renamed
DURAND in June), a name found nowhere (the worst case: every row of the period is read),
a patient number, each filter (an action, a box, an actor), the actors of the year and of
a month (the filter's choices), and the CSV export of one day.  The statistics indexes are
added as in ``bench/stats.py`` (a real database has them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import stats as year_builder  # bench/stats.py: the year's rows
from sqlalchemy import create_engine, text, update

from synoptic.history_search import HistoryFilter, HistorySearch
from synoptic.stats import Period, stats_indexes
from synoptic.store.db import open_store
from synoptic.store.seed import create_or_upgrade

YEAR = year_builder.YEAR
MONTH = year_builder.MONTH
DAY = Period(date(2026, 10, 15), date(2026, 10, 15))
RARE_KEY = year_builder.FIRST_KEY  # renamed below, then its key is the middle patient's


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run_backend(name: str, url: str, patients: int, runs: int, folder: Path) -> None:
    store = open_store(url)
    create_or_upgrade(store)
    rows, insert_s = year_builder.bulk_history(store, patients)
    h = store.models.History
    middle = str(year_builder.FIRST_KEY + patients // 2)
    with store.engine.begin() as conn:
        for index in stats_indexes(store.models):
            index.create(conn, checkfirst=True)
        conn.execute(update(h).where(h.patient_pk == middle)
                     .values(last_name="DURAND", first_name="Marcel"))
        if store.dialect == "sqlite":
            conn.exec_driver_sql("ANALYZE")
    search = HistorySearch(store)
    year = HistoryFilter(YEAR)
    first = search.page(year, masked=False)
    cases: list[tuple[str, Callable[[], object], Callable[[], int]]] = []

    def case(label: str, wanted: HistoryFilter, *, after: bool = False,
             masked: bool = False) -> None:
        def run() -> object:
            return search.page(wanted, masked=masked,
                               after=first.next_after if after else None)
        cases.append((label, run, lambda: len(search.page(wanted, masked=False).entries)))

    case("first page, year", year)
    case("next page, year", year, after=True)
    case("first page, month", HistoryFilter(MONTH))
    case("masked first page, year", year, masked=True)
    case("name: every patient", HistoryFilter(YEAR, text="patient"))
    case("name: one patient", HistoryFilter(YEAR, text="durand"))
    case("name: one patient, month", HistoryFilter(Period(date(2026, 5, 1), date(2026, 5, 31)),
                                                   text="durand"))
    case("name: nobody (worst)", HistoryFilter(YEAR, text="zzz"))
    case("patient number", HistoryFilter(YEAR, text=middle))
    case("action PATIENT_IN", HistoryFilter(YEAR, actions=frozenset({"PATIENT_IN"})))
    case("action SET_EXIT_TIME", HistoryFilter(YEAR, actions=frozenset({"SET_EXIT_TIME"})))
    case("box ABS", HistoryFilter(YEAR, boxes=frozenset({"ABS"})))
    case("actor bench", HistoryFilter(YEAR, actors=frozenset({"bench"})))
    case("actor nobody (worst)", HistoryFilter(YEAR, actors=frozenset({"personne"})))
    print(f"\n== {name}: {rows:,} history rows (inserted in {insert_s:.1f} s); "
          f"medians of {runs} runs")
    print(f"{'read':<30}{'median':>12}{'rows':>8}")
    for label, run, count in cases:
        print(f"{label:<30}{median_ms(run, runs):>9.1f} ms{count():>8}")
    for label, period in (("actors of the year", YEAR), ("actors of a month", MONTH)):
        ms = median_ms(lambda p=period: search.actors(p), runs)  # type: ignore[misc]
        print(f"{label:<30}{ms:>9.1f} ms{len(search.actors(period)):>8}")
    out = folder / "jour.csv"
    ms = median_ms(lambda: search.export_csv(HistoryFilter(DAY), out, masked=True), runs)
    print(f"{'CSV export of a day, masked':<30}{ms:>9.1f} ms"
          f"{search.export_csv(HistoryFilter(DAY), out, masked=True):>8}")
    store.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,mariadb")
    parser.add_argument("--mariadb", default="mysql+pymysql://root@127.0.0.1:3306",
                        help="MariaDB server URL without a database name")
    parser.add_argument("--patients", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as folder:
            if backend == "sqlite":
                run_backend("SQLite", f"sqlite:///{folder}/bench.sqlite", args.patients,
                            args.runs, Path(folder))
            elif backend == "mariadb":
                name = f"synoptux_bench_history_{uuid.uuid4().hex[:10]}"
                admin = create_engine(args.mariadb, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
                try:
                    run_backend("MariaDB", f"{args.mariadb.rstrip('/')}/{name}", args.patients,
                                args.runs, Path(folder))
                finally:
                    with admin.connect() as conn:
                        conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
                    admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
