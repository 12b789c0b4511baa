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

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

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

_UTF8_BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TASK_SECTION = re.compile(r"tache_([0-9]{1,9})", re.ASCII)
# After case and accents are folded: the same section spelt with a space, a hyphen, a dot,
# several separators or none.
_TASK_SECTION_VARIANT = re.compile(r"tache[\s_.-]*([0-9]{1,9})", re.ASCII)
_ENTRY_SECTION_VARIANT = re.compile(r"entree", re.ASCII)
_KEY_SEPARATORS = re.compile(r"[\s.-]+")
ENTRY_KEYS = (
    "Nom_Patient",
    "Prenom_Patient",
    "GUID_Patient",
    "Code_Box",
    "Code_Responsable",
    "Commentaire",
    "Programme_Annexe",
    "Arguments_Annexe",
)
TASK_KEYS = (
    "Code_Tache",
    "Priorite",
    "Commentaire",
    "Heure_Debut_Prevue",
    "Heure_Fin_Prevue",
    "PrimKey_Blob",
    "Nom_Lecteur_Note",
    "Nom_Fichier_Note",
)
_CLOCK = r"(?P<hour>[0-9]{1,2})[hH:](?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?"
_BARE_TIME = re.compile(_CLOCK, re.ASCII)
_ISO_DATETIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})(?:[Tt]|\s+)" + _CLOCK, re.ASCII
)
_FR_DATETIME = re.compile(
    r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})\s+" + _CLOCK, re.ASCII
)
_EXPECTED_TIME = "attendu HHhMM, HH:MM, AAAA-MM-JJ hh:mm[:ss] ou JJ/MM/AAAA hh:mm"
# A bare time more than this far before the arrival of the file is meant for the next day.
_ROLLOVER = timedelta(hours=12)
_PRIORITY_DIGITS = 9  # fits a signed 32-bit column
_BLOB_KEY_DIGITS = 9  # fits the INT columns of MariaDB (signed) and 2.16 (unsigned)
# Dates before this mean "not set" in Synoptux 2.16 (it wrote 1000-01-01 01:01 for none).
_NOT_SET_BEFORE = datetime(2000, 1, 1)
_LEGACY_NONE_DAY = date(1000, 1, 1)


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: undefined, keep the latin-1 char
        return chr(byte)


# Decoding as latin-1 never fails; this table then turns 0x80-0x9F into their cp1252 meaning.
_LATIN1_TO_CP1252 = str.maketrans({chr(b): _cp1252_char(b) for b in range(0x80, 0xA0)})


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


@dataclass
class _Section:
    title: str  # canonical spelling for messages: "[Entree]", "[Tache_2]"
    line: int  # line of its first header
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # lower key -> value, line
    spelling: dict[str, str] = field(default_factory=dict)  # lower key -> as written

    def get(self, key: str) -> str:
        found = self.values.get(key.lower())
        return "" if found is None else found[0]

    def line_of(self, key: str) -> int:
        found = self.values.get(key.lower())
        return self.line if found is None else found[1]

    def where(self, key: str) -> str:
        return f"pour la clé {key} (section {self.title}, ligne {self.line_of(key)})"


def _excerpt(text: str) -> str:
    """A short, printable rendering of ``text`` for an error message."""
    return quote_value(text)


def _folded(name: str) -> str:
    """``name`` without accents, case-folded: ``Tâche`` -> ``tache``."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _folded_key(key: str) -> str:
    """``Heure Début-Prévue`` -> ``heure_debut_prevue``: accents, case and separators."""
    return _KEY_SEPARATORS.sub("_", _folded(key).strip())


def _check_keys(section: _Section, known: tuple[str, ...], warnings: list[str]) -> None:
    """Read keys spelt with accents, another case or separator as the key they mean (with
    a warning); name unknown keys in a warning. Nothing written is dropped unsaid."""
    canonical = {_folded_key(key): key for key in known}
    exact = {key.lower() for key in known}
    for written, (value, line) in list(section.values.items()):
        if written in exact:
            continue
        original = section.spelling.get(written, written)
        meant = canonical.get(_folded_key(written))
        del section.values[written]
        if meant is None:
            warnings.append(
                f"Clé inconnue « {_excerpt(original)} » (section {section.title}, ligne {line}) "
                "ignorée."
            )
        elif meant.lower() in section.values:
            warnings.append(
                f"Clé « {_excerpt(original)} » (section {section.title}, ligne {line}) ignorée : "
                f"{meant} figure aussi dans la section."
            )
        else:
            section.values[meant.lower()] = (value, line)
            warnings.append(
                f"Clé « {_excerpt(original)} » (section {section.title}, ligne {line}) lue "
                f"comme {meant}."
            )


def decode_entry_bytes(data: bytes) -> tuple[str, str]:
    """Decode an entry file: UTF-16 with a BOM; UTF-8 (BOM stripped) if valid, else
    cp1252; never fails."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows Notepad's "Unicode": decode it rather than reject it as unreadable.
        return data.decode("utf-16", errors="replace"), "utf-16"
    data = data.removeprefix(_UTF8_BOM)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1").translate(_LATIN1_TO_CP1252), "cp1252"


def _clock(match: re.Match[str]) -> time:
    second = match["second"]
    return time(int(match["hour"]), int(match["minute"]), int(second) if second else 0)


def _read_time(value: str, arrived_at: datetime) -> datetime | None:
    """The moment ``value`` designates, or None when it cannot be read."""
    text = value.strip()
    tzinfo = arrived_at.tzinfo
    try:
        match = _BARE_TIME.fullmatch(text)
        if match is not None:
            clock = _clock(match)
            result = datetime.combine(arrived_at.date(), clock, tzinfo=tzinfo)
            if arrived_at - result > _ROLLOVER:
                try:
                    next_day = arrived_at.date() + timedelta(days=1)
                except OverflowError:  # arrival on 9999-12-31: nowhere to roll to
                    return result
                result = datetime.combine(next_day, clock, tzinfo=tzinfo)
            return result
        for pattern in (_ISO_DATETIME, _FR_DATETIME):
            match = pattern.fullmatch(text)
            if match is not None:
                day = date(int(match["year"]), int(match["month"]), int(match["day"]))
                return datetime.combine(day, _clock(match), tzinfo=tzinfo)
    except ValueError:  # hour 24, minute 60, 30 February, year 0...
        return None
    return None


def parse_time(value: str, arrived_at: datetime) -> datetime:
    """Read a planned time of an entry file.

    ``HHhMM``, ``HH:MM`` (either with ``:ss``) is on the day of ``arrived_at``, or on the next
    day when that would be more than 12 hours before ``arrived_at``. ``AAAA-MM-JJ hh:mm[:ss]``
    (space or ``T``) and ``JJ/MM/AAAA hh:mm[:ss]`` are taken as written. The result carries the
    ``tzinfo`` of ``arrived_at``. Raises ValueError (French message) when unreadable.
    """
    result = _read_time(value, arrived_at)
    if result is None:
        raise ValueError(f"Heure illisible « {_excerpt(value.strip())} » : {_EXPECTED_TIME}")
    return result


def _bad_line(number: int, text: str) -> EntryFileError:
    return EntryFileError(
        f"Ligne {number} illisible « {_excerpt(text)} » : attendu [Section], Clé=Valeur, "
        "un commentaire (; ou #) ou une ligne vide",
        line=number,
    )


def _read_sections(
    text: str, warnings: list[str]
) -> tuple[_Section | None, list[tuple[int, _Section]]]:
    """Split the text into the ``[Entree]`` section and the ``[Tache_N]`` sections, in the
    order of N.  A task header met twice (``[Tache_1]`` and ``[Tache_01]``) opens a second
    task rather than overwriting the first: a task is never silently lost.  Near-miss
    headers are warned about in ``warnings`` (read as the section, or ignored)."""
    entry: _Section | None = None
    tasks: list[tuple[int, _Section]] = []
    ignored: list[_Section] = []  # task-like headers without a readable number
    unknown: list[_Section] = []  # other headers ([Patient]): named, with their keys
    outside = _Section("(hors section)", 0)  # keys before the first header
    current: _Section | None = outside
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise _bad_line(number, line)
            name = line[1:-1].strip().lower()
            folded = _folded(name)
            task = _TASK_SECTION.fullmatch(name) or _TASK_SECTION_VARIANT.fullmatch(folded)
            if name == "entree" or _ENTRY_SECTION_VARIANT.fullmatch(folded):
                if entry is not None:
                    raise EntryFileError(
                        f"Deux sections [Entree] (lignes {entry.line} et {number}) : un fichier "
                        "d'entrée décrit un seul patient ; envoyez un fichier par patient",
                        line=number,
                    )
                if name != "entree":
                    warnings.append(_read_as(line, number, "[Entree]"))
                entry = current = _Section("[Entree]", number)
            elif task is not None:
                index = int(task[1])
                current = _Section(f"[Tache_{index}]", number)
                if _TASK_SECTION.fullmatch(name) is None:
                    warnings.append(_read_as(line, number, current.title))
                tasks.append((index, current))
            elif folded.startswith("tache"):
                current = _Section(line, number)
                ignored.append(current)
            else:
                current = _Section(line, number)
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
            f"Clé(s) avant toute section ignorée(s) : {_keys_named(outside)} ; "
            "attendu sous [Entree] ou [Tache_N]."
        )
    for section in unknown:
        held = f" ; ses clés {_keys_named(section)} ne sont pas lues" if section.values else ""
        warnings.append(
            f"Section inconnue {_excerpt(section.title)} (ligne {section.line}) ignorée : "
            f"attendu [Entree] ou [Tache_N]{held}."
        )
    if entry is not None:
        _check_keys(entry, ENTRY_KEYS, warnings)
    for _index, section in tasks:
        _check_keys(section, TASK_KEYS, warnings)
    for section in ignored:
        code = section.get("Code_Tache")
        lost = f"sa tâche « {_excerpt(code)} » n'est pas intégrée" if code else "sans Code_Tache"
        warnings.append(
            f"Section {_excerpt(section.title)} (ligne {section.line}) ignorée : numéro de "
            f"tâche illisible, attendu [Tache_N] (N un nombre) ; {lost}."
        )
    return entry, tasks


def _keys_named(section: _Section, at_most: int = 5) -> str:
    """« Key » (ligne N), ... for a warning: the first few, quoted short and escaped."""
    named = [
        f"« {_excerpt(section.spelling.get(key, key))} » (ligne {line})"
        for key, (_value, line) in list(section.values.items())[:at_most]
    ]
    more = len(section.values) - at_most
    return ", ".join(named) + (f" et {more} autre(s)" if more > 0 else "")


def _read_as(header: str, line: int, title: str) -> str:
    return f"En-tête {_excerpt(header)} (ligne {line}) lu comme {title}."


def _optional_int(section: _Section, key: str, digits: int) -> int | None:
    value = section.get(key)
    if not value:
        return None
    if re.fullmatch(rf"[+]?[0-9]{{1,{digits}}}", value, re.ASCII) is None:
        raise EntryFileError(
            f"Valeur « {_excerpt(value)} » illisible {section.where(key)} : "
            f"attendu un nombre entier positif d'au plus {digits} chiffres",
            line=section.line_of(key),
            key=key,
        )
    return int(value)


def _optional_time(
    section: _Section, key: str, arrived_at: datetime, warnings: list[str]
) -> datetime | None:
    value = section.get(key)
    if not value:
        return None
    result = _read_time(value, arrived_at)
    if result is None:
        written, where = value.strip(), section.where(key)
        if _ISO_DATETIME.fullmatch(written) or _FR_DATETIME.fullmatch(written):
            # Well formed but no such moment (30 February, 25:00): any guess would be wrong.
            message = (
                f"Date impossible « {_excerpt(value)} » {where} : "
                "ce jour ou cette heure n'existe pas"
            )
        else:
            message = f"Heure illisible « {_excerpt(value)} » {where} : {_EXPECTED_TIME}"
        raise EntryFileError(message, line=section.line_of(key), key=key)
    if result.replace(tzinfo=None) < _NOT_SET_BEFORE:
        # Stored, it would read as "not set" (2.16's convention): say so and leave it empty.
        # 1000-01-01 is that convention itself, written by a host on purpose.
        if result.date() != _LEGACY_NONE_DAY:
            warnings.append(
                f"Date « {_excerpt(value)} » antérieure à 2000 {section.where(key)} : "
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
    number: int, section: _Section, arrived_at: datetime, warnings: list[str]
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
