"""A box panel: its title (label, occupancy/capacity; the target of a move) and its cards.

The list scrolls by flicking it (kinetic scrolling, finger or mouse), the scroll bar is
only a hint.  In ``Fenetre`` mode the title drags the panel and the corner grip resizes
it; in ``Cadre`` mode the panel is fixed and frameless (style sheet: ``[mode="cadre"]``).
Cards are keyed by patient: a changed patient replaces its card alone, so the scroll
position and the other cards stay as they are.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from synoptic.domain import has_room
from synoptic.views import BoxView, PatientView
from ui.box_frame import BoxTitle, ResizeGrip
from ui.card import PATIENT_MIME
from ui.glance import GlanceCard
from ui.metrics import Metrics
from ui.plain import plain_label, set_plain_tooltip
from ui.widgets import make_kinetic, set_prop

CardFactory = Callable[[PatientView], GlanceCard]
MODE_WINDOW = "fenetre"
MODE_FRAME = "cadre"


def order_key(p: PatientView) -> tuple[datetime, int]:
    return (p.entered_at or datetime.min, p.pk)


class BoxPanel(QFrame):
    title_touched = Signal(str)  # box code
    patient_dropped = Signal(int, str)  # patient key, box code
    geometry_edited = Signal(str)  # box code: moved or resized by hand
    card_dropped = Signal(object)  # a GlanceCard replaced or removed (deleted later)

    def __init__(
        self, metrics: Metrics, box: BoxView, make_card: CardFactory, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("BoxPanel")
        self.metrics = metrics
        self.box = box
        self.make_card = make_card
        self.patients: dict[int, PatientView] = {}  # every patient in the box
        self.cards: dict[int, GlanceCard] = {}
        self._visible: Callable[[PatientView], bool] = lambda _p: True
        self.setProperty("boxCode", box.code)
        self.setProperty("boxType", box.type.value)
        self.setProperty("mode", MODE_FRAME)
        self.setProperty("target", "none")
        self.setProperty("full", False)
        self.setAcceptDrops(True)

        layout = QVBoxLayout(self)
        m = metrics
        layout.setContentsMargins(m.px(3), m.px(3), m.px(3), m.px(3))
        layout.setSpacing(m.px(3))
        self.title = BoxTitle(metrics)
        self.title.setProperty("boxCode", box.code)
        self.title.setProperty("target", "none")
        self.title.clicked.connect(lambda: self.title_touched.emit(self.box.code))
        self.title.dragged.connect(self._drag_panel)
        self.title.drag_finished.connect(self.end_drag)
        layout.addWidget(self.title)

        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("BoxScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Cards are placed by hand (:meth:`arrange`): in one or more columns, as dense as
        # the box needs to show every patient (see ui.glance densities).
        self.content = QWidget()
        self.content.setObjectName("BoxContent")
        self.order: list[int] = []  # patients in order of arrival
        self.columns = 1
        self.density = 0
        self.min_card_width = m.px(220)
        self.card_gap = m.px(3)
        self.scroll_area.setWidget(self.content)
        make_kinetic(self.scroll_area, overshoot=False)  # no bounce on a wall screen
        layout.addWidget(self.scroll_area, 1)
        # "+N": this box holds more patients than it shows (flick the list to see them).
        self.more_label = plain_label(name="MoreLabel")
        self.more_label.setParent(self)
        self.more_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.more_label.hide()
        self._more_pending = QTimer(self)
        self._more_pending.setSingleShot(True)
        self._more_pending.setInterval(0)
        self._more_pending.timeout.connect(self.arrange)
        self.scroll_area.viewport().installEventFilter(self)
        self.content.installEventFilter(self)
        self._pressed_at: QPoint | None = None  # a tap on the free space (see _body_touch)
        self.scroll_area.verticalScrollBar().valueChanged.connect(lambda _v: self.update_more())

        self.grip = ResizeGrip(self, metrics, self.resize_to, self._geometry_edited)
        self.grip.hide()
        self._drag_origin: QPoint | None = None
        self._update_title()

    # ------------------------------------------------------------------ patients

    def set_filter(self, visible: Callable[[PatientView], bool]) -> None:
        self._visible = visible
        for pk, card in self.cards.items():
            card.setVisible(visible(self.patients[pk]))
        self._more_pending.start()

    def put_patient(self, view: PatientView) -> GlanceCard:
        """Add the patient or replace its card (only this card is rebuilt)."""
        old = self.cards.get(view.pk)
        card = self.make_card(view)
        if old is not None:
            card.setGeometry(old.geometry())  # in place at once; arrange() confirms
            card.set_density(old.density)
            self._drop_card(view.pk)
        if old is None or self.patients[view.pk].entered_at != view.entered_at:
            if view.pk in self.order:
                self.order.remove(view.pk)
            self.patients.pop(view.pk, None)
            keys = [order_key(self.patients[pk]) for pk in self.order]
            self.order.insert(bisect.bisect(keys, order_key(view)), view.pk)
        card.setParent(self.content)
        card.setVisible(self._visible(view))
        self.cards[view.pk] = card
        self.patients[view.pk] = view
        self._update_title()
        self._more_pending.start()
        return card

    def remove_patient(self, pk: int) -> None:
        if pk in self.cards:
            self._drop_card(pk)
        self.patients.pop(pk, None)
        if pk in self.order:
            self.order.remove(pk)
        self._update_title()
        self._more_pending.start()

    def hidden_below(self) -> int:
        """Shown patients (filter) whose name is not in sight in the list."""
        viewport = self.scroll_area.viewport()
        top = self.scroll_area.verticalScrollBar().value()
        bottom = top + viewport.height()
        return sum(
            1
            for card in self.cards.values()
            if card.isVisibleTo(self) and (card.y() + card.name_height() > bottom or card.y() < top)
        )

    def _plan(self, cards: list[GlanceCard], width: int, columns: int) -> int:
        """Height of ``cards`` in ``columns`` columns of ``width`` (rows of equal height)."""
        gap = self.card_gap
        card_w = (width - gap * (columns - 1)) // columns
        total = 0
        for start in range(0, len(cards), columns):
            row = cards[start : start + columns]
            total += max(c.heightForWidth(card_w) for c in row) + gap
        return max(0, total - gap)

    def arrange(self) -> None:
        """Place the shown cards: the fewest columns and the fullest cards that fit the
        box; when nothing fits, the densest, and "+N" says how many are out of sight."""
        self._more_pending.stop()
        viewport = self.scroll_area.viewport()
        width, height = max(1, viewport.width()), max(1, viewport.height())
        cards = [self.cards[pk] for pk in self.order if self.cards[pk].isVisibleTo(self)]
        most = max(
            1, min(len(cards), (width + self.card_gap) // (self.min_card_width + self.card_gap))
        )
        choice = (2, most)
        if cards:
            done = False
            for density in (0, 1, 2):
                for card in cards:
                    card.set_density(density)
                for columns in range(1, most + 1):
                    if self._plan(cards, width, columns) <= height:
                        choice, done = (density, columns), True
                        break
                if done:
                    break
        self.density, self.columns = choice
        gap = self.card_gap
        card_w = (width - gap * (self.columns - 1)) // self.columns
        y = 0
        for start in range(0, len(cards), self.columns):
            row = cards[start : start + self.columns]
            for card in row:
                card.set_density(self.density)
            row_h = max(c.heightForWidth(card_w) for c in row)
            for i, card in enumerate(row):
                card.setGeometry(i * (card_w + gap), y, card_w, card.heightForWidth(card_w))
            y += row_h + gap
        self.content.setMinimumHeight(max(0, y - gap))
        self.update_more()

    def update_more(self) -> None:
        hidden = self.hidden_below()
        label = self.more_label
        if hidden == 0:
            label.hide()
            return
        label.setText(f"+{hidden} ▾")
        label.adjustSize()
        m = self.metrics
        w, h = label.width() + m.px(12), max(label.height(), m.px(26))
        label.setGeometry(self.width() - w - m.px(6), self.height() - h - m.px(4), w, h)
        label.show()
        label.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.content and isinstance(event, QMouseEvent):
            self._body_touch(event)
        if watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            self._more_pending.start()
        elif watched is self.content and event.type() == QEvent.Type.LayoutRequest:
            self._more_pending.start()  # a card's height changed (folded, a task more)
        return super().eventFilter(watched, event)

    def _body_touch(self, event: QMouseEvent) -> None:
        """A tap on the box's free space counts as a touch on its title (the second touch
        of a move lands anywhere in the box); a flick that scrolls the list does not."""
        point = event.position().toPoint()
        if event.type() == QEvent.Type.MouseButtonPress:
            self._pressed_at = point
        elif event.type() == QEvent.Type.MouseButtonRelease and self._pressed_at is not None:
            pressed, self._pressed_at = self._pressed_at, None
            still = (point - pressed).manhattanLength() < QApplication.startDragDistance()
            if still and self.content.childAt(point) is None:
                self.title_touched.emit(self.box.code)

    def _drop_card(self, pk: int) -> None:
        card = self.cards.pop(pk)
        self.card_dropped.emit(card)
        card.hide()
        card.setParent(None)
        card.deleteLater()

    def count(self) -> int:
        """Every patient in the box, whatever the filter (capacity ignores the filter)."""
        return len(self.patients)

    def has_room(self) -> bool:
        return has_room(self.box.capacity, self.count())

    def _update_title(self) -> None:
        cap = self.box.capacity
        count = f"{self.count()}/{cap}" if cap and cap > 0 else f"{self.count()}"
        self.title.set_parts(self.box.label, count)
        set_plain_tooltip(self.title, f"{self.box.label} ({self.box.type.value}) — {count}")
        full = not self.has_room()
        set_prop(self, "full", full)
        set_prop(self.title, "full", full)

    # ------------------------------------------------------------------ moves

    def set_target(self, state: str) -> None:
        """``none``, ``possible``, ``refused`` (full) or ``source``, for the style sheet."""
        set_prop(self, "target", state)
        set_prop(self.title, "target", state)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(PATIENT_MIME):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(PATIENT_MIME):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        data = event.mimeData().data(PATIENT_MIME)
        try:
            pk = int(bytes(data.data()).decode())
        except ValueError:
            return
        event.acceptProposedAction()
        self.patient_dropped.emit(pk, self.box.code)

    # ------------------------------------------------------------------ window mode

    def set_mode(self, mode: str) -> None:
        set_prop(self, "mode", mode)
        window = mode == MODE_WINDOW
        self.title.draggable = window
        self.grip.setVisible(window)
        if window:
            self._place_grip()
            self.grip.raise_()

    def resize_to(self, width: int, height: int) -> None:
        m = self.metrics
        self.resize(max(m.touch * 4, width), max(m.touch * 3, height))

    def _drag_panel(self, offset: QPoint) -> None:
        if self._drag_origin is None:
            self._drag_origin = self.pos()
            self.raise_()  # above its neighbours while it moves
        target = self._drag_origin + offset
        self.move(max(0, target.x()), max(0, target.y()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_grip()
        self._more_pending.start()

    def _place_grip(self) -> None:
        self.grip.move(self.width() - self.grip.width(), self.height() - self.grip.height())

    def end_drag(self) -> None:
        self._drag_origin = None
        self._geometry_edited()

    def _geometry_edited(self) -> None:
        self.geometry_edited.emit(self.box.code)

    def rect_tuple(self) -> tuple[int, int, int, int]:
        g = self.geometry()
        return (g.x(), g.y(), g.width(), g.height())
