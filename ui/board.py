"""The board's main window: boxes at their places, live, blinking, touch only.

State held here: the reference (boxes, states, ...), the latest view of every patient,
the responsable filter, the patient being moved, whether the database answers.  Data comes
in three ways, all ending in :meth:`BoardWindow.put_patients`: the first load, the change
feed (another screen, the inbox, the host's own SQL) and the reload after a touch action.
A card is rebuilt only when its patient's view changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QCloseEvent, QFont, QResizeEvent
from PySide6.QtWidgets import QMainWindow, QMenu, QVBoxLayout, QWidget

from synoptic.db_errors import DatabaseFailure
from synoptic.display import full_name, masked_initials, patient_display_name
from synoptic.domain import BoxType
from synoptic.views import BoardSnapshot, PatientView, Reference
from ui.actions import Actions
from ui.bars import BoardStatusBar, OutageBanner, TopBar
from ui.blink import Blinker
from ui.box import MODE_FRAME, MODE_WINDOW, BoxPanel
from ui.card import PatientCard
from ui.context import UiContext
from ui.filter import ResponsableFilter
from ui.glance import GlanceCard, GlanceLook
from ui.inbox import InboxMonitor
from ui.live import Background, FeedUpdate, LiveFeed
from ui.moves import MoveController
from ui.open_card import OpenCard
from ui.placement import Placement
from ui.plain import set_button_text, window_title
from ui.purge import Purger
from ui.theme import StyleSheet, colour
from ui.updates import LocalRefreshes
from ui.widgets import set_prop

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
        m = ctx.metrics
        font = QFont(self.font())
        font.setPointSize(m.font_pt)
        self.setFont(font)

        self.reference = Reference((), {}, {}, (), {})
        self.patients: dict[int, PatientView] = {}
        self.panels: dict[str, BoxPanel] = {}
        self.filter = ResponsableFilter(ctx.metrics)
        self.screen_masked = ctx.config.display.hide_names_by_default
        self.revealed: set[int] = set()
        self.late_total = 0
        self.late_shown = 0
        self.late_by_patient: dict[int, int] = {}  # kept per card: no walk for one change
        display = ctx.config.display
        self.look = GlanceLook.for_screen(
            1080, display.scale, colour(display.alarm_color, "#ff0000")
        )
        self.offline_since: datetime | None = None
        self.local = LocalRefreshes()  # patients read again by touch actions (ui.updates)
        self._busy = 0  # touches in progress (see Actions.interaction)
        self._held: list[Callable[[], None]] = []
        self.actions = Actions(ctx, self)
        self.mover = MoveController(self)
        self.blinker = Blinker(ctx.config.timers.blink_s, self)

        # --- widgets
        central = QWidget()
        central.setObjectName("BoardCentral")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.top_bar = TopBar(m)
        self.move_banner = self.top_bar.move_banner
        self.outage_banner = OutageBanner()
        self.placement = Placement(ctx.config, m, self.panels, central)
        self.placement.look_factor = self.look.factor
        self.scroll, self.canvas = self.placement.scroll, self.placement.canvas
        for widget in (self.top_bar, self.outage_banner):
            column.addWidget(widget)
        column.addWidget(self.scroll, 1)
        self.setCentralWidget(central)
        self.open_card_panel = OpenCard(m, central)
        self.open_card_panel.close_button.clicked.connect(self.close_card)
        self.open_card_panel.mask_button.clicked.connect(self._mask_everywhere)
        self.status = BoardStatusBar(m)
        self.setStatusBar(self.status)

        bar = self.top_bar
        bar.filter_button.clicked.connect(self.open_filter_menu)
        bar.names_button.clicked.connect(self.toggle_screen_mask)
        bar.mode_button.clicked.connect(self.toggle_mode)
        bar.save_button.clicked.connect(self.save_positions)
        bar.reorganize_button.clicked.connect(self.placement.reorganize)
        self.move_banner.cancel_button.clicked.connect(self.cancel_move)
        self._update_bar()

        self.stylesheet = stylesheet or StyleSheet(self, ctx.config, m)

        # --- live data and timers
        self.background = Background(self)
        self.live = LiveFeed(ctx, self.background, lambda: self.local.sequence, self)
        self.live.updated.connect(self.apply_update)
        self.live.outage.connect(self._on_outage)
        self.live.restored.connect(self._on_restored)
        self.alarm_timer = QTimer(self)
        self.alarm_timer.setInterval(max(100, round(ctx.config.timers.alarm_check_s * 1000)))
        self.alarm_timer.timeout.connect(self.check_alarms)
        self.purger = Purger(ctx, self.background, lambda: self.offline, self)
        self.purger.removed.connect(self._purged)
        self.purger.outage.connect(self.report_outage)
        self.blinker.ticked.connect(lambda _phase: self.top_bar.set_clock(self.ctx.clock()))
        self.inbox = InboxMonitor(ctx, self.background, self)
        self.inbox.changed.connect(self._inbox_changed)
        self.status.rejected_button.clicked.connect(self.show_rejected)

        self.load()
        if live:
            self.live.start(self.live.revision)
        if timers:
            self.blinker.start()
            self.alarm_timer.start()
            self.purger.timer.start()
        if inbox:
            self.inbox.start()
        self._inbox_changed()
        self.status.set_database(self.live.listening, self.offline_since)

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
        boxes_changed = reference.boxes != self.reference.boxes
        self.reference = reference
        self.stylesheet.set_reference(reference)
        if boxes_changed:
            self._rebuild_panels()
        else:
            # Labels, colours of states or task types may have changed: rebuild the cards.
            self._rebuild_cards()
        self.check_alarms()

    @contextmanager
    def interaction(self) -> Iterator[None]:
        """While a touch is handled (dialogs included), live changes wait, then apply."""
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1
            if self._busy == 0 and self._held:
                held, self._held = self._held, []
                for apply in held:
                    apply()

    def _when_idle(self, apply: Callable[[], None]) -> bool:
        """Hold ``apply`` back during a touch; True when it was held."""
        if self._busy:
            self._held.append(apply)
            return True
        return False

    def apply_update(self, update: FeedUpdate) -> None:
        """A result of the change feed (GUI thread); see ui.updates for the races."""
        if self._when_idle(lambda: self.apply_update(update)):
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
        if not self.live.in_flight and not self._held:
            self.local.forget_until(None)  # no poll result pending: nothing can race
        self.local.note(pks)
        found = {v.pk for v in views}
        self.put_patients(list(views), [pk for pk in pks if pk not in found])

    def put_patients(self, views: list[PatientView], gone: list[int]) -> None:
        """Apply fresh views and departures; only changed cards are rebuilt."""
        changed = False
        touched: set[str] = set()  # boxes whose patients changed: masked initials again
        for pk in gone:
            old = self.patients.pop(pk, None)
            self.revealed.discard(pk)
            self.late_by_patient.pop(pk, None)
            if self.open_card_panel.pk == pk:
                self.close_card()
            if old is not None:
                changed = True
                touched.add(old.box_code)
                panel = self.panels.get(old.box_code)
                if panel is not None:
                    panel.remove_patient(pk)
                self.mover.patient_changed(old, None)
        for view in views:
            old = self.patients.get(view.pk)
            if old == view:
                continue
            changed = True
            touched.add(view.box_code)
            if old is not None:
                touched.add(old.box_code)
            if old is not None and old.box_code != view.box_code:
                previous = self.panels.get(old.box_code)
                if previous is not None:
                    previous.remove_patient(view.pk)
            self.patients[view.pk] = view
            panel = self.panels.get(view.box_code)
            if panel is not None:
                card = panel.put_patient(view)
                self._track_card(card)
            else:
                self.late_by_patient.pop(view.pk, None)
            self.mover.patient_changed(old, view)
            if self.open_card_panel.pk == view.pk:
                self._refresh_open_card(view)
        for code in touched:
            self._rename_box(code)
        if changed:
            self._after_change()

    def _after_change(self) -> None:
        self.mover.show_targets()  # no box moves: the layout does not depend on patients
        lost = sorted({p.box_code for p in self.patients.values() if p.box_code not in self.panels})
        if lost:
            count = sum(p.box_code not in self.panels for p in self.patients.values())
            self.status.message_label.setText(
                f"⚠ {count} patient(s) dans un box inconnu : {', '.join(lost)}"
            )
        elif self.status.message_label.text().startswith("⚠"):
            self.status.message_label.setText("")
        self._update_bar()
        self._show_late()
        self.top_bar.set_clock(self.ctx.clock())

    # ================================================================== panels

    def names_of(self, view: PatientView, *, with_box: bool = False) -> tuple[str, str]:
        """The name shown for ``view`` and, masked, its initials (synoptic.display: one rule
        for the glance, the opened card, the dialogs and the banner)."""
        if not self.name_hidden(view):
            return full_name(view), ""
        panel = self.panels.get(view.box_code)
        mates = list(panel.patients.values()) if panel is not None else []
        box = self.reference.box(view.box_code)
        where = (box.label if box else view.box_code) if with_box else ""
        label = self.ctx.config.display.anonymous_label
        name = patient_display_name(view, True, label, box_mates=mates, box=where)
        return name, masked_initials(view, mates)

    def display_name(self, view: PatientView) -> str:
        """The patient named away from the box (dialogs, move banner)."""
        return self.names_of(view, with_box=True)[0]

    def _rename_box(self, code: str) -> None:
        """The names of one box again (masked initials depend on the box mates)."""
        panel = self.panels.get(code)
        if panel is None:
            return
        for pk, card in panel.cards.items():
            card.set_name(*self.names_of(panel.patients[pk]))
        large = self.open_card_panel.card
        if large is not None and large.patient.pk in panel.cards:
            name = self.names_of(large.patient)[0]
            if name != large.name:  # a box mate came or left: the initials follow
                large.set_masking(self.screen_masked, name)
                self._title_open_card(large)

    def _make_card(self, view: PatientView) -> GlanceCard:
        box = self.reference.box(view.box_code)
        name, initials = self.names_of(view)
        card = GlanceCard(
            view,
            self.reference,
            self.look,
            box_type=box.type if box else BoxType.CARE,
            name=name,
            initials=initials,
            now=self.ctx.clock(),
        )
        card.opened.connect(self.open_card)
        if self.mover.is_moving(view.pk):
            card.set_moving(True)
        return card

    def _make_large_card(self, view: PatientView) -> PatientCard:
        box = self.reference.box(view.box_code)
        card = PatientCard(
            self.ctx,
            self.actions,
            view,
            self.reference,
            box_type=box.type if box else BoxType.CARE,
            screen_masked=self.screen_masked,
            name=self.names_of(view)[0],
        )
        card.move_requested.connect(self.begin_move)
        if self.mover.is_moving(view.pk):
            card.set_moving(True)
        return card

    def _track_card(self, card: GlanceCard) -> None:
        """A new or rebuilt card: its lateness, blinking and count (this card only)."""
        if card.update_time(self.ctx.clock()):
            self.blinker.register(card)
        else:
            self.blinker.unregister(card)
        self.late_by_patient[card.patient.pk] = card.late_count

    def _forget_card(self, card: GlanceCard) -> None:
        self.blinker.unregister(card)

    # ================================================================== the opened card

    def open_card(self, pk: int, task_num: int = 0) -> None:
        """A touch on a glance card: the patient large, with every action."""
        view = self.patients.get(pk)
        if view is None:
            return
        panel = self.panels.get(view.box_code)
        old = self.open_card_panel.card
        if old is not None:
            self._forget_large(old)
        card = self._make_large_card(view)
        mask = (
            "Afficher le nom (tous les écrans)"
            if view.hidden
            else "Masquer le nom (tous les écrans)"
        )
        self.open_card_panel.show_card(card, "", mask)
        self._title_open_card(card)
        central = self.centralWidget()
        area = self.scroll.geometry()
        box_rect = None
        if panel is not None:
            top_left = panel.mapTo(central, panel.rect().topLeft())
            box_rect = panel.rect().translated(top_left)
        self.open_card_panel.place(area, box_rect)
        for widget in card.update_time(self.ctx.clock()):
            self.blinker.register(widget)

    def _title_open_card(self, card: PatientCard) -> None:
        view = card.patient
        box = self.reference.box(view.box_code)
        title = f"{card.name_button.fullText()} — {box.label if box else view.box_code}"
        self.open_card_panel.title.setText(title)
        self.open_card_panel.mask_button.setVisible(not self.screen_masked)

    def _refresh_open_card(self, view: PatientView) -> None:
        """The opened patient changed: in place when only task states did, else rebuilt."""
        card = self.open_card_panel.card
        if card is None or card.box_type is not self._box_type(view) or not card.take(view):
            self.open_card(view.pk)
            return
        self._track_large(card)

    def _box_type(self, view: PatientView) -> BoxType:
        box = self.reference.box(view.box_code)
        return box.type if box else BoxType.CARE

    def _track_large(self, card: PatientCard) -> None:
        blinking = set(card.update_time(self.ctx.clock()))
        for widget in card.blink_candidates():
            if widget in blinking:
                self.blinker.register(widget)
            else:
                self.blinker.unregister(widget)

    def opened_card(self) -> PatientCard | None:
        return self.open_card_panel.card

    def close_card(self) -> None:
        self.open_card_panel.close_card(self._forget_large)

    def _forget_large(self, card: PatientCard) -> None:
        for widget in card.blink_candidates():
            self.blinker.unregister(widget)

    def _mask_everywhere(self) -> None:
        """Hide (or show) the name on every screen: deliberate, so confirmed."""
        view = self.open_card_panel.view()
        if view is None:
            return
        hide = not view.hidden
        question = (
            "Masquer le nom de ce patient sur tous les écrans (initiales à la place) ?"
            if hide
            else "Afficher à nouveau le nom de ce patient sur tous les écrans ?"
        )
        title = "Masquer le nom" if hide else "Afficher le nom"
        if self.ctx.dialogs.confirm(self, title, question):
            self.actions.set_hidden(view, hide)

    def _rebuild_panels(self) -> None:
        for panel in self.panels.values():
            panel.setParent(None)
            panel.deleteLater()
        self.panels.clear()  # the same dict: the placement holds it
        for box in self.reference.boxes:
            panel = BoxPanel(self.ctx.metrics, box, self._make_card, self.canvas)
            panel.title_touched.connect(self.box_touched)
            panel.patient_dropped.connect(self.patient_dropped)
            panel.geometry_edited.connect(self.placement.geometry_edited)
            panel.card_dropped.connect(self._forget_card)
            panel.set_mode(self.mode)
            panel.set_filter(self.filter.visible)
            panel.show()
            self.panels[box.code] = panel
        for view in self.patients.values():
            panel = self.panels.get(view.box_code)
            if panel is not None:
                self._track_card(panel.put_patient(view))
        for code in self.panels:
            self._rename_box(code)
        self.layout_panels()

    def layout_panels(self) -> None:
        self.placement.layout_panels()

    @property
    def mode(self) -> str:
        return self.placement.mode

    @property
    def manual_layout(self) -> bool:
        return self.placement.manual_layout

    @property
    def saved_positions(self) -> dict[str, tuple[int, int, int, int]]:
        return self.placement.saved_positions

    # ================================================================== top bar

    def _update_bar(self) -> None:
        bar = self.top_bar
        set_button_text(bar.filter_button, self.filter.label(self.reference))
        set_prop(bar.filter_button, "active", self.filter.active)
        bar.names_button.setText("Afficher les noms" if self.screen_masked else "Masquer les noms")
        bar.mode_button.setText("Mode cadre" if self.mode == MODE_WINDOW else "Mode fenêtre")
        bar.set_window_mode(self.mode == MODE_WINDOW)
        bar.set_clock(self.ctx.clock())

    def filter_choices(self) -> list[tuple[str | None, str]]:
        return self.filter.choices(self.patients.values(), self.reference)

    def open_filter_menu(self) -> None:
        self.filter.open_menu(self.top_bar.filter_button, self.filter_choices(), self.set_filter)

    @property
    def filter_menu(self) -> QMenu | None:
        return self.filter.menu

    def set_filter(self, code: str | None) -> None:
        self.filter.code = code
        for panel in self.panels.values():
            panel.set_filter(self.filter.visible)
        self._update_bar()
        self._show_late()

    def toggle_screen_mask(self) -> None:
        """Mask every name on this screen (public screen) or show them again."""
        self.screen_masked = not self.screen_masked
        self.revealed.clear()
        for code in self.panels:
            self._rename_box(code)  # in place: rebuilding every card froze a wall for seconds
        self._update_bar()
        large = self.open_card_panel.card
        if large is not None and large.screen_masked != self.screen_masked:
            large.set_masking(self.screen_masked, self.names_of(large.patient)[0])
            self._title_open_card(large)

    def toggle_reveal(self, pk: int) -> None:
        """On a masked screen, a touch on one name shows it here (and hides it again)."""
        self.revealed ^= {pk}
        view = self.patients.get(pk)
        if view is not None:
            self._rename_box(view.box_code)  # the opened card's name with it

    def _rebuild_cards(self) -> None:
        for view in self.patients.values():
            panel = self.panels.get(view.box_code)
            if panel is not None:
                self._track_card(panel.put_patient(view))
        for code in self.panels:
            self._rename_box(code)

    def toggle_mode(self) -> None:
        self.set_mode(MODE_FRAME if self.mode == MODE_WINDOW else MODE_WINDOW)

    def set_mode(self, mode: str) -> None:
        self.placement.set_mode(mode)
        self._update_bar()

    def save_positions(self) -> None:
        if self.ctx.config.path is None:
            self.ctx.dialogs.show_error(
                self, "Aucun fichier synoptux.ini n'est utilisé : positions non enregistrées."
            )
            return
        try:
            message = self.placement.save()
        except (OSError, ValueError) as err:
            self.ctx.dialogs.show_error(self, f"Positions non enregistrées : {err}")
            return
        self.status.message_label.setText(message)

    # ================================================================== moves

    @property
    def moving(self) -> PatientView | None:
        return self.mover.moving

    def begin_move(self, view: PatientView) -> None:
        # The boxes must be in sight for the second touch: the opened card gives way.
        self.close_card()
        self.mover.begin(view)

    def cancel_move(self) -> None:
        self.mover.cancel()

    def box_touched(self, code: str) -> None:
        self.mover.box_touched(code)

    def patient_dropped(self, pk: int, code: str) -> None:
        # Dropped inside the drag's own event loop: move once the drag is over.
        if not self._when_idle(lambda: self.mover.dropped(pk, code)):
            self.mover.dropped(pk, code)

    def name_hidden(self, view: PatientView) -> bool:
        return (view.pk not in self.revealed) if self.screen_masked else view.hidden

    # ================================================================== timers

    def check_alarms(self) -> None:
        """Recompute lateness of every card (``Periodicite_controle_alarme_en_secondes``)."""
        now = self.ctx.clock()
        for panel in self.panels.values():
            for card in panel.cards.values():
                self._track_card(card)
        large = self.open_card_panel.card
        if large is not None:
            self._track_large(large)
        self._show_late()
        self.top_bar.set_clock(now)

    def _show_late(self) -> None:
        """Late tasks in the status bar, following the filter (Sortie never counts)."""
        self.late_total = sum(self.late_by_patient.values())
        shown = self.late_total
        name = None
        if self.filter.active:
            shown = sum(
                n
                for pk, n in self.late_by_patient.items()
                if n and self.filter.visible(self.patients[pk])
            )
            resp = self.reference.responsables.get(self.filter.code or "")
            name = resp.name if resp else str(self.filter.code)
        self.late_shown = shown
        self.status.set_late(shown, self.late_total, name)

    def purge(self) -> None:
        """Exit purge and lifetime purge, off the GUI thread (the timer calls it)."""
        self.purger.purge()

    def _purged(self, removed: list[int]) -> None:
        if not self._when_idle(lambda: self._purged(removed)):
            self.put_patients([], removed)

    # ================================================================== outage

    @property
    def offline(self) -> bool:
        return self.offline_since is not None

    def report_outage(self, error: BaseException) -> None:
        self.live.report(error)
        if self.offline_since is None:  # live was not running: show it ourselves
            self._on_outage(self.ctx.clock())

    def _on_outage(self, since: datetime) -> None:
        if self.offline_since is None:
            self.offline_since = since
        self.outage_banner.show_since(self.offline_since)
        self.status.set_database(False, self.offline_since)
        self.cancel_move()

    def _on_restored(self) -> None:
        self.offline_since = None
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
        look = GlanceLook.for_screen(height, display.scale, self.look.alarm)
        if look == self.look:
            return
        self.look = look
        self.placement.look_factor = look.factor
        scale = max(0.01, display.scale)
        self.stylesheet.set_text_scale(max(1.0, look.factor / scale))
        touch = max(self.ctx.metrics.touch, round(self.ctx.metrics.touch * look.factor / scale))
        self.top_bar.set_touch_height(touch)
        for panel in self.panels.values():
            panel.title.setMinimumHeight(touch)
            panel.min_card_width = look.px(220)
            for card in panel.cards.values():
                card.set_look(look)
        self.placement.request_layout()

    def shutdown(self) -> None:
        self.inbox.stop()
        self.live.stop()
        self.blinker.stop()
        self.alarm_timer.stop()
        self.purger.timer.stop()
        self.background.wait(5000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
