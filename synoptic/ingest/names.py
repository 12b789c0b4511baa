"""Names of entry files: how one is shown, and the names derived from it.

A file name is whatever the file system allows: on Linux any bytes but ``/`` and NUL, up to
:data:`NAME_MAX` (255) *bytes*. Python decodes bytes that are not UTF-8 as lone surrogates
(``surrogateescape``), which cannot be encoded back as UTF-8: not into the database, a reason
file, a log file or a terminal. So:

- :func:`display_name` is the one form shown to people and stored in the database: undecodable
  bytes as ``\\xNN``, control characters escaped, always valid UTF-8;
- :func:`log_name` is that form shortened (with a hash) to a column's width;
- :func:`archive_names` yields the names to try, in order, for the archive copy: the name
  itself, then ``stem_2.txt``, ``stem_3.txt``...; a name with no room left becomes a cut stem
  (never inside a character), ``~`` and a hash of the whole name, so two long names differing
  only at their end never meet, and the counter still tells two copies of one name apart;
- :func:`reason_file_name` is ``stem.error.txt`` beside ``stem.txt``: a rejected copy's name
  leaves room for it, and never itself looks like a reason file.

All lengths are counted in the bytes the file system stores (:func:`os.fsencode`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

__all__ = [
    "NAME_MAX",
    "REASON_SUFFIX",
    "archive_names",
    "display_name",
    "fallback_name",
    "is_reason_file_name",
    "log_name",
    "name_bytes",
    "reason_file_name",
    "split_txt",
]

NAME_MAX = 255  # bytes in one file name (Linux, macOS, Windows' NTFS counts UTF-16 units)
REASON_SUFFIX = ".error.txt"
_TXT = ".txt"
_HASH_CHARS = 8
_MAX_COPIES = 100_000


def name_bytes(name: str) -> int:
    """Length of ``name`` as the file system stores it."""
    return len(os.fsencode(name))


def _shown(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if ch.isprintable():
        return ch
    return ch.encode("unicode_escape").decode("ascii")  # \n, \x1b, \u200b, \udc12...


def display_name(name: str) -> str:
    """``name`` as shown to people and stored: ``entr\\xe9e.txt`` for the byte E9 alone."""
    return "".join(_shown(ch) for ch in name)


def _digest(name: str, chars: int) -> str:
    return hashlib.sha256(os.fsencode(name)).hexdigest()[:chars]


def log_name(name: str, width: int) -> str:
    """:func:`display_name` within ``width`` characters (a database column's length).

    Too long: cut between two characters of the name (never inside an escape), then ``~``
    and a hash of the whole name, so that two long names stay distinct.
    """
    parts = [_shown(ch) for ch in name]
    shown = "".join(parts)
    if len(shown) <= width:
        return shown
    tag = "~" + _digest(name, 12)
    room, kept = width - len(tag), []
    for part in parts:
        if len(part) > room:
            break
        kept.append(part)
        room -= len(part)
    return "".join(kept) + tag


def split_txt(name: str) -> tuple[str, str]:
    """``("stem", ".txt")`` for ``stem.txt`` (any case); ``(name, "")`` otherwise."""
    if name.lower().endswith(_TXT):
        return name[: -len(_TXT)], name[-len(_TXT) :]
    return name, ""


def reason_file_name(archived: str) -> str:
    """The reason file beside the rejected copy ``archived``: ``stem.error.txt``."""
    return split_txt(archived)[0] + REASON_SUFFIX


def is_reason_file_name(name: str) -> bool:
    return name.lower().endswith(REASON_SUFFIX)


def _cut(text: str, room: int) -> str:
    """The longest start of ``text`` within ``room`` bytes, never cutting a character."""
    used = 0
    for i, ch in enumerate(text):
        used += name_bytes(ch)
        if used > room:
            return text[:i]
    return text


def archive_names(name: str, *, with_reason: bool = False) -> Iterator[str]:
    """Names to try, in order, for the archive copy of ``name``; each fits in ``NAME_MAX``.

    With ``with_reason`` each also leaves room for its :func:`reason_file_name` and never
    ends in ``.error.txt`` itself (the board would take it for a reason file).
    """
    stem, ext = split_txt(name)
    room = NAME_MAX - name_bytes(ext)
    if with_reason:
        room = min(room, NAME_MAX - name_bytes(REASON_SUFFIX))
    digest = _digest(name, _HASH_CHARS)
    for n in range(1, _MAX_COPIES):
        suffix = "" if n == 1 else f"_{n}"
        if name_bytes(stem) + len(suffix) <= room:
            candidate = stem + suffix + ext
        else:
            tag = f"~{digest}{suffix}"
            candidate = _cut(stem, room - len(tag)) + tag + ext
        if with_reason and is_reason_file_name(candidate):
            continue
        yield candidate


def fallback_name(name: str) -> str:
    """A short ASCII name for a file whose own name could not be used at all."""
    return f"fichier-{_digest(name, 16)}{_TXT}"
