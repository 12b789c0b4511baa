"""The statistics window: a period chosen by touch, its figures as tables and charts, and
exports (CSV, JSON, PDF) into a folder chosen by touch.

    open_statistics(parent, ctx)        # the board's menu calls this

The figures come from ``ctx.reads.statistics()`` (no store, no session here), computed in
a worker thread (a year takes seconds): the window stays responsive, and a result for a
period the user has already left is dropped.  The threshold of tension is
``[Statistiques] Seuil_Tension``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QGridLayout, QStackedWidget, QVBoxLayout, QWidget

from synoptic.permissions import EXPORT_STATISTICS
from synoptic.stats import Figures, Period
from synoptic.stats.reports import write_csv, write_json
from ui.admin.look import ChoiceRow, message_label, say
from ui.admin.window import AdminPage
from ui.context import UiContext
from ui.folder_choice import ExportBar, failure_text, free_path
from ui.live import Background
from ui.period_picker import PeriodPicker
from ui.protected import require_permission
from ui.stats_charts import arrivals_chart, census_chart, durations_chart, exits_chart
from ui.stats_tables import figures_page, tasks_page

__all__ = ["TABS", "StatisticsWindow", "open_statistics"]

TABS = (("figures", "Chiffres"), ("arrivals", "Arrivées"), ("durations", "Attente, séjour"),
        ("census", "Présents"), ("exits", "Sorties"), ("tasks", "Tâches"))
EXPORTS = (("csv", "CSV"), ("json", "JSON"), ("pdf", "PDF"))


def _write_pdf(figures: Figures, path: Path) -> None:
    from ui.stats_pdf import write_stats_pdf  # QPdfWriter: loaded when a PDF is asked

    write_stats_pdf(figures, path)


WRITERS: dict[str, Callable[[Figures, Path], None]] = {
    "csv": write_csv, "json": write_json, "pdf": _write_pdf}


class StatisticsWindow(AdminPage):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *,
                 folder: Path | None = None, initial: str = "yesterday") -> None:
        m = ctx.metrics
        super().__init__(m, "Statistiques des urgences", "StatisticsWindow", parent)
        self.ctx = ctx
        self.statistics = ctx.reads.statistics(ctx.config.statistics.tension_threshold)
        self.background = Background(self, threads=1)
        self.figures: Figures | None = None
        self.computing: Period | None = None  # the period asked, while it is computed
        self.closed = False

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(m.spacing * 2)
        self.picker = PeriodPicker(m, ctx.clock().date(), initial)
        column.addWidget(self.picker)
        self.status = message_label()
        column.addWidget(self.status)
        self.tabs = ChoiceRow(m, TABS, columns=len(TABS), name="StatsTab")
        column.addWidget(self.tabs)
        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)
        self.export = ExportBar(m, EXPORTS, folder)
        column.addWidget(self.export)
        self.set_content(content)
        self.pages: dict[str, QWidget] = {}
        self.current_tab = TABS[0][0]

        self.picker.changed.connect(lambda _p: self.refresh())
        self.tabs.changed.connect(self._tab_touched)
        for key, button in self.export.buttons.items():
            button.clicked.connect(lambda _c=False, k=key: self.export_as(k))
        self.tabs.set_value(self.current_tab)
        self.refresh()

    # ------------------------------------------------------------------ figures

    def refresh(self) -> None:
        """Compute the figures of the period shown (in the worker thread)."""
        period = self.picker.period()
        self.computing = period
        self._enable_exports(False)
        say(self.status, f"Calcul des statistiques {self.picker.describe()}…", "info")
        now = self.ctx.clock()
        self.background.submit(lambda: self.statistics.figures(period, now=now),
                               lambda f: self._computed(period, f), self._failed)

    def done(self, result: int) -> None:
        """Closed: an answer still on its way is dropped (the window is deleted)."""
        self.closed = True
        super().done(result)

    def _computed(self, period: Period, figures: Figures) -> None:
        if self.closed or period != self.computing:
            return  # the user has chosen another period meanwhile
        self.computing = None
        self.show_figures(figures)

    def _failed(self, err: BaseException) -> None:
        if self.closed:
            return
        self.computing = None
        say(self.status, f"Statistiques indisponibles : {failure_text(err)}", "error")

    def show_figures(self, figures: Figures) -> None:
        self.figures = figures
        say(self.status, "", "info")
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self._enable_exports(True)
        self.show_tab(self.current_tab)

    # ------------------------------------------------------------------ pages

    def _tab_touched(self, key: str) -> None:
        if self.tabs.buttons[key].isChecked():
            self.show_tab(key)

    def show_tab(self, key: str) -> QWidget | None:
        self.current_tab = key
        self.tabs.set_value(key)
        if self.figures is None:
            return None
        if key not in self.pages:
            self.pages[key] = self._build(key, self.figures)
            self.stack.addWidget(self.pages[key])
        self.stack.setCurrentWidget(self.pages[key])
        return self.pages[key]

    def _build(self, key: str, f: Figures) -> QWidget:
        m = self.metrics
        if key == "figures":
            return figures_page(m, f)
        if key == "tasks":
            return tasks_page(m, f)
        if key == "durations":
            page = QWidget()
            grid = QGridLayout(page)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.addWidget(durations_chart(
                m, "Attente (entrée → premier box de soins), en minutes", f.waiting.by_hour), 0, 0)
            grid.addWidget(durations_chart(
                m, "Séjour (entrée → sortie), en minutes", f.stay.by_hour), 0, 1)
            return page
        build = {"arrivals": arrivals_chart, "census": census_chart, "exits": exits_chart}[key]
        return build(m, f)

    # ------------------------------------------------------------------ exports

    def _enable_exports(self, on: bool) -> None:
        for button in self.export.buttons.values():
            button.setEnabled(on)

    def export_as(self, fmt: str) -> Path | None:
        """Write the figures shown as ``fmt`` into the export folder; the file written."""
        f = self.figures
        if f is None:
            return None
        if require_permission(self.ctx, self, EXPORT_STATISTICS) is None:
            return None  # cancelled, or refused with a message already shown
        stem = f"statistiques_{f.period.first:%Y-%m-%d}_{f.period.last:%Y-%m-%d}"
        try:
            path = free_path(self.export.folder, stem, f".{fmt}")
            WRITERS[fmt](f, path)
        except Exception as err:  # noqa: BLE001 - every failure is told, none closes the window
            self.export.tell(f"Export impossible : {failure_text(err)}", "error")
            return None
        self.export.tell(f"Statistiques exportées : {path}", "ok")
        return path


def open_statistics(parent: QWidget | None, ctx: UiContext) -> None:
    """Open the statistics window over ``parent`` (the board), modal, until it is closed;
    it is deleted then (the board would otherwise keep every window it opened)."""
    window = StatisticsWindow(ctx, parent)
    window.exec()
    window.deleteLater()
