"""The statistics window's charts, drawn by QtCharts (PySide6-Addons): arrivals by hour,
waiting and stay (median and 90th percentile) by hour of arrival, patients present by hour
and exits by destination.

Each builder returns a :class:`QChartView` whose fonts come from the metrics (read at arm's
length).  Destination names come from the database: QtCharts draws axis labels as rich
text, so each is escaped (:func:`chart_text`) and shows as written.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from synoptic.stats import Figures
from synoptic.stats.percentiles import Summary, summarize
from ui.metrics import Metrics

__all__ = ["arrivals_chart", "census_chart", "chart_text", "durations_chart", "exits_chart"]

HOURS = [str(h) for h in range(24)]
BLUE, ORANGE, RED, GREEN = "#1565c0", "#e65100", "#c62828", "#2e7d32"


def chart_text(text: str) -> str:
    """``text`` for a QtCharts label (rich text): its characters shown as they are."""
    return html.escape(text, quote=False)


def _font(metrics: Metrics, points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def _chart(metrics: Metrics, title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setTitle(chart_text(title))
    chart.setTitleFont(_font(metrics, metrics.font_pt, bold=True))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(*(metrics.margin,) * 4))
    chart.legend().setFont(_font(metrics, metrics.small_font_pt))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    view = QChartView(chart)
    view.setObjectName("StatsChart")
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(metrics.px(260))
    return chart, view


def _value_axis(metrics: Metrics, top: float, title: str = "") -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, max(1.0, top * 1.1))
    axis.setTickCount(6)
    axis.applyNiceNumbers()  # ticks on round numbers (0, 2, 4...), not 0, 2.2, 4.4
    if axis.max() <= 10:  # patients and minutes are whole: one tick per unit
        axis.setRange(0, math.ceil(axis.max()))
        axis.setTickCount(int(axis.max()) + 1)
    axis.setLabelFormat("%d")
    axis.setLabelsFont(_font(metrics, metrics.small_font_pt))
    if title:
        axis.setTitleText(chart_text(title))
        axis.setTitleFont(_font(metrics, metrics.small_font_pt))
    return axis


def _category_axis(metrics: Metrics, labels: Sequence[str], title: str = "") -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append([chart_text(label) for label in labels])
    axis.setLabelsFont(_font(metrics, metrics.small_font_pt))
    if title:
        axis.setTitleText(chart_text(title))
        axis.setTitleFont(_font(metrics, metrics.small_font_pt))
    return axis


def _bar_set(label: str, values: Sequence[float | None], colour: str) -> QBarSet:
    bars = QBarSet(chart_text(label))
    bars.append([0.0 if v is None else float(v) for v in values])
    bars.setColor(QColor(colour))
    bars.setBorderColor(QColor(colour))
    return bars


def _attach(chart: QChart, series: object, x: object, y: object) -> None:
    chart.addSeries(series)  # type: ignore[arg-type]
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)  # type: ignore[arg-type]
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)  # type: ignore[arg-type]
    series.attachAxis(x)  # type: ignore[attr-defined]
    series.attachAxis(y)  # type: ignore[attr-defined]


def arrivals_chart(metrics: Metrics, f: Figures) -> QChartView:
    chart, view = _chart(metrics, "Arrivées par heure")
    series = QBarSeries()
    series.append(_bar_set("Arrivées", f.arrivals_by_hour, BLUE))
    _attach(chart, series, _category_axis(metrics, HOURS, "Heure d'arrivée"),
            _value_axis(metrics, max(f.arrivals_by_hour, default=0), "Patients"))
    chart.legend().hide()
    return view


def _line(label: str, values: Sequence[float | None], colour: str, width: int,
          dashed: bool = False) -> QLineSeries:
    """A line over the hours; an hour without a value is left out (no made-up zero)."""
    line = QLineSeries()
    line.setName(chart_text(label))
    for hour, value in enumerate(values):
        if value is not None:
            line.append(hour + 0.5, value)  # centred on its bar of the category axis
    pen = QPen(QColor(colour))
    pen.setWidth(width)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    line.setPen(pen)
    line.setPointsVisible(True)  # an hour alone (no neighbour to join) still shows
    line.setMarkerSize(width * 2.5)
    return line


def durations_chart(metrics: Metrics, title: str, by_hour: Sequence[Summary]) -> QChartView:
    """Median and 90th percentile (minutes) by hour of arrival."""
    chart, view = _chart(metrics, title)
    medians = [s.median for s in by_hour]
    p90s = [s.p90 for s in by_hour]
    top = max((v for v in (*medians, *p90s) if v is not None), default=0.0)
    x = QValueAxis()
    x.setRange(0, 24)
    x.setTickCount(13)
    x.setLabelFormat("%d h")
    x.setLabelsFont(_font(metrics, metrics.small_font_pt))
    x.setTitleText(chart_text("Heure d'arrivée"))
    x.setTitleFont(_font(metrics, metrics.small_font_pt))
    y = _value_axis(metrics, top, "Minutes")
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    width = metrics.px(3)
    for series in (_line("Médiane", medians, BLUE, width),
                   _line("90e centile", p90s, ORANGE, width, dashed=True)):
        chart.addSeries(series)
        series.attachAxis(x)
        series.attachAxis(y)
    return view


def census_by_hour(f: Figures) -> tuple[list[float | None], list[float | None]]:
    """Patients present, by hour of the day: the most over the period's days and the
    median of the days."""
    by_hour: list[list[float]] = [[] for _ in range(24)]
    for moment, count in f.census.hours:
        by_hour[moment.hour].append(float(count))
    return ([max(v) if v else None for v in by_hour],
            [summarize(v).median for v in by_hour])


def census_chart(metrics: Metrics, f: Figures) -> QChartView:
    chart, view = _chart(metrics, "Patients présents par heure")
    most, median = census_by_hour(f)
    series = QBarSeries()
    series.append(_bar_set("Au plus", most, BLUE))
    series.append(_bar_set("Médiane des jours", median, GREEN))
    top = max((v for v in most if v is not None), default=0.0)
    threshold = f.tension_threshold
    y = _value_axis(metrics, max(top, float(threshold or 0)), "Patients")
    x = _category_axis(metrics, HOURS, "Heure")
    _attach(chart, series, x, y)
    if threshold is not None:
        line = QLineSeries()
        line.setName(chart_text(f"Seuil de tension ({threshold})"))
        line.append(-0.5, threshold)
        line.append(23.5, threshold)
        pen = QPen(QColor(RED))
        pen.setWidth(metrics.px(2))
        pen.setStyle(Qt.PenStyle.DashLine)
        line.setPen(pen)
        chart.addSeries(line)
        line.attachAxis(x)
        line.attachAxis(y)
    return view


def exits_chart(metrics: Metrics, f: Figures) -> QChartView:
    """Exits by destination, the most frequent on top."""
    chart, view = _chart(metrics, "Sorties par destination")
    names = list(f.exits_by_destination)[::-1]  # a horizontal chart draws from the bottom
    series = QHorizontalBarSeries()
    series.append(_bar_set("Sorties", [f.exits_by_destination[n] for n in names], BLUE))
    series.setLabelsVisible(True)
    for bars in series.barSets():
        bars.setLabelFont(_font(metrics, metrics.font_pt, bold=True))
        bars.setLabelColor(QColor("#ffffff"))
    x = _value_axis(metrics, max(f.exits_by_destination.values(), default=0), "Patients")
    y = _category_axis(metrics, names)
    chart.addSeries(series)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)
    chart.legend().hide()
    return view
