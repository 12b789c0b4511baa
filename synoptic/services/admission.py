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

from sqlalchemy import Connection, Executable, Row, bindparam, func, select
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
    by_pk: Executable
    box: Executable  # the box locked, with its occupants counted once the lock is held
    box_and_guid: Executable  # the same, and the first patient of a GUID
    responsable: Executable


@cache
def _statements(m: Models) -> _Statements:
    patient = (m.Patient.pk, m.Patient.box_code, m.Patient.last_name, m.Patient.first_name,
               m.Patient.responsable)
    first_of_guid = (select(m.Patient.pk).where(m.Patient.guid == bindparam("guid"))
                     .order_by(m.Patient.pk).limit(1))
    # Correlated: evaluated for the box row once it is locked, so a concurrent admission
    # into the box that committed meanwhile is counted (the capacity holds).
    occupants = (select(func.count()).select_from(m.Patient)
                 .where(m.Patient.box_code == m.Box.code).scalar_subquery())
    box = select(m.Box.code.label("code"), m.Box.label.label("label"),
                 m.Box.capacity.label("capacity"), m.Box.type.label("type"),
                 occupants.label("occupants"))
    return _Statements(
        by_guid=select(*patient).where(m.Patient.guid == bindparam("guid"))
        .order_by(m.Patient.pk).limit(1),
        by_pk=select(*patient).where(m.Patient.pk == bindparam("pk")),
        box=box.where(m.Box.code == bindparam("code")).with_for_update(),
        box_and_guid=box.add_columns(first_of_guid.scalar_subquery().label("same_guid"))
        .where(m.Box.code == bindparam("code")).with_for_update(),
        responsable=select(m.Responsable.code).where(m.Responsable.code == bindparam("code")),
    )


def _box_or_patient(
    conn: Connection, sql: _Statements, box_code: str, guid: str
) -> tuple[Row[Any] | None, PatientRef | None]:
    """The box locked with its occupants, or the patient of the GUID (tasks appended to
    it): one statement when it is a new patient in a known box, the usual case."""
    if not guid:
        return conn.execute(sql.box, {"code": box_code}).first(), None
    box = conn.execute(sql.box_and_guid, {"code": box_code, "guid": guid}).first()
    if box is not None and box.same_guid is None:
        return box, None
    found = (conn.execute(sql.by_guid, {"guid": guid}) if box is None
             else conn.execute(sql.by_pk, {"pk": box.same_guid})).first()
    return box, (PatientRef(*found) if found is not None else None)


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
    box, existing = _box_or_patient(conn, sql, box_code, guid)
    occupants: int | None = None  # in the box before this patient (None when merged)
    if existing is None:
        if box is None:
            raise UnknownBoxError(box_code)
        occupants = int(box.occupants)
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
        # The database's trigger wrote the PATIENT_IN row with the patient: ours is its actor.
        history.claim_entry_row(s, m, actor, patient, now, comment)
    else:
        patient = existing
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
    warnings: list[str] = []
    widths = column_lengths(m.Task)
    values: list[dict[str, Any]] = []
    codes: list[str] = []
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

        codes.append(code)
        values.append({
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
        })
    nums = _insert_numbered(s, m, values)
    for code, num, new in zip(codes, nums, tasks, strict=True):
        rows.append(history.row(m, actor, TASK_ADD, patient, now, task=TaskRef(code, num),
                                task_label=labels.get(code, code),
                                planned_start=new.planned_start))
    return nums, warnings


def _insert_numbered(s: Session, m: Models, values: list[dict[str, Any]]) -> tuple[int, ...]:
    """Insert task rows; their numbers (autoincrement) in the order of ``values``. Several
    rows take one statement where the database returns the keys of a multi-row INSERT in
    order (MariaDB 10.5+, SQLite 3.35+), else one statement each."""
    conn = s.connection()
    if len(values) > 1 and conn.dialect.insert_executemany_returning_sort_by_parameter_order:
        num = m.Task.num.expression
        result = insert_rows(s, m.Task, values, returning=num)
        return tuple(int(n) for n in result.scalars())
    return tuple(new_key(insert_rows(s, m.Task, [row])) for row in values)
