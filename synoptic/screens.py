"""Which screen shows the board (``[Interface] Ecran``), decided without Qt.

The setting is empty (the primary screen), a number counted from 1 in the order the
system lists its screens, or an output's name as ``xrandr --listmonitors`` prints it
(``HDMI-1``, ``DP-2``; case ignored).  A screen that is not there (unplugged, switched
off at boot) is no reason for an empty wall: the primary screen is used and the board
says so in its log; the UI asks again when screens come and go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["SCREEN_EXPECTED", "ScreenChoice", "parse_screen_setting", "pick_screen"]

SCREEN_EXPECTED = (
    "vide (écran principal), un numéro d'écran à partir de 1 ou le nom d'une sortie "
    "vidéo (HDMI-1, DP-2...)"
)


def parse_screen_setting(text: str) -> str | None:
    """The setting as kept (stripped), or ``None`` when it cannot name a screen."""
    value = text.strip()
    if value.lstrip("+-").isdigit():
        return str(int(value)) if int(value) >= 1 else None
    if any(c in value for c in "\r\n\t"):
        return None
    return value


@dataclass(frozen=True)
class ScreenChoice:
    index: int  # into the names given to pick_screen
    warning: str = ""  # French, for the log: the wanted screen was not found


def pick_screen(names: Sequence[str], primary: int, wanted: str) -> ScreenChoice:
    """The screen to use among ``names`` (in the system's order), ``primary`` the index of
    the primary screen; ``wanted`` is the ``Ecran`` setting."""
    if not names:
        raise ValueError("aucun écran")
    primary = primary if 0 <= primary < len(names) else 0
    if not wanted:
        return ScreenChoice(primary)
    listed = ", ".join(f"{n} = {name}" for n, name in enumerate(names, 1))
    if wanted.isdigit():
        number = int(wanted)
        if 1 <= number <= len(names):
            return ScreenChoice(number - 1)
        return ScreenChoice(
            primary,
            f"Ecran={wanted} : il n'y a que {len(names)} écran(s) ({listed}) ; "
            "écran principal utilisé",
        )
    folded = wanted.casefold()
    for index, name in enumerate(names):
        if name.casefold() == folded:
            return ScreenChoice(index)
    return ScreenChoice(
        primary, f"Ecran={wanted} : écran introuvable (écrans : {listed}) ; écran principal utilisé"
    )
