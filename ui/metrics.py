"""Every size of the touch UI, scaled by one factor (``[Affichage] Echelle``).

A touch target is at least 48 px at ``Echelle=1.0`` (Material/Apple guidance for a
finger); widgets take their sizes from here, never from literals.
"""

from __future__ import annotations

from dataclasses import dataclass

TOUCH_MIN_PX = 48


@dataclass(frozen=True)
class Metrics:
    scale: float = 1.0
    base_font_pt: int = 14

    def px(self, value: float) -> int:
        return max(1, round(value * self.scale))

    @property
    def touch(self) -> int:
        """Minimum height and width of anything a finger must hit."""
        return self.px(TOUCH_MIN_PX)

    @property
    def spacing(self) -> int:
        return self.px(6)

    @property
    def margin(self) -> int:
        return self.px(8)

    @property
    def radius(self) -> int:
        return self.px(6)

    @property
    def font_pt(self) -> int:
        return max(6, round(self.base_font_pt * self.scale))

    @property
    def small_font_pt(self) -> int:
        return max(6, round((self.base_font_pt - 3) * self.scale))

    @property
    def title_font_pt(self) -> int:
        return max(8, round((self.base_font_pt + 4) * self.scale))

    @property
    def dialog_button(self) -> int:
        """Buttons in dialogs are bigger: they are used standing, at arm's length."""
        return self.px(64)
