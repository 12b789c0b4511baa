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

from PySide6.QtCore import QEvent, QObject, QSize, QTimer
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QFrame,
    QMainWindow,
    QMenu,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from synoptic.config import save_positions
from synoptic.domain import BoxType, is_late
from synoptic.store import queries
from synoptic.store.queries import BoardSnapshot, PatientView, Reference
from ui.actions import Actions
from ui.bars import BoardStatusBar, OutageBanner, TopBar
from ui.blink import Blinker
from ui.box import MODE_FRAME, MODE_WINDOW, BoxPanel
from ui.card import PatientCard
from ui.context import UiContext
from ui.inbox import InboxMonitor
from ui.layout import LayoutBox, LayoutSpec, bounding_size, complete_layout
from ui.live import Background, FeedUpdate, LiveFeed
from ui.moves import MoveController
from ui.theme import StyleSheet
from ui.widgets import set_prop

log = logging.getLogger(__name__)
ALL = None  # the "Tous" filter


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
        self.setWindowTitle("Synoptux")
        self.ctx = ctx
        m = ctx.metrics
        font = QFont(self.font())
        font.setPointSize(m.font_pt)
        self.setFont(font)

        self.reference = Reference((), {}, {}, (), {})
        self.patients: dict[int, PatientView] = {}
        self.panels: dict[str, BoxPanel] = {}
        self.filter_code: str | None = ALL
        self.screen_masked = ctx.config.display.hide_names_by_default
        self.revealed: set[int] = set()
        self.mode = MODE_WINDOW if ctx.config.display.mode == "Fenetre" else MODE_FRAME
        self.saved_positions = dict(ctx.config.positions)
        self.manual_layout = bool(self.saved_positions)
        self.late_total = 0
        self.offline_since: datetime | None = None
        self._sequence = 0  # counts local reloads, so an older feed result never wins
        self._local: dict[int, int] = {}
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
        self.scroll = QScrollArea()
        self.scroll.setObjectName("BoardScroll")
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(False)
        self.canvas = QWidget()
        self.canvas.setObjectName("BoardCanvas")
        self.canvas.setProperty("mode", self.mode)
        self.scroll.setWidget(self.canvas)
        self.scroll.viewport().installEventFilter(self)
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self.layout_panels)
        # No kinetic scrolling here: nested QScrollers (this one and each box's) swallow
        # presses.  The board fits the screen; when saved positions do not, its scroll bars
        # are wide enough for a finger (synoptux.css).
        for widget in (self.top_bar, self.outage_banner):
            column.addWidget(widget)
        column.addWidget(self.scroll, 1)
        self.setCentralWidget(central)
        self.status = BoardStatusBar(m)
        self.setStatusBar(self.status)

        bar = self.top_bar
        bar.filter_button.clicked.connect(self.open_filter_menu)
        bar.names_button.clicked.connect(self.toggle_screen_mask)
        bar.mode_button.clicked.connect(self.toggle_mode)
        bar.save_button.clicked.connect(self.save_positions)
        self.move_banner.cancel_button.clicked.connect(self.cancel_move)
        self.filter_menu: QMenu | None = None
        self._update_bar()

        self.stylesheet = stylesheet or StyleSheet(self, ctx.config, m)

        # --- live data and timers
        self.background = Background(self)
        self.live = LiveFeed(ctx, self.background, lambda: self._sequence, self)
        self.live.updated.connect(self.apply_update)
        self.live.outage.connect(self._on_outage)
        self.live.restored.connect(self._on_restored)
        self.alarm_timer = QTimer(self)
        self.alarm_timer.setInterval(max(100, round(ctx.config.timers.alarm_check_s * 1000)))
        self.alarm_timer.timeout.connect(self.check_alarms)
        self.purge_timer = QTimer(self)
        self.purge_timer.setInterval(max(1000, round(ctx.config.timers.inbox_check_s * 1000)))
        self.purge_timer.timeout.connect(self.purge)
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
            self.purge_timer.start()
        if inbox:
            self.inbox.start()
        self._inbox_changed()
        self.status.set_database(self.live.listening, self.offline_since)

    # ================================================================== data in

    def load(self) -> None:
        """First load: the feed's revision, then the whole board."""
        try:
            revision = self.live.initial_revision()
            with self.ctx.store.read() as session:
                board = queries.load_board(session, self.ctx.store.models)
        except SQLAlchemyError as err:
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
        """A result of the change feed (GUI thread)."""
        if self._when_idle(lambda: self.apply_update(update)):
            return
        self.status.set_database(True)
        newer_here = {pk for pk, seq in self._local.items() if seq > update.sequence}
        if update.full is not None:
            if update.full.reference != self.reference:
                self.apply_reference(update.full.reference)
            fresh = [p for p in update.full.patients if p.pk not in newer_here]
            present = {p.pk for p in update.full.patients}
            gone = [pk for pk in self.patients if pk not in present and pk not in newer_here]
            self.put_patients(fresh, gone)
            return
        if update.reference is not None and update.reference != self.reference:
            self.apply_reference(update.reference)
        wanted = update.patient_pks - newer_here
        fresh = [p for p in update.patients if p.pk in wanted]
        found = {p.pk for p in update.patients}
        self.put_patients(fresh, [pk for pk in wanted if pk not in found])

    def refresh_patients(self, pks: list[int]) -> None:
        """Read these patients now (after a touch action: its effect shows at once)."""
        with self.ctx.store.read() as session:
            views = queries.load_patients(session, self.ctx.store.models, pks=pks)
        self._sequence += 1
        for pk in pks:
            self._local[pk] = self._sequence
        found = {v.pk for v in views}
        self.put_patients(list(views), [pk for pk in pks if pk not in found])

    def put_patients(self, views: list[PatientView], gone: list[int]) -> None:
        """Apply fresh views and departures; only changed cards are rebuilt."""
        changed = False
        for pk in gone:
            old = self.patients.pop(pk, None)
            self.revealed.discard(pk)
            if old is not None:
                changed = True
                panel = self.panels.get(old.box_code)
                if panel is not None:
                    panel.remove_patient(pk)
                self.mover.patient_changed(old, None)
        for view in views:
            old = self.patients.get(view.pk)
            if old == view:
                continue
            changed = True
            if old is not None and old.box_code != view.box_code:
                previous = self.panels.get(old.box_code)
                if previous is not None:
                    previous.remove_patient(view.pk)
            self.patients[view.pk] = view
            panel = self.panels.get(view.box_code)
            if panel is not None:
                card = panel.put_patient(view)
                self._track_card(card)
            self.mover.patient_changed(old, view)
        if changed:
            self._after_change()

    def _after_change(self) -> None:
        self.mover.show_targets()
        lost = sorted({p.box_code for p in self.patients.values() if p.box_code not in self.panels})
        if lost:
            count = sum(p.box_code not in self.panels for p in self.patients.values())
            self.status.message_label.setText(
                f"⚠ {count} patient(s) dans un box inconnu : {', '.join(lost)}"
            )
        elif self.status.message_label.text().startswith("⚠"):
            self.status.message_label.setText("")
        self._update_bar()
        self.check_alarms()

    # ================================================================== panels

    def _make_card(self, view: PatientView) -> PatientCard:
        box = self.reference.box(view.box_code)
        card = PatientCard(
            self.ctx,
            self.actions,
            view,
            self.reference,
            box_type=box.type if box else BoxType.CARE,
            screen_masked=self.screen_masked,
            revealed=view.pk in self.revealed,
        )
        card.move_requested.connect(self.begin_move)
        if self.mover.is_moving(view.pk):
            card.set_moving(True)
        return card

    def _track_card(self, card: PatientCard) -> None:
        for widget in card.update_time(self.ctx.clock()):
            self.blinker.register(widget)

    def _forget_card(self, card: PatientCard) -> None:
        for widget in card.blink_candidates():
            self.blinker.unregister(widget)

    def _rebuild_panels(self) -> None:
        for panel in self.panels.values():
            panel.setParent(None)
            panel.deleteLater()
        self.panels = {}
        for box in self.reference.boxes:
            panel = BoxPanel(self.ctx.metrics, box, self._make_card, self.canvas)
            panel.title_touched.connect(self.box_touched)
            panel.patient_dropped.connect(self.patient_dropped)
            panel.geometry_edited.connect(self._geometry_edited)
            panel.card_dropped.connect(self._forget_card)
            panel.set_mode(self.mode)
            panel.set_filter(self._visible)
            panel.show()
            self.panels[box.code] = panel
        for view in self.patients.values():
            panel = self.panels.get(view.box_code)
            if panel is not None:
                panel.put_patient(view)
        self.layout_panels()

    def layout_panels(self) -> None:
        m = self.ctx.metrics
        d = self.ctx.config.display
        viewport = self.scroll.viewport().size()
        width = max(viewport.width(), m.px(300))
        height = max(viewport.height(), m.px(220))
        # Largeur_Box is the narrowest a column may be; a wider one shows a task's
        # state buttons on one line (see TaskRow).
        spec = LayoutSpec(
            width=width,
            height=height,
            column_width=max(d.box_width, m.px(360)),
            min_column_width=max(min(d.box_width, m.px(360)), m.px(260)),
            min_height=m.px(200),
            comfortable_height=m.px(340),
            gap=m.spacing,
        )
        boxes = [LayoutBox(b.code, b.type, b.capacity) for b in self.reference.boxes]
        saved = self.saved_positions if self.manual_layout else {}
        rects = complete_layout(boxes, saved, spec, (d.box_width, d.box_height))
        for code, (x, y, w, h) in rects.items():
            self.panels[code].setGeometry(x, y, w, h)
        need_w, need_h = bounding_size(rects)
        self.canvas.resize(max(need_w, viewport.width()), max(need_h, viewport.height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The room for the boxes changed (window resized, outage banner shown...).
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            if not self.manual_layout:
                self._relayout.start()
            else:
                self._fit_canvas()
        return super().eventFilter(watched, event)

    def _fit_canvas(self) -> None:
        viewport = self.scroll.viewport().size()
        rects = {code: p.rect_tuple() for code, p in self.panels.items()}
        need_w, need_h = bounding_size(rects)
        self.canvas.resize(max(need_w, viewport.width()), max(need_h, viewport.height()))

    def _geometry_edited(self, code: str) -> None:
        """A box moved or resized by hand: the layout is the user's from now on."""
        if not self.manual_layout:
            self.manual_layout = True
            self.saved_positions = {c: p.rect_tuple() for c, p in self.panels.items()}
        self.saved_positions[code] = self.panels[code].rect_tuple()
        self._fit_canvas()

    # ================================================================== top bar

    def _update_bar(self) -> None:
        bar = self.top_bar
        name = "Tous"
        if self.filter_code is not ALL:
            resp = self.reference.responsables.get(self.filter_code or "")
            name = resp.name if resp else str(self.filter_code)
        bar.filter_button.setText(f"Responsable : {name} ▾")
        set_prop(bar.filter_button, "active", self.filter_code is not ALL)
        bar.names_button.setText("Afficher les noms" if self.screen_masked else "Masquer les noms")
        bar.mode_button.setText("Mode cadre" if self.mode == MODE_WINDOW else "Mode fenêtre")
        bar.set_clock(self.ctx.clock())

    def filter_choices(self) -> list[tuple[str | None, str]]:
        """("Tous" or a responsable) with the number of their patients on the board."""
        counts: dict[str | None, int] = {}
        for p in self.patients.values():
            counts[p.responsable] = counts.get(p.responsable, 0) + 1
        choices: list[tuple[str | None, str]] = [(ALL, f"Tous ({len(self.patients)})")]
        codes = [
            r.code for r in self.reference.responsables.values() if r.active or counts.get(r.code)
        ]
        codes += sorted(c for c in counts if c and c not in self.reference.responsables)
        for code in codes:
            resp = self.reference.responsables.get(code)
            choices.append((code, f"{resp.name if resp else code} ({counts.get(code, 0)})"))
        return choices

    def open_filter_menu(self) -> None:
        menu = QMenu(self)
        menu.setObjectName("FilterMenu")
        menu.setMinimumWidth(self.ctx.metrics.touch * 6)
        for code, text in self.filter_choices():
            mark = "✔ " if code == self.filter_code else "    "
            action = menu.addAction(mark + text)
            action.setData(code)
            action.triggered.connect(lambda _=False, c=code: self.set_filter(c))
        self.filter_menu = menu
        button = self.top_bar.filter_button
        menu.popup(button.mapToGlobal(button.rect().bottomLeft()))

    def _visible(self, view: PatientView) -> bool:
        return self.filter_code is ALL or view.responsable == self.filter_code

    def set_filter(self, code: str | None) -> None:
        self.filter_code = code
        for panel in self.panels.values():
            panel.set_filter(self._visible)
        self._update_bar()

    def toggle_screen_mask(self) -> None:
        """Mask every name on this screen (public screen) or show them again."""
        self.screen_masked = not self.screen_masked
        self.revealed.clear()
        self._rebuild_cards()
        self._update_bar()

    def toggle_reveal(self, pk: int) -> None:
        """On a masked screen, a touch on one name shows it here (and hides it again)."""
        self.revealed ^= {pk}
        view = self.patients.get(pk)
        panel = self.panels.get(view.box_code) if view else None
        if view is not None and panel is not None:
            self._track_card(panel.put_patient(view))

    def _rebuild_cards(self) -> None:
        for view in self.patients.values():
            panel = self.panels.get(view.box_code)
            if panel is not None:
                self._track_card(panel.put_patient(view))

    def toggle_mode(self) -> None:
        self.set_mode(MODE_FRAME if self.mode == MODE_WINDOW else MODE_WINDOW)

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        set_prop(self.canvas, "mode", mode)
        for panel in self.panels.values():
            panel.set_mode(mode)
        self._update_bar()

    def current_positions(self) -> dict[str, tuple[int, int, int, int]]:
        return {code: panel.rect_tuple() for code, panel in self.panels.items()}

    def save_positions(self) -> None:
        path = self.ctx.config.path
        if path is None:
            self.ctx.dialogs.show_error(
                self, "Aucun fichier synoptux.ini n'est utilisé : positions non enregistrées."
            )
            return
        positions = self.current_positions()
        try:
            save_positions(path, positions)
        except (OSError, ValueError) as err:
            self.ctx.dialogs.show_error(self, f"Positions non enregistrées : {err}")
            return
        self.saved_positions = positions
        self.manual_layout = True
        self.status.message_label.setText(f"Positions enregistrées dans {path}")

    # ================================================================== moves

    @property
    def moving(self) -> PatientView | None:
        return self.mover.moving

    def begin_move(self, view: PatientView) -> None:
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
                blinking = {id(w) for w in card.update_time(now)}
                for widget in card.blink_candidates():
                    if id(widget) in blinking:
                        self.blinker.register(widget)
                    else:
                        self.blinker.unregister(widget)
        self.late_total = sum(is_late(t, now) for p in self.patients.values() for t in p.tasks)
        self.status.set_late(self.late_total)
        self.top_bar.set_clock(now)

    def purge(self) -> None:
        """Exit purge and lifetime purge, off the GUI thread; the feed shows the result."""
        if self.offline_since is not None:
            return
        timers = self.ctx.config.timers
        now = self.ctx.clock()
        services = self.ctx.services
        self.background.submit(
            lambda: services.purge(
                now=now,
                exit_delay_min=timers.exit_purge_delay_min,
                max_lifetime_s=timers.max_lifetime_s,
            ),
            self._purged,
            self._purge_failed,
        )

    def _purged(self, result: object) -> None:
        if self._when_idle(lambda: self._purged(result)):
            return
        removed = list(getattr(result, "exits_removed", ())) + list(
            getattr(result, "lifetime_removed", ())
        )
        if removed:
            self.put_patients([], removed)

    def _purge_failed(self, err: BaseException) -> None:
        if isinstance(err, SQLAlchemyError):
            self.report_outage(err)
        else:
            log.error("purge failed: %s", err)

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
        self.ctx.dialogs.show_info(self, "Fichiers d'entrée refusés", self.inbox.rejected_text())

    def dialog_parent(self) -> QWidget:
        return self

    def sizeHint(self) -> QSize:
        return QSize(1280, 800)

    def shutdown(self) -> None:
        self.inbox.stop()
        self.live.stop()
        self.blinker.stop()
        self.alarm_timer.stop()
        self.purge_timer.stop()
        self.background.wait(5000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
