"""Rejected entry files: what is written beside them, and how they are listed.

A file the inbox cannot admit goes to ``rejected/`` with ``NAME.error.txt``, a French text
for people (what is wrong, where, what to do). Beside them the reason is also kept as data
in a hidden ``.NAME.json`` (the reason and when), so that the board lists the rejected files
without reading the text back. Files rejected by an older version have only the text: their
reason is the text's ``Motif :`` line.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from synoptic.ingest.names import display_name, is_reason_file_name, reason_file_name, split_txt

__all__ = [
    "REJECTED_DIR",
    "RejectedFile",
    "error_text",
    "list_rejected",
    "reason_data_name",
    "reason_in_text",
    "remove_orphan_reasons",
    "set_aside_text",
    "write_reason_data",
]

# The inbox's one logger: its lines keep their name whichever module of the inbox says them.
log = logging.getLogger("synoptic.ingest.inbox")

REJECTED_DIR = "rejected"  # in the inbox
_DATA_SUFFIX = ".json"
_REASON_LINE = "Motif :"
# A reason whose file is gone (deleted by staff, put back into the inbox) is removed once
# this old: staff may be moving files back and forth meanwhile.
ORPHAN_AFTER_S = 3600.0


@dataclass(frozen=True)
class RejectedFile:
    name: str  # as shown: bytes that are not UTF-8 as \xNN
    reason: str  # why, in French; "" when nothing says it
    rejected_at: datetime | None  # None when nothing says it
    text: str  # the whole explanation (NAME.error.txt), "" when missing
    path: Path


def error_text(name: str, arrived_at: datetime, now: datetime, message: str, inbox: Path) -> str:
    return (
        f"Fichier d'entrée rejeté : {name}\n"
        f"Déposé le : {arrived_at:%d/%m/%Y à %H:%M:%S}\n"
        f"Traité le : {now:%d/%m/%Y à %H:%M:%S}\n"
        f"\n"
        f"{_REASON_LINE} {message}\n"
        f"\n"
        f"Le patient de ce fichier n'a PAS été inscrit au tableau.\n"
        f"Corrigez le fichier puis déposez-le à nouveau dans le dossier des entrées\n"
        f"({inbox}).\n"
    )


def set_aside_text(name: str, now: datetime, message: str, inbox: Path) -> str:
    return (
        f"Fichier d'entrée mis de côté : {name}\n"
        f"Traité le : {now:%d/%m/%Y à %H:%M:%S}\n"
        f"\n"
        f"{_REASON_LINE} {message}\n"
        f"\n"
        f"Ce fichier n'a pas pu être traité jusqu'au bout. Vérifiez au tableau si son patient\n"
        f"y figure avant de le déposer à nouveau dans le dossier des entrées\n"
        f"({inbox}).\n"
    )


def reason_data_name(archived: str) -> str:
    """``.stem.json`` beside ``stem.txt``: hidden, never an entry file; it fits in 255 bytes
    wherever ``stem.error.txt`` does."""
    return "." + split_txt(archived)[0] + _DATA_SUFFIX


def write_reason_data(archived: Path, reason: str, rejected_at: datetime) -> None:
    """Keep the reason of the rejected copy ``archived`` as data beside it. A failure is
    only logged: the list then reads the reason from the text, as for older rejections."""
    target = archived.with_name(reason_data_name(archived.name))
    data = json.dumps({"reason": reason, "rejected_at": rejected_at.isoformat()})
    # A short name: the target's own may already use all of the 255 bytes a name may have.
    temporary = target.with_name(f".tmp-{os.getpid()}-{secrets.token_hex(4)}{_DATA_SUFFIX}")
    try:
        temporary.write_text(data, encoding="utf-8", errors="backslashreplace")
        os.replace(temporary, target)  # whole or not at all
    except OSError as err:
        log.warning("Motif de %s non enregistré : %s", display_name(archived.name), err)
        with contextlib.suppress(OSError):
            temporary.unlink()


def list_rejected(folder: Path) -> list[RejectedFile]:
    """The entry files of ``folder`` (``rejected/``), oldest first, each with its reason."""
    if not folder.is_dir():
        return []
    files = [
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() == ".txt" and not is_reason_file_name(p.name)
    ]
    files.sort(key=lambda p: p.stat().st_mtime)
    return [_rejected_file(path) for path in files]


def _rejected_file(path: Path) -> RejectedFile:
    text = ""
    with contextlib.suppress(OSError):
        text = path.with_name(reason_file_name(path.name)).read_text(
            encoding="utf-8-sig", errors="replace"
        )
    reason, rejected_at = _reason_data(path)
    if reason is None:  # rejected by an older version, or its data was not written
        reason = reason_in_text(text)
    return RejectedFile(display_name(path.name), reason, rejected_at, text, path)


def _reason_data(path: Path) -> tuple[str | None, datetime | None]:
    try:
        raw = path.with_name(reason_data_name(path.name)).read_text(encoding="utf-8")
        data = json.loads(raw)
        reason = data["reason"]
        rejected_at = datetime.fromisoformat(data["rejected_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, None
    return (reason, rejected_at) if isinstance(reason, str) else (None, None)


def reason_in_text(text: str) -> str:
    """The ``Motif :`` line of a rejection's text (as every version has written it)."""
    for line in text.splitlines():
        if line.startswith(_REASON_LINE.split()[0]):
            return line.removeprefix(_REASON_LINE).strip()
    return ""


def remove_orphan_reasons(folder: Path, wall_clock: Callable[[], float]) -> None:
    """Remove the reason data of rejected files no longer there (deleted, put back)."""
    try:
        with os.scandir(folder) as scan:
            entries = list(scan)
    except OSError:
        return
    stems = {split_txt(e.name)[0] for e in entries if split_txt(e.name)[1]}
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(_DATA_SUFFIX)):
            continue
        if name[1 : -len(_DATA_SUFFIX)] in stems:
            continue
        with contextlib.suppress(OSError):
            if wall_clock() - entry.stat().st_mtime > ORPHAN_AFTER_S:
                os.unlink(entry.path)
