"""The global history window: every action of the archive, newest first, filtered by
period, action, box and actor, searched as you type (the on-screen keyboard), exported to
CSV; on a masked screen it shows no names (nor does its export).

    open_history(parent, ctx)        # the board's menu calls this

Reads go through ``ctx.reads.history_search()`` (``synoptic.history_search``: a page of
100 rows at a time, read on the date index) in a worker thread; a search waits for a
pause in the typing (:data:`DEBOUNCE_MS`) and a result overtaken by a newer question is
dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synoptic.history_search import HistoryEntry, HistoryFilter, HistoryPage
from synoptic.permissions import EXPORT_STATISTICS
from ui.admin.look import TouchLineEdit, message_label, say, toggle
from ui.admin.window import AdminPage
from ui.context import UiContext
from ui.dialogs.base import dialog_button
from ui.folder_choice import ExportBar, failure_text, free_path
from ui.history_filters import ACTION_GROUPS, FilterButton, codes_of_groups
from ui.keyboard import OnScreenKeyboard
from ui.live import Background
from ui.period_picker import PeriodPicker
from ui.protected import require_permission
from ui.stats_tables import cell_text
from ui.widgets import make_kinetic

__all__ = ["COLUMNS", "DEBOUNCE_MS", "HistoryWindow", "open_history", "screen_is_masked"]

COLUMNS = ("Date", "Action", "Box", "Patient", "Tâche", "État", "Commentaire", "Acteur")
DEBOUNCE_MS = 300
DATE_FORMAT = "%d/%m/%Y %H:%M"


def row_texts(entry: HistoryEntry, box_labels: Mapping[str, str]) -> tuple[str, ...]:
    """A row as the window shows it: the box by its name on the board (its code when the
    box has gone since)."""
    box = box_labels.get(entry.box_code) or entry.box_code
    return (entry.date.strftime(DATE_FORMAT), entry.action_label, box,
            entry.patient, entry.task, entry.state, entry.comment, entry.actor)


def screen_is_masked(parent: QWidget | None, ctx: UiContext) -> bool:
    """The board's own state ("Masquer les noms") when it tells it, else the settings: a
    public screen, or names masked by default."""
    board = parent.window() if parent is not None else None
    masked = getattr(board, "screen_masked", None)
    if isinstance(masked, bool):
        return masked
    return ctx.config.interface.profile == "public" or ctx.config.display.hide_names_by_default


class HistoryWindow(AdminPage):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *, masked: bool,
                 folder: Path | None = None, initial: str = "today") -> None:
        m = ctx.metrics
        super().__init__(m, "Historique global", "HistoryWindow", parent)
        self.ctx, self.masked = ctx, masked
        self.search = ctx.reads.history_search(ctx.config.display.anonymous_label)
        self.background = Background(self, threads=1)
        self.asked = 0  # the number of the last question: older answers are dropped
        self.busy = False
        self.closed = False
        self.entries: list[HistoryEntry] = []
        self.next_after: Any = None

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(m.spacing * 2)
        self.picker = PeriodPicker(m, ctx.clock().date(), initial)
        column.addWidget(self.picker)
        filters = QHBoxLayout()
        filters.setSpacing(m.spacing * 2)
        self.actions_filter = FilterButton(m, "Actions", "toutes")
        self.actions_filter.options = [(k, label) for k, label, _codes in ACTION_GROUPS]
        self.boxes_filter = FilterButton(m, "Box", "tous")
        self.actors_filter = FilterButton(m, "Acteurs", "tous")
        for button in (self.actions_filter, self.boxes_filter, self.actors_filter):
            filters.addWidget(button, 1)
            button.chosen.connect(lambda _v: self.reload())
        self.search_field = TouchLineEdit(m, "HistorySearch")
        self.search_field.setPlaceholderText(
            "N° de patient (écran masqué)" if masked else "Nom ou n° de patient")
        self.search_field.setMaxLength(60)
        filters.addWidget(self.search_field, 2)
        self.keyboard_button = toggle(m, "⌨ Clavier", "KeyboardToggle")
        self.keyboard_button.setMinimumWidth(m.px(180))  # its checked (bold) text too
        filters.addWidget(self.keyboard_button)
        column.addLayout(filters)
        self.keyboard = OnScreenKeyboard(m, self.search_field, actions=False)
        self.keyboard.hide()
        column.addWidget(self.keyboard)
        self.status = message_label()
        column.addWidget(self.status)
        self.table = self._table()
        column.addWidget(self.table, 1)
        self.more_button = dialog_button(m, "Afficher les lignes plus anciennes", "HistoryMore")
        self.more_button.clicked.connect(self.load_more)
        column.addWidget(self.more_button)
        self.export = ExportBar(m, (("csv", "Exporter en CSV"),), folder)
        self.export.buttons["csv"].clicked.connect(self.export_csv)
        column.addWidget(self.export)
        self.set_content(content)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.reload)
        self.search_field.textChanged.connect(lambda _t: self.debounce.start())
        self.search_field.touched.connect(lambda: self.keyboard_button.setChecked(True))
        self.keyboard_button.toggled.connect(self._show_keyboard)
        self.picker.changed.connect(lambda _p: self._period_changed())
        self.boxes_filter.options = [(b.code, b.label) for b in ctx.reads.reference().boxes]
        self.box_labels = dict(self.boxes_filter.options)
        self._period_changed()

    def _show_keyboard(self, on: bool) -> None:
        """The keyboard takes the place of the period picker and the export row while it
        is out (the list keeps some room on a 1280 x 800 screen)."""
        self.picker.setVisible(not on)  # hidden first: the window never has to grow
        self.export.setVisible(not on)
        self.keyboard.setVisible(on)

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setObjectName("GlobalHistoryTable")
        table.setHorizontalHeaderLabels(COLUMNS)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The comment takes the room left: the other columns fit their contents.
        header.setSectionResizeMode(COLUMNS.index("Commentaire"), QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setDefaultSectionSize(self.metrics.touch * 3 // 4)
        make_kinetic(table)
        return table

    # ------------------------------------------------------------------ questions

    def done(self, result: int) -> None:
        """Closed: an answer still on its way is dropped (the window is deleted)."""
        self.closed = True
        self.debounce.stop()
        super().done(result)

    def current_filter(self) -> HistoryFilter:
        return HistoryFilter(
            self.picker.period(),
            actions=codes_of_groups(self.actions_filter.values),
            boxes=frozenset(self.boxes_filter.values),
            actors=frozenset(self.actors_filter.values),
            text=self.search_field.text().strip())

    def _period_changed(self) -> None:
        period = self.picker.period()
        self._ask(lambda: self.search.actors(period), self._actors_known, report=False)
        self.reload()

    def _actors_known(self, actors: tuple[str, ...]) -> None:
        self.actors_filter.options = [(a, a) for a in actors]

    def reload(self) -> None:
        """The first page of the current filter (the rows shown are replaced)."""
        self.debounce.stop()
        wanted, masked = self.current_filter(), self.masked
        self._ask(lambda: self.search.page(wanted, masked=masked),
                  lambda page: self._show(page, replace=True))

    def load_more(self) -> None:
        if self.next_after is None:
            return
        wanted, masked, after = self.current_filter(), self.masked, self.next_after
        self._ask(lambda: self.search.page(wanted, masked=masked, after=after),
                  lambda page: self._show(page, replace=False))

    def _ask(self, work: Callable[[], Any], done: Callable[[Any], None], *,
             report: bool = True) -> None:
        if report:
            self.asked += 1
            number = self.asked
            self.busy = True
            say(self.status, "Recherche…", "info")
        else:
            number = 0

        def answered(result: Any) -> None:
            if self.closed or (report and number != self.asked):
                return  # a newer question was asked meanwhile
            if report:
                self.busy = False
            done(result)

        def failed(err: BaseException) -> None:
            if not self.closed and report and number == self.asked:
                self.busy = False
                say(self.status, f"Historique indisponible : {failure_text(err)}", "error")

        self.background.submit(work, answered, failed)

    def _show(self, page: HistoryPage, *, replace: bool) -> None:
        if replace:
            self.entries = []
            self.table.setRowCount(0)
        first = len(self.entries)
        self.entries += page.entries
        self.next_after = page.next_after
        self.table.setRowCount(len(self.entries))
        for r, entry in enumerate(page.entries, start=first):
            for c, text in enumerate(row_texts(entry, self.box_labels)):
                item = QTableWidgetItem(text)  # item views draw plain text
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(r, c, item)
        if replace:
            self.table.resizeColumnsToContents()
            self.table.scrollToTop()
        self.more_button.setVisible(page.more)
        count = len(self.entries)
        more = " (d'autres, plus anciennes, suivent)" if page.more else ""
        words = self.search_field.text().split()
        if self.masked and any(not word.isdigit() for word in words):
            say(self.status, "Écran masqué : pas de recherche par nom, seulement par "
                "n° de patient.", "info")
            return
        say(self.status, f"{count} ligne{'s' if count > 1 else ''} {self.picker.describe()}"
            f"{more}." if count else f"Aucune ligne {self.picker.describe()}.", "info")

    def texts(self) -> list[list[str]]:
        """Every row as shown (tests, screenshots)."""
        return [[cell_text(self.table.item(r, c)) for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]

    # ------------------------------------------------------------------ export

    def export_csv(self) -> Path | None:
        """Every row of the current filter (not only the pages shown) into a CSV file."""
        if require_permission(self.ctx, self, EXPORT_STATISTICS) is None:
            return None  # cancelled, or refused with a message already shown
        wanted = self.current_filter()
        p = wanted.period
        stem = f"historique_{p.first:%Y-%m-%d}_{p.last:%Y-%m-%d}"
        try:
            path = free_path(self.export.folder, stem, ".csv")
            count = self.search.export_csv(wanted, path, masked=self.masked)
        except Exception as err:  # noqa: BLE001 - every failure is told, none closes the window
            self.export.tell(f"Export impossible : {failure_text(err)}", "error")
            return None
        self.export.tell(f"{count} ligne(s) exportée(s) : {path}", "ok")
        return path


def open_history(parent: QWidget | None, ctx: UiContext, masked: bool | None = None) -> None:
    """Open the global history over ``parent`` (the board), modal, until it is closed (then
    deleted); ``masked`` None: as the screen is (:func:`screen_is_masked`)."""
    window = HistoryWindow(ctx, parent,
                           masked=screen_is_masked(parent, ctx) if masked is None else masked)
    window.exec()
    window.deleteLater()
