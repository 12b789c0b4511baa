"""The board's main window: boxes at their places, live, blinking, touch only.

The window puts the parts together and routes what comes in; each part holds its own
state: the patients, their boxes and cards are the wall's (``ui.wall``), the opened card
``ui.open_card``'s, the patient being moved ``ui.moves``', this screen's filter, masking
and mode ``ui.screen_tools``', the feeds and whether the database answers ``ui.feeds``'.
Data comes in three ways, all ending in :meth:`BoardWindow.put_patients`: the first load,
the change feed (another screen, the inbox, the host's own SQL) and the reload after a
touch action.  A card is rebuilt only when its patient's view changed.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from datetime import datetime

from PySide6.QtCore import QSize
from PySide6.QtGui import QCloseEvent, QFont, QResizeEvent
from PySide6.QtWidgets import QMainWindow, QVBoxLayout, QWidget

from synoptic.db_errors import DatabaseFailure
from synoptic.views import BoardSnapshot, PatientView, Reference
from ui.actions import Actions
from ui.bars import BoardStatusBar, OutageBanner, TopBar
from ui.blink import Blinker
from ui.box import BoxPanel
from ui.colours import colour
from ui.context import UiContext
from ui.feeds import BoardFeeds
from ui.filter import ResponsableFilter
from ui.glance_look import GlanceLook
from ui.live import FeedUpdate
from ui.moves import MoveController
from ui.open_card import OpenCard
from ui.panels import BoxPanels
from ui.placement import Placement
from ui.plain import window_title
from ui.profile import ScreenProfile
from ui.screen_tools import ScreenTools
from ui.theme import StyleSheet
from ui.touch_hold import TouchHold
from ui.updates import LocalRefreshes
from ui.wall import Wall

log = logging.getLogger(__name__)


class BoardWindow(QMainWindow):
    def __init__(
        self,
        ctx: UiContext,
        *,
        live: bool = True,
        timers: bool = True,
        inbox: bool = True,
        stylesheet: StyleSheet | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("Board")
        self.setWindowTitle(window_title("Synoptux"))
        self.ctx = ctx
        self.profile = ScreenProfile.of(ctx.config)  # public: shows, never acts (ui.profile)
        m = ctx.metrics
        font = QFont(self.font())
        font.setPointSize(m.font_pt)
        self.setFont(font)

        display = ctx.config.display
        look = GlanceLook.for_screen(1080, display.scale, colour(display.alarm_color, "#ff0000"))
        self.local = LocalRefreshes()  # patients read again by touch actions (ui.updates)
        self.hold = TouchHold()
        self.blinker = Blinker(ctx.config.timers.blink_s, self)
        self.wall = Wall(ctx, self.blinker, look, is_moving=self._is_moving, opened=self.open_card)
        self.filter = ResponsableFilter(m)
        self.feeds = BoardFeeds(ctx, lambda: self.local.sequence, self)
        # The feeds' parts the board reads (``background`` for the task information too).
        self.live, self.background = self.feeds.live, self.feeds.background
        self.inbox = self.feeds.inbox
        self.touch_actions = Actions(ctx, self)
        self._build_widgets()
        self.mover = MoveController(ctx, self, self.touch_actions, self.panels, self.top_bar)
        self.stylesheet = stylesheet or StyleSheet(self, ctx.config, m)
        self.stylesheet.reloaded.connect(lambda _p: self.status.set_style(self.stylesheet.error))
        self.status.set_style(self.stylesheet.error)
        self._connect_feeds()

        self.load()
        self.feeds.start(live=live, timers=timers, inbox=inbox)
        if timers:
            self.blinker.start()
        self._inbox_changed()
        self.status.set_database(self.live.listening, self.feeds.offline_since)

    def _build_widgets(self) -> None:
        """The bars, the boxes' area and the opened card, their touches connected."""
        m = self.ctx.metrics
        central = QWidget()
        central.setObjectName("BoardCentral")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.top_bar = TopBar(m, self.profile)
        self.move_banner = self.top_bar.move_banner
        self.move_banner.cancel_button.clicked.connect(self.cancel_move)
        self.outage_banner = OutageBanner()
        self.placement = Placement(self.ctx.config, m, self.panels, central)
        self.placement.look_factor = self.wall.look.factor
        for widget in (self.top_bar, self.outage_banner, self.placement.scroll_area):
            column.addWidget(widget, 1 if widget is self.placement.scroll_area else 0)
        self.setCentralWidget(central)
        self.open_card_panel = OpenCard(
            self.ctx,
            self.wall,
            self.touch_actions,
            self.blinker,
            interaction=self.interaction,
            is_moving=self._is_moving,
            area=self.placement.scroll_area,
            parent=central,
        )
        self.open_card_panel.move_requested.connect(self.begin_move)
        self.open_card_panel.name_touched.connect(self.toggle_reveal)
        self.status = BoardStatusBar(m, read_only=self.profile.read_only)
        self.status.rejected_button.clicked.connect(self.show_rejected)
        self.setStatusBar(self.status)
        self.tools = ScreenTools(
            self.ctx,
            self.top_bar,
            self.status,
            self.wall,
            self.placement,
            self.open_card_panel,
            self.filter,
            self,
        )
        self.menu = self.tools.menu  # "Menu": board.menu.add_entry(label, callable)

    def _connect_feeds(self) -> None:
        feeds = self.feeds
        feeds.live.updated.connect(self.apply_update)
        feeds.outage.connect(self._on_outage)
        feeds.restored.connect(self._on_restored)
        feeds.alarm_timer.timeout.connect(self.check_alarms)
        feeds.purger.removed.connect(self._purged)
        feeds.inbox.changed.connect(self._inbox_changed)
        self.blinker.ticked.connect(lambda _phase: self.top_bar.set_clock(self.ctx.clock()))

    # ================================================================== the wall's

    @property
    def patients(self) -> dict[int, PatientView]:
        """The latest view of every patient on the board, by key."""
        return self.wall.patients

    @property
    def reference(self) -> Reference:
        return self.wall.reference

    @property
    def panels(self) -> BoxPanels:
        return self.wall.panels

    # ================================================================== data in

    def load(self) -> None:
        """First load: the feed's revision, then the whole board."""
        try:
            revision = self.live.initial_revision()
            board = self.ctx.reads.board()
        except DatabaseFailure as err:
            self.live.revision = None
            self.report_outage(err)
            return
        self.live.revision = revision
        self.apply_board(board)

    def apply_board(self, board: BoardSnapshot) -> None:
        self.apply_reference(board.reference)
        fresh = {p.pk: p for p in board.patients}
        gone = [pk for pk in self.patients if pk not in fresh]
        self.put_patients(list(fresh.values()), gone)

    def apply_reference(self, reference: Reference) -> None:
        self.stylesheet.set_reference(reference)
        if self.wall.set_reference(reference, self.placement.canvas, self._wire_panel):
            self.placement.layout_panels()
        self.open_card_panel.rename()
        self.check_alarms()

    def interaction(self) -> AbstractContextManager[None]:
        """While a touch is handled (dialogs included), live changes wait, then apply."""
        return self.hold.interaction()

    def apply_update(self, update: FeedUpdate) -> None:
        """A result of the change feed (GUI thread); see ui.updates for the races."""
        if self.hold.when_idle(lambda: self.apply_update(update)):
            return
        self.status.set_database(True)
        reference = update.full.reference if update.full is not None else update.reference
        if reference is not None and reference != self.reference:
            self.apply_reference(reference)
        decision = self.local.decide(update, self.patients)
        self.live.recheck(decision.recheck)
        # Polls end in the order they started: no later result can race these refreshes.
        self.local.forget_until(update.sequence)
        self.put_patients(decision.put, decision.gone)

    def refresh_patients(self, pks: list[int]) -> None:
        """Read these patients now (after a touch action: its effect shows at once)."""
        views = self.ctx.reads.patients(pks)
        if not self.live.in_flight and not self.hold.holding:
            self.local.forget_until(None)  # no poll result pending: nothing can race
        self.local.note(pks)
        found = {v.pk for v in views}
        self.put_patients(list(views), [pk for pk in pks if pk not in found])

    def put_patients(self, views: list[PatientView], gone: list[int]) -> None:
        """Apply fresh views and departures; only changed cards are rebuilt."""
        if self.open_card_panel.pk in gone:
            self.close_card()
        change = self.wall.put(views, gone)
        for old in change.gone:
            self.mover.patient_changed(old, None)
        for old_view, view in change.put:
            self.mover.patient_changed(old_view, view)
            if self.open_card_panel.pk == view.pk:
                self.open_card_panel.refresh(view)
        if change.panels:
            self.placement.layout_panels()
        if not change.boxes:
            return
        self.open_card_panel.rename()
        self.mover.show_targets()  # no box moves: the layout does not depend on patients
        self.status.set_lost([p.box_code for p in self.wall.lost()])
        self.tools.show_state()
        self.tools.show_late()
        self.top_bar.set_clock(self.ctx.clock())

    def _wire_panel(self, panel: BoxPanel) -> None:
        panel.title_touched.connect(self.box_touched)
        panel.patient_dropped.connect(self.patient_dropped)
        panel.geometry_edited.connect(self.placement.geometry_edited)
        panel.card_dropped.connect(self.blinker.unregister)
        panel.set_mode(self.placement.mode)
        panel.set_filter(self.filter.visible)

    def layout_panels(self) -> None:
        self.placement.layout_panels()

    # ================================================================== names

    @property
    def screen_masked(self) -> bool:
        return self.wall.names.screen_masked

    def display_name(self, view: PatientView) -> str:
        """The patient named away from the box (dialogs, move banner)."""
        return self.wall.names_of(view, with_box=True)[0]

    def name_hidden(self, view: PatientView) -> bool:
        return self.wall.names.hidden(view)

    def toggle_reveal(self, pk: int) -> None:
        """On a masked screen, a touch on one name shows it here (and hides it again)."""
        self.wall.toggle_reveal(pk)
        self.open_card_panel.rename()

    # ================================================================== the opened card

    def open_card(self, pk: int, task_num: int = 0) -> None:
        """A touch on a glance card: the patient large, with every action (ui.open_card);
        during a move, the second touch (the card's box is where the patient goes)."""
        view = self.patients.get(pk)
        if view is not None and self.mover.moving is not None:
            self.box_touched(view.box_code)
        elif view is not None and not self.profile.read_only:
            self.open_card_panel.open(view)

    def close_card(self) -> None:
        self.open_card_panel.close_card()

    # ================================================================== moves

    def _is_moving(self, pk: int) -> bool:
        return self.mover.is_moving(pk)

    def begin_move(self, view: PatientView) -> None:
        # The boxes must be in sight for the second touch: the opened card gives way.
        self.close_card()
        self.mover.begin(view)

    def cancel_move(self) -> None:
        self.mover.cancel()

    def box_touched(self, code: str) -> None:
        self.mover.box_touched(code)

    def patient_dropped(self, pk: int, code: str) -> None:
        if self.profile.read_only:
            return
        # Dropped inside the drag's own event loop: move once the drag is over.
        if not self.hold.when_idle(lambda: self.mover.dropped(pk, code)):
            self.mover.dropped(pk, code)

    # ================================================================== time, purges, outage

    def check_alarms(self) -> None:
        """Recompute lateness of every card (``Periodicite_controle_alarme_en_secondes``)."""
        now = self.ctx.clock()
        self.wall.check_alarms()
        self.open_card_panel.track(self.ctx.clock())
        self.tools.show_late()
        self.top_bar.set_clock(now)

    def _purged(self, removed: list[int]) -> None:
        if not self.hold.when_idle(lambda: self._purged(removed)):
            self.put_patients([], removed)

    @property
    def offline(self) -> bool:
        return self.feeds.offline

    def report_outage(self, error: BaseException) -> None:
        self.feeds.report_outage(error)

    def _on_outage(self, since: datetime) -> None:
        self.outage_banner.show_since(since)
        self.status.set_database(False, since)
        self.cancel_move()

    def _on_restored(self) -> None:
        self.outage_banner.hide()
        self.status.set_database(True)

    # ================================================================== misc

    def _inbox_changed(self) -> None:
        listening, text = self.inbox.status()
        self.status.set_inbox(listening, text)
        self.status.set_rejected(len(self.inbox.rejected))

    def show_rejected(self) -> None:
        self.ctx.dialogs.show_info(
            self, "Fichiers d'entrée refusés", self.inbox.rejected_text(self.screen_masked)
        )

    def dialog_parent(self) -> QWidget:
        return self

    def sizeHint(self) -> QSize:
        return QSize(1280, 800)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._follow_screen(event.size().height())

    def _follow_screen(self, height: int) -> None:
        """Sizes follow the screen (the board is full screen on the wall) x ``Echelle``."""
        display = self.ctx.config.display
        look = GlanceLook.for_screen(height, display.scale, self.wall.look.alarm)
        if look == self.wall.look:
            return
        self.placement.look_factor = look.factor
        scale = max(0.01, display.scale)
        self.stylesheet.set_text_scale(max(1.0, look.factor / scale))
        touch = max(self.ctx.metrics.touch, round(self.ctx.metrics.touch * look.factor / scale))
        self.top_bar.set_touch_height(touch)
        self.wall.set_look(look, touch)
        self.placement.request_layout()

    def shutdown(self) -> None:
        self.feeds.stop()
        self.blinker.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
