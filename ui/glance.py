"""The glance card: one patient read from a few metres, painted by one widget.

What staff need without opening anything: the name (or distinct initials on a masked
screen), the comment and the responsable, where an absent patient is and since when
(``→ Radiologie 10:20``), the destination and exit time in Sortie, and every task as a
chip in its state colour; a late task carries ``⚠`` and how late it is (``+25 min``), a
folded late patient too.  Lateness is never shown by colour alone.

A card is one widget (the large card with every action opens on a touch, see
``ui.open_card``): no style sheet is applied to its parts, its text is measured once per
width, and blinking repaints only the late chips (:meth:`GlanceCard.set_blink`).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QRegion,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from synoptic.domain import BoxType
from synoptic.views import PatientView, Reference
from ui.colours import RESPONSABLE_GREY, colour
from ui.glance_layout import Arrangement, GlanceLayout
from ui.glance_look import Chip, GlanceLook, chip_picture, mark_picture, metrics_of, shape_of
from ui.glance_paint import detail_layout, paint_detail, paint_frame, paint_name
from ui.glance_text import chips_at, detail_choices, late_mark, name_choices, others_text
from ui.glance_text import responsable_choices as short_names
from ui.plain import set_plain_tooltip


class GlanceCard(QWidget):
    """One patient at a glance; a touch emits :attr:`opened` (the large card)."""

    opened = Signal(int, int)  # patient key, task number touched (0: none)

    def __init__(
        self,
        patient: PatientView,
        reference: Reference,
        look: GlanceLook,
        *,
        box_type: BoxType,
        name: str,
        initials: str = "",
        now: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("GlanceCard")
        self.patient = patient
        self.reference = reference
        self.look = look
        self.box_type = box_type
        # The name as synoptic.display gives it; masked: with the initials told apart in the box.
        self.name = name
        self.initials = initials
        self.moving = False
        self.density = 0  # 0: everything; 1: no comment line; 2: late tasks only
        self.blink_on = False
        self._pressed = False
        self._layout_width = -1
        self._chip_rects: list[QRect] = []
        self._detail_lines: list[str] = []
        self._pictures: dict[tuple[int, bool, int, int], QPixmap] = {}
        self._layout = GlanceLayout()
        self._height = 0
        self.chips: list[Chip] = []
        self.late_count = 0  # late tasks at the last update_time
        self.most_late: int | None = None  # minutes of the latest one
        # Opaque: a blink repaints a chip without Qt painting the box and the list under it.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        resp = reference.responsables.get(patient.responsable or "")
        code = patient.responsable or ""
        self.responsable_choices = short_names(resp.name if resp else code, code)
        self.responsable_colour = colour(resp.color if resp else "", RESPONSABLE_GREY)
        set_plain_tooltip(self, name)
        self.update_time(now)

    # ------------------------------------------------------------------ content

    def full_name(self) -> str:
        return self.name

    def set_name(self, name: str, initials: str) -> None:
        """Masked or shown in place (the names button, a box mate arriving): no card built
        again; repainted and measured again only when the name changed."""
        if (name, initials) == (self.name, self.initials):
            return
        self.name, self.initials = name, initials
        set_plain_tooltip(self, name)
        self.update()  # the name is fitted when painted: no size changes

    @property
    def folded(self) -> bool:
        return self.patient.folded or self.box_type.folds_patients

    def detail_text(self) -> str:
        """The second line: where an absent or leaving patient is, else the comment."""
        return self.detail_choices()[0]

    def detail_choices(self) -> list[str]:
        """The second line, longest first: the first that fits is drawn (never cut when
        it says where the patient is)."""
        return detail_choices(self.patient, self.box_type, self.now)

    def name_choices(self) -> list[str]:
        """The name, longest first: full, first name as an initial, initials alone."""
        return name_choices(self.patient, self.name, self.initials)

    def painted_name(self) -> str:
        """The name as painted at the card's width (tests read what is on screen)."""
        lk = self.look
        fm = metrics_of(lk.name_px, True)
        width = self.width() - lk.pad * 2 - lk.px(4)
        if self.folded and self._late_mark():
            width = self._late_mark_rect().x() - lk.pad - lk.px(4) - lk.gap
        choices = self.name_choices()
        name = next((n for n in choices if fm.horizontalAdvance(n) <= width), choices[-1])
        return fm.elidedText(name, Qt.TextElideMode.ElideRight, max(1, width))

    def painted_detail(self) -> tuple[list[str], str]:
        """The detail lines and the responsable as painted (tests read what is on screen)."""
        lk = self.look
        self._arrange(self.width())
        room = self.width() - lk.pad * 2 - lk.px(4)
        return detail_layout(
            lk, self._detail_lines, room, self.responsable_choices, self.box_type.folds_patients
        )

    def update_time(self, now: datetime) -> bool:
        """Recompute lateness at ``now``; True when something of this card blinks."""
        self.now = now
        chips = chips_at(self.patient, self.reference, self.box_type, now, self.look.alarm)
        before = self.chips
        changed = [c.text for c in chips] != [c.text for c in before]
        # "+25 min" becoming "+26 min" keeps every size: repainted, not laid out again.
        reshaped = [shape_of(c.text) for c in chips] != [shape_of(c.text) for c in before]
        was_late = self.most_late
        self.chips = chips
        late = [c.late for c in chips if c.late is not None]
        self.late_count = len(late)
        self.most_late = max(late) if late else None
        if reshaped:
            self._forget_layout()
            self.updateGeometry()
            self.update()
        elif changed or was_late != self.most_late:
            self._pictures.clear()
            self.update()
        return self.late_count > 0

    # ------------------------------------------------------------------ geometry

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._lay_out(width)[0]

    def sizeHint(self) -> QSize:
        width = max(self.width(), self.look.px(200))
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.look.px(120), self.heightForWidth(max(self.width(), self.look.px(120))))

    def set_density(self, density: int) -> None:
        if density != self.density:
            self.density = density
            self._layout_width = -1
            self.update()

    def shown_chips(self) -> list[Chip]:
        """The chips painted: all, or at density 2 the late ones (and a count of the rest)."""
        if self.folded:
            return []
        if self.density < 2:
            return self.chips
        return [c for c in self.chips if c.late is not None]

    def others_text(self) -> str:
        """At density 2, how many tasks on time are not drawn (beside the name)."""
        if self.folded or self.density < 2:
            return ""
        return others_text(self.chips)

    def has_detail_line(self) -> bool:
        if self.box_type.folds_patients:
            return True  # where the patient is: never dropped
        return self.density == 0 and bool(self.detail_text() or self.responsable_choices)

    def set_look(self, look: GlanceLook) -> None:
        if look != self.look:
            self.look = look
            self._forget_layout()
            self.updateGeometry()
            self.update()

    def _arrange(self, width: int) -> None:
        """Lines and chip rectangles for ``width`` (measured once per width and density)."""
        if width == self._layout_width:
            return
        self._layout_width = width
        self._pictures.clear()
        self._height, self._detail_lines, self._chip_rects = self._lay_out(width)

    def _lay_out(self, width: int) -> Arrangement:
        known = self._layout.known(width, self.density)
        if known is not None:
            return known
        return self._layout.arrange(
            width,
            self.density,
            self.look,
            details=self.detail_choices() if self.has_detail_line() else [],
            where=self.box_type.folds_patients,
            chips=[c.text for c in self.shown_chips()],
        )

    def _forget_layout(self) -> None:
        """Content or sizes changed: measure again."""
        self._layout_width = -1
        self._layout.forget()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(self.width())

    # ------------------------------------------------------------------ blink

    def set_blink(self, on: bool) -> None:
        """The blink timer's phase: repaint only what blinks (late chips, folded name)."""
        if on == self.blink_on:
            return
        self.blink_on = on
        if self.folded:
            self.update(self._late_mark_rect())
            return
        self._arrange(self.width())
        for chip, rect in zip(self.shown_chips(), self._chip_rects, strict=False):
            if chip.late is not None:
                self.update(rect)

    def name_height(self) -> int:
        """The card's top down to the bottom of its name line."""
        return self.look.pad + metrics_of(self.look.name_px, True).height()

    def _late_mark_rect(self) -> QRect:
        lk = self.look
        fm = metrics_of(lk.chip_px, True)
        w = fm.horizontalAdvance(shape_of(self._late_mark())) + lk.px(12)
        h = metrics_of(lk.name_px, True).height()
        return QRect(self.width() - lk.pad - w, lk.pad, w, h)

    def _late_mark(self) -> str:
        return late_mark(self.most_late)

    # ------------------------------------------------------------------ touch

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed = True
            self._pictures.clear()
            self.update()  # pressed: shown at once
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        was = self._pressed
        self._pressed = False
        self._pictures.clear()
        self.update()
        if was and self.rect().contains(event.position().toPoint()):
            self.opened.emit(self.patient.pk, self.task_at(event.position().toPoint()))

    def task_at(self, point: QPoint) -> int:
        """The number of the task whose chip is under ``point`` (0: none)."""
        self._arrange(self.width())
        for chip, rect in zip(self.shown_chips(), self._chip_rects, strict=False):
            if rect.contains(point):
                return chip.task.num
        return 0

    def touch_point(self, task_num: int = 0) -> QPoint:
        """Where a finger touches this card: the chip of task ``task_num`` (``task_at`` finds
        it again), else the middle of the name line (bench/soak_board.py touches here)."""
        self._arrange(self.width())
        for chip, rect in zip(self.shown_chips(), self._chip_rects, strict=False):
            if chip.task.num == task_num:
                return rect.center()
        return QPoint(self.width() // 2, self.name_height() // 2)

    def set_moving(self, moving: bool) -> None:
        if moving != self.moving:
            self.moving = moving
            self.update()

    # ------------------------------------------------------------------ paint

    def paintEvent(self, event: QPaintEvent) -> None:
        self._arrange(self.width())
        lk = self.look
        region = event.region()
        painter = QPainter(self)
        if self.folded and self._late_mark():
            mark_rect = self._late_mark_rect()
            if region.subtracted(QRegion(mark_rect)).isEmpty():  # a blink: the mark only
                painter.drawPixmap(
                    mark_rect.topLeft(), self._mark_picture(mark_rect, self.blink_on)
                )
                return
        if not self.folded and self._only_chips(region):
            self._paint_chips(painter, region)  # a blink: the chips' pictures, nothing else
            return
        paint_frame(
            painter, lk, self.rect(), self._background(), self.responsable_colour, self.moving
        )
        k = lk.sizes
        header = QRect(0, 0, self.width(), lk.pad + k.name_h + k.text_h * len(self._detail_lines))
        if self.folded or region.intersects(header):
            self._paint_header(painter, region)
        if not self.folded:
            self._paint_chips(painter, region)

    def _paint_chips(self, painter: QPainter, region: QRegion) -> None:
        for i, (chip, r) in enumerate(zip(self.shown_chips(), self._chip_rects, strict=False)):
            if region.intersects(r):
                on = self.blink_on and chip.late is not None
                painter.drawPixmap(r.topLeft(), self._chip_picture(i, chip, r, on))

    def _mark_picture(self, r: QRect, on: bool) -> QPixmap:
        """The folded late mark, drawn once per size and phase."""
        key = (-1, on, r.width(), r.height())
        if key not in self._pictures:
            self._pictures[key] = mark_picture(
                self._late_mark(), r.size(), self.look, on, self._background()
            )
        return self._pictures[key]

    def _background(self) -> str:
        return "#d9e6f2" if self._pressed else "#ffffff"

    def _only_chips(self, region: QRegion) -> bool:
        chips = QRegion()
        for r in self._chip_rects:
            chips = chips.united(r)
        return region.subtracted(chips).isEmpty()

    def _chip_picture(self, index: int, chip: Chip, r: QRect, on: bool) -> QPixmap:
        """A chip drawn once per size and phase: a blink only copies it."""
        key = (index, on, r.width(), r.height())
        if key not in self._pictures:
            self._pictures[key] = chip_picture(chip, r.size(), self.look, on, self._background())
        return self._pictures[key]

    def _paint_header(self, painter: QPainter, region: QRegion) -> None:
        """The name line (with the late mark or the count of tasks on time) and detail."""
        lk = self.look
        left = lk.pad + lk.px(4)
        width = self.width() - left - lk.pad
        if self.folded and self._late_mark():
            mark_rect = self._late_mark_rect()
            painter.drawPixmap(mark_rect.topLeft(), self._mark_picture(mark_rect, self.blink_on))
            width = mark_rect.x() - left - lk.gap
        name_h = paint_name(
            painter,
            lk,
            left=left,
            width=width,
            right=self.width(),
            choices=self.name_choices(),
            others=self.others_text(),
        )
        lines, resp = self.painted_detail()
        top, room = lk.pad + name_h, self.width() - left - lk.pad
        paint_detail(painter, lk, lines, resp, QRect(left, top, room, 0), self.responsable_colour)

    def chip_rects(self) -> list[QRect]:
        """Where each task's chip is painted (tests check what is on screen)."""
        self._arrange(self.width())
        return list(self._chip_rects)
