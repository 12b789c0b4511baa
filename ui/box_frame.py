"""The frame of a box panel: its title (label and occupancy; a touch target during a move;
the handle that drags the panel in window mode) and its resize corner (window mode)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from ui.metrics import Metrics
from ui.plain import button_text
from ui.widgets import set_prop


class BoxTitle(QPushButton):
    """Touch: destination of a move.  In window mode, dragging it moves the panel."""

    dragged = Signal(QPoint)  # offset since the press
    drag_finished = Signal()

    def __init__(self, metrics: Metrics) -> None:
        super().__init__()
        self.setObjectName("BoxTitle")
        self.setMinimumHeight(metrics.touch)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.draggable = False
        self._press: QPoint | None = None
        self._dragging = False
        self._label = ""
        self._count = ""
        self._margin = metrics.margin
        self._title_pt = metrics.title_font_pt
        self.setProperty("compact", False)

    def set_parts(self, label: str, count: str) -> None:
        """The box label (cut with "…" when needed) and its occupancy, always visible."""
        self._label, self._count = label, count
        self._render()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._render()

    def _render(self) -> None:
        # A label too long for the title's size takes the text size ("compact") before
        # it is cut: "Absence prolongée" reads better smaller than as "Absence pro…".
        if self.width() > 0:
            set_prop(self, "compact", not self._fits(self._big_font()))
        fm = self.fontMetrics()
        tail = f"   {self._count}"
        room = max(1, self.width() - 2 * self._margin - fm.horizontalAdvance(tail))
        label = fm.elidedText(self._label, Qt.TextElideMode.ElideRight, room)
        text = button_text(label + tail)  # an "&" of the label shows, it is no mnemonic
        if text != self.text():
            self.setText(text)

    def _big_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSize(self._title_pt)
        return font

    def _fits(self, font: QFont) -> bool:
        fm = QFontMetrics(font)
        text = f"{self._label}   {self._count}"
        return fm.horizontalAdvance(text) <= self.width() - 2 * self._margin

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.globalPosition().toPoint() if self.draggable else None
        self._dragging = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None:
            offset = event.globalPosition().toPoint() - self._press
            if self._dragging or offset.manhattanLength() > self.height() // 4:
                self._dragging = True
                self.setDown(False)
                self.dragged.emit(offset)
                return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self._dragging = False
            self._press = None
            self.setDown(False)
            self.drag_finished.emit()
            return  # a drag is not a touch on the title
        self._press = None
        super().mouseReleaseEvent(event)


class ResizeGrip(QWidget):
    """The corner a finger drags to resize its parent, the panel (window mode only):
    ``resize_to(width, height)`` while the finger moves, ``finished()`` when it lifts."""

    def __init__(
        self,
        panel: QWidget,
        metrics: Metrics,
        resize_to: Callable[[int, int], None],
        finished: Callable[[], None],
    ) -> None:
        super().__init__(panel)
        self.setObjectName("ResizeGrip")
        self.panel = panel
        self._resize_to = resize_to
        self._finished = finished
        self.setFixedSize(metrics.touch, metrics.touch)
        self.setCursor(Qt.CursorShape.SizeFDiagCursor)
        self._start: tuple[QPoint, QRect] | None = None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = self.palette().color(self.foregroundRole())
        painter.setPen(colour)
        w, h = self.width(), self.height()
        for i in range(1, 4):  # three diagonal strokes, the usual "resize" mark
            d = i * w // 4
            painter.drawLine(w - d, h - 2, w - 2, h - d)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._start = (event.globalPosition().toPoint(), self.panel.geometry())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is None:
            return
        origin, geometry = self._start
        delta = event.globalPosition().toPoint() - origin
        self._resize_to(geometry.width() + delta.x(), geometry.height() + delta.y())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._start is not None:
            self._start = None
            self._finished()
