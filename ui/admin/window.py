"""The frame of every administration window: as big as the board's window, its title and a
big "Fermer" at the top, the page below; optionally a row of tabs (big buttons) switching
pages built on first use."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QStackedWidget, QWidget

from ui.admin.look import ChoiceRow, admin_rules
from ui.dialogs.base import CLOSE_NAME, TouchDialog, available_area
from ui.metrics import Metrics

__all__ = ["AdminPage", "TabbedPage"]

DEFAULT_SIZE = QSize(1280, 800)


class AdminPage(TouchDialog):
    def __init__(self, metrics: Metrics, title: str, object_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(metrics, title, object_name, parent)
        area = available_area(parent) if parent is not None else DEFAULT_SIZE
        self.resize(area)
        self.body.setContentsMargins(*(metrics.margin,) * 4)
        self.body.removeWidget(self.title_label)
        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        self.close_button = self.button("Fermer ✕", CLOSE_NAME)
        self.close_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.close_button.clicked.connect(self.accept)
        header.addWidget(self.close_button)
        self.body.insertLayout(0, header)

    def set_content(self, widget: QWidget) -> None:
        widget.setStyleSheet(admin_rules(self.metrics))  # see look.add_admin_rules
        self.body.addWidget(widget, 1)


class TabbedPage(AdminPage):
    """Pages by tab: ``tabs`` are ``(key, label)``; ``build(key)`` makes a page the first
    time its tab is touched."""

    def __init__(self, metrics: Metrics, title: str, object_name: str,
                 tabs: Sequence[tuple[str, str]], build: Callable[[str], QWidget],
                 parent: QWidget | None = None, *,
                 shown: Callable[[QWidget], None] | None = None) -> None:
        super().__init__(metrics, title, object_name, parent)
        self._build = build
        self._shown = shown  # called each time a page already built is shown again
        self.tabs = ChoiceRow(metrics, tabs, columns=len(tabs), name="AdminTab")
        self.body.addWidget(self.tabs)
        self.stack = QStackedWidget()
        self.set_content(self.stack)
        self.pages: dict[str, QWidget] = {}
        self.tabs.changed.connect(self._tab)
        if tabs:
            self.show_tab(tabs[0][0])

    def _tab(self, key: str) -> None:
        if self.tabs.buttons[key].isChecked():
            self.show_tab(key)

    def show_tab(self, key: str) -> QWidget:
        if key not in self.pages:
            self.pages[key] = self._build(key)
            self.stack.addWidget(self.pages[key])
        elif self._shown is not None and self.stack.currentWidget() is not self.pages[key]:
            self._shown(self.pages[key])
        self.tabs.set_value(key)
        self.stack.setCurrentWidget(self.pages[key])
        return self.pages[key]
