"""Admission: a patient put on the board, or tasks appended to the one with the same GUID.

The inbox's hot path: plain Core statements compiled once per table prefix, reference rows
read once per call (or once per batch through :class:`KnownCodes`), and every history row in
one INSERT; the ORM unit of work tripled the cost of an entry file. The caller owns the
transaction (:meth:`BoardServices.admit` opens one, the inbox shares its own with its log).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.orm import Session

from synoptic import domain
from synoptic.errors import (
    BoxFullError,
    InvalidValueError,
    UnknownBoxError,
    UnknownResponsableError,
    UnknownTaskCodeError,
)
from synoptic.messages import quote_value
from synoptic.services import history
from synoptic.services.history import (
    PATIENT_IN,
    TASK_ADD,
    PatientLike,
    PatientRef,
    TaskRef,
    column_lengths,
    fit_warned,
    insert_rows,
    new_key,
    task_labels,
)
from synoptic.store import queries
from synoptic.store.db import Store
from synoptic.store.models import Models


@dataclass(frozen=True)
class NewTask:
    code: str
    priority: int | None = None
    comment: str = ""
    planned_start: datetime | None = None
    planned_end: datetime | None = None
    blob_key: int | None = None
    note_file: str = ""
    note_reader: str = ""
    note: str = ""


@dataclass(frozen=True)
class AdmitResult:
    patient_pk: int
    merged: bool  # the GUID was already on the board: tasks were appended
    task_nums: tuple[int, ...]
    warnings: tuple[str, ...] = ()
    occupants: int | None = None  # patients in the box with this one (None when merged)


@dataclass(frozen=True)
class KnownCodes:
    """Task labels and responsable codes read once for a batch of admissions (the inbox's
    pass); a code missing here is still looked up in the database."""

    task_labels: dict[str, str]
    responsables: frozenset[str]


def load_known_codes(store: Store) -> KnownCodes:
    m = store.models
    with store.read() as session:
        labels = {c: label or c for c, label in session.execute(
            select(m.TaskType.code, m.TaskType.label))}
        responsables = frozenset(session.scalars(select(m.Responsable.code)))
    return KnownCodes(labels, responsables)


@dataclass(frozen=True)
class _Statements:
    """The admission's SELECTs, built once per table prefix with bound parameters."""

    by_guid: Executable
    box: Executable
    responsable: Executable


@cache
def _statements(m: Models) -> _Statements:
    return _Statements(
        by_guid=select(m.Patient.pk, m.Patient.box_code, m.Patient.last_name,
                       m.Patient.first_name, m.Patient.responsable)
        .where(m.Patient.guid == bindparam("guid")).order_by(m.Patient.pk).limit(1),
        box=select(m.Box.code.label("code"), m.Box.label.label("label"),
                   m.Box.capacity.label("capacity"), m.Box.type.label("type"))
        .where(m.Box.code == bindparam("code")).with_for_update(),
        responsable=select(m.Responsable.code).where(m.Responsable.code == bindparam("code")),
    )


def admit(
    s: Session,
    m: Models,
    actor: str,
    *,
    box_code: str,
    last_name: str,
    now: datetime,
    first_name: str,
    guid: str,
    responsable: str | None,
    comment: str,
    annex_program: str,
    annex_args: Sequence[str],
    tasks: Sequence[NewTask],
    lenient: bool,
    allow_over_capacity: bool,
    known: KnownCodes | None,
) -> AdmitResult:
    """The admission in ``s`` (see :meth:`BoardServices.admit`); the caller commits."""
    if not last_name.strip():
        raise InvalidValueError("Le nom du patient est obligatoire.")
    guid = guid.strip()
    widths = column_lengths(m.Patient)
    if len(guid) > widths["guid"]:
        # Never cut: two patients whose GUIDs share their start would become one.
        raise InvalidValueError(
            f"GUID_Patient trop long : {len(guid)} caractères, au plus {widths['guid']} ; "
            "il n'est jamais coupé, deux patients différents seraient confondus."
        )
    warnings: list[str] = []

    def cut(value: str, attr: str, key: str) -> str:
        return fit_warned(value, widths[attr], key, warnings)

    rows: list[dict[str, Any]] = []  # history: one batched INSERT at the end
    conn = s.connection()  # plain Core statements: compiled once, cached
    sql = _statements(m)
    existing = None
    if guid:
        found = conn.execute(sql.by_guid, {"guid": guid}).first()
        existing = PatientRef(*found) if found is not None else None
    if existing is None:
        box = conn.execute(sql.box, {"code": box_code}).first()
        if box is None:
            raise UnknownBoxError(box_code)
        occupants = queries.count_in_box(s, m, box.code)
        if not allow_over_capacity and not domain.has_room(box.capacity, occupants):
            raise BoxFullError(box.label or box.code, box.capacity or 0)
        if responsable and (known is None or responsable not in known.responsables) \
                and conn.execute(sql.responsable, {"code": responsable}).first() is None:
            if not lenient:
                raise UnknownResponsableError(responsable)
            warnings.append(
                f"Responsable inconnu « {quote_value(responsable)} » conservé tel quel."
            )
        kind = domain.parse_box_type(box.type)
        values = {
            "box_code": box.code,
            "last_name": cut(last_name.strip(), "last_name", "Nom_Patient"),
            "first_name": cut(first_name.strip(), "first_name", "Prenom_Patient"),
            "guid": guid or None,
            "responsable": cut(responsable or "", "responsable", "Code_Responsable") or None,
            "comment": cut(comment.strip(), "comment", "Commentaire"),
            "entered_at": now,
            "moved_at": now,
            "folded": 1 if kind.folds_patients else 0,
            "hidden": 0,
            "annex_program": cut(annex_program, "annex_program", "Programme_Annexe"),
            "annex_args": cut("|".join(annex_args), "annex_args", "Arguments_Annexe"),
            "revision": 0,
        }
        inserted = insert_rows(s, m.Patient, [values])
        patient: PatientLike = PatientRef(
            new_key(inserted), box.code, values["last_name"],
            values["first_name"], values["responsable"],
        )
        rows.append(history.row(m, actor, PATIENT_IN, patient, now, comment=comment))
    else:
        patient = existing
        occupants = None
    codes = {t.code.strip() for t in tasks}
    labels = {c: known.task_labels[c] for c in codes if c in known.task_labels} \
        if known is not None else {}
    labels |= task_labels(s, m, codes - labels.keys())
    nums, task_warnings = insert_tasks(s, m, actor, patient, tasks, now, lenient, labels, rows)
    warnings.extend(task_warnings)
    history.write(s, m, rows)
    return AdmitResult(patient.pk, existing is not None, nums, tuple(warnings),
                       None if occupants is None else occupants + 1)


def insert_tasks(
    s: Session, m: Models, actor: str, patient: PatientLike, tasks: Sequence[NewTask],
    now: datetime, lenient: bool, labels: dict[str, str], rows: list[dict[str, Any]],
) -> tuple[tuple[int, ...], list[str]]:
    """Insert ``tasks`` of ``patient``; their history rows are appended to ``rows``.
    Returns their numbers and the warnings about them (unknown code, values cut to their
    column, each named by its entry-file key)."""
    nums: list[int] = []
    warnings: list[str] = []
    widths = column_lengths(m.Task)
    for new in tasks:
        code = new.code.strip()
        if code not in labels:
            if not lenient:
                raise UnknownTaskCodeError(code)
            warnings.append(
                f"Code de tâche inconnu « {quote_value(code)} » : tâche conservée avec ce code."
            )
        where = f"Tâche « {quote_value(code)} », "

        def cut(value: str, attr: str, key: str, where: str = where) -> str:
            return fit_warned(value, widths[attr], where + key, warnings)

        inserted = insert_rows(s, m.Task, [{
            "patient_pk": patient.pk,
            "code": cut(code, "code", "Code_Tache"),
            "comment": cut(new.comment, "comment", "Commentaire"),
            "planned_start": new.planned_start,
            "planned_end": new.planned_end,
            "priority": new.priority,
            "note": new.note or None,
            "blob_key": new.blob_key,
            "note_file": cut(new.note_file, "note_file", "Nom_Fichier_Note") or None,
            "note_reader": cut(new.note_reader, "note_reader", "Nom_Lecteur_Note") or None,
            "revision": 0,
        }])
        num = new_key(inserted)
        nums.append(num)
        rows.append(history.row(m, actor, TASK_ADD, patient, now, task=TaskRef(code, num),
                                task_label=labels.get(code, code)))
    return tuple(nums), warnings
