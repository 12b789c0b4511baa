"""Which role may do which protected action: a grid of big toggles (actions down, roles
across), saved in one transaction. The administrator's column is always on: nobody can
lock the department out of its own administration."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from synoptic.administration import AdminTools
from synoptic.db_errors import DatabaseFailure
from synoptic.errors import SynoptuxError
from synoptic.permissions import ACTIONS, ADMIN, ROLES
from ui.admin.look import message_label, save_row, say, toggle, wrapped_label
from ui.admin.reference_editor import failure_text
from ui.metrics import Metrics

__all__ = ["PermissionsEditor"]


class PermissionsEditor(QWidget):
    def __init__(self, metrics: Metrics, admin: AdminTools,
                 clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.setObjectName("PermissionsEditor")
        self.admin = admin
        self.clock = clock
        column = QVBoxLayout(self)
        column.setSpacing(metrics.spacing * 2)
        self.message = message_label()
        column.addWidget(self.message)
        grid = QGridLayout()
        grid.setSpacing(metrics.spacing)
        for col, label in enumerate(ROLES.values(), start=1):
            grid.addWidget(wrapped_label(label, "FieldLabel"), 0, col,
                           Qt.AlignmentFlag.AlignHCenter)
        self.toggles: dict[tuple[str, str], QPushButton] = {}
        for row, (action, text) in enumerate(ACTIONS.items(), start=1):
            grid.addWidget(wrapped_label(text[:1].upper() + text[1:], "FieldLabel"), row, 0)
            for col, role in enumerate(ROLES, start=1):
                button = toggle(metrics, "Non", "PermissionToggle")
                button.setMinimumWidth(metrics.px(120))
                button.toggled.connect(lambda on, b=button: b.setText("Oui" if on else "Non"))
                grid.addWidget(button, row, col)
                self.toggles[(role, action)] = button
        grid.setColumnStretch(0, 2)
        column.addLayout(grid)
        column.addStretch(1)
        row_of_actions, self.save_button, self.revert_button = save_row(metrics)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.reload)
        column.addLayout(row_of_actions)
        self.reload()

    def reload(self) -> None:
        try:
            table = self.admin.people.permissions()
        except DatabaseFailure as err:
            say(self.message, failure_text(err))
            return
        for (role, action), button in self.toggles.items():
            button.setChecked(action in table.get(role, frozenset()))
            button.setEnabled(role != ADMIN)  # always every right
        say(self.message, "Le rôle administrateur a toujours tous les droits.", "info")

    def wanted(self) -> dict[str, set[str]]:
        table: dict[str, set[str]] = {role: set() for role in ROLES if role != ADMIN}
        for (role, action), button in self.toggles.items():
            if role != ADMIN and button.isChecked():
                table[role].add(action)
        return table

    def save(self) -> None:
        try:
            changed = self.admin.set_permissions(self.wanted(), now=self.clock())
        except (SynoptuxError, DatabaseFailure) as err:
            say(self.message, failure_text(err))
            return
        self.reload()
        if changed:
            say(self.message, "Droits enregistrés : " + ", ".join(ROLES[r] for r in changed)
                + ".", "ok")
        else:
            say(self.message, "Aucune modification à enregistrer.", "info")
