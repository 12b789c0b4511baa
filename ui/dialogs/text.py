"""Edit a short text (a comment): the only dialog that needs a keyboard."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSizePolicy, QWidget

from ui.dialogs.base import CANCEL_NAME, OK_NAME, TouchDialog
from ui.metrics import Metrics


class TextDialog(TouchDialog):
    def __init__(
        self,
        metrics: Metrics,
        title: str,
        initial: str,
        max_length: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(metrics, title, "TextDialog", parent)
        self.line_edit = QLineEdit()
        self.line_edit.setObjectName("DialogLineEdit")
        self.line_edit.setMaxLength(max_length)  # the column's size: longer would be cut
        self.line_edit.setText(initial)
        self.line_edit.setMinimumHeight(metrics.touch)
        self.line_edit.setMinimumWidth(metrics.px(560))
        # A finger-sized "Effacer" rather than QLineEdit's tiny clear icon.
        self.clear_button = self.button("Effacer", "DialogClear")
        self.clear_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.clear_button.clicked.connect(self._clear)
        row = QHBoxLayout()
        row.setSpacing(metrics.spacing)
        row.addWidget(self.line_edit, 1)
        row.addWidget(self.clear_button)
        self.body.addLayout(row)
        self.ok_button = self.button("Valider", OK_NAME)
        self.cancel_button = self.button("Annuler", CANCEL_NAME)
        self.ok_button.setDefault(True)  # Enter in the line edit validates
        self.ok_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        self.add_actions(self.ok_button, self.cancel_button)
        self.line_edit.setFocus()
        self.line_edit.selectAll()

    def _clear(self) -> None:
        self.line_edit.clear()
        self.line_edit.setFocus()

    def result_value(self) -> str | None:
        if self.result() != TouchDialog.DialogCode.Accepted:
            return None
        return self.line_edit.text()
