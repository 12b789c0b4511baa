"""The statistics window on the hand-made day of ``archive_support``: its figures, its
period picker, its charts and its exports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from archive_support import make_day
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QChartView
from ui_admin_support import click
from ui_support import BoardEnv

from synoptic.stats import Period
from ui.period_picker import preset_period
from ui.stats_charts import chart_text
from ui.stats_tables import CellTable
from ui.stats_window import StatisticsWindow, open_statistics

NEXT_DAY = datetime(2026, 11, 22, 12, 0)
DAY = Period(date(2026, 11, 21), date(2026, 11, 21))


@pytest.fixture
def window(qtbot: Any, env: BoardEnv, tmp_path: Path) -> Iterator[StatisticsWindow]:
    make_day(env.store)
    env.clock.now = NEXT_DAY
    w = StatisticsWindow(env.context(), folder=tmp_path)  # "Hier": the day
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    computed(qtbot, w)
    yield w
    w.background.wait()


def computed(qtbot: Any, w: StatisticsWindow) -> None:
    qtbot.waitUntil(lambda: w.computing is None and w.figures is not None, timeout=10000)


def table(w: StatisticsWindow, name: str) -> list[list[str]]:
    found = w.findChild(CellTable, name)
    assert found is not None, name
    return found.texts()


def test_the_figures_of_the_day_in_readable_tables(window: StatisticsWindow) -> None:
    assert window.picker.period() == DAY
    assert window.picker.presets.value() == "yesterday"
    key = table(window, "KeyFigures")
    assert ["Arrivées", "3"] in key and ["Sorties", "2"] in key
    assert ["Pic de patients présents", "3"] in key
    assert ["Heure du pic", "21/11/2026 09:00"] in key
    assert ["Part des séjours de plus de 4 h (%)", "0 %"] in key
    durations = table(window, "DurationFigures")
    assert ["Attente (entrée → premier box de soins)", "10", "18", "2"] in durations
    assert ["Séjour (entrée → sortie)", "130", "146", "2"] in durations
    assert table(window, "ExitFigures")[1:] == [["Hospitalisation médecine", "1"],
                                                ["Retour domicile", "1"]]
    samedi = next(r for r in table(window, "WeekdayFigures") if r[0] == "samedi")
    assert samedi == ["samedi", "10", "18", "2", "130", "146", "2"]
    window.show_tab("tasks")
    tasks = table(window, "TaskFigures")
    assert ["Biologie", "1", "30", "30", "1", "15", "15", "1"] in tasks


def bars_of(view: QChartView) -> dict[str, list[float]]:
    series = [s for s in view.chart().series() if isinstance(s, QBarSeries)]
    return {b.label(): [b.at(i) for i in range(b.count())]
            for s in series for b in s.barSets()}


def test_the_charts_draw_the_figures(window: StatisticsWindow) -> None:
    arrivals = window.show_tab("arrivals")
    assert isinstance(arrivals, QChartView)
    values = bars_of(arrivals)["Arrivées"]
    assert len(values) == 24 and values[8] == 2 and values[9] == 1 and sum(values) == 3
    census = window.show_tab("census")
    assert isinstance(census, QChartView)
    assert bars_of(census)["Au plus"][9] == 3
    exits = window.show_tab("exits")
    assert isinstance(exits, QChartView)
    axes = [a for a in exits.chart().axes() if isinstance(a, QBarCategoryAxis)]
    assert axes[0].categories() == ["Retour domicile", "Hospitalisation médecine"]
    durations = window.show_tab("durations")
    assert durations is not None and len(durations.findChildren(QChartView)) == 2


def test_chart_labels_show_markup_as_written() -> None:
    assert chart_text("<b>A&B</b>") == "&lt;b&gt;A&amp;B&lt;/b&gt;"


def test_the_period_picker_presets_and_day_steppers(qtbot: Any, window: StatisticsWindow) -> None:
    picker = window.picker
    click(qtbot, picker.presets.buttons["month"])
    assert picker.period() == Period(date(2026, 11, 1), date(2026, 11, 22))
    computed(qtbot, window)
    assert window.figures is not None and window.figures.period == picker.period()
    click(qtbot, picker.presets.buttons["last_month"])
    assert picker.period() == Period(date(2026, 10, 1), date(2026, 10, 31))
    click(qtbot, picker.first.forward)  # 2/10
    click(qtbot, picker.last.back)  # 30/10
    assert picker.period() == Period(date(2026, 10, 2), date(2026, 10, 30))
    assert picker.presets.value() == ""  # no preset names it
    assert picker.last.label.text() == "30/10/2026"
    picker.set_period(DAY)
    click(qtbot, picker.last.back)  # the first day follows: a period stays whole
    assert picker.period() == Period(date(2026, 11, 20), date(2026, 11, 20))
    picker.set_period(preset_period("today", date(2026, 11, 22)))
    assert not picker.last.forward.isEnabled()  # no day after today
    computed(qtbot, window)
    assert window.figures is not None and window.figures.period == picker.period()


def test_a_result_for_a_period_left_is_dropped(qtbot: Any, window: StatisticsWindow) -> None:
    shown = window.figures
    assert shown is not None
    window.computing = Period(date(2026, 11, 1), date(2026, 11, 2))
    window._computed(DAY, shown)  # an answer to an earlier question
    assert window.computing is not None  # still waiting for the one asked


def test_exports_write_the_figures_shown(qtbot: Any, window: StatisticsWindow,
                                         tmp_path: Path) -> None:
    click(qtbot, window.export.buttons["json"])
    path = tmp_path / "statistiques_2026-11-21_2026-11-21.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["arrivals"], data["exits"]) == (3, 2)
    assert data["waiting_minutes"]["median"] == 10.0
    assert str(path) in window.export.message.text()
    click(qtbot, window.export.buttons["csv"])
    raw = (tmp_path / "statistiques_2026-11-21_2026-11-21.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Arrivées;3" in raw.decode("utf-8-sig")
    click(qtbot, window.export.buttons["pdf"])
    assert (tmp_path / "statistiques_2026-11-21_2026-11-21.pdf").read_bytes()[:4] == b"%PDF"
    click(qtbot, window.export.buttons["json"])  # never over an earlier file
    assert (tmp_path / "statistiques_2026-11-21_2026-11-21 (2).json").is_file()


def test_an_export_that_cannot_be_written_says_why(qtbot: Any, window: StatisticsWindow,
                                                   tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x", encoding="utf-8")
    window.export.set_folder(blocker / "sous-dossier")  # under a file: no folder there
    click(qtbot, window.export.buttons["csv"])
    message = window.export.message.text()
    assert message.startswith("Export impossible : Écriture impossible")
    assert window.export.message.property("kind") == "error"


def test_open_statistics_shows_the_window_until_closed(
        qtbot: Any, env: BoardEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    make_day(env.store)
    env.clock.now = NEXT_DAY
    opened: list[StatisticsWindow] = []

    def shown(self: StatisticsWindow) -> int:
        opened.append(self)
        computed(qtbot, self)
        self.accept()
        return 0

    monkeypatch.setattr(StatisticsWindow, "exec", shown)
    board = env.board(qtbot)
    assert open_statistics(board, env.context()) is None
    assert opened[0].closed and opened[0].figures is not None
    assert opened[0].figures.arrivals == 3
    opened[0].background.wait()
