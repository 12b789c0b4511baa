"""How a glance card looks: sizes from the screen (``GlanceLook``), fonts, the shape of a
chip's text (what sizes it), and the pictures of a chip and of a folded late mark, drawn
once per size and blink phase (a blink only copies them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap

from synoptic.domain import format_late
from synoptic.views import TaskView
from ui.colours import text_on

REFERENCE_HEIGHT = 1080  # the screen height at which sizes are the reference ones


@dataclass(frozen=True)
class GlanceLook:
    """Sizes of the glance (pixels), from the screen height and ``Echelle``."""

    factor: float = 1.0
    alarm: str = "#ff0000"
    touch: int = 48  # a card is one touch target: never lower (48 px at Echelle=1.0)

    @staticmethod
    def for_screen(height: int, echelle: float, alarm: str = "#ff0000") -> GlanceLook:
        # Steps of 5 %: a few pixels of a banner do not rebuild every card.
        factor = round(max(0.5, height / REFERENCE_HEIGHT * echelle) * 20) / 20
        return GlanceLook(factor, alarm, max(1, round(48 * echelle)))

    def px(self, value: float) -> int:
        return max(1, round(value * self.factor))

    @property
    def name_px(self) -> int:
        return self.px(22)

    @property
    def text_px(self) -> int:
        return self.px(17)

    @property
    def chip_px(self) -> int:
        return self.px(16)

    @property
    def pad(self) -> int:
        return self.px(5)

    @property
    def gap(self) -> int:
        return self.px(4)

    @cached_property
    def sizes(self) -> Sizes:
        """The look's sizes in pixels, measured once per look (plain ints only)."""
        return Sizes(
            pad=self.pad,
            gap=self.gap,
            indent=self.pad + self.px(4),
            name_h=metrics_of(self.name_px, True).height(),
            text_h=metrics_of(self.text_px).height(),
            chip_h=metrics_of(self.chip_px, True).height() + self.px(6),
        )


def font_of(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


def metrics_of(pixels: int, bold: bool = False) -> QFontMetrics:
    return QFontMetrics(font_of(pixels, bold))


@dataclass(frozen=True)
class Sizes:
    pad: int
    gap: int
    indent: int  # left edge of the text and chips (after the responsable's stripe)
    name_h: int
    text_h: int
    chip_h: int


def shape_of(text: str) -> str:
    """``text`` with its numbers as zeros, two digits at least: what sizes a chip."""
    return re.sub(r"\d+", lambda m: "0" * max(2, len(m.group())), text)


def short_time(value: datetime | None, now: datetime) -> str:
    if value is None:
        return ""
    return value.strftime("%H:%M") if value.date() == now.date() else value.strftime("%d/%m %H:%M")


@dataclass(frozen=True)
class Chip:
    task: TaskView
    text: str
    fill: str
    late: int | None  # minutes late, None when on time
    alarm: str  # the blink colour (the task type's, else Couleur_Alarme)


def _picture(size: QSize, background: str) -> tuple[QPixmap, QPainter]:
    picture = QPixmap(size)
    picture.fill(QColor(background))
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return picture, painter


def chip_picture(chip: Chip, size: QSize, look: GlanceLook, on: bool, background: str) -> QPixmap:
    """A task's chip: its state colour (the alarm colour in the blink's "on" phase)."""
    picture, painter = _picture(size, background)
    fill = chip.alarm if on else chip.fill
    pen = QPen(QColor(chip.fill).darker(150), 1)
    if chip.late is not None:
        pen = QPen(QColor(chip.alarm), look.px(3))
    painter.setPen(pen)
    painter.setBrush(QColor(fill))
    box = QRect(0, 0, size.width(), size.height())
    painter.drawRoundedRect(box.adjusted(1, 1, -1, -1), look.px(4), look.px(4))
    painter.setPen(QColor(text_on(fill)))
    font = font_of(look.chip_px, True)
    painter.setFont(font)
    text = chip_text(chip.text, late_suffix(chip), QFontMetrics(font), size.width() - look.px(8))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return picture


def late_suffix(chip: Chip) -> str:
    """The end of a late chip's text that must stay whole (`` +13 min``); "" otherwise."""
    if chip.late is None:
        return ""
    suffix = " " + format_late(chip.late)
    return suffix if chip.text.endswith(suffix) else ""


def chip_text(text: str, suffix: str, fm: QFontMetrics, width: int) -> str:
    """``text`` fitted into ``width`` pixels: the label cut at its end, the lateness
    (``suffix``, the end of ``text``) kept whole: "⚠ Consultation m… +13 min", not a label
    cut in its middle ("⚠ Consultatio…icale +13 min")."""
    if fm.horizontalAdvance(text) <= width:
        return text
    if not suffix:
        return fm.elidedText(text, Qt.TextElideMode.ElideRight, width)
    head = fm.elidedText(text[: -len(suffix)], Qt.TextElideMode.ElideRight,
                         max(1, width - fm.horizontalAdvance(suffix)))
    return head + suffix if head else fm.elidedText(text, Qt.TextElideMode.ElideRight, width)


def mark_picture(text: str, size: QSize, look: GlanceLook, on: bool, background: str) -> QPixmap:
    """A folded late patient's mark beside the name (``⚠ +25 min``)."""
    picture, painter = _picture(size, background)
    box = QRect(0, 0, size.width(), size.height())
    painter.setPen(QPen(QColor(look.alarm), look.px(2)))
    painter.setBrush(QColor(look.alarm) if on else QColor("#ffffff"))
    painter.drawRoundedRect(box.adjusted(1, 2, -1, -2), look.px(4), look.px(4))
    painter.setFont(font_of(look.chip_px, True))
    painter.setPen(QColor(text_on(look.alarm)) if on else QColor(look.alarm))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return picture
