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

from pathlib import Path

from synoptic.config import ADMIN_PASSWORD_KEY as ADMIN_KEY
from synoptic.config import ADMIN_SECTION, write_atomically
from synoptic.config.editing import set_ini_line
from synoptic.decoding import decode_text
from synoptic.errors import InvalidValueError
from synoptic.security import hash_secret

__all__ = [
    "ADMIN_KEY",
    "ADMIN_SECTION",
    "MIN_LENGTH",
    "check_admin_password",
    "new_password_hash",
    "write_admin_password",
]

MIN_LENGTH = 8


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


def new_password_hash(password: str, confirmation: str) -> str:
    """The value of ``Mot_de_passe_admin`` for a new password typed twice (checked)."""
    return hash_secret(check_admin_password(password, confirmation))


def write_admin_password(path: Path, password: str) -> str:
    """Write the hash of ``password`` into the ini at ``path`` (created if missing);
    returns the line written."""
    line = f"{ADMIN_KEY}={hash_secret(password)}"
    _set_ini_line(Path(path), ADMIN_SECTION, ADMIN_KEY, line)
    return line


def _set_ini_line(path: Path, section: str, key: str, line: str) -> None:
    """Replace ``key``'s line in ``section`` (any case) by ``line``, or add it (and the
    section) when missing; everything else is kept byte for byte (encoding included)."""
    data = path.read_bytes() if path.exists() else b""
    decoded = decode_text(data)  # the hash is ASCII: any encoding holds it
    write_atomically(path, decoded.encode(set_ini_line(decoded.text, section, key, line)))
