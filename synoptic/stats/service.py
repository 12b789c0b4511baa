"""The statistics as the UI reads them: no store, no session on its side (no Qt here).

``BoardReads.statistics()`` hands one out; the statistics window calls :meth:`figures`
(off the GUI thread: a year takes seconds) and writes the reports with
:mod:`synoptic.stats.reports` (JSON, CSV) or ``ui.stats_pdf`` (PDF).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from synoptic.stats import Figures, Period, compute_stats
from synoptic.store.db import Store


@dataclass(frozen=True)
class StatisticsReads:
    """The figures of one board database; ``tension_threshold``: ``[Statistiques]
    Seuil_Tension`` (None: the care boxes' capacity)."""

    store: Store
    tension_threshold: int | None = None

    def figures(self, period: Period, *, now: datetime) -> Figures:
        return compute_stats(self.store, period, now=now,
                             tension_threshold=self.tension_threshold)


__all__ = ["StatisticsReads"]
