"""Painting a glance card: its frame, the name line (with the count of tasks not drawn)
and the detail line (where the patient is, or the comment, with the responsable).

Plain functions of a painter and what to write; the card (``ui.glance``) decides what and
where, these decide how it fits: a name that does not fit is shortened, then cut with "…";
where a patient is goes whole before the responsable.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen

from ui.glance_look import GlanceLook, font_of, metrics_of

BLACK = "#000000"


def paint_frame(
    painter: QPainter,
    look: GlanceLook,
    rect: QRect,
    background: str,
    responsable_colour: str,
    moving: bool,
) -> None:
    """The card's background and border (dashed orange while it is being moved), and the
    responsable's colour down its left edge."""
    rect = rect.adjusted(0, 0, -1, -1)
    border = QPen(QColor("#7f8c8d"), 1)
    if moving:
        border = QPen(QColor("#e67e22"), look.px(3), Qt.PenStyle.DashLine)
    painter.setPen(border)
    painter.setBrush(QColor(background))
    painter.drawRect(rect)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(
        QRect(rect.x() + 1, rect.y() + look.px(3), look.px(4), rect.height() - look.px(6)),
        QColor(responsable_colour),
    )


def paint_name(
    painter: QPainter,
    look: GlanceLook,
    *,
    left: int,
    width: int,
    right: int,
    choices: list[str],
    others: str,
) -> int:
    """The name in ``width`` pixels from ``left``: the first of ``choices`` (longest
    first) that fits, else the last, cut; ``others`` (``+2 tâches``) ends at ``right``,
    shortened to ``+2`` when the full name would not fit beside it.  The line's height."""
    pad = look.pad
    name_font = font_of(look.name_px, True)
    name_fm = QFontMetrics(name_font)
    name_h = name_fm.height()
    small = font_of(look.text_px)
    small_fm = QFontMetrics(small)
    full = name_fm.horizontalAdvance(choices[0])
    if others and full + look.gap + small_fm.horizontalAdvance(others) > width:
        others = others.split()[0]  # "+2": the name first
    if others:
        others_w = small_fm.horizontalAdvance(others)
        painter.setFont(small)
        painter.setPen(QColor("#555555"))
        painter.drawText(
            QRect(right - pad - others_w, pad, others_w, name_h),
            Qt.AlignmentFlag.AlignVCenter,
            others,
        )
        width -= others_w + look.gap
    painter.setFont(name_font)
    painter.setPen(QColor(BLACK))
    name = next((n for n in choices if name_fm.horizontalAdvance(n) <= width), choices[-1])
    name = name_fm.elidedText(name, Qt.TextElideMode.ElideRight, max(1, width))
    painter.drawText(QRect(left, pad, max(1, width), name_h), Qt.AlignmentFlag.AlignVCenter, name)
    return name_h


def detail_layout(
    look: GlanceLook, lines: list[str], room: int, responsable: list[str], where_first: bool
) -> tuple[list[str], str]:
    """The detail ``lines`` and the responsable as they are painted in ``room`` pixels:
    the responsable at the right of the last line, as the first of its forms (longest
    first) that fits, else the shortest cut.  ``where_first``: the lines say where the
    patient is, so they keep their width and the responsable takes what is left (else the
    responsable whole when the comment leaves room, else half the line)."""
    if not lines:
        return [], ""
    lk = look
    fm = QFontMetrics(font_of(lk.text_px))
    bold_fm = metrics_of(lk.text_px, True)
    last = fm.horizontalAdvance(lines[-1])
    if where_first:
        limit = room - last - lk.gap * 2 - lk.px(4)
        if limit < bold_fm.horizontalAdvance("Dr M…"):
            limit = 0
    else:
        limit = max(room // 2, room - last - lk.gap * 2)
    resp, resp_w = "", 0
    if responsable and limit > 0:
        widths = [bold_fm.horizontalAdvance(text) + lk.px(3) for text in responsable]
        pick = next((i for i, w in enumerate(widths) if w <= limit), len(responsable) - 1)
        resp_w = min(widths[pick], limit)
        resp = bold_fm.elidedText(responsable[pick], Qt.TextElideMode.ElideRight, resp_w)
    shown = []
    for i, text in enumerate(lines):
        width = room - (resp_w + lk.gap * 2 if resp and i == len(lines) - 1 else 0)
        shown.append(fm.elidedText(text, Qt.TextElideMode.ElideRight, max(1, width)))
    return shown, resp


def paint_detail(
    painter: QPainter, look: GlanceLook, lines: list[str], resp: str, at: QRect, colour: str
) -> None:
    """``lines`` as laid out by :func:`detail_layout` from the top left of ``at`` (its
    width is the room), and ``resp`` at the right of the last one in ``colour``."""
    lk = look
    height = QFontMetrics(font_of(lk.text_px)).height()
    if resp:
        painter.setFont(font_of(lk.text_px, True))
        painter.setPen(QColor(colour).darker(130))
        line = QRect(at.left(), at.top() + height * (len(lines) - 1), at.width(), height)
        painter.drawText(line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, resp)
    painter.setFont(font_of(lk.text_px))
    painter.setPen(QColor("#222222"))
    for i, text in enumerate(lines):
        painter.drawText(
            QRect(at.left(), at.top() + height * i, at.width(), height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
