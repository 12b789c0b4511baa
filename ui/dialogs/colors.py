"""Readable text on a data-defined background colour (responsables, destinations)."""

from __future__ import annotations

from PySide6.QtGui import QColor

FALLBACK_BACKGROUND = "#888888"
DARK_TEXT = "#000000"
LIGHT_TEXT = "#ffffff"


def _linear(channel: float) -> float:
    # sRGB transfer function, as in WCAG 2's definition of relative luminance.
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def relative_luminance(color: QColor) -> float:
    r, g, b = (_linear(c) for c in (color.redF(), color.greenF(), color.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def valid_color(name: str | None, fallback: str = FALLBACK_BACKGROUND) -> QColor:
    """The colour named by the database, or ``fallback`` when it is empty or malformed."""
    color = QColor(name or "")
    return color if color.isValid() else QColor(fallback)


def readable_text_color(background: QColor) -> str:
    """Black or white, whichever contrasts more with ``background`` (WCAG contrast ratio)."""
    lum = relative_luminance(background)
    contrast_black = (lum + 0.05) / 0.05
    contrast_white = 1.05 / (lum + 0.05)
    return DARK_TEXT if contrast_black >= contrast_white else LIGHT_TEXT
