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
    QColor,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QRegion,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from synoptic.domain import (
    BoxType,
    counts_as_late,
    format_late,
    late_minutes,
)
from synoptic.views import PatientView, Reference
from ui.glance_look import (
    Chip,
    GlanceLook,
    chip_picture,
    font_of,
    mark_picture,
    metrics_of,
    shape_of,
    short_time,
    sizes_of,
)
from ui.plain import set_plain_tooltip
from ui.theme import colour


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
        self._layouts: dict[tuple[int, int], tuple[int, list[str], list[QRect]]] = {}
        self._chip_widths: dict[str, int] = {}
        self._height = 0
        # Opaque: a blink repaints a chip without Qt painting the box and the list under it.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        resp = reference.responsables.get(patient.responsable or "")
        self.responsable_name = resp.name if resp else (patient.responsable or "")
        self.responsable_colour = colour(resp.color, "#888888") if resp else "#888888"
        set_plain_tooltip(self, name)
        self.update_time(now)

    # ------------------------------------------------------------------ content

    @property
    def hidden_name(self) -> bool:
        return bool(self.initials)

    def full_name(self) -> str:
        return self.name

    def short_name(self) -> str:
        """What a narrow card keeps: the initials alone when the name is masked."""
        return self.initials

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
        p = self.patient
        when = short_time(p.moved_at, self.now)
        if self.box_type is BoxType.ABSENCE:
            return [f"→ {p.destination or 'Absent'} {when}".strip()]
        if self.box_type is BoxType.EXIT:
            where = p.destination or "Sortie"
            return [f"→ {where} · sortie {when}", f"→ {where} {when}"]
        return [p.comment]

    def name_choices(self) -> list[str]:
        """The name, longest first: full, first name as an initial, initials alone."""
        p = self.patient
        if self.hidden_name:
            return [self.full_name(), self.short_name()]
        first = p.first_name.strip()
        names = [self.full_name()]
        if first:
            names += [f"{p.last_name} {first[:1]}.", p.last_name]
        return names

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

    def update_time(self, now: datetime) -> bool:
        """Recompute lateness at ``now``; True when something of this card blinks."""
        self.now = now
        counted = counts_as_late(self.box_type)
        chips = []
        for task in self.patient.tasks:
            task_type = self.reference.task_types.get(task.code)
            state = self.reference.states.get(task.state_code or "")
            label = task_type.label if task_type else task.code
            fill = colour(state.color if state else (task_type.color if task_type else ""), "#eee")
            late = late_minutes(task, now) if counted else None
            text = label
            if state is not None and state.terminal:
                text = f"✓ {label}"
            if late is not None:
                text = f"⚠ {label} {format_late(late)}"
            alarm = colour(task_type.alarm_color if task_type else "", self.look.alarm)
            chips.append(Chip(task, text, fill, late, alarm))
        before = getattr(self, "chips", [])
        changed = [c.text for c in chips] != [c.text for c in before]
        # "+25 min" becoming "+26 min" keeps every size: repainted, not laid out again.
        reshaped = [shape_of(c.text) for c in chips] != [shape_of(c.text) for c in before]
        was_late = getattr(self, "most_late", None)
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

    def late_tasks(self) -> int:
        return self.late_count

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
        others = sum(c.late is None for c in self.chips)
        return f"+{others} tâche{'s' if others > 1 else ''}" if others else ""

    def has_detail_line(self) -> bool:
        if self.box_type.folds_patients:
            return True  # where the patient is: never dropped
        return self.density == 0 and bool(self.detail_text() or self.responsable_name)

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

    def _lay_out(self, width: int) -> tuple[int, list[str], list[QRect]]:
        key = (width, self.density)
        known = self._layouts.get(key)
        if known is not None:
            return known
        k = sizes_of(self.look)
        pad, gap, indent = k.pad, k.gap, k.indent
        y = pad + k.name_h
        lines = self._fit_detail(width - pad - indent)
        y += k.text_h * len(lines)
        rects: list[QRect] = []
        chips = self.shown_chips()
        if chips:
            chip_h = k.chip_h
            x = indent
            y += gap
            right = width - pad
            for chip in chips:
                w = min(self._chip_width(chip.text), right - indent)
                if x + w > right and x > indent:
                    x = indent
                    y += chip_h + gap
                rects.append(QRect(x, y, w, chip_h))
                x += w + gap
            y += chip_h
        result = (max(y + pad, self.look.touch), lines, rects)
        self._layouts[key] = result
        return result

    def _chip_width(self, text: str) -> int:
        """Measured on the chip's shape: the minutes of a late task change, its size not."""
        shape = shape_of(text)
        width = self._chip_widths.get(shape)
        if width is None:
            lk = self.look
            width = metrics_of(lk.chip_px, True).horizontalAdvance(shape) + lk.px(12)
            self._chip_widths[shape] = width
        return width

    def _forget_layout(self) -> None:
        """Content or sizes changed: measure again."""
        self._layout_width = -1
        self._layouts.clear()
        self._chip_widths.clear()

    def _fit_detail(self, room: int) -> list[str]:
        """The detail line(s) for ``room`` pixels: where an absent or leaving patient is
        goes over two lines rather than being cut; a comment is cut."""
        if not self.has_detail_line():
            return []
        fm = metrics_of(self.look.text_px)
        choices = self.detail_choices()
        fitting = next((d for d in choices if fm.horizontalAdvance(d) <= room), None)
        if fitting is not None or not self.box_type.folds_patients:
            return [fitting or choices[0]]
        text = choices[-1]
        cut = text.rfind(" ")  # the time on the second line
        return [text[:cut], text[cut + 1 :]] if cut > 0 else [text]

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
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
        if self.most_late is None:
            return ""
        return f"⚠ {format_late(self.most_late)}"

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
        rect = self.rect().adjusted(0, 0, -1, -1)
        background = QColor(self._background())
        border = QPen(QColor("#7f8c8d"), 1)
        if self.moving:
            border = QPen(QColor("#e67e22"), lk.px(3), Qt.PenStyle.DashLine)
        painter.setPen(border)
        painter.setBrush(background)
        painter.drawRect(rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The responsable's colour down the left edge.
        painter.fillRect(
            QRect(rect.x() + 1, rect.y() + lk.px(3), lk.px(4), rect.height() - lk.px(6)),
            QColor(self.responsable_colour),
        )
        name_h = metrics_of(lk.name_px, True).height()
        text_h = metrics_of(lk.text_px).height()
        header = QRect(0, 0, self.width(), lk.pad + name_h + text_h * len(self._detail_lines))
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
        pad = lk.pad
        left = pad + lk.px(4)
        width = self.width() - left - pad
        name_font = font_of(lk.name_px, True)
        name_fm = QFontMetrics(name_font)
        name_h = name_fm.height()
        mark = self._late_mark() if self.folded else ""
        if mark:
            mark_rect = self._late_mark_rect()
            painter.drawPixmap(mark_rect.topLeft(), self._mark_picture(mark_rect, self.blink_on))
            width = mark_rect.x() - left - lk.gap
        painter.setFont(name_font)
        painter.setPen(QColor("#000000"))
        others = self.others_text()
        small = font_of(lk.text_px)
        if (
            others
            and name_fm.horizontalAdvance(self.full_name())
            + lk.gap
            + QFontMetrics(small).horizontalAdvance(others)
            > width
        ):
            others = others.split()[0]  # "+2": the name first
        if others:
            others_w = QFontMetrics(small).horizontalAdvance(others)
            painter.setFont(small)
            painter.setPen(QColor("#555555"))
            painter.drawText(
                QRect(self.width() - pad - others_w, pad, others_w, name_h),
                Qt.AlignmentFlag.AlignVCenter,
                others,
            )
            painter.setFont(name_font)
            painter.setPen(QColor("#000000"))
            width -= others_w + lk.gap
        choices = self.name_choices()
        name = next((n for n in choices if name_fm.horizontalAdvance(n) <= width), choices[-1])
        name = name_fm.elidedText(name, Qt.TextElideMode.ElideRight, max(1, width))
        painter.drawText(
            QRect(left, pad, max(1, width), name_h), Qt.AlignmentFlag.AlignVCenter, name
        )
        self._paint_detail(painter, left, pad + name_h)

    def _paint_detail(self, painter: QPainter, left: int, y: int) -> None:
        """Comment or where the patient is, and the responsable (when there is room)."""
        lines = self._detail_lines
        if not lines:
            return
        lk = self.look
        text_font = font_of(lk.text_px)
        fm = QFontMetrics(text_font)
        room = self.width() - left - lk.pad
        resp = self.responsable_name
        last = lines[-1]
        bold_fm = metrics_of(lk.text_px, True)
        if self.box_type.folds_patients:
            # Where the patient is comes first; the responsable takes what is left.
            left_over = room - fm.horizontalAdvance(last) - lk.gap * 2 - lk.px(4)
            resp_w = min(bold_fm.horizontalAdvance(resp) + lk.px(3), left_over)
            if resp_w < bold_fm.horizontalAdvance("Dr M…"):
                resp, resp_w = "", 0
        else:
            # The responsable whole when the comment leaves room, else half the line.
            need = bold_fm.horizontalAdvance(resp) + lk.px(3) if resp else 0
            spare = room - fm.horizontalAdvance(last) - lk.gap * 2
            resp_w = min(need, max(room // 2, spare))
        height = fm.height()
        if resp:
            bold = font_of(lk.text_px, True)
            painter.setFont(bold)
            painter.setPen(QColor(self.responsable_colour).darker(130))
            shown = bold_fm.elidedText(resp, Qt.TextElideMode.ElideRight, resp_w)
            line = QRect(left, y + height * (len(lines) - 1), room, height)
            painter.drawText(
                line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown
            )
        painter.setFont(text_font)
        painter.setPen(QColor("#222222"))
        for i, text in enumerate(lines):
            width = room - (resp_w + lk.gap * 2 if resp and i == len(lines) - 1 else 0)
            shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, max(1, width))
            painter.drawText(
                QRect(left, y + height * i, room, height),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                shown,
            )

    def chip_rects(self) -> list[QRect]:
        """Where each task's chip is painted (tests check what is on screen)."""
        self._arrange(self.width())
        return list(self._chip_rects)
