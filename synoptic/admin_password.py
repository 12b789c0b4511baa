"""The administrator password of ``synoptux.ini``: checked, hashed, written in place.

``synoptux set-admin-password`` asks the password twice and writes its salted scrypt hash
(:func:`synoptic.security.hash_secret`, never the password) as::

    [Administration]
    Mot_de_passe_admin=scrypt$16384$8$1$...$...

Only that line changes: every other line, comment, unknown key, the encoding (BOM
included) and the line ends stay as they were; the file is replaced atomically, so a crash
leaves the old file or the new one, never half of one. The administration screen checks a
password with :func:`synoptic.security.verify_secret` against the value read from the ini.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from pathlib import Path

from synoptic.errors import InvalidValueError
from synoptic.security import hash_secret

__all__ = [
    "ADMIN_KEY",
    "ADMIN_SECTION",
    "MIN_LENGTH",
    "check_admin_password",
    "write_admin_password",
]

ADMIN_SECTION = "Administration"
ADMIN_KEY = "Mot_de_passe_admin"
MIN_LENGTH = 8
_HEADER_RE = re.compile(r"\s*\[(?P<name>[^\]]+)\]")
_KEY_RE = re.compile(r"\s*(?P<key>[^=:;#\s][^=:]*?)\s*[=:]")


def check_admin_password(password: str, confirmation: str) -> str:
    """The password if it may be used, else :class:`InvalidValueError` saying why."""
    if not password:
        raise InvalidValueError("Le mot de passe administrateur est vide.")
    if password != confirmation:
        raise InvalidValueError("Les deux saisies du mot de passe ne correspondent pas.")
    if len(password) < MIN_LENGTH:
        raise InvalidValueError(
            f"Le mot de passe administrateur doit compter au moins {MIN_LENGTH} caractères.")
    if password != password.strip() or any(not c.isprintable() for c in password):
        raise InvalidValueError("Le mot de passe administrateur ne peut ni commencer ni finir "
                                "par un espace, ni contenir de caractère de contrôle.")
    return password


def write_admin_password(path: Path, password: str) -> str:
    """Write the hash of ``password`` into the ini at ``path`` (created if missing);
    returns the line written."""
    line = f"{ADMIN_KEY}={hash_secret(password)}"
    _set_ini_line(Path(path), ADMIN_SECTION, ADMIN_KEY, line)
    return line


def _set_ini_line(path: Path, section: str, key: str, line: str) -> None:
    """Replace ``key``'s line in ``section`` (any case) by ``line``, or add it (and the
    section) when missing; everything else is kept byte for byte."""
    data = path.read_bytes() if path.exists() else b""
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding = "utf-8"
        text = data[len(codecs.BOM_UTF8) if bom else 0:].decode(encoding)
    except UnicodeDecodeError:
        encoding = "latin-1"  # a 2.16 file; the hash is ASCII, any encoding holds it
        text = data.decode(encoding)
    eol = m.group(0) if (m := re.search(r"\r\n|\r|\n", text)) else os.linesep
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
            lines[index] = line + (raw[len(raw.rstrip("\r\n")):] or eol)
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
    _replace_file(path, (codecs.BOM_UTF8 if bom else b"") + "".join(lines).encode(encoding))


def _replace_file(path: Path, data: bytes) -> None:
    """Atomic: a temporary file beside ``path``, flushed to disk, then renamed over it;
    the file keeps its permissions (a new one is readable by its owner only)."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o600
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
