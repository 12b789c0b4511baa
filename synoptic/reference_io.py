"""A department's configuration as a JSON file: export, and import into another site.

``synoptux reference export FILE.json`` writes the states, task types (with their allowed
states), boxes, responsables, destinations, preset comments and the permission table;
persons and their PINs stay on their site. Values are written as the database holds them
(a 2.16 colour ``#EEDDAA`` stays so), box and destination types as their fixed codes.
Pairs of ``etats_taches`` whose task type no longer exists (2.16 left some) are kept in
``unattached_task_states``, so that a round trip loses nothing.

``synoptux reference import FILE.json [--dry-run]`` first validates the whole file with the
editors' rules (every problem listed, with where it is); then applies it in **one**
transaction through the editors' writer, so each change has its history and audit rows:
records of the file are added or changed, records absent from a section of the file are
deleted, or deactivated when the board still uses them. A section absent from the file
leaves its table as it is. At the end the board is checked as after any edit (no task type
without a state, no exit box without an exit destination...): a refusal rolls everything
back. ``--dry-run`` does all of it, prints what would change and rolls back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from synoptic import audit
from synoptic.destinations import fold
from synoptic.errors import SynoptuxError
from synoptic.messages import quote_value
from synoptic.people_admin import write_permissions
from synoptic.permissions import ACTIONS, ADMIN, ROLES
from synoptic.reference_admin import BoardBreakError, InUseError, ReferenceWriter
from synoptic.reference_rules import (
    REFERENCE_KINDS,
    Kind,
    Problem,
    Record,
    ValidationError,
    clean_record,
    duplicate_problems,
    record_key,
)
from synoptic.reference_store import allowed_states, load_records
from synoptic.security import permission_table
from synoptic.store.db import Store

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "ReferenceSet",
    "export_reference",
    "import_reference",
    "read_document",
    "validate_document",
    "write_transaction",
]

FORMAT = "synoptux-reference"
FORMAT_VERSION = 1
SECTIONS: Mapping[Kind, str] = {
    Kind.STATE: "states", Kind.TASK_TYPE: "task_types", Kind.BOX: "boxes",
    Kind.RESPONSABLE: "responsables", Kind.DESTINATION: "destinations",
    Kind.PRESET_COMMENT: "preset_comments",
}
# Task types go before the states they reference.
_DELETE_ORDER = (Kind.TASK_TYPE, Kind.STATE, Kind.BOX, Kind.RESPONSABLE, Kind.DESTINATION,
                 Kind.PRESET_COMMENT)
UNATTACHED = "unattached_task_states"
PERMISSIONS = "permissions"


def export_reference(store: Store, *, now: datetime) -> dict[str, Any]:
    """The department's configuration as a JSON-ready document."""
    m = store.models
    with store.read() as session:
        document: dict[str, Any] = {"format": FORMAT, "version": FORMAT_VERSION,
                                    "exported_at": now.isoformat(sep=" ", timespec="seconds")}
        for kind in REFERENCE_KINDS:
            document[SECTIONS[kind]] = list(load_records(session, m, kind).values())
        types = set(session.scalars(select(m.TaskType.code)))
        document[UNATTACHED] = sorted(
            [task, state] for task, states in allowed_states(session, m).items()
            if task not in types for state in states)
        table = permission_table(session, m)
        document[PERMISSIONS] = {role: sorted(table.actions_of(role))
                                 for role in ROLES if role != ADMIN}
    return document


def write_export(store: Store, path: Path, *, now: datetime) -> dict[str, Any]:
    document = export_reference(store, now=now)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    Path(path).write_text(text, encoding="utf-8")
    return document


def read_document(path: Path) -> Any:
    """The JSON of ``path``, or a French error naming the file and where it is broken."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SynoptuxError(f"Fichier introuvable : {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SynoptuxError(f"Lecture impossible de {path} : {err}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise SynoptuxError(f"{path} n'est pas du JSON valide (ligne {err.lineno}, colonne "
                            f"{err.colno}) : {err.msg}.") from None


@dataclass(frozen=True)
class ReferenceSet:
    """A validated file: clean records of the sections present (absent: ``None``)."""

    records: Mapping[Kind, list[Record] | None]
    unattached: list[tuple[str, str]] | None
    permissions: Mapping[str, frozenset[str]] | None


def validate_document(document: Any) -> ReferenceSet:
    """Every record checked; raises :class:`ValidationError` listing all problems."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError([Problem("", "Ce fichier n'est pas un export des données de base "
                                           f"de Synoptux (« format » attendu : {FORMAT}).")])
    version = document.get("version")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise ValidationError([Problem("", f"Version « {quote_value(str(version))} » du format "
                                           f"inconnue : ce programme lit la version 1 à "
                                           f"{FORMAT_VERSION}.")])
    problems: list[Problem] = []
    records: dict[Kind, list[Record] | None] = {}
    for kind, section in SECTIONS.items():
        records[kind] = _section(document, section, kind, problems)
    states = records[Kind.STATE]
    if states is not None:
        codes = {fold(s["code"]) for s in states}
        for index, task in enumerate(records[Kind.TASK_TYPE] or []):
            for code in task["allowed_states"]:
                if fold(code) not in codes:
                    problems.append(Problem("", f"task_types n° {index + 1} (« "
                                                f"{quote_value(task['code'])} ») : l'état « "
                                                f"{quote_value(code)} » n'est pas dans states."))
    unattached = _pairs(document.get(UNATTACHED), problems)
    permissions = _permissions(document.get(PERMISSIONS), problems)
    if problems:
        raise ValidationError(problems)
    return ReferenceSet(records, unattached, permissions)


def _section(document: Mapping[str, Any], section: str, kind: Kind,
             problems: list[Problem]) -> list[Record] | None:
    raw = document.get(section)
    if raw is None:
        return None
    if not isinstance(raw, list):
        problems.append(Problem("", f"{section} : une liste est attendue."))
        return None
    clean = []
    for index, item in enumerate(raw):
        name = item.get("code") or item.get(kind.label_field) if isinstance(item, dict) else None
        where = f"{section} n° {index + 1}" + (f" (« {quote_value(str(name))} »)" if name else "")
        if not isinstance(item, dict):
            problems.append(Problem("", f"{where} : un objet {{...}} est attendu."))
            continue
        try:
            clean.append(clean_record(kind, item))
        except ValidationError as refused:
            problems += [Problem(p.field, f"{where} : {p.message}") for p in refused.problems]
    problems += [Problem("", f"{section} : {p}") for p in duplicate_problems(kind, clean)]
    return clean


def _pairs(raw: Any, problems: list[Problem]) -> list[tuple[str, str]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) and x for x in p)
            for p in raw):
        problems.append(Problem("", f"{UNATTACHED} : une liste de paires [tâche, état] est "
                                    "attendue."))
        return None
    return [(task, state) for task, state in raw]


def _permissions(raw: Any, problems: list[Problem]) -> dict[str, frozenset[str]] | None:
    if raw is None:
        return None
    result: dict[str, frozenset[str]] = {}
    if not isinstance(raw, dict):
        problems.append(Problem("", f"{PERMISSIONS} : un objet {{rôle: [actions]}} est attendu."))
        return None
    for role, actions in raw.items():
        if role not in ROLES or role == ADMIN:
            problems.append(Problem("", f"{PERMISSIONS} : rôle « {quote_value(str(role))} » "
                                        "inconnu ou non modifiable."))
        elif not isinstance(actions, list) or not all(a in ACTIONS for a in actions):
            problems.append(Problem("", f"{PERMISSIONS} : « {role} » : liste d'actions parmi "
                                        + ", ".join(ACTIONS) + " attendue."))
        else:
            result[role] = frozenset(actions)
    return result


class _DryRun(Exception):
    pass


@contextmanager
def write_transaction(store: Store, dry_run: bool) -> Iterator[Session]:
    """One write transaction, rolled back at the end when ``dry_run``."""
    try:
        with store.write() as session:
            yield session
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass


def import_reference(store: Store, data: ReferenceSet, *, actor: str, now: datetime,
                     dry_run: bool = False) -> list[str]:
    """Apply a validated file in one transaction; the lines say what changed (or would)."""
    with write_transaction(store, dry_run) as session:
        writer = ReferenceWriter(session, store.models, actor, now, check_board=False)
        before = writer.board_problems()
        for kind in REFERENCE_KINDS:
            _upsert(writer, kind, data.records[kind])
        for kind in _DELETE_ORDER:
            _remove_absent(writer, kind, data.records[kind])
        if data.unattached is not None:
            _replace_unattached(writer, data.unattached)
        for role, actions in (data.permissions or {}).items():
            if write_permissions(session, store.models, role, actions, actor=actor, now=now):
                writer.log.append(f"Modification : droits du rôle « {ROLES[role]} »")
        lines = writer.log
        added = [p for p in writer.board_problems() if p not in before]
        if added:
            raise BoardBreakError(added)
    return lines


def _by_fold(kind: Kind, records: Mapping[str, Record]) -> dict[str, str]:
    return {fold(record_key(kind, r)): key for key, r in records.items()}


def _upsert(writer: ReferenceWriter, kind: Kind, records: list[Record] | None) -> None:
    if records is None:
        return
    present = _by_fold(kind, writer.records(kind))
    if not kind.keyed_by_code and not _keeps_order(kind, present, records):
        # Destinations and comments without an order of their own are listed in creation
        # order: recreate them all, in the file's order.
        for stale in present.values():
            writer.delete(kind, stale)
        present = {}
    for record in records:
        key = present.get(fold(record_key(kind, record)))
        if key is None:
            writer.create(kind, record)
        else:
            writer.update(kind, key, {k: v for k, v in record.items() if k != "code"})


def _keeps_order(kind: Kind, present: Mapping[str, str], records: list[Record]) -> bool:
    """Whether updating in place and adding after the others lists ``records`` in the file's
    order (rows are listed by their ``order``, then by creation)."""
    last = 1 << 62

    def rank(index: int, record: Record) -> tuple[int, int]:
        key = present.get(fold(record_key(kind, record)))
        created = int(key) if key is not None else last + index
        return (record["order"] if record["order"] is not None else 1 << 62, created)

    ranks = [rank(i, r) for i, r in enumerate(records)]
    return ranks == sorted(ranks)


def _remove_absent(writer: ReferenceWriter, kind: Kind, records: list[Record] | None) -> None:
    if records is None:
        return
    wanted = {fold(record_key(kind, r)) for r in records}
    for key, record in writer.records(kind).items():
        if fold(record_key(kind, record)) in wanted:
            continue
        try:
            writer.delete(kind, key)
        except InUseError as used:
            writer.update(kind, key, {"active": False})
            writer.log[-1] = f"Désactivation au lieu de suppression : {used.usage}."


def _replace_unattached(writer: ReferenceWriter, pairs: list[tuple[str, str]]) -> None:
    m = writer.models
    types = set(writer.session.scalars(select(m.TaskType.code)))
    present = {(task, state) for task, states in allowed_states(writer.session, m).items()
               if task not in types for state in states}
    wanted = {(task, state) for task, state in pairs if task not in types}
    table = m.TaskState.__table__  # type: ignore[attr-defined]
    for task, state in present - wanted:
        writer.session.execute(table.delete().where(
            m.TaskState.task_code == task, m.TaskState.state_code == state))
    for task, state in sorted(wanted - present):
        writer.session.add(m.TaskState(task_code=task, state_code=state))
    if present != wanted:
        summary = (f"Modification : états de tâches sans type de tâche ({len(wanted)} paire(s), "
                   f"avant : {len(present)})")
        writer.log.append(summary)
        audit.record_change(
            writer.session, m, actor=writer.actor, now=writer.now, action=audit.REF_CHANGE,
            entity="etats_taches", key="", before={"pairs": sorted(present)},
            after={"pairs": sorted(wanted)}, summary=summary)
