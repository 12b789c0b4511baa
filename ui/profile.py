"""What this screen offers, from ``[Interface] Profil`` (``synoptic.config.PROFILES``).

- ``public`` (a wall in a corridor, a waiting room): read-only.  Names masked and never
  revealed, no menu, no filter, and a touch does nothing at all: no card opens, no
  patient moves, no task changes state, no dialog opens.
- ``soins`` (the default, a care screen): the daily actions one touch away; the
  administration menu in "Menu", behind the administrator password or a personal PIN.
- ``administration``: the same, and "Administration" directly in the top bar.

The profile decides what is shown, not only what is refused: a public screen builds
no button a finger could reach.  The protected actions ask for a PIN on every screen
that offers them (``ui.protected``).
"""

from __future__ import annotations

from dataclasses import dataclass

from synoptic.config import Config

__all__ = ["ADMINISTRATION", "CARE", "PUBLIC", "ScreenProfile"]

PUBLIC = "public"
CARE = "soins"
ADMINISTRATION = "administration"


@dataclass(frozen=True)
class ScreenProfile:
    name: str = CARE

    @classmethod
    def of(cls, config: Config) -> ScreenProfile:
        return cls(config.interface.profile)

    @property
    def read_only(self) -> bool:
        """A public screen: shows, never acts."""
        return self.name == PUBLIC

    @property
    def admin_at_hand(self) -> bool:
        """ "Administration" in the top bar itself (an administration screen)."""
        return self.name == ADMINISTRATION
