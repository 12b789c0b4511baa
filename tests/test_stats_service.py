"""The statistics and the global history as the UI reaches them: through BoardReads."""

from __future__ import annotations

from archive_support import DAY, NOON, make_day

from synoptic.history_search import HistoryFilter
from synoptic.reads import BoardReads
from synoptic.store.db import Store


def test_board_reads_hand_out_the_figures_and_the_history(sqlite_store: Store) -> None:
    make_day(sqlite_store)
    reads = BoardReads(sqlite_store)
    figures = reads.statistics(tension_threshold=2).figures(DAY, now=NOON)
    assert (figures.arrivals, figures.exits, figures.census.peak) == (3, 2, 3)
    assert (figures.waiting.overall.median, figures.waiting.overall.p90) == (10.0, 18.0)
    assert figures.tension_threshold == 2
    assert [h.hour for h in figures.tension_hours] == [9]  # 3 present > 2
    assert reads.statistics().figures(DAY, now=NOON).tension_threshold != 2
    page = reads.history_search("Anonyme").page(HistoryFilter(DAY), masked=True)
    assert page.entries[0].patient == "Anonyme BR. B."
