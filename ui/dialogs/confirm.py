"""A yes/no question with two big buttons: the positive one on the left.

The buttons may say what they do ("Sortie définitive" / "Annuler") rather than Oui/Non:
a finger in a hurry reads the button, not the question.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.dialogs.base import CANCEL_NAME, OK_NAME, TouchDialog
from ui.metrics import Metrics


class ConfirmDialog(TouchDialog):
    def __init__(
        self,
        metrics: Metrics,
        title: str,
        text: str,
        parent: QWidget | None = None,
        *,
        yes_text: str = "Oui",
        no_text: str = "Non",
    ) -> None:
        super().__init__(metrics, title, "ConfirmDialog", parent)
        self.setMinimumWidth(metrics.px(640))  # the question on a few lines, not a column
        self.body.addWidget(self.text_label(text), 1)
        self.yes_button = self.button(yes_text, OK_NAME)
        self.no_button = self.button(no_text, CANCEL_NAME)
        # No default button: Enter must not confirm a deletion by accident.
        self.yes_button.clicked.connect(self.accept)
        self.no_button.clicked.connect(self.reject)
        self.add_actions(self.yes_button, self.no_button)

    def result_value(self) -> bool:
        return self.result() == TouchDialog.DialogCode.Accepted
