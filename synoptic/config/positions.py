"""[Positions_fenetres]: the boxes' saved positions, read and written back.

Saving rewrites that section only and keeps every other byte of the file: its encoding (see
:mod:`synoptic.decoding`), byte-order mark, line endings, comments and other sections.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from urllib.parse import unquote

from synoptic.config.files import write_atomically
from synoptic.config.ini import POSITIONS_SECTION, IniFile, unquote_value
from synoptic.config.settings import Position
from synoptic.decoding import decode_text

__all__ = ["read_positions", "save_positions"]

_POSITION_RE = re.compile(r"\s*([+-]?[0-9]+)\s*,\s*([+-]?[0-9]+)\s*,\s*([0-9]+)\s*,\s*([0-9]+)\s*")
_LEGACY_POINT_RE = re.compile(r"@(Point|Size)\(\s*(-?[0-9]+)\s+(-?[0-9]+)\s*\)")


# Defaults of 2.16 for a box with only one of its two legacy keys.
_LEGACY_POS = (100, 100)
_LEGACY_SIZE = (250, 350)


def read_positions(ini: IniFile) -> Mapping[str, Position]:
    """Box code -> (x, y, w, h); also reads 2.16's Pos_CODE=@Point(x y), Size_CODE=@Size(w h)."""
    result: dict[str, Position] = {}
    legacy: dict[str, dict[str, tuple[int, int]]] = {}
    for raw in ini.positions:
        text = unquote_value(raw.text)
        old = _LEGACY_POINT_RE.fullmatch(text)
        kind = old.group(1) if old else ""
        if old and raw.key.startswith("Pos_" if kind == "Point" else "Size_"):
            # QSettings percent-encoded spaces and other characters in keys.
            code = unquote(raw.key.split("_", 1)[1])
            pair = (int(old.group(2)), int(old.group(3)))
            if kind == "Size" and min(pair) <= 0:
                raise ini.fail(raw, "une taille @Size(largeur hauteur) supérieure à 0")
            legacy.setdefault(code, {})[kind] = pair
            continue
        match = _POSITION_RE.fullmatch(text)
        if match is None or int(match.group(3)) <= 0 or int(match.group(4)) <= 0:
            raise ini.fail(
                raw, "x,y,largeur,hauteur en pixels entiers (largeur et hauteur supérieures à 0)"
            )
        x, y, w, h = (int(g) for g in match.groups())
        result[raw.key] = (x, y, w, h)
    for code, parts in legacy.items():
        if code not in result:  # a line in the new format wins over the old pair
            result[code] = parts.get("Point", _LEGACY_POS) + parts.get("Size", _LEGACY_SIZE)
    return MappingProxyType(result)


# --------------------------------------------------------------------------- saving

_SECTION_RE = re.compile(r"\[(?P<header>.+)\]")  # what configparser takes as a header
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_BAD_CODE_RE = re.compile(r"[=:\r\n]|^[#;\[]|^\s|\s$")


def _is_header(line: str) -> str | None:
    stripped = line.strip()
    if stripped.startswith(("#", ";")):
        return None
    match = _SECTION_RE.match(stripped)
    return match.group("header") if match else None


def _is_option(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("#", ";"))


def _position_lines(positions: Mapping[str, Position], eol: str) -> list[str]:
    lines = []
    for code, values in positions.items():
        if not code or _BAD_CODE_RE.search(code):
            raise ValueError(f"Code de box impossible à enregistrer dans le fichier ini : {code!r}")
        if len(values) != 4 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in values
        ):
            raise ValueError(f"Position du box {code!r} : quatre entiers attendus, reçu {values!r}")
        x, y, w, h = values
        if w <= 0 or h <= 0:
            raise ValueError(f"Position du box {code!r} : largeur et hauteur doivent être > 0")
        lines.append(f"{code}={x},{y},{w},{h}{eol}")
    return lines


def save_positions(path: Path, positions: Mapping[str, Position]) -> None:
    """Rewrite only the [Positions_fenetres] section, keeping every other byte of the file.

    Any spelling of the section is replaced by one section spelled ``Positions_fenetres``, at
    the place of the first one (appended when absent). Comment and blank lines before the first
    and after the last key of the old section stay, so the next section's comments are kept.
    The file's encoding (BOM included) and line endings are kept; the write is atomic.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    decoded = decode_text(data)
    text = decoded.text
    first_end = re.search(r"\r\n|\r|\n", text)
    eol = first_end.group(0) if first_end else os.linesep
    new_entries = _position_lines(positions, eol)

    lines = _LINE_RE.findall(text)
    out: list[str] = []
    written = False
    index = 0
    while index < len(lines):
        header = _is_header(lines[index])
        if header is None or header.lower() != POSITIONS_SECTION.lower():
            out.append(lines[index])
            index += 1
            continue
        end = index + 1
        while end < len(lines) and _is_header(lines[end]) is None:
            end += 1
        body = lines[index + 1 : end]
        option_rows = [i for i, line in enumerate(body) if _is_option(line)]
        if option_rows:
            head, tail = body[: option_rows[0]], body[option_rows[-1] + 1 :]
        else:  # empty section: entries go right after its leading comment lines
            cut = next((i for i, line in enumerate(body) if not line.strip()), len(body))
            head, tail = body[:cut], body[cut:]
        if not written:
            out.append(f"[{POSITIONS_SECTION}]{_line_end(lines[index], eol)}")
            out.extend(head)
            out.extend(new_entries)
            written = True
        else:
            out.extend(head)
        out.extend(tail)
        index = end
    if not written:
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += eol
        if out and out[-1].strip():
            out.append(eol)
        out.append(f"[{POSITIONS_SECTION}]{eol}")
        out.extend(new_entries)
    try:
        encoded = decoded.encode("".join(out))
    except UnicodeEncodeError as exc:
        raise ValueError(
            "Code de box impossible à écrire dans l'encodage du fichier "
            f"{path} ({decoded.encoding})"
        ) from exc
    write_atomically(path, encoded)


def _line_end(line: str, default: str) -> str:
    stripped = line.rstrip("\r\n")
    return line[len(stripped) :] or default
