"""Colours from the database, made safe and readable: one rule for the whole UI.

Data may hold anything (``"rouge"``, ``""``, ``"#12"``): :func:`colour` gives a colour Qt
understands or the fallback.  Text on a coloured background is black or white by WCAG
relative luminance (:func:`text_on`): the same answer for a responsable's colour on the
board's buttons, in the glance and in the responsable dialog.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

RESPONSABLE_GREY = "#888888"  # a responsable without a (valid) colour


def colour(value: str, fallback: str) -> str:
    """A colour Qt understands, as #rrggbb (data may hold anything)."""
    c = QColor(value.strip()) if value else QColor()
    return c.name() if c.isValid() else fallback


def tint(value: str, strength: float = 0.25) -> str:
    """``value`` mixed into white: a pale version of the colour."""
    c = QColor(value)
    mix = [round(255 - (255 - ch) * strength) for ch in (c.red(), c.green(), c.blue())]
    return QColor(*mix).name()


def text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG luminance)."""
    c = QColor(background)

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
    return "#000000" if lum > 0.179 else "#ffffff"
