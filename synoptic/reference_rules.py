"""The reference data's rules, without the database: fields, validation, board invariants.

A record is a plain dict of one box, state, task type, responsable, destination or preset
comment, keyed by the model's attribute names (``allowed_states`` for a task type's
states). The editors, the audit and the JSON export all use this one form.

:func:`clean_record` checks one record and returns it normalised (text stripped, numbers
as ``int``, flags as ``bool``, box and destination types as their fixed codes whatever the
display language); every problem found is reported at once, each a French sentence naming
its field. :func:`board_problems` names what would break the board in a whole set of
records (a task type with no state, an exit box with no exit destination...).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from synoptic.colours import COLOUR_EXPECTED, normalise_colour
from synoptic.destinations import fold
from synoptic.domain import BoxType
from synoptic.errors import InvalidValueError
from synoptic.messages import quote_value
from synoptic.permissions import ROLES
from synoptic.store.models import COMMENT_LENGTH

__all__ = [
    "REFERENCE_KINDS",
    "Field",
    "Kind",
    "Problem",
    "ValidationError",
    "board_problems",
    "clean_record",
    "display_name",
    "fields_of",
    "record_key",
]

Record = dict[str, Any]
MAX_NUMBER = 99_999
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# A box code is also a key of the ini's [Positions_fenetres] (config.save_positions).
_BAD_CODE_RE = re.compile(r"[=:]|^[#;\[]")


class Kind(enum.Enum):
    """The reference tables the administrator edits (value: the table's short name)."""

    BOX = "box"
    STATE = "etats"
    TASK_TYPE = "taches"
    RESPONSABLE = "responsables"
    DESTINATION = "destinations"
    PRESET_COMMENT = "commentaires"
    USER = "utilisateurs"  # persons with a role and a PIN (synoptic.people_admin)

    @property
    def noun(self) -> str:
        """French name with its article, for messages: « le box », « la tâche »..."""
        return _NOUNS[self]

    @property
    def keyed_by_code(self) -> bool:
        """Keyed by a code the host knows; else by an automatic number."""
        return self in (Kind.BOX, Kind.STATE, Kind.TASK_TYPE, Kind.RESPONSABLE, Kind.USER)

    @property
    def label_field(self) -> str:
        """The field a rename changes (the code, known to the host, never changes)."""
        return {Kind.RESPONSABLE: "name", Kind.USER: "name",
                Kind.PRESET_COMMENT: "text"}.get(self, "label")

    @property
    def has_active(self) -> bool:
        return any(f.name == "active" for f in fields_of(self))


_NOUNS = {
    Kind.BOX: "le box",
    Kind.STATE: "l'état",
    Kind.TASK_TYPE: "la tâche",
    Kind.RESPONSABLE: "le responsable",
    Kind.DESTINATION: "la destination",
    Kind.PRESET_COMMENT: "le commentaire prédéfini",
    Kind.USER: "la personne",
}
# The department's configuration (export/import); persons and their PINs stay on their site.
REFERENCE_KINDS = (Kind.STATE, Kind.TASK_TYPE, Kind.BOX, Kind.RESPONSABLE, Kind.DESTINATION,
                   Kind.PRESET_COMMENT)


@dataclass(frozen=True)
class Problem:
    field: str  # attribute name ("" for the record as a whole)
    message: str


class ValidationError(InvalidValueError):
    """One or more fields refused; ``problems`` lets a form show each beside its field."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(p.message for p in self.problems))


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # French, as the editor's form shows it
    check: Callable[[Any, Field], Any]  # value -> clean value; raises _Refused
    required: bool = False
    max_length: int = 45
    empty: Any = ""  # the clean value of an empty field
    empty_means: str = ""  # what an empty number means, for its message


class _Refused(Exception):
    pass


def _text(value: Any, field: Field) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Refused(f"{field.label} : du texte est attendu.")
    text = value.strip()
    if _CONTROL_RE.search(text):
        raise _Refused(f"{field.label} : une seule ligne, sans caractère de contrôle.")
    if len(text) > field.max_length:
        raise _Refused(
            f"{field.label} : {len(text)} caractères, {field.max_length} au plus.")
    return text


def _code(value: Any, field: Field) -> str:
    text = _text(value, field)
    if _BAD_CODE_RE.search(text):
        raise _Refused(f"{field.label} : « {quote_value(text)} » ne peut contenir ni = ni :, "
                       "ni commencer par #, ; ou [.")
    return text


def _colour(value: Any, field: Field) -> str:
    text = _text(value, field)
    if text and normalise_colour(text) is None:
        raise _Refused(f"{field.label} : « {quote_value(text)} » n'est pas une couleur ; "
                       f"attendu {COLOUR_EXPECTED}.")
    return text  # kept as typed (#EEDDAA stays so): Qt reads any case


def _number(value: Any, field: Field) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _Refused(f"{field.label} : un nombre entier est attendu.")
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise _Refused(f"{field.label} : « {quote_value(text)} » n'est pas un nombre entier.")
    number = int(text)
    if number < 0:
        raise _Refused(f"{field.label} : {number} est négatif ; un nombre positif est attendu"
                       f"{f' (vide : {field.empty_means})' if field.empty_means else ''}.")
    if number > MAX_NUMBER:
        raise _Refused(f"{field.label} : {number} est trop grand ({MAX_NUMBER} au plus).")
    return number


def _priority(value: Any, field: Field) -> str:
    number = _number(value, field)
    return "" if number is None else str(number)


def _flag(value: Any, field: Field) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise _Refused(f"{field.label} : oui ou non est attendu.")


def _choice(options: Mapping[str, str], expected: str) -> Callable[[Any, Field], str]:
    def check(value: Any, field: Field) -> str:
        if isinstance(value, BoxType):
            value = value.value
        text = _text(value, field)
        if not text:
            return ""
        found = options.get(text.casefold())
        if found is None:
            raise _Refused(f"{field.label} : « {quote_value(text)} » inconnu ; attendu {expected}.")
        return found
    return check


_box_type = _choice({t.value.casefold(): t.value for t in BoxType},
                    "Attente, Soins, Absence ou Sortie")
_exit_type = _choice({t.value.casefold(): t.value for t in (BoxType.ABSENCE, BoxType.EXIT)},
                     "Absence ou Sortie")
_mode = _choice({"b": "B", "m": "M"}, "B (un bouton par état) ou M (un menu)")
_role = _choice({code: code for code in ROLES}, ", ".join(ROLES))


def _states(value: Any, field: Field) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _Refused(f"{field.label} : une liste de codes d'états est attendue.")
    codes: list[str] = []
    for item in value:
        code = _code(item, field)
        if code and code not in codes:
            codes.append(code)
    return codes


def _f(name: str, label: str, check: Callable[[Any, Field], Any], **options: Any) -> Field:
    return Field(name, label, check, **options)


_CODE = _f("code", "Code", _code, required=True)
_ACTIVE = _f("active", "Actif", _flag, empty=True)
_ORDER = _f("order", "Ordre", _number, empty=None, empty_means="ordre de création")
_FIELDS: dict[Kind, tuple[Field, ...]] = {
    Kind.BOX: (
        _CODE, _f("label", "Libellé", _text, required=True),
        _f("background_color", "Couleur de fond", _colour),
        _f("title_color", "Couleur du titre", _colour),
        _f("capacity", "Nombre de places", _number, empty=None, empty_means="sans limite"),
        _f("type", "Type", _box_type, required=True), _ACTIVE,
    ),
    Kind.STATE: (
        _CODE, _f("label", "Libellé", _text, required=True), _f("color", "Couleur", _colour),
        _f("terminal", "Tâche terminée", _flag, empty=False),
        _f("order", "Ordre", _number, empty=None, empty_means="ordre des codes"), _ACTIVE,
    ),
    Kind.TASK_TYPE: (
        _CODE, _f("label", "Libellé", _text, required=True), _f("color", "Couleur", _colour),
        _f("alarm_color", "Couleur d'alarme", _colour),
        _f("max_duration_min", "Durée maximale (minutes)", _number, empty=None,
           empty_means="pas de durée maximale"),
        _f("allowed_states", "États permis", _states, required=True, empty=[]),
        _f("button_mode", "Affichage", _mode, empty="M"),
        _f("priority", "Priorité", _priority, max_length=10),
        _f("comment", "Commentaire", _text, max_length=256), _ACTIVE,
    ),
    Kind.RESPONSABLE: (
        _CODE, _f("name", "Nom", _text, required=True, max_length=90),
        _f("color", "Couleur", _colour), _ACTIVE,
    ),
    Kind.DESTINATION: (
        _f("label", "Libellé", _text, required=True),
        _f("exit_type", "Type", _exit_type, required=True), _ORDER,
    ),
    Kind.PRESET_COMMENT: (
        _f("text", "Texte", _text, required=True, max_length=COMMENT_LENGTH), _ORDER,
    ),
    Kind.USER: (
        _CODE, _f("name", "Nom", _text, required=True, max_length=90),
        _f("role_code", "Rôle", _role, required=True), _ACTIVE,
    ),
}


def fields_of(kind: Kind) -> tuple[Field, ...]:
    return _FIELDS[kind]


def clean_record(kind: Kind, values: Mapping[str, Any]) -> Record:
    """``values`` checked and normalised; raises :class:`ValidationError` listing every
    problem. A field left out takes its empty value (and is refused if required)."""
    fields = fields_of(kind)
    known = {f.name for f in fields}
    problems = [Problem(name, f"Champ inconnu : « {quote_value(str(name))} ».")
                for name in values if name not in known and name != "pk"]
    clean: Record = {}
    for field in fields:
        if values.get(field.name) is None:
            value = field.empty
        else:
            try:
                value = field.check(values[field.name], field)
            except _Refused as refused:
                problems.append(Problem(field.name, str(refused)))
                continue
            if value in ("", None, []):
                value = field.empty
        if field.required and value in ("", None, []):
            problems.append(Problem(field.name, _required_message(kind, field)))
        clean[field.name] = value
    if problems:
        raise ValidationError(problems)
    return clean


def _required_message(kind: Kind, field: Field) -> str:
    if field.name == "allowed_states":
        return ("États permis : au moins un état est obligatoire ; sans état, la tâche ne "
                "pourrait jamais avancer sur le tableau.")
    return f"{field.label} : obligatoire."


def record_key(kind: Kind, record: Mapping[str, Any]) -> str:
    """What identifies a record across databases: its code, else its text."""
    if kind.keyed_by_code:
        return str(record["code"])
    return str(record[kind.label_field])


def display_name(kind: Kind, record: Mapping[str, Any], *, first: bool = False) -> str:
    """``le box « Box 1 »`` (``Le box...`` ``first`` in a sentence): a record in French."""
    name = record.get(kind.label_field) or record_key(kind, record)
    text = f"{kind.noun} « {quote_value(str(name))} »"
    return text[:1].upper() + text[1:] if first else text


def duplicate_problems(kind: Kind, records: Iterable[Mapping[str, Any]]) -> list[str]:
    """Keys used twice, compared as MariaDB's collation does (case and accents ignored)."""
    seen: dict[str, str] = {}
    problems = []
    field = "code" if kind.keyed_by_code else kind.label_field
    label = next(f.label for f in fields_of(kind) if f.name == field)
    for record in records:
        key = record_key(kind, record)
        folded = fold(key)
        if folded in seen:
            problems.append(f"{label} : « {quote_value(key)} » existe déjà "
                            f"({display_name(kind, {field: seen[folded]})}).")
        else:
            seen[folded] = key
    return problems


def board_problems(records: Mapping[Kind, Iterable[Mapping[str, Any]]]) -> list[str]:
    """What would break the board in a complete set of records (empty: nothing)."""
    boxes = [b for b in records.get(Kind.BOX, ()) if b["active"]]
    states = {s["code"] for s in records.get(Kind.STATE, ()) if s["active"]}
    exits = {d["exit_type"] for d in records.get(Kind.DESTINATION, ())}
    problems = []
    for task in records.get(Kind.TASK_TYPE, ()):
        if not states.intersection(task["allowed_states"]):
            problems.append(f"{display_name(Kind.TASK_TYPE, task, first=True)} n'aurait aucun "
                            "état permis actif : elle ne pourrait plus avancer sur le tableau.")
    for box in boxes:
        if box["type"] in (BoxType.ABSENCE.value, BoxType.EXIT.value) and box["type"] not in exits:
            problems.append(
                f"{display_name(Kind.BOX, box, first=True)} ({box['type']}) n'aurait aucune "
                f"destination de type {box['type']} : aucun patient ne pourrait y aller.")
    if boxes and not any(b["type"] == BoxType.EXIT.value for b in boxes):
        problems.append("Aucun box de sortie actif : les patients ne pourraient plus quitter "
                        "le tableau.")
    return problems
