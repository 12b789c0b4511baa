"""History rows (``historique``): what every use case writes beside its change, in its
transaction, naming who acted.

Rows are built by :func:`row` and written by :func:`write`, one INSERT for all the rows of
a use case (an admission writes its patient's and its tasks' rows at once).
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from sqlalchemy import CursorResult, Executable, bindparam, func, inspect, select, update
from sqlalchemy.orm import ColumnProperty, Session

from synoptic.messages import cut_warning
from synoptic.store.archive_triggers import HOST_ACTOR
from synoptic.store.models import Models
from synoptic.store.types import LegacyDateTime

# History actions (the first six are Synoptux 2.16's).
PATIENT_IN = "PATIENT_IN"
TASK_STATE = "TASK_STATE"
SET_OWNER = "SET_OWNER"
SET_PLACE = "SET_PLACE"
PATIENT_OUT = "PATIENT_OUT"
PATIENT_LIFEOUT = "PATIENT_LIFEOUT"
TASK_ADD = "TASK_ADD"
TASK_DELETE = "TASK_DELETE"
SET_COMMENT = "SET_COMMENT"
SET_HIDDEN = "SET_HIDDEN"
SET_FOLDED = "SET_FOLDED"
SET_EXIT_TIME = "SET_EXIT_TIME"

SHORT = 45  # most Synoptux text columns are VARCHAR(45)


def fit(value: str | None, length: int = SHORT) -> str:
    """Text cut to a column's size (MySQL in strict mode refuses longer values)."""
    return (value or "")[:length]


def column_lengths(mapped: type) -> dict[str, int]:
    """Attribute name -> size of its VARCHAR column, from the model (one source of widths)."""
    return _column_lengths(mapped)


@cache
def _column_lengths(mapped: type) -> dict[str, int]:
    attrs: Iterable[ColumnProperty[Any]] = inspect(mapped).column_attrs
    lengths = {attr.key: getattr(attr.columns[0].type, "length", None) for attr in attrs}
    return {key: length for key, length in lengths.items() if isinstance(length, int)}


def fit_warned(value: str, length: int, key: str, warnings: list[str]) -> str:
    """``value`` cut to ``length``, with a warning naming ``key`` when something is cut."""
    if len(value) > length:
        warnings.append(cut_warning(key, len(value), length))
    return value[:length]


def resolve_actor(user: str | None = None, screen_name: str | None = None) -> str:
    """Who acted: the chosen user, else this screen's name, else the host name."""
    for candidate in (user, screen_name):
        if candidate and candidate.strip():
            return fit(candidate.strip())
    return fit(socket.gethostname() or "inconnu")


class PatientLike(Protocol):
    """What a history row needs of a patient: a mapped row or a :class:`PatientRef`."""

    @property
    def pk(self) -> int: ...
    @property
    def box_code(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def first_name(self) -> str | None: ...
    @property
    def responsable(self) -> str | None: ...


class TaskLike(Protocol):
    @property
    def code(self) -> str | None: ...
    @property
    def num(self) -> int: ...


@dataclass(frozen=True)
class PatientRef:
    pk: int
    box_code: str
    last_name: str
    first_name: str | None
    responsable: str | None


@dataclass(frozen=True)
class TaskRef:
    code: str | None
    num: int


@cache
def _column_keys(mapped: type) -> dict[str, str]:
    """Attribute name -> SQL column key of a mapped class."""
    attrs: Iterable[ColumnProperty[Any]] = inspect(mapped).column_attrs
    return {attr.key: attr.columns[0].key for attr in attrs}


def insert_rows(
    s: Session, mapped: type, rows: Sequence[dict[str, Any]], returning: Any = None
) -> CursorResult[Any]:
    """Core INSERT of one row (or executemany of several) with bound parameters; the
    statement compiles once and is cached (an ORM insert with inline values rebuilt its
    cache key on every call). ``returning``: a column whose values come back in the order
    of ``rows``."""
    keys = _column_keys(mapped)
    table = mapped.__table__  # type: ignore[attr-defined]
    params = [{keys[k]: v for k, v in row.items()} for row in rows]
    statement = table.insert()
    if returning is not None:
        statement = statement.returning(returning, sort_by_parameter_order=True)
    return s.connection().execute(statement, params[0] if len(params) == 1 else params)


def new_key(result: CursorResult[Any]) -> int:
    """The autoincrement key of the row just inserted."""
    key = result.inserted_primary_key
    assert key is not None  # a single-row INSERT always has one
    return int(key[0])


@cache
def _task_labels_sql(m: Models) -> Executable:
    return select(m.TaskType.code, m.TaskType.label).where(
        m.TaskType.code.in_(bindparam("codes", expanding=True))
    )


def task_labels(s: Session, m: Models, codes: set[str]) -> dict[str, str]:
    """Labels of the known task types among ``codes``, in one query."""
    if not codes:
        return {}
    rows = s.connection().execute(_task_labels_sql(m), {"codes": sorted(codes)})
    return {code: label or code for code, label in rows}


def row(
    m: Models,
    actor: str,
    action: str,
    patient: PatientLike,
    now: datetime,
    *,
    task: TaskLike | None = None,
    task_label: str | None = None,
    state_label: str | None = None,
    comment: str | None = None,
    planned_start: datetime | None = None,
    state_code: str | None = None,
) -> dict[str, Any]:
    """One history row, by attribute name, each text cut to its column."""
    widths = column_lengths(m.History)
    return {
        "box_code": patient.box_code,
        "last_name": fit(patient.last_name, widths["last_name"]),
        "first_name": fit(patient.first_name, widths["first_name"]),
        "responsable": fit(patient.responsable) or None,
        "task_code": fit(task.code) if task is not None else None,
        "task_num": task.num if task is not None else None,
        "date": now,
        "task_label": fit(task_label) or None,
        "action": action,
        "patient_pk": str(patient.pk),
        "state_label": fit(state_label) or None,
        "comment": fit(comment, widths["comment"]) or None,
        "actor": actor,
        "planned_start": planned_start,
        "state_code": fit(state_code, widths["state_code"]) or None,
    }


def write(s: Session, m: Models, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (from :func:`row`) in one statement."""
    if rows:
        insert_rows(s, m.History, rows)


def record(
    s: Session,
    m: Models,
    actor: str,
    action: str,
    patient: PatientLike,
    now: datetime,
    *,
    task: TaskLike | None = None,
    task_label: str | None = None,
    state_label: str | None = None,
    comment: str | None = None,
    state_code: str | None = None,
    planned_start: datetime | None = None,
) -> int:
    """Write one history row now (the task's label looked up when not given); its key."""
    if task is not None and task_label is None:
        labels = task_labels(s, m, {task.code} if task.code else set())
        task_label = labels.get(task.code or "", task.code)
    return new_key(insert_rows(s, m.History, [row(
        m, actor, action, patient, now, task=task, task_label=task_label,
        state_label=state_label, comment=comment, state_code=state_code,
        planned_start=planned_start)]))


def exit_time_text(moment: datetime) -> str:
    """A corrected exit time as ``SET_EXIT_TIME`` rows hold it (``dd/mm/YYYY HH:MM``)."""
    return moment.strftime("%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class _ClaimStatements:
    by_date: Executable  # the usual case: one statement
    newest: Executable  # then by key: an entry dated before 2000 was dated "now" by the trigger
    by_key: Executable


@cache
def _claim_sql(m: Models) -> _ClaimStatements:
    table = m.History.__table__  # type: ignore[attr-defined]
    c = table.c
    ours = (c.HI_NumEncours == bindparam("key"), c.HI_Action == PATIENT_IN)
    actor: dict[Any, Any] = {c.HI_Code_acteur: bindparam("new_actor")}
    return _ClaimStatements(
        update(table).where(*ours, c.HI_Code_acteur == HOST_ACTOR, c.HI_Date == bindparam(
            "entered", type_=LegacyDateTime())).values(actor),
        select(func.max(c.HI_PK)).where(*ours),
        update(table).where(c.HI_PK == bindparam("newest")).values(actor),
    )


def claim_entry_row(s: Session, m: Models, actor: str, patient: PatientLike,
                    now: datetime, comment: str) -> None:
    """Put ``actor`` on the ``PATIENT_IN`` row the database's trigger wrote for the patient
    just inserted with ``EC_HeureEntree`` = ``now`` (:mod:`synoptic.store.archive_triggers`),
    in the same transaction: one entry row per patient, whoever inserts it.  The trigger's
    row is the one of that key and time (a stale row of a key SQLite reused would need the
    same second too), else the newest of that key; written here when there is none."""
    conn = s.connection()
    sql = _claim_sql(m)
    params = {"key": str(patient.pk), "entered": now, "new_actor": actor}
    if conn.execute(sql.by_date, params).rowcount:
        return
    newest = conn.execute(sql.newest, params).scalar()
    if newest is None:
        write(s, m, [row(m, actor, PATIENT_IN, patient, now, comment=comment)])
    else:
        conn.execute(sql.by_key, {"newest": newest, "new_actor": actor})
