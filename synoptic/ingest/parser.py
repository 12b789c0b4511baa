"""Entry-file parser: the bytes of one inbox ``.txt`` file in, one :class:`EntryFile` out.

The format is the INI file of Synoptux 2.16 (user documentation, section 4.1): an ``[Entree]``
section describing the patient and any number of ``[Tache_N]`` sections. This module is pure:
no file or database I/O, no Qt. Whatever the input bytes, it either returns an
:class:`EntryFile` or raises :class:`EntryFileError` whose French message names the line and
the key at fault, so the inbox can set the file aside and tell the user why.

What is read but not quite as expected is kept with a warning (``EntryFile.warnings``), never
dropped silently: a section header that differs from ``[Tache_N]``/``[Entree]`` only by case,
accents or the separator (``[Tâche 1]``, ``[TACHE-1]``, ``[Entrée]``) is read as that section;
one whose number cannot be read (``[Tache_1a]``, ``[Tache_A]``) is ignored and named, with the
task code it held; a planned time before 2000 (2.16's "not set") is left empty and named. Keys
are folded the same way (``Priorité``, ``heure_début_prévue`` are read as ``Priorite`` and
``Heure_Debut_Prevue``, with a warning); an unknown key, an unknown section (``[Patient]``)
and keys before any section are named in a warning. A second ``[Entree]`` section rejects
the file: two patients' identities would be mixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from synoptic.ingest.entry_keys import (
    ENTRY_KEYS,
    TASK_KEYS,
    Section,
    check_keys,
    folded,
    keys_named,
    read_as,
)
from synoptic.ingest.entry_values import (
    EXPECTED_TIME,
    LEGACY_NONE_DAY,
    NOT_SET_BEFORE,
    decode_entry_bytes,
    is_well_formed_datetime,
    parse_time,
    read_time,
)
from synoptic.messages import quote_value

__all__ = [
    "MAX_ENTRY_FILE_BYTES",
    "EntryFile",
    "EntryFileError",
    "EntryTask",
    "decode_entry_bytes",
    "parse_entry_file",
    "parse_time",
]

MAX_ENTRY_FILE_BYTES = 1024 * 1024

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TASK_SECTION = re.compile(r"tache_([0-9]{1,9})", re.ASCII)
# After case and accents are folded: the same section spelt with a space, a hyphen, a dot,
# several separators or none.
_TASK_SECTION_VARIANT = re.compile(r"tache[\s_.-]*([0-9]{1,9})", re.ASCII)
_ENTRY_SECTION_VARIANT = re.compile(r"entree", re.ASCII)
_PRIORITY_DIGITS = 9  # fits a signed 32-bit column
_BLOB_KEY_DIGITS = 9  # fits the INT columns of MariaDB (signed) and 2.16 (unsigned)



class EntryFileError(ValueError):
    """The file is rejected whole; ``message`` (French) says why, ``line``/``key`` say where."""

    message: str
    line: int | None
    key: str | None

    def __init__(self, message: str, line: int | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.key = key

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[EntryFileError], tuple[str, int | None, str | None]]:
        return (type(self), (self.message, self.line, self.key))


@dataclass(frozen=True)
class EntryTask:
    """One non-empty ``[Tache_N]`` section."""

    number: int
    line: int
    code: str
    priority: int | None
    comment: str
    planned_start: datetime | None
    planned_end: datetime | None
    blob_key: int | None
    note_reader: str
    note_file: str


@dataclass(frozen=True)
class EntryFile:
    """A whole entry file: the patient (``[Entree]``) and its tasks in numeric order."""

    box_code: str | None
    last_name: str
    first_name: str
    guid: str
    responsable: str | None
    comment: str
    annex_program: str
    annex_args: tuple[str, ...]
    tasks: tuple[EntryTask, ...]
    encoding: str
    warnings: tuple[str, ...] = ()  # French; what was read differently from what is written





def _bad_line(number: int, text: str) -> EntryFileError:
    return EntryFileError(
        f"Ligne {number} illisible « {quote_value(text)} » : attendu [Section], Clé=Valeur, "
        "un commentaire (; ou #) ou une ligne vide",
        line=number,
    )


def _read_sections(
    text: str, warnings: list[str]
) -> tuple[Section | None, list[tuple[int, Section]]]:
    """Split the text into the ``[Entree]`` section and the ``[Tache_N]`` sections, in the
    order of N.  A task header met twice (``[Tache_1]`` and ``[Tache_01]``) opens a second
    task rather than overwriting the first: a task is never silently lost.  Near-miss
    headers are warned about in ``warnings`` (read as the section, or ignored)."""
    entry: Section | None = None
    tasks: list[tuple[int, Section]] = []
    ignored: list[Section] = []  # task-like headers without a readable number
    unknown: list[Section] = []  # other headers ([Patient]): named, with their keys
    outside = Section("(hors section)", 0)  # keys before the first header
    current: Section | None = outside
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise _bad_line(number, line)
            name = line[1:-1].strip().lower()
            plain = folded(name)
            task = _TASK_SECTION.fullmatch(name) or _TASK_SECTION_VARIANT.fullmatch(plain)
            if name == "entree" or _ENTRY_SECTION_VARIANT.fullmatch(plain):
                if entry is not None:
                    raise EntryFileError(
                        f"Deux sections [Entree] (lignes {entry.line} et {number}) : un fichier "
                        "d'entrée décrit un seul patient ; envoyez un fichier par patient",
                        line=number,
                    )
                if name != "entree":
                    warnings.append(read_as(line, number, "[Entree]"))
                entry = current = Section("[Entree]", number)
            elif task is not None:
                index = int(task[1])
                current = Section(f"[Tache_{index}]", number)
                if _TASK_SECTION.fullmatch(name) is None:
                    warnings.append(read_as(line, number, current.title))
                tasks.append((index, current))
            elif plain.startswith("tache"):
                current = Section(line, number)
                ignored.append(current)
            else:
                current = Section(line, number)
                unknown.append(current)
            continue
        key, separator, value = line.partition("=")
        key = key.strip()
        if not separator or not key:
            raise _bad_line(number, line)
        if current is not None:
            current.values[key.lower()] = (value.strip(), number)  # a repeated key: last wins
            current.spelling[key.lower()] = key
    tasks.sort(key=lambda pair: pair[0])  # stable: same N keeps the file's order
    if outside.values:
        warnings.append(
            f"Clé(s) avant toute section ignorée(s) : {keys_named(outside)} ; "
            "attendu sous [Entree] ou [Tache_N]."
        )
    for section in unknown:
        held = f" ; ses clés {keys_named(section)} ne sont pas lues" if section.values else ""
        warnings.append(
            f"Section inconnue {quote_value(section.title)} (ligne {section.line}) ignorée : "
            f"attendu [Entree] ou [Tache_N]{held}."
        )
    if entry is not None:
        check_keys(entry, ENTRY_KEYS, warnings)
    for _index, section in tasks:
        check_keys(section, TASK_KEYS, warnings)
    for section in ignored:
        code = section.get("Code_Tache")
        lost = f"sa tâche « {quote_value(code)} » n'est pas intégrée" if code else "sans Code_Tache"
        warnings.append(
            f"Section {quote_value(section.title)} (ligne {section.line}) ignorée : numéro de "
            f"tâche illisible, attendu [Tache_N] (N un nombre) ; {lost}."
        )
    return entry, tasks



def _optional_int(section: Section, key: str, digits: int) -> int | None:
    value = section.get(key)
    if not value:
        return None
    if re.fullmatch(rf"[+]?[0-9]{{1,{digits}}}", value, re.ASCII) is None:
        raise EntryFileError(
            f"Valeur « {quote_value(value)} » illisible {section.where(key)} : "
            f"attendu un nombre entier positif d'au plus {digits} chiffres",
            line=section.line_of(key),
            key=key,
        )
    return int(value)


def _optional_time(
    section: Section, key: str, arrived_at: datetime, warnings: list[str]
) -> datetime | None:
    value = section.get(key)
    if not value:
        return None
    result = read_time(value, arrived_at)
    if result is None:
        written, where = value.strip(), section.where(key)
        if is_well_formed_datetime(written):
            # Well formed but no such moment (30 February, 25:00): any guess would be wrong.
            message = (
                f"Date impossible « {quote_value(value)} » {where} : "
                "ce jour ou cette heure n'existe pas"
            )
        else:
            message = f"Heure illisible « {quote_value(value)} » {where} : {EXPECTED_TIME}"
        raise EntryFileError(message, line=section.line_of(key), key=key)
    if result.replace(tzinfo=None) < NOT_SET_BEFORE:
        # Stored, it would read as "not set" (2.16's convention): say so and leave it empty.
        # 1000-01-01 is that convention itself, written by a host on purpose.
        if result.date() != LEGACY_NONE_DAY:
            warnings.append(
                f"Date « {quote_value(value)} » antérieure à 2000 {section.where(key)} : "
                "heure prévue laissée vide."
            )
        return None
    return result


def _split_arguments(value: str) -> tuple[str, ...]:
    """``a|b|c``, or ``a+b+c`` when there is no ``|`` (older hosts); parts stripped."""
    if not value:
        return ()
    separator = "|" if "|" in value else "+"
    return tuple(part.strip() for part in value.split(separator))


def _read_task(
    number: int, section: Section, arrived_at: datetime, warnings: list[str]
) -> EntryTask | None:
    code = section.get("Code_Tache")
    if not code:  # an empty or code-less section is skipped, whatever else it holds
        return None
    return EntryTask(
        number=number,
        line=section.line,
        code=code,
        priority=_optional_int(section, "Priorite", _PRIORITY_DIGITS),
        comment=section.get("Commentaire"),
        planned_start=_optional_time(section, "Heure_Debut_Prevue", arrived_at, warnings),
        planned_end=_optional_time(section, "Heure_Fin_Prevue", arrived_at, warnings),
        blob_key=_optional_int(section, "PrimKey_Blob", _BLOB_KEY_DIGITS),
        note_reader=section.get("Nom_Lecteur_Note"),
        note_file=section.get("Nom_Fichier_Note"),
    )


def parse_entry_file(data: bytes, arrived_at: datetime) -> EntryFile:
    """Parse an entry file; ``arrived_at`` dates the bare times. Raises only EntryFileError."""
    if len(data) > MAX_ENTRY_FILE_BYTES:
        raise EntryFileError(
            f"Fichier trop volumineux : {len(data)} octets, au plus {MAX_ENTRY_FILE_BYTES} acceptés"
        )
    text, encoding = decode_entry_bytes(data)
    warnings: list[str] = []
    entry, task_sections = _read_sections(text.lstrip("\ufeff"), warnings)
    if entry is None:
        raise EntryFileError("Section [Entree] absente : le fichier ne décrit aucun patient")
    last_name = entry.get("Nom_Patient")
    if not last_name:
        raise EntryFileError(
            "Nom du patient manquant : la clé Nom_Patient est absente ou vide "
            f"(section [Entree], ligne {entry.line_of('Nom_Patient')})",
            line=entry.line_of("Nom_Patient"),
            key="Nom_Patient",
        )
    tasks = [_read_task(n, section, arrived_at, warnings) for n, section in task_sections]
    return EntryFile(
        box_code=entry.get("Code_Box") or None,
        last_name=last_name,
        first_name=entry.get("Prenom_Patient"),
        guid=entry.get("GUID_Patient"),
        responsable=entry.get("Code_Responsable") or None,
        comment=entry.get("Commentaire"),
        annex_program=entry.get("Programme_Annexe"),
        annex_args=_split_arguments(entry.get("Arguments_Annexe")),
        tasks=tuple(task for task in tasks if task is not None),
        encoding=encoding,
        warnings=tuple(warnings),
    )
