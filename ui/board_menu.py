"""The board's "Menu": big touch entries, and the way into the administration.

The top bar's "Menu" button (care and administration screens; a public screen has
none) opens :class:`MenuDialog`, one big button per entry; a touch closes the menu, then
runs the entry.  The board adds "Administration…"; other windows add theirs::

    board.menu.add_entry("Statistiques…", lambda: open_statistics(board))

:class:`AdminDoor` opens the administration (``ui.admin.menu.open_admin``) with the
board's layout tools (window/frame mode, "Réorganiser", "Enregistrer les positions"),
which live in the administration menu.  When nobody can identify yet (no administrator
password in the ini, no active person with a PIN allowed to administrate: a fresh
install), it opens the menu with the layout tools only, so that a new department can
still arrange its wall, and says how to set a password.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget

from synoptic.administration import ADMIN_ACTIONS
from synoptic.db_errors import DatabaseFailure
from ui.admin.dialogs import AdminDialogs, AdminDialogsLike, running
from ui.admin.keypad import Access
from ui.admin.menu import AdminMenu, LayoutTools, admin_tools, open_admin
from ui.context import UiContext
from ui.dialogs.base import CLOSE_NAME, TouchDialog
from ui.dialogs.button_grid import ButtonGrid
from ui.live import database_error_message
from ui.metrics import Metrics

__all__ = ["ADMIN_ENTRY", "AdminDoor", "BoardMenu", "MenuDialog"]

ADMIN_ENTRY = "Administration…"


class MenuDialog(TouchDialog):
    """The entries as big buttons, and "Fermer"; a touch on an entry closes, then runs."""

    def __init__(self, metrics: Metrics, entries: list[tuple[str, Callable[[], object]]],
                 parent: QWidget | None = None) -> None:
        super().__init__(metrics, "Menu", "BoardMenu", parent)
        self.setMinimumWidth(metrics.px(560))
        self.grid = ButtonGrid(metrics, self)
        self.entries: dict[str, QPushButton] = {}
        for label, run in entries:
            button = self.grid.add_button(label, "BoardMenuEntry")
            button.clicked.connect(lambda _=False, r=run: self._close_then(r))
            self.entries[label] = button
        self.grid.arrange(metrics.px(520), metrics.px(480))
        self.body.addWidget(self.grid)
        self.close_button = self.button("Fermer", CLOSE_NAME)
        self.close_button.clicked.connect(self.reject)
        self.add_actions(self.close_button)

    def _close_then(self, run: Callable[[], object]) -> None:
        self.accept()
        run()


class BoardMenu:
    """The entries of the board's menu, in the order they were added."""

    def __init__(self, metrics: Metrics, parent: QWidget) -> None:
        self.metrics = metrics
        self.parent = parent
        self.entries: list[tuple[str, Callable[[], object]]] = []
        self.dialog: MenuDialog | None = None

    def add_entry(self, label: str, run: Callable[[], object]) -> None:
        """One more entry (French text, "…" when it opens a window); ``run`` is called
        once the menu is closed.  A label already there is replaced."""
        self.entries = [(text, call) for text, call in self.entries if text != label]
        self.entries.append((label, run))

    def labels(self) -> list[str]:
        return [label for label, _run in self.entries]

    def open(self) -> MenuDialog:
        """Show the menu over the board (modal, without blocking the caller)."""
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = MenuDialog(self.metrics, self.entries, self.parent)
        self.dialog.open()
        return self.dialog


class AdminDoor:
    """Opens the administration from the board (``Menu`` → "Administration…", or the
    top bar's "Administration" on an administration screen).  ``dialogs``: the questions'
    answers (tests pass ``tests/ui_admin_support.FakeAdminDialogs``)."""

    def __init__(self, ctx: UiContext, parent: QWidget, layout: LayoutTools) -> None:
        self.ctx = ctx
        self.parent = parent
        self.layout = layout
        self.dialogs: AdminDialogsLike | None = None

    def _asks(self) -> AdminDialogsLike:
        return self.dialogs or AdminDialogs(self.ctx.metrics, self.ctx.dialogs)

    def open(self) -> Access | None:
        tools = admin_tools(self.ctx)
        try:
            nobody = not tools.has_password and not tools.unlockers(ADMIN_ACTIONS)
        except DatabaseFailure as err:
            self._asks().show_error(self.parent, database_error_message(err))
            return None
        if not nobody:
            return open_admin(self.parent, self.ctx, toggle_mode=self.layout.toggle_mode,
                              reorganize=self.layout.reorganize,
                              save_positions=self.layout.save_positions, dialogs=self.dialogs)
        access = Access(tools.actor, None, frozenset())
        with running(AdminMenu(self.ctx, tools, access, self._asks(), self.layout,
                               self.parent)):
            pass
        return access
