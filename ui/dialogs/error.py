"""An error message with one big "OK"; ``#ErrorDialog`` lets the stylesheet colour it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.dialogs.base import OK_NAME, TouchDialog
from ui.metrics import Metrics

ERROR_TITLE = "Erreur"


class ErrorDialog(TouchDialog):
    def __init__(self, metrics: Metrics, message: str, parent: QWidget | None = None) -> None:
        super().__init__(metrics, ERROR_TITLE, "ErrorDialog", parent)
        self.body.addWidget(self.text_label(message, "ErrorText"), 1)
        self.ok_button = self.button("OK", OK_NAME)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.accept)
        self.add_actions(self.ok_button)
