"""The value types of synoptux.ini: text -> value, or None when the text is not one.

Each converter goes with the French words of what it expects, which end the message of the
:class:`~synoptic.config.settings.ConfigError` a refused value raises.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath

from synoptic.colours import COLOUR_EXPECTED, normalise_colour
from synoptic.config.settings import PROFILES

_INT_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_TRUE = frozenset({"oui", "1", "true", "yes"})
_FALSE = frozenset({"non", "0", "false", "no"})

BOOL_EXPECTED = "OUI ou NON"
PROFILE_EXPECTED = ", ".join(PROFILES[:-1]) + " ou " + PROFILES[-1]
PASSWORD_HASH_EXPECTED = (
    "l'empreinte écrite par « synoptux set-admin-password » ou la fenêtre Réglages, jamais le "
    "mot de passe en clair (vide = aucun mot de passe)"
)
# What synoptic.security.hash_secret writes: scrypt$n$r$p$salt$hash (base64).
_HASH_RE = re.compile(r"scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}")
PERIOD_EXPECTED = "un nombre de secondes supérieur à 0"
COLOUR = COLOUR_EXPECTED


def to_int(text: str) -> int | None:
    return int(text) if _INT_RE.fullmatch(text) else None


def to_decimal(text: str) -> float | None:
    if not _DECIMAL_RE.fullmatch(text):
        return None
    value = float(text.replace(",", "."))
    return value if math.isfinite(value) else None


def int_at_least(minimum: int) -> Callable[[str], int | None]:
    def convert(text: str) -> int | None:
        value = to_int(text)
        return value if value is not None and value >= minimum else None

    return convert


def period(text: str) -> float | None:
    value = to_decimal(text)
    return value if value is not None and value > 0 else None


def scale(text: str) -> float | None:
    value = to_decimal(text)
    return value if value is not None and 0.5 <= value <= 4.0 else None


def boolean(text: str) -> bool | None:
    folded = text.lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return None


def colour(text: str) -> str | None:
    return normalise_colour(text)


def display_mode(text: str) -> str | None:
    # "Fenêtre" written with its accent by a French user is accepted too.
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return {"fenetre": "Fenetre", "cadre": "Cadre"}.get(folded)


def profile(text: str) -> str | None:
    folded = text.strip().lower()
    return folded if folded in PROFILES else None


def password_hash(text: str) -> str | None:
    return text if _HASH_RE.fullmatch(text) else None


def plain_text(text: str) -> str | None:
    return text


def user_path(text: str) -> Path:
    return Path(text).expanduser()


def programs(text: str) -> tuple[str, ...] | None:
    entries = tuple(p.strip() for p in re.split(r"[;|]", text) if p.strip())
    for entry in entries:
        has_separator = "/" in entry or "\\" in entry
        absolute = PurePosixPath(entry).is_absolute() or PureWindowsPath(entry).is_absolute()
        if has_separator and not absolute:
            return None
    return entries


def text_list(text: str) -> tuple[str, ...]:
    """Items separated by ``;``, ``|`` or line breaks, blank ones dropped."""
    return tuple(p.strip() for p in re.split(r"[;|\n]", text) if p.strip())
