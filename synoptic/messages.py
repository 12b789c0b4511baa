"""Data values inside French messages: quoted short, escaped, and messages fitted to a column.

Values come from entry files and host rows: they can be 70,000 characters long or hold
terminal escapes. A message quotes them through :func:`quote_value` (shortened, control
characters shown as ``\\x1b``, ``\\n``...), so neither the log nor the screen is flooded or
driven by them; :func:`fit_utf8` cuts a whole message to what its column holds.
"""

from __future__ import annotations

__all__ = ["QUOTE_CHARS", "cut_warning", "escape_controls", "fit_utf8", "quote_value"]

QUOTE_CHARS = 60
ELLIPSIS = "…"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(char: str) -> str:
    if char.isprintable():
        return char
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_controls(text: str) -> str:
    """``text`` with every non-printable character (controls, separators other than the
    space, format characters such as bidi overrides) written as a Python escape."""
    return text if text.isprintable() else "".join(_escaped(char) for char in text)


def quote_value(value: str, limit: int = QUOTE_CHARS) -> str:
    """``value`` for a message: its first ``limit`` characters, escaped, then ``…`` when it
    was longer. The caller adds the « » around it."""
    shown = escape_controls(value[:limit])
    return shown + ELLIPSIS if len(value) > limit else shown


def cut_warning(key: str, length: int, limit: int) -> str:
    """The warning for a value kept cut to its column: names the key and both sizes."""
    return f"{key} : {length} caractères, coupé à {limit}."


def fit_utf8(message: str, max_bytes: int) -> str:
    """``message`` whole when its UTF-8 form fits ``max_bytes``; else cut on a character
    boundary and ended by a marker that says so and how long it was."""
    encoded = message.encode("utf-8", "surrogatepass")
    if len(encoded) <= max_bytes:
        return message
    marker = f"{ELLIPSIS} [message coupé : {len(message)} caractères au total]"
    room = max(0, max_bytes - len(marker.encode("utf-8")))
    head = encoded[:room].decode("utf-8", "ignore")  # a split character is dropped whole
    return head + marker
