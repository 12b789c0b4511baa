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
    QDropEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QVBoxLayout,
    QWidget,
)

from synoptic.domain import has_room
from synoptic.store.queries import BoxView, PatientView
from ui.box_frame import BoxTitle, ResizeGrip
from ui.card import PATIENT_MIME
from ui.glance import GlanceCard
from ui.metrics import Metrics
from ui.plain import plain_label, set_plain_tooltip
from ui.widgets import set_prop

CardFactory = Callable[[PatientView], GlanceCard]
MODE_WINDOW = "fenetre"
MODE_FRAME = "cadre"


def order_key(p: PatientView) -> tuple[datetime, int]:
    return (p.entered_at or datetime.min, p.pk)


def make_kinetic(area: QScrollArea) -> None:
    """Flick to scroll, with a finger or the mouse; no overshoot bounce on a wall screen."""
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(area.viewport())
    props = scroller.scrollerProperties()
    off = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
    props.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, off)
    props.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, off)
    scroller.setScrollerProperties(props)


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

        self.scroll = QScrollArea()
        self.scroll.setObjectName("BoxScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.content = QWidget()
        self.content.setObjectName("BoxContent")
        self.list_layout = QVBoxLayout(self.content)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.setSpacing(m.px(3))
        self.list_layout.addStretch(1)
        self.scroll.setWidget(self.content)
        make_kinetic(self.scroll)
        layout.addWidget(self.scroll, 1)
        # "+N": this box holds more patients than it shows (flick the list to see them).
        self.more_label = plain_label(name="MoreLabel")
        self.more_label.setParent(self)
        self.more_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.more_label.hide()
        self._more_pending = QTimer(self)
        self._more_pending.setSingleShot(True)
        self._more_pending.setInterval(0)
        self._more_pending.timeout.connect(self.update_more)
        self.scroll.viewport().installEventFilter(self)
        self.content.installEventFilter(self)
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _v: self.update_more())

        self.grip = ResizeGrip(self, metrics)
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
        self.content.setUpdatesEnabled(False)
        try:
            if old is not None and self.patients[view.pk].entered_at == view.entered_at:
                index = self.list_layout.indexOf(old)
                self._drop_card(view.pk)
            else:
                if old is not None:
                    self._drop_card(view.pk)
                    self.patients.pop(view.pk, None)
                keys = sorted(order_key(p) for p in self.patients.values())
                index = bisect.bisect(keys, order_key(view))
            self.list_layout.insertWidget(index, card)
            card.setVisible(self._visible(view))  # once a child: never a window of its own
            self.cards[view.pk] = card
            self.patients[view.pk] = view
        finally:
            self.content.setUpdatesEnabled(True)
        self._update_title()
        self._more_pending.start()
        return card

    def remove_patient(self, pk: int) -> None:
        if pk in self.cards:
            self._drop_card(pk)
        self.patients.pop(pk, None)
        self._update_title()
        self._more_pending.start()

    def hidden_below(self) -> int:
        """Shown patients (filter) whose card is not wholly in sight in the list."""
        viewport = self.scroll.viewport()
        top = self.scroll.verticalScrollBar().value()
        bottom = top + viewport.height()
        return sum(
            1
            for card in self.cards.values()
            if card.isVisibleTo(self) and (card.y() + card.height() > bottom or card.y() < top)
        )

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
        if watched in (self.scroll.viewport(), self.content) and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.LayoutRequest,
        ):
            self._more_pending.start()
        return super().eventFilter(watched, event)

    def _drop_card(self, pk: int) -> None:
        card = self.cards.pop(pk)
        self.card_dropped.emit(card)
        self.list_layout.removeWidget(card)
        card.hide()
        card.setParent(None)
        card.deleteLater()

    def needed_height(self) -> int:
        """Pixels the title and the visible cards ask for; 0 when no card is shown (the
        automatic layout then gives the box its minimum)."""
        if not any(card.isVisibleTo(self) for card in self.cards.values()):
            return 0
        outer = self.layout()
        margins = outer.contentsMargins()
        return (
            max(self.title.sizeHint().height(), self.title.minimumHeight())
            + outer.spacing()
            + margins.top()
            + margins.bottom()
            + self.content.sizeHint().height()
            + 2 * self.frameWidth()
        )

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

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
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

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self._place_grip()
        self._more_pending.start()

    def _place_grip(self) -> None:
        self.grip.move(self.width() - self.grip.width(), self.height() - self.grip.height())

    def end_drag(self) -> None:
        self._drag_origin = None
        self.geometry_edited.emit(self.box.code)

    def rect_tuple(self) -> tuple[int, int, int, int]:
        g = self.geometry()
        return (g.x(), g.y(), g.width(), g.height())
