"""The late tasks at once: a touch on "⚠ 7 tâches en retard" lists them, the latest first,
and a touch on one opens that patient's card.

Each row is plain text the board made (the patient named as this screen names him: masked on
a masked screen); the dialog only shows them and says which was touched.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from ui.dialogs.base import CANCEL_NAME, TouchDialog, available_area
from ui.dialogs.touch_list import TouchList
from ui.metrics import Metrics

ROW_NAME = "LateTaskButton"


class LateTasksDialog(TouchDialog):
    def __init__(
        self,
        metrics: Metrics,
        rows: Sequence[tuple[int, str]],
        parent: QWidget | None = None,
        *,
        title: str = "Tâches en retard",
    ) -> None:
        super().__init__(metrics, title, "LateTasksDialog", parent)
        self.setMinimumWidth(metrics.px(760))  # "⚠ Radiographie +1 h 10 — DUPONT Jean · Box 1"
        self._chosen: int | None = None
        self.late_list = TouchList(metrics, self)
        for pk, text in rows:
            button = self.late_list.add_button(text, ROW_NAME)
            button.setProperty("patient", pk)
            button.clicked.connect(lambda _=False, key=pk: self._choose(key))
        if not rows:
            self.body.addWidget(self.text_label("Aucune tâche en retard."))
        # As many rows as fit in six tenths of the board (the title and "Fermer" take the
        # rest, at 1280x800 too); the list flicks for more.
        per_row = metrics.dialog_button + metrics.spacing
        self.late_list.visible_rows_hint(
            max(3, min(10, available_area(parent).height() * 6 // 10 // per_row)))
        self.body.addWidget(self.late_list, 1)
        self.close_button = self.button("Fermer", CANCEL_NAME)
        self.close_button.clicked.connect(self.reject)
        self.add_actions(self.close_button)

    @property
    def buttons(self) -> list[QWidget]:
        return list(self.late_list.buttons)

    def _choose(self, pk: int) -> None:
        self._chosen = pk
        self.accept()

    def result_value(self) -> int | None:
        """The patient whose task was touched; None when closed."""
        return self._chosen if self.result() == TouchDialog.DialogCode.Accepted else None
