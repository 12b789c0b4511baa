"""Choose a date and time without a keyboard or an external calendar program.

Synoptux 2.16 called an external calendar; here everything is in the dialog.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QWidget

from ui.dialogs.base import CANCEL_NAME, OK_NAME, TouchDialog
from ui.dialogs.time_adjuster import Clock, TimeAdjuster
from ui.metrics import Metrics


class TimePickerDialog(TouchDialog):
    def __init__(
        self,
        metrics: Metrics,
        title: str,
        initial: datetime,
        parent: QWidget | None = None,
        *,
        clock: Clock = datetime.now,
    ) -> None:
        super().__init__(metrics, title, "TimePickerDialog", parent)
        self.setMinimumWidth(metrics.px(760))  # the title on one line, the steps uncut
        self.adjuster = TimeAdjuster(metrics, initial, clock=clock)
        self.body.addWidget(self.adjuster)
        self.ok_button = self.button("Valider", OK_NAME)
        self.cancel_button = self.button("Annuler", CANCEL_NAME)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        self.add_actions(self.ok_button, self.cancel_button)

    def value(self) -> datetime:
        """The time shown now, accepted or not."""
        return self.adjuster.value()

    def result_value(self) -> datetime | None:
        """The chosen time once validated; ``None`` if cancelled or still open."""
        return self.value() if self.result() == TouchDialog.DialogCode.Accepted else None
