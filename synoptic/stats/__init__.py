"""Statistics from the archive (``historique``): figures of a period, reports (no Qt).

    figures = compute_stats(store, Period(date(2026, 11, 1), date(2026, 11, 30)), now=now)
    write_json(figures, path)      # synoptic.stats.reports
    write_csv(figures, path)

See :mod:`synoptic.stats.figures` for the definitions, :mod:`synoptic.stats.episodes` for how
history rows (this program's and Synoptux 2.16's) become stays and tasks.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from synoptic.stats.episodes import build_stays
from synoptic.stats.figures import (
    Figures,
    Period,
    flow_figures,
    mark_on_board,
    parse_day,
)
from synoptic.stats.percentiles import Summary, percentile_inc, summarize
from synoptic.stats.read import (
    patients_on_board,
    read_flow,
    read_reference,
    read_tasks,
    stats_indexes,
    window,
)
from synoptic.stats.tasks import TaskTable
from synoptic.store.db import Store

# Rows read beyond each end of the period: longer than a patient stays on the board
# (Duree_vie_max_avant_sortie_forcee_en_secondes, 72 h by default).
DEFAULT_MARGIN = timedelta(days=3)


def compute_stats(
    store: Store,
    period: Period,
    *,
    now: datetime,
    tension_threshold: int | None = None,
    margin: timedelta = DEFAULT_MARGIN,
) -> Figures:
    """The figures of ``period`` read from ``store``.

    ``tension_threshold``: ``[Statistiques] Seuil_Tension`` (None: the capacity of the care
    boxes). ``margin``: how far before and after the period rows are read.

    On a server (MariaDB) the tasks are read on a second connection, in a thread, while
    this one reads the flow rows and computes the stays' figures: the server groups a
    year's task states (the longest part, on the server's CPU) meanwhile, and the thread
    only waits on its socket.
    On SQLite the grouping runs in this process and holds the interpreter: tried in a thread
    it cost more CPU for no shorter wait, so there both reads share one transaction.  The
    history is only ever appended to: each read sees the past the other sees.
    """
    m = store.models
    lo, hi = window(period.start, period.stop, margin)
    started = (period.start, period.stop)

    def tasks_apart(terminal: frozenset[str]) -> TaskTable:
        with store.read() as other:
            return read_tasks(other.connection(), m, lo, hi, terminal, started=started)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stats-tasks")
    try:
        with store.read() as session:
            reference = read_reference(session, m)
            conn = session.connection()
            apart = None if store.dialect == "sqlite" \
                else pool.submit(tasks_apart, reference.terminal_states)
            on_board = patients_on_board(conn, m)
            stays = mark_on_board(
                build_stays(read_flow(conn, m, lo, hi), reference.box_types()), on_board)
            flow = flow_figures(stays, period=period, now=now, boxes=reference.boxes,
                                tension_threshold=tension_threshold)
            tasks = apart.result() if apart is not None else read_tasks(
                conn, m, lo, hi, reference.terminal_states, started=started)
    finally:
        # On a failure here the error is raised at once; the task read ends on its own
        # (its session gives its connection back), its result unused.
        pool.shutdown(wait=False)
    return flow.with_tasks(tasks, reference.task_labels)


__all__ = ["DEFAULT_MARGIN", "Figures", "Period", "Summary", "compute_stats", "parse_day",
           "percentile_inc", "stats_indexes", "summarize"]
