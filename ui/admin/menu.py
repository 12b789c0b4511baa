"""The administration menu and its one entry point for the board: :func:`open_admin`.

It first asks who is there (the administrator password, or the PIN of a person whose
role may edit the reference data or manage access: ``ui.admin.unlock``), then offers,
as big buttons, what that person may do: the reference data (``modifier_reference``);
persons and PINs, the roles' rights, the settings and the style sheet (``gerer_acces``);
and the board's layout tools the board passes in ("Mode fenêtre / plein écran",
"Réorganiser", "Enregistrer les positions"), which close the menu and run. Every change
made from there is in the history in the name of the person who unlocked it (the
screen's name with the password). A public screen (``[Interface] Profil=public``) has no
administration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QPushButton, QWidget

from synoptic.administration import AdminTools
from synoptic.db_errors import DatabaseFailure
from synoptic.permissions import EDIT_REFERENCE, MANAGE_ACCESS
from synoptic.views import Reference
from ui.admin.css_editor import CssEditor
from ui.admin.dialogs import AdminDialogs, AdminDialogsLike, running
from ui.admin.keypad import Access
from ui.admin.look import add_admin_rules
from ui.admin.permissions_editor import PermissionsEditor
from ui.admin.persons import PersonsEditor
from ui.admin.reference_window import ReferenceWindow
from ui.admin.settings_form import SettingsForm
from ui.admin.window import AdminPage
from ui.context import UiContext
from ui.dialogs.base import CLOSE_NAME, TouchDialog
from ui.dialogs.button_grid import ButtonGrid
from ui.profile import PUBLIC

__all__ = ["NOBODY_YET", "AdminMenu", "LayoutTools", "admin_tools", "open_admin"]

NOBODY_YET = ("Aucun mot de passe administrateur ni code PIN n'est encore défini\u00a0: seule la "
              "disposition du tableau est proposée. Pour le reste, définissez un mot de passe "
              "(synoptux set-admin-password).")

@dataclass(frozen=True)
class LayoutTools:
    """The board's own actions the menu offers (the board passes them in)."""

    toggle_mode: Callable[[], None]
    reorganize: Callable[[], None]
    save_positions: Callable[[], None]


def admin_tools(ctx: UiContext) -> AdminTools:
    """The screen's tools: made once and kept in the context (its keypad's lock must
    outlive a closed menu)."""
    if ctx.admin is None:
        ctx.admin = AdminTools.of(ctx.services, ctx.config)
    return ctx.admin


def _empty_reference() -> Reference:
    return Reference(boxes=(), states={}, task_types={}, destinations=(), responsables={})


class AdminMenu(TouchDialog):
    """The menu; ``pages`` are run modally from it (each one its own window)."""

    def __init__(self, ctx: UiContext, admin: AdminTools, access: Access,
                 dialogs: AdminDialogsLike, layout: LayoutTools,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.metrics, "Administration", "AdminMenu", parent)
        self.ctx = ctx
        self.admin = admin
        self.access = access
        self.dialogs = dialogs
        self.layout_tools = layout
        self.setMinimumWidth(ctx.metrics.px(760))
        who = access.person
        if who is not None:
            opened_by = f"Ouvert par {who.name or who.code} ({who.role_label})"
        elif access.actions:
            opened_by = "Ouvert avec le mot de passe administrateur"
        else:  # nobody can identify yet (ui.board_menu): the layout only
            opened_by = NOBODY_YET
        self.body.addWidget(self.text_label(opened_by, "DialogPatient"))
        self.entries: dict[str, QPushButton] = {}
        may_edit, may_manage = access.may(EDIT_REFERENCE), access.may(MANAGE_ACCESS)
        self.grid = self._group("Configuration du service")
        self._entry("reference", "Données de base", may_edit, self.open_reference)
        self._entry("persons", "Personnes et codes PIN", may_manage, self.open_persons)
        self._entry("permissions", "Droits des rôles", may_manage, self.open_permissions)
        self._entry("settings", "Réglages (synoptux.ini)",
                    may_manage and ctx.config.path is not None, self.open_settings)
        self._entry("css", "Feuille de style", may_manage, self.open_css)
        self._arrange()
        self.grid = self._group("Disposition du tableau")
        self._entry("mode", "Mode fenêtre / plein écran", True, layout.toggle_mode, closes=True)
        self._entry("reorganize", "Réorganiser", True, layout.reorganize, closes=True)
        self._entry("positions", "Enregistrer les positions", True, layout.save_positions,
                    closes=True)
        self._arrange()
        self.close_button = self.button("Fermer", CLOSE_NAME)
        self.close_button.clicked.connect(self.reject)
        self.add_actions(self.close_button)
        add_admin_rules(self, ctx.metrics)

    def _group(self, title: str) -> ButtonGrid:
        self.group_title = self.text_label(title, "FieldLabel")
        self.body.addWidget(self.group_title)
        grid = ButtonGrid(self.metrics, self)
        self.body.addWidget(grid)
        return grid

    def _arrange(self) -> None:
        """The group as arranged; a group with no entry for this person, title included,
        is not shown (a heading over nothing)."""
        m = self.metrics
        self.grid.arrange(m.px(720), m.px(300), m.px(300))
        self.grid.setVisible(bool(self.grid.buttons))
        self.group_title.setVisible(bool(self.grid.buttons))

    def _entry(self, key: str, text: str, shown: bool, run: Callable[[], None], *,
               closes: bool = False) -> None:
        """A button, only for what this person may do (what is refused is not shown)."""
        if not shown:
            return
        button = self.grid.add_button(text, "AdminMenuEntry")
        button.setProperty("entry", key)
        button.clicked.connect((lambda: self._close_then(run)) if closes else run)
        self.entries[key] = button

    def _close_then(self, run: Callable[[], None]) -> None:
        self.accept()
        run()

    def _page(self, title: str, name: str, content: QWidget) -> None:
        page = AdminPage(self.metrics, title, name, self.parentWidget())
        page.set_content(content)
        with running(page):
            pass

    def open_reference(self) -> None:
        window = ReferenceWindow(self.metrics, self.admin, self.dialogs, self.ctx.clock,
                                 self.parentWidget())
        with running(window):
            pass

    def open_persons(self) -> None:
        self._page("Personnes et codes PIN", "PersonsWindow",
                   PersonsEditor(self.metrics, self.admin, self.dialogs, self.ctx.clock))

    def open_permissions(self) -> None:
        self._page("Droits des rôles", "PermissionsWindow",
                   PermissionsEditor(self.metrics, self.admin, self.ctx.clock))

    def open_settings(self) -> None:
        path = self.ctx.config.path
        if path is not None:
            self._page("Réglages (synoptux.ini)", "SettingsWindow",
                       SettingsForm(self.metrics, path, self.dialogs))

    def open_css(self) -> None:
        self._page("Feuille de style (synoptux.css)", "CssWindow",
                   CssEditor(self.metrics, self.ctx.config, self._reference))

    def _reference(self) -> Reference:
        try:
            return self.ctx.reads.reference()
        except DatabaseFailure:
            return _empty_reference()  # the preview then shows placeholders


def open_admin(parent: QWidget | None, ctx: UiContext, *, toggle_mode: Callable[[], None],
               reorganize: Callable[[], None], save_positions: Callable[[], None],
               dialogs: AdminDialogsLike | None = None) -> Access | None:
    """Ask who is there, then show the menu (modal); returns who opened it, or None."""
    asks = dialogs if dialogs is not None else AdminDialogs(ctx.metrics, ctx.dialogs)
    if ctx.config.interface.profile == PUBLIC:
        asks.show_error(parent, "Écran public (Profil=public) : pas d'administration sur "
                        "cet écran.")
        return None
    tools = admin_tools(ctx)
    access = asks.unlock(parent, tools, ctx.clock)
    if access is None:
        return None
    layout = LayoutTools(toggle_mode, reorganize, save_positions)
    menu = AdminMenu(ctx, tools.acting_as(access.actor), access, asks, layout, parent)
    with running(menu):
        pass
    return access
