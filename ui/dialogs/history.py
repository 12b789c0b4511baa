"""A patient's history: every row, in the order the actions happened, read-only."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from synoptic.history_labels import ACTION_LABELS, action_label
from synoptic.views import HistoryView, Reference
from ui.dialogs.base import CLOSE_NAME, TouchDialog
from ui.metrics import Metrics
from ui.widgets import make_kinetic

__all__ = ["ACTION_LABELS", "COLUMNS", "HistoryDialog", "action_label", "history_cells"]

COLUMNS = ("Date", "Action", "Box", "Tâche", "État", "Commentaire", "Responsable", "Acteur")
DATE_FORMAT = "%d/%m %H:%M"


def history_cells(row: HistoryView, reference: Reference) -> tuple[str, ...]:
    box = reference.box(row.box_code)
    task_type = reference.task_types.get(row.task_code)
    responsable = reference.responsables.get(row.responsable)
    return (
        row.date.strftime(DATE_FORMAT) if row.date else "",
        action_label(row.action),
        box.label if box else row.box_code,
        row.task_label or (task_type.label if task_type else row.task_code),
        row.state_label,
        row.comment,
        responsable.name if responsable else row.responsable,
        row.actor,
    )


class HistoryDialog(TouchDialog):
    def __init__(
        self,
        metrics: Metrics,
        title: str,
        rows: Sequence[HistoryView],
        reference: Reference,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(metrics, title, "HistoryDialog", parent)
        # Parented at once: column widths below are measured with the dialog's big font.
        self.table = QTableWidget(len(rows), len(COLUMNS), self)
        self.table.setObjectName("HistoryTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)  # wrap, never cut
        for r, row in enumerate(rows):
            for c, text in enumerate(history_cells(row, reference)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # read-only, not selectable
                self.table.setItem(r, c, item)
        # Columns fit their contents; a long comment wraps instead of widening the table.
        self.table.resizeColumnsToContents()
        comment = COLUMNS.index("Commentaire")
        self.table.setColumnWidth(comment, min(self.table.columnWidth(comment), metrics.px(360)))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setMinimumSectionSize(metrics.touch * 2 // 3)
        self.table.resizeRowsToContents()
        width = sum(self.table.columnWidth(c) for c in range(len(COLUMNS)))
        self.table.setMinimumSize(min(width + metrics.px(24), metrics.px(1100)), metrics.px(420))
        make_kinetic(self.table)
        if not rows:
            self.body.addWidget(self.text_label("Aucun historique pour ce patient."))
        self.body.addWidget(self.table, 1)

        self.close_button = self.button("Fermer", CLOSE_NAME)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        self.add_actions(self.close_button)
        if parent is not None:  # as large as the board allows: a history can be long
            board = parent.window().size()
            self.resize(board.width() * 9 // 10, board.height() * 9 // 10)

    def row_texts(self, row: int) -> list[str]:
        """The cells of one table row, as displayed (for tests and screenshots)."""
        items = (self.table.item(row, c) for c in range(self.table.columnCount()))
        return [item.text() if item is not None else "" for item in items]
