"""The reference data, one tab per kind: boxes, states, task types, responsables,
destinations and preset comments (the 2.16 manual's "Saisie des données de base")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QWidget

from synoptic.administration import AdminTools
from synoptic.reference_rules import Kind
from ui.admin.dialogs import AdminDialogsLike
from ui.admin.reference_editor import ReferenceEditor
from ui.admin.window import TabbedPage
from ui.metrics import Metrics

__all__ = ["KIND_TABS", "ReferenceWindow"]

KIND_TABS = (
    (Kind.BOX, "Box"),
    (Kind.STATE, "États"),
    (Kind.TASK_TYPE, "Tâches"),
    (Kind.RESPONSABLE, "Responsables"),
    (Kind.DESTINATION, "Destinations"),
    (Kind.PRESET_COMMENT, "Commentaires"),
)


class ReferenceWindow(TabbedPage):
    def __init__(self, metrics: Metrics, admin: AdminTools, dialogs: AdminDialogsLike,
                 clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        self.admin = admin
        self.dialogs = dialogs
        self.clock = clock
        super().__init__(metrics, "Données de base", "ReferenceWindow",
                         [(kind.value, label) for kind, label in KIND_TABS], self._editor,
                         parent, shown=self._shown_again)

    def _editor(self, key: str) -> QWidget:
        return ReferenceEditor(self.metrics, Kind(key), self.admin, self.dialogs, self.clock)

    @staticmethod
    def _shown_again(page: QWidget) -> None:
        if isinstance(page, ReferenceEditor):
            page.refresh()

    def editor(self, kind: Kind) -> ReferenceEditor:
        """The tab of ``kind``, shown (built on first use)."""
        page = self.show_tab(kind.value)
        assert isinstance(page, ReferenceEditor)
        return page
