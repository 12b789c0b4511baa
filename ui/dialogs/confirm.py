"""A yes/no question with two big buttons: "Oui" on the left, "Non" on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.dialogs.base import CANCEL_NAME, OK_NAME, TouchDialog
from ui.metrics import Metrics


class ConfirmDialog(TouchDialog):
    def __init__(
        self, metrics: Metrics, title: str, text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(metrics, title, "ConfirmDialog", parent)
        self.body.addWidget(self.text_label(text), 1)
        self.yes_button = self.button("Oui", OK_NAME)
        self.no_button = self.button("Non", CANCEL_NAME)
        # No default button: Enter must not confirm a deletion by accident.
        self.yes_button.clicked.connect(self.accept)
        self.no_button.clicked.connect(self.reject)
        self.add_actions(self.yes_button, self.no_button)

    def result_value(self) -> bool:
        return self.result() == TouchDialog.DialogCode.Accepted
