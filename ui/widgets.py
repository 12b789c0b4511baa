"""Small building blocks shared by the board's widgets and dialogs: touch buttons (one
builder; some elide their text), kinetic scrolling, glyphs with a fallback, and setting a
dynamic property with a re-polish."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QPushButton,
    QScroller,
    QScrollerProperties,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from ui.blink import repolish
from ui.metrics import Metrics
from ui.plain import button_text, set_button_text, set_plain_tooltip


class Glyphs:
    """The characters the board's font can draw: a symbol, or its fallback (never a box).

    Each character is asked once; the answers belong to this object (one in the
    :class:`ui.context.UiContext`), made for one font: the application's by default."""

    def __init__(self, font: QFont | None = None) -> None:
        self.font = font
        self._drawable: dict[str, bool] = {}

    def _has(self, char: str) -> bool:
        known = self._drawable.get(char)
        if known is None:
            font = self.font if self.font is not None else QApplication.font()
            known = self._drawable[char] = QFontMetrics(font).inFontUcs4(ord(char))
        return known

    def pick(self, preferred: str, fallback: str) -> str:
        """``preferred`` when the font can draw all of it, else ``fallback``."""
        return preferred if all(self._has(c) for c in preferred) else fallback

    def eye(self) -> str:
        """The mark of a task with information to read."""
        return self.pick("👁", "◉")


def set_prop(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property the style sheet reads, re-polishing only on a real change."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    repolish(widget)


def touch_button(
    metrics: Metrics,
    text: str,
    name: str,
    *,
    square: bool = False,
    tooltip: str = "",
    focus: bool = False,
    button: QPushButton | None = None,
) -> QPushButton:
    """A plain button at least ``metrics.touch`` high (and wide when ``square``); Enter
    never fires it.  ``focus``: it takes the keyboard focus when touched (dialogs); the
    board's and the keyboard's never do (a text field keeps its cursor).  ``button``: one
    of a subclass to set up (else a new QPushButton)."""
    button = QPushButton() if button is None else button
    set_button_text(button, text)
    button.setObjectName(name)
    button.setMinimumHeight(metrics.touch)
    button.setMinimumWidth(metrics.touch)
    if square:
        button.setFixedSize(metrics.touch, metrics.touch)
    if not focus:
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setAutoDefault(False)
    if tooltip:
        set_plain_tooltip(button, tooltip)  # a help for the mouse only; the glyph says the same
        button.setAccessibleName(tooltip)
    return button


def make_kinetic(area: QAbstractScrollArea, *, overshoot: bool = True) -> None:
    """Flick to scroll with a finger or the mouse: no scroll bar to aim at.  A list of
    items scrolls by pixels, not rows; without ``overshoot``, no bounce at the ends (the
    boxes of a wall screen)."""
    if isinstance(area, QAbstractItemView):
        area.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        area.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    if not overshoot:
        scroller = QScroller.scroller(area.viewport())
        props = scroller.scrollerProperties()
        off = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
        props.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, off)
        props.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, off)
        scroller.setScrollerProperties(props)


class ElideButton(QPushButton):
    """A touch button whose text is cut with "…" instead of widening the box.

    With ``wrap``, a text too long for one line goes over two, broken between words,
    before anything is cut."""

    def __init__(
        self, metrics: Metrics, text: str, name: str, *, min_width: int = 0, wrap: bool = False
    ) -> None:
        super().__init__()
        self.setObjectName(name)
        self._metrics = metrics
        self._full = ""
        self._dirty = True
        self._wrapped: str | None = None
        self._wrap = wrap
        self._min_width = max(min_width, metrics.touch)
        self.setMinimumHeight(metrics.touch)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoDefault(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFullText(text)

    def fullText(self) -> str:
        return self._full

    def setFullText(self, text: str, *, wrapped: str | None = None) -> None:
        """``text`` on one line; when it does not fit and ``wrapped`` is given (the same
        text over two lines), ``wrapped``; what still does not fit ends with "…"."""
        self._full = text
        self._wrapped = wrapped
        set_plain_tooltip(self, text)
        self.setAccessibleName(text)
        if self.isVisible():
            self._elide()
        else:  # measured once it has its size (resizeEvent), not for every change before
            self._dirty = True
            super().setText(button_text(text))
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        return QSize(self._min_width, self._metrics.touch)

    def sizeHint(self) -> QSize:
        """Room for the whole text on one line, padding and border of the style sheet
        included (the layout then knows when it cuts the text)."""
        # The same room as _elide measures: the button less its contents rectangle.
        frame = self.width() - self._contents_width()
        width = self.fontMetrics().horizontalAdvance(self._full) + frame + 1
        return QSize(max(self._min_width, width), self._metrics.touch)

    def _contents_width(self) -> int:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        contents = self.style().subElementRect(
            QStyle.SubElement.SE_PushButtonContents, option, self
        )
        return contents.width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            # Measured again when next painted: a style sheet sends several of these.
            self._dirty = True
            self.updateGeometry()  # the style sheet's font and padding change the hint
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._dirty:
            self._elide()
        super().paintEvent(event)

    def _two_lines(self, room: int) -> str | None:
        """The text over two lines: as many words on the first as it holds (at least one)."""
        words = self._full.split()
        if len(words) < 2:
            return None
        fm = self.fontMetrics()
        cut = 1
        while cut < len(words) - 1 and fm.horizontalAdvance(" ".join(words[: cut + 1])) <= room:
            cut += 1
        return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])

    def _elide(self) -> None:
        self._dirty = False
        room = max(1, self._contents_width())
        text = self._full
        if self.fontMetrics().horizontalAdvance(text) > room:
            wrapped = self._wrapped or (self._two_lines(room) if self._wrap else None)
            text = wrapped or text
        lines = text.split("\n")
        shown = "\n".join(
            self.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, room) for line in lines
        )
        shown = button_text(shown)  # an "&" of the data shows, it is no mnemonic
        if shown != self.text():
            super().setText(shown)
