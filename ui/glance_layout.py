"""Where a glance card's lines and chips go at a given width: measured once per width and
density, kept until the card's content or sizes change (:meth:`GlanceLayout.forget`).

A chip is measured on its shape (``+25 min`` as ``+00 min``): the minutes of a late task
change every minute, its size does not, so the card is only repainted.
"""

from __future__ import annotations

from PySide6.QtCore import QRect

from ui.glance_look import GlanceLook, metrics_of, shape_of

# The card's height, its detail lines and the rectangle of each chip drawn.
Arrangement = tuple[int, list[str], list[QRect]]


def fit_detail(choices: list[str], look: GlanceLook, room: int, *, where: bool) -> list[str]:
    """The detail line(s) for ``room`` pixels, from ``choices`` (longest first): where an
    absent or leaving patient is (``where``) goes over two lines rather than being cut; a
    comment is cut when painted."""
    if not choices:
        return []
    fm = metrics_of(look.text_px)
    fitting = next((d for d in choices if fm.horizontalAdvance(d) <= room), None)
    if fitting is not None or not where:
        return [fitting or choices[0]]
    text = choices[-1]
    cut = text.rfind(" ")  # the time on the second line
    return [text[:cut], text[cut + 1 :]] if cut > 0 else [text]


class GlanceLayout:
    def __init__(self) -> None:
        self._known: dict[tuple[int, int], Arrangement] = {}
        self._chip_widths: dict[str, int] = {}

    def forget(self) -> None:
        """Content or sizes changed: measure again."""
        self._known.clear()
        self._chip_widths.clear()

    def known(self, width: int, density: int) -> Arrangement | None:
        return self._known.get((width, density))

    def arrange(
        self,
        width: int,
        density: int,
        look: GlanceLook,
        *,
        details: list[str],
        where: bool,
        chips: list[str],
    ) -> Arrangement:
        """Lay out the name line, ``details`` (the choices of the detail line; none: no
        such line) and ``chips`` (their texts) in ``width`` pixels, chips wrapping."""
        k = look.sizes
        pad, gap, indent = k.pad, k.gap, k.indent
        y = pad + k.name_h
        lines = fit_detail(details, look, width - pad - indent, where=where)
        y += k.text_h * len(lines)
        rects: list[QRect] = []
        if chips:
            chip_h = k.chip_h
            x = indent
            y += gap
            right = width - pad
            for text in chips:
                w = min(self._chip_width(text, look), right - indent)
                if x + w > right and x > indent:
                    x = indent
                    y += chip_h + gap
                rects.append(QRect(x, y, w, chip_h))
                x += w + gap
            y += chip_h
        result = (max(y + pad, look.touch), lines, rects)
        self._known[(width, density)] = result
        return result

    def _chip_width(self, text: str, look: GlanceLook) -> int:
        shape = shape_of(text)
        width = self._chip_widths.get(shape)
        if width is None:
            width = metrics_of(look.chip_px, True).horizontalAdvance(shape) + look.px(12)
            self._chip_widths[shape] = width
        return width
