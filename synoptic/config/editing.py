"""Editing synoptux.ini in place: what each key means, values changed line by line, the
candidate file checked by the rules of start-up, then written atomically.

The settings form (``ui/admin/settings_form.py``) and ``synoptux set-admin-password``
(:mod:`synoptic.admin_password`) change a file an administrator may also edit by hand:
only the lines of the keys changed are rewritten; comments, blank lines, unknown keys
(2.16's included), the encoding, the byte-order mark and the line ends stay as they were.
A candidate is refused, with the start-up message, when :func:`~synoptic.config.reading.
config_from_text` refuses it, and when the file changed on disk since it was read (a
board saved its positions meanwhile): nothing is then written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from synoptic.config import values as v
from synoptic.config.files import default_ini_text, write_atomically
from synoptic.config.ini import POSITIONS_SECTION, IniFile
from synoptic.config.reading import (
    ADMIN_PASSWORD_KEY,
    ADMIN_SECTION,
    DISPLAY_KEYS,
    INTERFACE_KEYS,
    TIMER_KEYS,
    config_from_text,
)
from synoptic.config.settings import PROFILES, Config, ConfigError
from synoptic.decoding import decode_text
from synoptic.errors import InvalidValueError

__all__ = [
    "KEY_CHOICE",
    "KEY_COLOUR",
    "KEY_SECRET",
    "KEY_TEXT",
    "KEY_YES_NO",
    "IniDraft",
    "KeyDoc",
    "documented_keys",
    "set_ini_line",
    "set_ini_value",
]

# How a form edits a key (KeyDoc.kind).
KEY_TEXT, KEY_YES_NO, KEY_COLOUR = "text", "yes_no", "colour"
KEY_CHOICE, KEY_SECRET = "choice", "secret"
_HEADER_RE = re.compile(r"\s*\[(?P<name>[^\]]+)\]")
_KEY_RE = re.compile(r"\s*(?P<key>[^=:;#\s][^=:]*?)\s*[=:]")
_EOL_RE = re.compile(r"\r\n|\r|\n")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class KeyDoc:
    """One key of the default file: where it is, its default value, what it means and
    what kind of value it takes (how a form edits it)."""

    section: str
    key: str
    default: str
    meaning: str  # the comment lines above it in the default file, as one text
    kind: str = KEY_TEXT  # KEY_TEXT, KEY_YES_NO, KEY_COLOUR, KEY_CHOICE or KEY_SECRET
    choices: tuple[str, ...] = ()  # the values of a KEY_CHOICE


def _kind_of(section: str, key: str) -> tuple[str, tuple[str, ...]]:
    if (section.lower(), key.lower()) == (ADMIN_SECTION.lower(), ADMIN_PASSWORD_KEY.lower()):
        return KEY_SECRET, ()
    convert = next((k.convert for k in (*INTERFACE_KEYS, *DISPLAY_KEYS, *TIMER_KEYS)
                    if k.name.lower() == key.lower()), None)
    if convert is v.boolean:
        return KEY_YES_NO, ("OUI", "NON")
    if convert is v.colour:
        return KEY_COLOUR, ()
    if convert is v.display_mode:
        return KEY_CHOICE, ("Cadre", "Fenetre")
    if convert is v.profile:
        return KEY_CHOICE, PROFILES
    return KEY_TEXT, ()


def documented_keys(text: str | None = None) -> tuple[KeyDoc, ...]:
    """Every key of the default file (``text``: another file of that shape), in its order.

    A key's meaning is the comment just above it; a key without one (``Hauteur_Box``
    after ``Largeur_Box``) shares the meaning of the key before it."""
    section = ""
    comments: list[str] = []
    previous = ""
    docs: list[KeyDoc] = []
    for raw in (default_ini_text() if text is None else text).splitlines():
        line = raw.strip()
        header = _HEADER_RE.fullmatch(line)
        if header:
            section, comments, previous = header.group("name").strip(), [], ""
        elif line.startswith((";", "#")):
            comments.append(line[1:].strip())
        elif not line:
            comments = []
        elif "=" in line and section.lower() != POSITIONS_SECTION.lower():
            key, default = (part.strip() for part in line.split("=", 1))
            meaning = "\n".join(comments) or previous
            docs.append(KeyDoc(section, key, default, meaning, *_kind_of(section, key)))
            comments, previous = [], meaning
    return tuple(docs)


def set_ini_line(text: str, section: str, key: str, line: str) -> str:
    """``text`` with ``key``'s line in ``section`` (any case) replaced by ``line`` (its
    continuation lines dropped), or ``line`` added at the end of the section, or the
    section added at the end of the file; every other line kept as it is."""
    eol = m.group(0) if (m := _EOL_RE.search(text)) else os.linesep
    lines = text.splitlines(keepends=True)
    current = None
    where: int | None = None  # last line of the section (insertion point)
    for index, raw in enumerate(lines):
        header = _HEADER_RE.match(raw)
        if header:
            current = header.group("name").strip().lower()
            if current == section.lower():
                where = index
            continue
        if current != section.lower():
            continue
        found = _KEY_RE.match(raw)
        if found and found.group("key").lower() == key.lower():
            end = index + 1
            while end < len(lines) and _continues(lines[end]):
                end += 1
            lines[index:end] = [line + (raw[len(raw.rstrip("\r\n")):] or eol)]
            break
        if raw.strip():
            where = index
    else:
        if where is None:
            if lines and not lines[-1].endswith(("\n", "\r")):
                lines[-1] += eol
            lines += [eol] if lines and lines[-1].strip() else []
            lines += [f"[{section}]{eol}", line + eol]
        else:
            if not lines[where].endswith(("\n", "\r")):
                lines[where] += eol
            lines.insert(where + 1, line + eol)
    return "".join(lines)


def _continues(raw: str) -> bool:
    """A continuation line of the value above (indented, neither blank nor a comment)."""
    stripped = raw.strip()
    return raw[:1] in (" ", "\t") and bool(stripped) and not stripped.startswith((";", "#"))


def set_ini_value(text: str, section: str, key: str, value: str) -> str:
    """``text`` with ``key=value`` in ``section`` (see :func:`set_ini_line`)."""
    if _CONTROL_RE.search(value):
        raise InvalidValueError(f"{key} : une seule ligne, sans caractère de contrôle.")
    return set_ini_line(text, section, key, f"{key}={value.strip()}")


class IniDraft:
    """The file at ``path`` being edited: its text changes here, the file on :meth:`save`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._read()

    def _read(self) -> None:
        try:
            self._data = self.path.read_bytes()
        except FileNotFoundError:
            self._data = b""
        self._decoded = decode_text(self._data)
        self.text = self._decoded.text
        found = _EOL_RE.search(self.text)
        self.eol = found.group(0) if found else os.linesep

    @property
    def changed(self) -> bool:
        return self.text != self._decoded.text

    def value(self, section: str, key: str) -> str | None:
        """The value in the draft (unquoted), None when the key is absent; raises
        :class:`ConfigError` when the draft is not an ini file at all."""
        raw = IniFile(str(self.path), self.text).get((section,), key)
        return None if raw is None else raw.text

    def set(self, section: str, key: str, value: str) -> None:
        self.text = set_ini_value(self.text, section, key, value)

    def replace_text(self, text: str) -> None:
        """The whole text (the raw view), its line ends made the file's."""
        self.text = self.eol.join(_EOL_RE.split(text))

    def check(self) -> Config:
        """The settings the draft gives, by the rules of start-up; raises ConfigError."""
        return config_from_text(self.text, self.path)

    def save(self) -> Config:
        """Check, then write atomically (same encoding and byte-order mark)."""
        config = self.check()
        try:
            on_disk = self.path.read_bytes()
        except FileNotFoundError:
            on_disk = b""
        if on_disk != self._data:
            raise ConfigError(self.path, "", "", "",
                              "un fichier inchangé depuis son ouverture : il a été modifié "
                              "ailleurs entre-temps ; rouvrez les réglages")
        try:
            data = self._decoded.encode(self.text)
        except UnicodeEncodeError as exc:
            raise ConfigError(self.path, "", "", "", "des caractères que l'encodage du fichier "
                              f"({self._decoded.encoding}) peut écrire") from exc
        write_atomically(self.path, data)
        self._read()
        return config

    def reload(self) -> None:
        """Forget the changes: the file as it is on disk now."""
        self._read()
