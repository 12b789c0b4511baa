"""Statistics from the archive (``historique``): figures of a period, reports (no Qt).

    figures = compute_stats(store, Period(date(2026, 11, 1), date(2026, 11, 30)), now=now)
    write_json(figures, path)      # synoptic.stats.reports
    write_csv(figures, path)

See :mod:`synoptic.stats.figures` for the definitions, :mod:`synoptic.stats.episodes` for how
history rows (this program's and Synoptux 2.16's) become stays and tasks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from synoptic.stats.episodes import build_stays
from synoptic.stats.figures import Figures, Period, compute_figures, mark_on_board, parse_day
from synoptic.stats.percentiles import Summary, percentile_inc, summarize
from synoptic.stats.read import (
    patients_on_board,
    read_flow,
    read_reference,
    read_tasks,
    stats_indexes,
    window,
)
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
    """The figures of ``period`` read from ``store`` in one read transaction (reading the
    tasks on a second connection meanwhile was tried: no gain worth a thread).

    ``tension_threshold``: ``[Statistiques] Seuil_Tension`` (None: the capacity of the care
    boxes). ``margin``: how far before and after the period rows are read.
    """
    m = store.models
    lo, hi = window(period.start, period.stop, margin)
    with store.read() as session:
        reference = read_reference(session, m)
        conn = session.connection()
        on_board = patients_on_board(conn, m)
        stays = mark_on_board(build_stays(read_flow(conn, m, lo, hi), reference.box_types()),
                              on_board)
        tasks = read_tasks(conn, m, lo, hi, reference.terminal_states,
                           started=(period.start, period.stop))
    return compute_figures(
        stays, tasks, period=period, now=now, boxes=reference.boxes,
        task_labels=reference.task_labels, tension_threshold=tension_threshold,
    )


__all__ = ["DEFAULT_MARGIN", "Figures", "Period", "Summary", "compute_stats", "parse_day",
           "percentile_inc", "stats_indexes", "summarize"]
