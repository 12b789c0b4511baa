"""The statistics window's tables: the key figures, the durations by day of the week and
the tasks, as read-only tables in big type.

The rows are the reports' own (``synoptic.stats.reports``: ``headline_rows``,
``task_rows``), so the window, the CSV and the PDF say the same thing in the same words;
cells are written as the PDF writes them (decimal comma, ``dd/mm/yyyy hh:mm``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synoptic.stats import Figures
from synoptic.stats.reports import (
    STAYS_OVER_4H,
    WEEKDAYS,
    Cell,
    french_percent,
    headline_rows,
    summary_cells,
    task_rows,
)
from ui.metrics import Metrics
from ui.plain import plain_label
from ui.stats_pdf import text_of
from ui.widgets import make_kinetic

__all__ = ["CellTable", "figures_page", "split_blocks", "tasks_page"]


def split_blocks(rows: Sequence[Sequence[Cell]]) -> list[list[Sequence[Cell]]]:
    """The reports' rows cut at their empty rows: one table per block, its header first."""
    blocks: list[list[Sequence[Cell]]] = [[]]
    for row in rows:
        if row:
            blocks[-1].append(row)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def two_lines(text: str, longest: int = 14) -> str:
    """A long column title over two lines (a header does not wrap by itself)."""
    words = text.split()
    if len(text) <= longest or len(words) < 2:
        return text
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(text) / 2))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def share_text(value: Cell) -> Cell:
    """A percentage with its sign (the window is read, not computed on)."""
    return french_percent(value) if isinstance(value, float) else value



def cell_text(item: QTableWidgetItem | None) -> str:
    """The text of a table cell, "" for a cell never set."""
    return item.text() if item is not None else ""

class CellTable(QTableWidget):
    """A read-only table: the first row is the header; numbers right-aligned."""

    def __init__(self, metrics: Metrics, rows: Sequence[Sequence[Cell]], name: str) -> None:
        header, body = rows[0], rows[1:]
        super().__init__(len(body), len(header))
        self.setObjectName(name)
        self.setHorizontalHeaderLabels([two_lines(text_of(h)) for h in header])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)  # wrap, never cut
        for r, row in enumerate(body):
            for c, value in enumerate(row):
                item = QTableWidgetItem(text_of(value))  # item views draw plain text
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                if c > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)
        heading = self.horizontalHeader()
        heading.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        heading.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.verticalHeader().setMinimumSectionSize(metrics.touch * 2 // 3)
        self.resizeRowsToContents()
        make_kinetic(self)

    def _content_height(self) -> int:
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        return self.horizontalHeader().sizeHint().height() + rows + 2 * self.frameWidth()

    def minimumSizeHint(self) -> QSize:
        """As tall as its rows: the page scrolls, not each table."""
        return QSize(super().minimumSizeHint().width(), self._content_height())

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._content_height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        before = self._content_height()
        self.resizeRowsToContents()  # wrapped cells take the height of their width
        if self._content_height() != before:
            self.updateGeometry()

    def texts(self) -> list[list[str]]:
        """Every cell as shown, the header first (tests, screenshots)."""
        header = [cell_text(self.horizontalHeaderItem(c)) for c in range(self.columnCount())]
        return [header] + [[cell_text(self.item(r, c)) for c in range(self.columnCount())]
                           for r in range(self.rowCount())]


def _scrolled(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(content)
    make_kinetic(area)
    return area


def weekday_rows(f: Figures) -> list[list[Cell]]:
    return [["Jour d'arrivée", "Attente médiane", "Attente 90e centile", "Attentes",
             "Séjour médian", "Séjour 90e centile", "Séjours"],
            *([WEEKDAYS[d], *summary_cells(f.waiting.by_weekday[d]),
               *summary_cells(f.stay.by_weekday[d])] for d in range(7))]


def figures_page(metrics: Metrics, f: Figures) -> QScrollArea:
    """The key figures, the two durations, the exits by destination and the days."""
    content = QWidget()
    grid = QGridLayout(content)
    grid.setSpacing(metrics.spacing * 3)
    blocks = split_blocks(headline_rows(f))
    names = ("KeyFigures", "DurationFigures", "ExitFigures")
    for index, block in enumerate(blocks):
        shown = [[row[0], *(share_text(v) if row[0] == STAYS_OVER_4H else v for v in row[1:])]
                 for row in block]
        table = CellTable(metrics, shown, names[index] if index < len(names) else "Figures")
        grid.addWidget(table, index // 2, index % 2)
    grid.addWidget(CellTable(metrics, weekday_rows(f), "WeekdayFigures"),
                   (len(blocks) + 1) // 2, 0, 1, 2)
    grid.setRowStretch(grid.rowCount(), 1)
    return _scrolled(content)


def tasks_page(metrics: Metrics, f: Figures) -> QScrollArea:
    """The tasks started in the period, then those started in the hours of tension."""
    content = QWidget()
    column = QVBoxLayout(content)
    column.setSpacing(metrics.spacing * 2)
    labels = dict(f.task_labels)
    tension = f"{len(f.tension_hours)} heure(s) au-dessus de {f.tension_threshold} patients"
    for title, tasks, name in (
            ("Tâches commencées dans la période", f.tasks, "TaskFigures"),
            (f"Tâches commencées pendant les heures en tension ({tension})", f.tension_tasks,
             "TensionTaskFigures")):
        caption = plain_label(title, "StatsCaption")
        caption.setWordWrap(True)
        column.addWidget(caption)
        rows = task_rows(tasks, labels)
        if len(rows) == 1:
            column.addWidget(plain_label("Aucune tâche.", "StatsEmpty"))
            continue
        table = CellTable(metrics, [row[1:] for row in rows], name)  # the label, not the code
        column.addWidget(table)
    column.addStretch(1)
    return _scrolled(content)
