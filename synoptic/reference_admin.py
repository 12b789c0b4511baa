"""Editing the reference data: boxes, states, task types, responsables, destinations and
preset comments (the 2.16 manual's "Saisie des données de base", without hand-written SQL).

Every change is one transaction holding the change itself, its ``historique`` row naming
the actor and its audit row with the record before and after (:mod:`synoptic.audit`). The
reference tables' triggers (``store/feed_schema.py``) record each write in the change feed,
so every screen's next poll reports ``reference_changed`` and reloads (within its poll
period, 1 s by default).

Refused, with a French sentence saying why:

- invalid values (:func:`synoptic.reference_rules.clean_record`), a code or label used twice
  (compared without case or accents, as MariaDB does);
- deleting what the board uses (a box holding patients, a state or task type of a task on
  the board, the responsable of a patient): :class:`InUseError`, whose message offers to
  deactivate or rename instead;
- a change after which the board would break (:class:`BoardBreakError`): a task type left
  with no state, an Absence/Sortie box left with no destination of its type, no exit box;
- emptying or retyping a box that holds patients below what they need.

Codes never change: the host system writes them in its entry files and rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from synoptic import audit
from synoptic.errors import NotFoundError, SynoptuxError
from synoptic.messages import quote_value
from synoptic.reference_rules import (
    Kind,
    Record,
    board_problems,
    clean_record,
    display_name,
    duplicate_problems,
    fields_of,
)
from synoptic.reference_store import (
    apply_record,
    load_records,
    mapped_class,
    set_allowed_states,
    usage_count,
)
from synoptic.store.db import Store
from synoptic.store.models import Models

__all__ = [
    "BoardBreakError",
    "InUseError",
    "ReferenceAdmin",
    "ReferenceWriter",
    "UnknownRecordError",
]

_USAGE = {
    Kind.BOX: "contient {n} patient(s)",
    Kind.STATE: "est l'état de {n} tâche(s) sur le tableau",
    Kind.TASK_TYPE: "est prescrite {n} fois sur le tableau",
    Kind.RESPONSABLE: "suit {n} patient(s)",
}


class UnknownRecordError(NotFoundError):
    def __init__(self, kind: Kind, key: str) -> None:
        super().__init__(f"Introuvable : {kind.noun} « {quote_value(key)} » (supprimé entre-temps ?).")


class InUseError(SynoptuxError):
    """Deleting what the board uses; the screen offers ``offers`` instead."""

    offers = ("deactivate", "rename")

    def __init__(self, kind: Kind, record: Record, count: int) -> None:
        self.usage = f"{display_name(kind, record, first=True)} {_USAGE[kind].format(n=count)}"
        super().__init__(f"{self.usage} : suppression impossible. À la place : désactivation "
                         "ou changement de libellé.")
        self.kind = kind
        self.count = count


class BoardBreakError(SynoptuxError):
    """The change would leave the board unable to work; ``reasons`` says how."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("Modification refusée : " + " ".join(reasons))
        self.reasons = tuple(reasons)


def _history_columns(kind: Kind, record: Record) -> dict[str, Any]:
    """The history's own columns a reference change fills (so its readers can filter)."""
    if kind is Kind.BOX:
        return {"box_code": record["code"]}
    if kind is Kind.TASK_TYPE:
        return {"task_code": record["code"], "task_label": record["label"][:45]}
    if kind is Kind.RESPONSABLE:
        return {"responsable": record["code"]}
    if kind is Kind.STATE:
        return {"state_label": record["label"][:45]}
    return {}


class ReferenceWriter:
    """The changes of one transaction (the caller's ``session``), each audited.

    ``check_board``: refuse a change that adds a board problem (an import turns it off and
    checks the whole set once, at the end)."""

    def __init__(self, session: Session, models: Models, actor: str, now: datetime, *,
                 check_board: bool = True) -> None:
        self.session = session
        self.models = models
        self.actor = actor
        self.now = now
        self.check_board = check_board
        self.log: list[str] = []  # one line per change written, as its history summary

    # ------------------------------------------------------------------ reads

    def records(self, kind: Kind) -> dict[str, Record]:
        return load_records(self.session, self.models, kind)

    def board_problems(self) -> list[str]:
        return board_problems({k: self.records(k).values() for k in
                               (Kind.BOX, Kind.STATE, Kind.TASK_TYPE, Kind.DESTINATION)})

    # ------------------------------------------------------------------ changes

    def create(self, kind: Kind, values: Mapping[str, Any]) -> str:
        """Add a record; returns its key (its code, or its new number as text)."""
        record = clean_record(kind, values)
        existing = self.records(kind)
        self._check_unique(kind, existing.values(), record)
        self._check_states_exist(kind, record)
        before = self.board_problems() if self.check_board else []
        row = mapped_class(self.models, kind)()
        apply_record(self.session, self.models, kind, row, record)
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as err:  # another screen created the same code meanwhile
            raise SynoptuxError(duplicate_problems(kind, [record, record])[0]) from err
        key = str(row.code if kind.keyed_by_code else row.pk)
        self._refuse_new_problems(before)
        self._record(kind, key, None, record, audit.REF_ADD, "Ajout")
        return key

    def update(self, kind: Kind, key: str, values: Mapping[str, Any]) -> bool:
        """Change some fields of a record (the code excepted); False when nothing changed."""
        if "code" in values and kind.keyed_by_code and values["code"] != key:
            raise SynoptuxError("Le code ne change pas : le système hôte le connaît. "
                                "Créez-en un nouveau et désactivez l'ancien.")
        row, old = self._locked(kind, key)
        record = clean_record(kind, {**old, **values})
        if record == old:
            return False
        others = [r for k, r in self.records(kind).items() if k != key]
        self._check_unique(kind, others, record)
        self._check_states_exist(kind, record)
        if kind is Kind.BOX:
            self._check_occupied_box(old, record)
        before = self.board_problems() if self.check_board else []
        apply_record(self.session, self.models, kind, row, record)
        self.session.flush()
        self._refuse_new_problems(before)
        self._record(kind, key, old, record, audit.REF_CHANGE, "Modification")
        return True

    def delete(self, kind: Kind, key: str) -> None:
        row, old = self._locked(kind, key)
        count = usage_count(self.session, self.models, kind, key)
        if count:
            raise InUseError(kind, old, count)
        before = self.board_problems() if self.check_board else []
        if kind is Kind.STATE:
            self._drop_state_from_task_types(key)
        if kind is Kind.TASK_TYPE:
            set_allowed_states(self.session, self.models, key, [])
        self.session.delete(row)
        self.session.flush()
        self._refuse_new_problems(before)
        self._record(kind, key, old, None, audit.REF_DELETE, "Suppression")

    # ------------------------------------------------------------------ helpers

    def _locked(self, kind: Kind, key: str) -> tuple[Any, Record]:
        cls = mapped_class(self.models, kind)
        column = cls.code if kind.keyed_by_code else cls.pk
        wanted: Any = key if kind.keyed_by_code else _as_number(kind, key)
        row = self.session.scalars(select(cls).where(column == wanted).with_for_update()).first()
        if row is None:
            raise UnknownRecordError(kind, key)
        return row, self.records(kind)[str(row.code if kind.keyed_by_code else row.pk)]

    @staticmethod
    def _check_unique(kind: Kind, others: Any, record: Record) -> None:
        problems = duplicate_problems(kind, [*others, record])
        if problems:
            raise SynoptuxError(problems[-1])

    def _check_states_exist(self, kind: Kind, record: Record) -> None:
        if kind is not Kind.TASK_TYPE:
            return
        states = self.records(Kind.STATE)
        missing = [c for c in record["allowed_states"] if c not in states]
        if missing:
            raise SynoptuxError("États permis : " + ", ".join(
                f"« {quote_value(c)} »" for c in missing) + " n'existe(nt) pas.")

    def _check_occupied_box(self, old: Record, new: Record) -> None:
        count = usage_count(self.session, self.models, Kind.BOX, old["code"])
        if not count:
            return
        name = display_name(Kind.BOX, old, first=True)
        if new["type"] != old["type"]:
            raise SynoptuxError(f"{name} contient {count} patient(s) : son type ne change "
                                "pas tant qu'il n'est pas vide.")
        capacity = new["capacity"]
        # Only a new capacity is checked: a box already over it (the host may put patients
        # there) can still be renamed or recoloured.
        if capacity != old["capacity"] and capacity and capacity < count:
            raise SynoptuxError(f"{name} contient {count} patient(s) : il lui faut au moins "
                                f"{count} place(s).")

    def _drop_state_from_task_types(self, state: str) -> None:
        """A deleted state leaves the task types that allowed it (each change audited)."""
        for code, task in self.records(Kind.TASK_TYPE).items():
            if state in task["allowed_states"]:
                after = {**task, "allowed_states": [s for s in task["allowed_states"]
                                                    if s != state]}
                set_allowed_states(self.session, self.models, code, after["allowed_states"])
                self._record(Kind.TASK_TYPE, code, task, after, audit.REF_CHANGE,
                             "Modification")

    def _refuse_new_problems(self, before: list[str]) -> None:
        if not self.check_board:
            return
        added = [p for p in self.board_problems() if p not in before]
        if added:
            raise BoardBreakError(added)

    def _record(self, kind: Kind, key: str, before: Record | None, after: Record | None,
                action: str, verb: str) -> None:
        record = after if after is not None else before
        assert record is not None
        summary = f"{verb} : {display_name(kind, record)}"
        if before is not None and after is not None:
            changed = set(audit.changed_fields(before, after))  # named in the form's order
            summary += " (" + ", ".join(f.label.lower() for f in fields_of(kind)
                                        if f.name in changed) + ")"
        self.log.append(summary)
        audit.record_change(
            self.session, self.models, actor=self.actor, now=self.now, action=action,
            entity=kind.value, key=key,
            before=before, after=after, summary=summary,
            history=_history_columns(kind, record))


def _as_number(kind: Kind, key: str) -> int:
    try:
        return int(key)
    except ValueError:
        raise UnknownRecordError(kind, key) from None


@dataclass
class ReferenceAdmin:
    """The editors' entry point: each call is one transaction acting as ``actor``."""

    store: Store
    actor: str

    def records(self, kind: Kind) -> dict[str, Record]:
        """Key -> record, in the editors' order (states by their order, then code)."""
        with self.store.read() as session:
            return load_records(session, self.store.models, kind)

    def create(self, kind: Kind, values: Mapping[str, Any], *, now: datetime) -> str:
        with self.store.write() as session:
            return self._writer(session, now).create(kind, values)

    def update(self, kind: Kind, key: str | int, values: Mapping[str, Any], *,
               now: datetime) -> bool:
        with self.store.write() as session:
            return self._writer(session, now).update(kind, str(key), values)

    def rename(self, kind: Kind, key: str | int, label: str, *, now: datetime) -> bool:
        """Change the label (the name of a responsable, the text of a comment)."""
        return self.update(kind, key, {kind.label_field: label}, now=now)

    def set_active(self, kind: Kind, key: str | int, active: bool, *, now: datetime) -> bool:
        if not kind.has_active:
            raise SynoptuxError(f"{kind.noun.capitalize()} ne se désactive pas : suppression "
                                "ou changement de libellé seulement.")
        return self.update(kind, key, {"active": active}, now=now)

    def delete(self, kind: Kind, key: str | int, *, now: datetime) -> None:
        with self.store.write() as session:
            self._writer(session, now).delete(kind, str(key))

    def _writer(self, session: Session, now: datetime) -> ReferenceWriter:
        return ReferenceWriter(session, self.store.models, self.actor, now)
