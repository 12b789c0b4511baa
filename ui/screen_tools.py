"""The top bar's touches: this screen's own choices, none written to the database.

Whose patients are shown (the responsable filter: box occupancy still counts everybody),
every name masked on this screen or not, the board's menu (``ui.board_menu``: the
administration and what others add), and the layout tools the administration menu
offers: frame or window mode, "Réorganiser", the boxes' positions saved to
``[Positions_fenetres]``.  The late tasks in the status bar follow the filter.  A public
screen (``ui.profile``) has none of these buttons.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.admin.menu import LayoutTools
from ui.bars import BoardStatusBar, TopBar
from ui.board_menu import ADMIN_ENTRY, AdminDoor, BoardMenu
from ui.box import MODE_FRAME, MODE_WINDOW
from ui.context import UiContext
from ui.filter import ResponsableFilter
from ui.history_window import open_history
from ui.late_list import late_rows
from ui.open_card import OpenCard
from ui.placement import Placement
from ui.stats_window import open_statistics
from ui.wall import Wall

STATISTICS_ENTRY = "Statistiques…"
HISTORY_ENTRY = "Historique…"


class ScreenTools:
    def __init__(
        self,
        ctx: UiContext,
        bar: TopBar,
        status: BoardStatusBar,
        wall: Wall,
        placement: Placement,
        opened: OpenCard,
        filter_: ResponsableFilter,
        parent: QWidget,
    ) -> None:
        self.ctx = ctx
        self.bar = bar
        self.status = status
        self.wall = wall
        self.placement = placement
        self.opened = opened
        self.filter = filter_
        self.parent = parent  # the board: the dialogs' parent
        self.layout = LayoutTools(self.toggle_mode, placement.reorganize, self.save_positions)
        self.admin = AdminDoor(ctx, parent, self.layout)
        self.menu = BoardMenu(ctx.metrics, parent)
        self.menu.add_entry(ADMIN_ENTRY, self.admin.open)
        self.menu.add_entry(STATISTICS_ENTRY, lambda: open_statistics(parent, ctx))
        self.menu.add_entry(HISTORY_ENTRY, lambda: open_history(parent, ctx))
        for button, run in (
            (bar.filter_button, self.open_filter_menu),
            (bar.names_button, self.toggle_screen_mask),
            (bar.menu_button, self.menu.open),
            (bar.admin_button, self.admin.open),
        ):
            if button in bar.tools:
                button.clicked.connect(run)
        status.late_touched.connect(self.open_late_list)
        self.show_state()

    def open_late_list(self) -> None:
        """A touch on the late count: every late task it counts, the latest first; a touch
        on one opens that patient's card (not during a move: its banner holds the bar)."""
        if self.bar.move_banner.isVisible():
            return
        rows = late_rows(self.wall.patients.values(), self.wall.reference, self.ctx.clock(),
                         self.filter.visible,
                         lambda view: self.wall.names_of(view)[0])  # late_rows adds the box
        pk = self.ctx.dialogs.choose_late_task(self.parent, rows)
        view = self.wall.patients.get(pk) if pk is not None else None
        if view is not None:
            self.opened.open(view)

    def show_state(self) -> None:
        self.bar.show_state(
            self.filter.label(self.wall.reference),
            filter_labels=self.filter.all_labels(self.wall.reference),
            filter_active=self.filter.active,
            screen_masked=self.wall.names.screen_masked,
            now=self.ctx.clock(),
        )

    def show_late(self) -> None:
        """Late tasks in the status bar, following the filter (Sortie never counts)."""
        total = self.wall.late_total
        shown = self.wall.late_shown(self.filter.visible) if self.filter.active else total
        self.status.set_late(shown, total, self.filter.who(self.wall.reference))

    # ------------------------------------------------------------------ filter

    def open_filter_menu(self) -> None:
        choices = self.filter.choices(self.wall.patients.values(), self.wall.reference)
        self.filter.open_menu(self.bar.filter_button, choices, self.set_filter)

    def set_filter(self, code: str | None) -> None:
        self.filter.code = code
        for panel in self.wall.panels.values():
            panel.set_filter(self.filter.visible)
        self.show_state()
        self.show_late()

    # ------------------------------------------------------------------ names

    def toggle_screen_mask(self) -> None:
        """Mask every name on this screen (public screen) or show them again."""
        self.wall.toggle_screen_mask()
        self.show_state()
        self.opened.rename(masking_changed=True)

    # ------------------------------------------------------------------ boxes

    def toggle_mode(self) -> None:
        self.set_mode(MODE_FRAME if self.placement.mode == MODE_WINDOW else MODE_WINDOW)

    def set_mode(self, mode: str) -> None:
        self.placement.set_mode(mode)
        self.show_state()

    def save_positions(self) -> None:
        if self.ctx.config.path is None:
            message = "Aucun fichier synoptux.ini n'est utilisé : positions non enregistrées."
            self.ctx.dialogs.show_error(self.parent, message)
            return
        try:
            message = self.placement.save()
        except (OSError, ValueError) as err:
            self.ctx.dialogs.show_error(self.parent, f"Positions non enregistrées : {err}")
            return
        self.status.message_label.setText(message)
