"""The statistics as a PDF, drawn by Qt's own PDF writer: tables and bar charts (QPainter).

Charts are painted with QPainter rather than QtCharts: a few bars need no 150 MB of
PySide6-Addons on every board.  Every value is drawn as plain text.  Works without a
display (``offscreen``) so ``synoptux stats --format pdf`` runs on a server.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

from synoptic.stats import Figures
from synoptic.stats.percentiles import summarize
from synoptic.stats.reports import WEEKDAYS, Cell, csv_cell, percent_text, replacing

RESOLUTION = 150  # dots per inch: A4 is 1240 x 1754 dots
MARGIN_MM = 15
BAR = QColor("#2e86c1")
TENSION = QColor("#c0392b")
GRID = QColor("#bbbbbb")


def text_of(value: Cell) -> str:
    """A cell as French text (decimal comma, dd/mm/yyyy hh:mm); text as it is."""
    return value if isinstance(value, str) else csv_cell(value)


class Pages:
    """A top-down flow of blocks on A4 pages; a block that does not fit opens a page."""

    def __init__(self, writer: QPdfWriter, painter: QPainter) -> None:
        self.writer, self.painter = writer, painter
        rect = writer.pageLayout().paintRectPixels(RESOLUTION)
        self.width, self.height = float(rect.width()), float(rect.height())
        self.y = 0.0
        self.line = 28.0

    def room(self, needed: float) -> None:
        if self.y + needed > self.height:
            self.writer.newPage()
            self.y = 0.0

    def font(self, size: float, bold: bool = False) -> None:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(size)
        font.setBold(bold)
        self.painter.setFont(font)

    def text(self, text: str, size: float = 10, bold: bool = False, gap: float = 6) -> None:
        self.font(size, bold)
        height = self.painter.fontMetrics().height() + gap
        self.room(height)
        self.painter.drawText(QRectF(0, self.y, self.width, height),
                              int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                              text)
        self.y += height

    def table(self, rows: Sequence[Sequence[Cell]], widths: Sequence[float]) -> None:
        """The first row is the header; ``widths`` are fractions of the page width."""
        self.font(8.5)
        for index, row in enumerate(rows):
            self.room(self.line)
            self.font(8.5, bold=index == 0)
            x = 0.0
            for value, fraction in zip(row, widths, strict=False):
                width = fraction * self.width
                first_column = x == 0.0
                align = Qt.AlignmentFlag.AlignLeft if first_column or (
                    index > 0 and isinstance(value, str)) else Qt.AlignmentFlag.AlignRight
                self.painter.drawText(QRectF(x + 4, self.y, width - 8, self.line),
                                      int(align | Qt.AlignmentFlag.AlignVCenter),
                                      text_of(value))
                x += width
            self.painter.setPen(GRID)
            self.painter.drawLine(0, int(self.y + self.line), int(self.width),
                                  int(self.y + self.line))
            self.painter.setPen(Qt.GlobalColor.black)
            self.y += self.line
        self.y += self.line / 2

    def bars(self, title: str, labels: Sequence[str], values: Sequence[float | None],
             marked: Sequence[bool] = ()) -> None:
        """A bar chart; a marked bar is drawn in the tension colour."""
        height = 260.0
        self.room(height + self.line * 4)  # the title stays with its chart
        self.text(title, 10, bold=True)
        top = max((v for v in values if v is not None), default=0.0) or 1.0
        step = self.width / max(len(values), 1)
        self.font(7)
        for i, value in enumerate(values):
            bar = 0.0 if value is None else (value / top) * (height - 30)
            colour = TENSION if i < len(marked) and marked[i] else BAR
            rect = QRectF(i * step + step * 0.15, self.y + height - bar, step * 0.7, bar)
            self.painter.fillRect(rect, colour)
            if value is not None:
                self.painter.drawText(QRectF(i * step, self.y + height - bar - 24, step, 22),
                                      int(Qt.AlignmentFlag.AlignCenter), text_of(value))
            self.painter.drawText(QRectF(i * step, self.y + height + 2, step, self.line),
                                  int(Qt.AlignmentFlag.AlignCenter), labels[i])
        self.painter.setPen(GRID)
        self.painter.drawLine(0, int(self.y + height), int(self.width), int(self.y + height))
        self.painter.setPen(Qt.GlobalColor.black)
        self.y += height + self.line * 2


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def draw(f: Figures, pages: Pages) -> None:
    pages.text("Statistiques des urgences", 16, bold=True)
    pages.text(f"Du {f.period.first:%d/%m/%Y} au {f.period.last:%d/%m/%Y}", 11, gap=14)
    peak = f"{f.census.peak} le {text_of(f.census.peak_at)}" if f.census.peak_at else "0"
    pages.table([
        ["Indicateur", "Valeur"],
        ["Arrivées", f.arrivals], ["Sorties", f.exits],
        ["Part des séjours de plus de 4 h", percent_text(f.stays_over_4h)],
        ["Pic de patients présents", peak],
        ["Heures en tension (seuil)", f"{len(f.tension_hours)} ({f.tension_threshold})"],
    ], [0.6, 0.4])
    pages.table([
        ["Durée (minutes)", "Médiane", "90e centile", "Patients"],
        ["Attente (entrée → premier box de soins)", _minutes(f.waiting.overall.median),
         _minutes(f.waiting.overall.p90), f.waiting.overall.n],
        ["Séjour (entrée → sortie)", _minutes(f.stay.overall.median),
         _minutes(f.stay.overall.p90), f.stay.overall.n],
    ], [0.55, 0.15, 0.15, 0.15])
    hours = [f"{h}" for h in range(24)]
    pages.bars("Arrivées par heure", hours, [float(n) for n in f.arrivals_by_hour])
    pages.bars("Attente médiane (min) par heure d'arrivée", hours,
               [_minutes(s.median) for s in f.waiting.by_hour])
    pages.bars("Séjour médian (min) par heure d'arrivée", hours,
               [_minutes(s.median) for s in f.stay.by_hour])
    by_hour: list[list[float]] = [[] for _ in range(24)]
    tense_by_hour = [False] * 24
    tense = set(f.tension_hours)
    for moment, count in f.census.hours:
        by_hour[moment.hour].append(float(count))
        tense_by_hour[moment.hour] |= moment in tense
    pages.bars("Patients présents (au plus, médiane des jours) par heure ; en rouge : "
               "les heures en tension au moins un jour", hours, [summarize(v).median for v in by_hour], tense_by_hour)
    pages.table([["Jour d'arrivée", "Attente méd.", "Attente 90e c.", "Séjour méd.",
                  "Séjour 90e c.", "Séjours"]] + [
        [WEEKDAYS[d], _minutes(f.waiting.by_weekday[d].median),
         _minutes(f.waiting.by_weekday[d].p90), _minutes(f.stay.by_weekday[d].median),
         _minutes(f.stay.by_weekday[d].p90), f.stay.by_weekday[d].n] for d in range(7)],
        [0.25, 0.15, 0.15, 0.15, 0.15, 0.15])
    destinations: list[Sequence[Cell]] = [[n, c] for n, c in f.exits_by_destination.items()]
    pages.table([["Destination", "Sorties"], *destinations], [0.7, 0.3])
    pages.table([["Type de box", "Capacité", "Pic", "Heure du pic", "Médiane/heure",
                  "Heures pleines"]] + [
        [o.kind.value, o.capacity, o.peak, o.peak_at, o.hourly.median, o.hours_at_capacity]
        for o in f.occupancy], [0.2, 0.12, 0.1, 0.26, 0.16, 0.16])
    for title, tasks in (("Tâches", f.tasks),
                         ("Tâches commencées pendant les heures en tension", f.tension_tasks)):
        pages.text(title, 10, bold=True)
        pages.table([["Tâche", "Nombre", "Durée méd.", "Durée 90e c.", "Retard méd.",
                      "Retard 90e c."]] + [
            [f.task_labels.get(code, code), t.count, _minutes(t.duration.median),
             _minutes(t.duration.p90), _minutes(t.delay.median), _minutes(t.delay.p90)]
            for code, t in tasks.items()], [0.35, 0.1, 0.14, 0.14, 0.13, 0.14])


def write_stats_pdf(f: Figures, path: Path) -> None:
    """Draw ``f`` into the PDF file ``path`` (through a temporary file renamed over it);
    a QApplication must exist (``ui.stats_commands`` makes one for the command line)."""
    with replacing(path, suffix=".pdf") as temporary:
        writer = QPdfWriter(str(temporary))
        writer.setResolution(RESOLUTION)
        writer.setTitle(f"Statistiques des urgences du {f.period.first:%d/%m/%Y} "
                        f"au {f.period.last:%d/%m/%Y}")
        writer.setCreator("Synoptux")
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                         QPageLayout.Orientation.Portrait,
                                         QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                         QPageLayout.Unit.Millimeter))
        painter = QPainter(writer)
        try:
            draw(f, Pages(writer, painter))
        finally:
            painter.end()
