"""Use cases of the board.  Each public method is one transaction that also writes its
``historique`` row(s), naming who acted, in that same transaction.

Screens pass the revision of the patient or task they displayed (``expected_revision``);
if another screen changed it meanwhile the action fails with :class:`ConflictError`
and writes nothing.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from sqlalchemy import CursorResult, Executable, bindparam, inspect, select
from sqlalchemy.orm import ColumnProperty, Session

from synoptic import domain
from synoptic.domain import BoxType
from synoptic.errors import (
    BoxFullError,
    ConflictError,
    DestinationRequiredError,
    InvalidValueError,
    NotInExitBoxError,
    PatientNotFoundError,
    SameBoxError,
    StateNotAllowedError,
    TaskNotFoundError,
    UnknownBoxError,
    UnknownDestinationError,
    UnknownResponsableError,
    UnknownStateError,
    UnknownTaskCodeError,
    WrongDestinationTypeError,
)
from synoptic.messages import cut_warning, quote_value
from synoptic.store import queries
from synoptic.store.db import Store
from synoptic.store.models import BoxColumns, Models, PatientColumns, TaskColumns

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


def _fit_warned(value: str, length: int, key: str, warnings: list[str]) -> str:
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
    """What a history row needs of a patient: a mapped row or a :class:`_PatientRef`."""

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
class _PatientRef:
    pk: int
    box_code: str
    last_name: str
    first_name: str | None
    responsable: str | None


@dataclass(frozen=True)
class _TaskRef:
    code: str | None
    num: int


@cache
def _column_keys(mapped: type) -> dict[str, str]:
    """Attribute name -> SQL column key of a mapped class."""
    attrs: Iterable[ColumnProperty[Any]] = inspect(mapped).column_attrs
    return {attr.key: attr.columns[0].key for attr in attrs}


def _insert_rows(s: Session, mapped: type, rows: Sequence[dict[str, Any]]) -> CursorResult[Any]:
    """Core INSERT of one row (or executemany of several) with bound parameters; the
    statement compiles once and is cached (an ORM insert with inline values rebuilt its
    cache key on every call)."""
    keys = _column_keys(mapped)
    table = mapped.__table__  # type: ignore[attr-defined]
    params = [{keys[k]: v for k, v in row.items()} for row in rows]
    return s.connection().execute(table.insert(), params[0] if len(params) == 1 else params)


def _new_key(result: CursorResult[Any]) -> int:
    """The autoincrement key of the row just inserted."""
    key = result.inserted_primary_key
    assert key is not None  # a single-row INSERT always has one
    return int(key[0])


@dataclass(frozen=True)
class _AdmitStatements:
    """The admission's SELECTs, built once per table prefix with bound parameters."""

    by_guid: Executable
    box: Executable
    responsable: Executable
    task_labels: Executable


@cache
def _admit_statements(m: Models) -> _AdmitStatements:
    return _AdmitStatements(
        by_guid=select(m.Patient.pk, m.Patient.box_code, m.Patient.last_name,
                       m.Patient.first_name, m.Patient.responsable)
        .where(m.Patient.guid == bindparam("guid")).order_by(m.Patient.pk).limit(1),
        box=select(m.Box.code.label("code"), m.Box.label.label("label"),
                   m.Box.capacity.label("capacity"), m.Box.type.label("type"))
        .where(m.Box.code == bindparam("code")).with_for_update(),
        responsable=select(m.Responsable.code).where(m.Responsable.code == bindparam("code")),
        task_labels=select(m.TaskType.code, m.TaskType.label)
        .where(m.TaskType.code.in_(bindparam("codes", expanding=True))),
    )


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
class PurgeResult:
    exits_removed: tuple[int, ...] = ()
    lifetime_removed: tuple[int, ...] = ()


@dataclass
class BoardServices:
    store: Store
    actor: str = field(default_factory=resolve_actor)

    def as_user(self, user: str | None) -> BoardServices:
        """The same services acting in the name of ``user`` (a screen's chosen user)."""
        return replace(self, actor=resolve_actor(user, self.actor))

    # ------------------------------------------------------------------ patients

    def admit(
        self,
        *,
        box_code: str,
        last_name: str,
        now: datetime,
        first_name: str = "",
        guid: str = "",
        responsable: str | None = None,
        comment: str = "",
        annex_program: str = "",
        annex_args: Sequence[str] = (),
        tasks: Sequence[NewTask] = (),
        lenient: bool = False,
        allow_over_capacity: bool = False,
        on_commit_row: Callable[[Session, AdmitResult], None] | None = None,
        known: KnownCodes | None = None,
    ) -> AdmitResult:
        """Put a patient on the board, or append tasks to the one with the same GUID.

        ``lenient`` (entry files): an unknown task or responsable code is kept as given
        with a warning instead of refusing the whole admission. ``on_commit_row`` is called
        with the session and the result just before the transaction commits, so a caller can
        write its own row in that same transaction (the inbox's log of ingested files).
        ``known`` spares the lookups of codes already read for a batch.
        """
        m = self.store.models
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
            return _fit_warned(value, widths[attr], key, warnings)

        history: list[dict[str, Any]] = []  # one batched INSERT at the end
        # The inbox's hot path: Core statements, one per row, and reference rows read
        # once per call; the ORM unit of work tripled the cost of an entry file.
        with self.store.write() as s:
            conn = s.connection()  # plain Core statements: compiled once, cached
            sql = _admit_statements(m)
            existing = None
            if guid:
                row = conn.execute(sql.by_guid, {"guid": guid}).first()
                existing = _PatientRef(*row) if row is not None else None
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
                    "responsable": cut(responsable or "", "responsable", "Code_Responsable")
                    or None,
                    "comment": cut(comment.strip(), "comment", "Commentaire"),
                    "entered_at": now,
                    "moved_at": now,
                    "folded": 1 if kind.folds_patients else 0,
                    "hidden": 0,
                    "annex_program": cut(annex_program, "annex_program", "Programme_Annexe"),
                    "annex_args": cut("|".join(annex_args), "annex_args", "Arguments_Annexe"),
                    "revision": 0,
                }
                inserted = _insert_rows(s, m.Patient, [values])
                patient = _PatientRef(
                    _new_key(inserted), box.code, values["last_name"],
                    values["first_name"], values["responsable"],
                )
                self._history(s, PATIENT_IN, patient, now, comment=comment, pending=history)
            else:
                patient = existing
                occupants = None
            codes = {t.code.strip() for t in tasks}
            labels = {c: known.task_labels[c] for c in codes if c in known.task_labels} \
                if known is not None else {}
            labels |= self._task_labels(s, codes - labels.keys())
            nums = []
            for new in tasks:
                num, task_warnings = self._insert_task(
                    s, patient, new, now, lenient, labels, history
                )
                nums.append(num)
                warnings.extend(task_warnings)
            if history:
                _insert_rows(s, m.History, history)
            result = AdmitResult(patient.pk, existing is not None, tuple(nums), tuple(warnings),
                                 None if occupants is None else occupants + 1)
            if on_commit_row is not None:
                on_commit_row(s, result)
            return result

    def move(
        self,
        patient_pk: int,
        box_code: str,
        *,
        now: datetime,
        destination: str | None = None,
        exit_time: datetime | None = None,
        expected_revision: int | None = None,
    ) -> None:
        """Move a patient; into Absence/Sortie a destination of that type is required."""
        m = self.store.models
        with self.store.write() as s:
            patient = self._patient(s, patient_pk, expected_revision)
            box = self._box(s, box_code, lock=True)
            if box.code == patient.box_code:
                raise SameBoxError(box.label or box.code)
            kind = domain.parse_box_type(box.type)
            if not domain.has_room(box.capacity, queries.count_in_box(s, m, box.code)):
                raise BoxFullError(box.label or box.code, box.capacity or 0)
            if kind.needs_destination:
                if not destination or not destination.strip():
                    raise DestinationRequiredError(box.label or box.code, kind.value)
                self._check_destination(s, destination.strip(), kind)
                patient.destination = fit(destination.strip())
            else:
                patient.destination = None
            patient.box_code = box.code
            patient.moved_at = exit_time if (kind is BoxType.EXIT and exit_time) else now
            if kind.folds_patients:
                patient.folded = 1
            self._bump(patient)
            self._history(s, SET_PLACE, patient, now, comment=patient.destination)

    def set_exit_time(
        self, patient_pk: int, exit_time: datetime, *, now: datetime,
        expected_revision: int | None = None,
    ) -> None:
        """Correct the exit time of a patient in a Sortie box."""
        with self.store.write() as s:
            patient = self._patient(s, patient_pk, expected_revision)
            box = self._box(s, patient.box_code)
            if domain.parse_box_type(box.type) is not BoxType.EXIT:
                raise NotInExitBoxError()
            patient.moved_at = exit_time
            self._bump(patient)
            self._history(s, SET_EXIT_TIME, patient, now,
                          comment=exit_time.strftime("%d/%m/%Y %H:%M"))

    def discharge(
        self, patient_pk: int, *, now: datetime, expected_revision: int | None = None
    ) -> None:
        """Definitive exit of a patient in a Sortie box: off the board, history kept."""
        with self.store.write() as s:
            patient = self._patient(s, patient_pk, expected_revision)
            box = self._box(s, patient.box_code)
            if domain.parse_box_type(box.type) is not BoxType.EXIT:
                raise NotInExitBoxError()
            self._remove_patient(s, patient, now, PATIENT_OUT, "sortie définitive")

    def set_responsable(
        self, patient_pk: int, code: str | None, *, now: datetime,
        expected_revision: int | None = None,
    ) -> None:
        m = self.store.models

        def known(s: Session) -> None:
            if code and s.get(m.Responsable, code) is None:
                raise UnknownResponsableError(code)

        self._update_patient(patient_pk, now, expected_revision, SET_OWNER, None,
                             check=known, responsable=code or None)

    def set_comment(
        self, patient_pk: int, comment: str, *, now: datetime,
        expected_revision: int | None = None,
    ) -> None:
        text = fit(comment.strip(), column_lengths(self.store.models.Patient)["comment"])
        self._update_patient(patient_pk, now, expected_revision, SET_COMMENT, text,
                             comment=text)

    def set_hidden(
        self, patient_pk: int, hidden: bool, *, now: datetime,
        expected_revision: int | None = None,
    ) -> None:
        """Hide or show the patient's name (public screens)."""
        self._update_patient(patient_pk, now, expected_revision, SET_HIDDEN,
                             "masqué" if hidden else "affiché", hidden=1 if hidden else 0)

    def set_folded(
        self, patient_pk: int, folded: bool, *, now: datetime,
        expected_revision: int | None = None,
    ) -> None:
        self._update_patient(patient_pk, now, expected_revision, SET_FOLDED,
                             "replié" if folded else "déplié", folded=1 if folded else 0)

    def _update_patient(
        self, patient_pk: int, now: datetime, expected_revision: int | None, action: str,
        history_comment: str | None, *, check: Callable[[Session], None] | None = None,
        **changes: object,
    ) -> None:
        """One patient field change: lock, check the revision, change, bump, history."""
        with self.store.write() as s:
            patient = self._patient(s, patient_pk, expected_revision)
            if check is not None:
                check(s)
            for name, value in changes.items():
                setattr(patient, name, value)
            self._bump(patient)
            self._history(s, action, patient, now, comment=history_comment)

    # ------------------------------------------------------------------ tasks

    def add_task(self, patient_pk: int, task: NewTask, *, now: datetime) -> int:
        with self.store.write() as s:
            patient = self._patient(s, patient_pk, None)
            labels = self._task_labels(s, {task.code.strip()})
            num, _ = self._insert_task(s, patient, task, now, False, labels)
            return num

    def set_task_state(
        self, patient_pk: int, task_num: int, state_code: str, *, now: datetime,
        expected_revision: int | None = None,
    ) -> None:
        m = self.store.models
        with self.store.write() as s:
            patient = self._patient(s, patient_pk, None)
            task = self._task(s, patient_pk, task_num, expected_revision)
            state = s.get(m.State, state_code)
            if state is None:
                raise UnknownStateError(state_code)
            task_type = s.get(m.TaskType, task.code) if task.code else None
            allowed = set(
                s.scalars(select(m.TaskState.state_code).where(
                    m.TaskState.task_code == (task.code or "")))
            )
            # A task type with no configured states may take any state; an unknown task
            # code (kept raw from an entry file) takes none.
            if task_type is None or (allowed and state.code not in allowed):
                raise StateNotAllowedError(
                    task_type.label if task_type else (task.code or "?"),
                    state.label or state.code,
                )
            effect = domain.state_change_effect(
                now=now,
                terminal=bool(state.terminal),
                started_at=task.started_at,
                planned_end=task.planned_end,
                max_duration_min=task_type.max_duration_min,
            )
            task.state_code = state.code
            task.started_at = effect.started_at
            task.ended_at = effect.ended_at
            task.planned_end = effect.planned_end
            task.actor = self.actor
            task.revision = (task.revision or 0) + 1
            self._history(s, TASK_STATE, patient, now, task=task,
                          task_label=task_type.label, state_label=state.label)

    def delete_task(
        self, patient_pk: int, task_num: int, *, now: datetime,
        expected_revision: int | None = None,
    ) -> None:
        with self.store.write() as s:
            patient = self._patient(s, patient_pk, None)
            task = self._task(s, patient_pk, task_num, expected_revision)
            self._history(s, TASK_DELETE, patient, now, task=task)
            s.delete(task)

    # ------------------------------------------------------------------ timers

    def purge(self, *, now: datetime, exit_delay_min: int, max_lifetime_s: int) -> PurgeResult:
        """Remove exits older than the delay (Sortie boxes only) and patients past the
        lifetime limit, with their tasks, each removal with a history row."""
        m = self.store.models
        with self.store.write() as s:
            exit_boxes = [
                b.code for b in s.scalars(select(m.Box))
                if domain.parse_box_type(b.type) is BoxType.EXIT
            ]
            exits: list[int] = []
            lifetime: list[int] = []

            def purgeable(box_code: str, moved_at: datetime | None,
                          entered_at: datetime | None) -> bool:
                return (box_code in exit_boxes and domain.is_exit_purgeable(
                    moved_at, now, exit_delay_min)) or domain.is_past_lifetime(
                    entered_at, now, max_lifetime_s)

            # Read without locks; lock (and check again) only the few rows to remove, so
            # the purge every screen runs does not serialise all the writes of the board.
            candidates = [
                pk for pk, box_code, moved_at, entered_at in s.execute(
                    select(m.Patient.pk, m.Patient.box_code, m.Patient.moved_at,
                           m.Patient.entered_at))
                if purgeable(box_code, moved_at, entered_at)
            ]
            if not candidates:
                return PurgeResult()
            locked = s.scalars(
                select(m.Patient).where(m.Patient.pk.in_(candidates))
                .order_by(m.Patient.pk).with_for_update()
            )
            for patient in list(locked):
                if patient.box_code in exit_boxes and domain.is_exit_purgeable(
                    patient.moved_at, now, exit_delay_min
                ):
                    exits.append(patient.pk)
                    self._remove_patient(s, patient, now, PATIENT_OUT, "purge des sorties")
                elif domain.is_past_lifetime(patient.entered_at, now, max_lifetime_s):
                    lifetime.append(patient.pk)
                    self._remove_patient(s, patient, now, PATIENT_LIFEOUT,
                                         "durée de vie maximale dépassée")
            return PurgeResult(tuple(exits), tuple(lifetime))

    # ------------------------------------------------------------------ helpers

    def _box(self, s: Session, code: str, lock: bool = False) -> BoxColumns:
        m = self.store.models
        query = select(m.Box).where(m.Box.code == code)
        if lock:  # serialises concurrent moves into one box (capacity)
            query = query.with_for_update()
        box = s.scalars(query).first()
        if box is None:
            raise UnknownBoxError(code)
        return box

    def _patient(self, s: Session, pk: int, expected_revision: int | None) -> PatientColumns:
        m = self.store.models
        patient = s.scalars(select(m.Patient).where(m.Patient.pk == pk).with_for_update()).first()
        if patient is None:
            raise PatientNotFoundError(pk)
        if expected_revision is not None and (patient.revision or 0) != expected_revision:
            raise ConflictError(f"Le patient {patient.last_name}")
        return patient

    def _task(
        self, s: Session, patient_pk: int, num: int, expected_revision: int | None
    ) -> TaskColumns:
        m = self.store.models
        task = s.scalars(
            select(m.Task)
            .where(m.Task.patient_pk == patient_pk, m.Task.num == num)
            .with_for_update()
        ).first()
        if task is None:
            raise TaskNotFoundError(patient_pk, num)
        if expected_revision is not None and (task.revision or 0) != expected_revision:
            raise ConflictError("La tâche")
        return task

    @staticmethod
    def _bump(patient: PatientColumns) -> None:
        patient.revision = (patient.revision or 0) + 1

    def _check_destination(self, s: Session, label: str, kind: BoxType) -> None:
        m = self.store.models
        found = s.scalars(select(m.Destination).where(m.Destination.label == label)).first()
        if found is None:
            raise UnknownDestinationError(label)
        actual = domain.parse_exit_type(found.exit_type)
        if actual is not kind:
            raise WrongDestinationTypeError(label, kind.value, found.exit_type or "?")

    def _task_labels(self, s: Session, codes: set[str]) -> dict[str, str]:
        """Labels of the known task types among ``codes``, in one query."""
        if not codes:
            return {}
        rows = s.connection().execute(
            _admit_statements(self.store.models).task_labels, {"codes": sorted(codes)}
        )
        return {code: label or code for code, label in rows}

    def _insert_task(
        self, s: Session, patient: PatientLike, new: NewTask, now: datetime, lenient: bool,
        labels: dict[str, str], pending: list[dict[str, Any]] | None = None,
    ) -> tuple[int, list[str]]:
        """Insert one task; returns its number and the warnings about it (unknown code,
        values cut to their column, each named by its entry-file key)."""
        m = self.store.models
        code = new.code.strip()
        warnings: list[str] = []
        if code not in labels:
            if not lenient:
                raise UnknownTaskCodeError(code)
            warnings.append(
                f"Code de tâche inconnu « {quote_value(code)} » : tâche conservée avec ce code."
            )
        widths = column_lengths(m.Task)
        where = f"Tâche « {quote_value(code)} », "

        def cut(value: str, attr: str, key: str) -> str:
            return _fit_warned(value, widths[attr], where + key, warnings)

        inserted = _insert_rows(s, m.Task, [{
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
        num = _new_key(inserted)
        self._history(s, TASK_ADD, patient, now, task=_TaskRef(code, num),
                      task_label=labels.get(code, code), pending=pending)
        return num, warnings

    def _remove_patient(
        self, s: Session, patient: PatientColumns, now: datetime, action: str, reason: str
    ) -> None:
        m = self.store.models
        for task in s.scalars(select(m.Task).where(m.Task.patient_pk == patient.pk)):
            self._history(s, TASK_DELETE, patient, now, task=task, comment=reason)
            s.delete(task)
        self._history(s, action, patient, now, comment=reason)
        s.delete(patient)

    def _history(
        self,
        s: Session,
        action: str,
        patient: PatientLike,
        now: datetime,
        *,
        task: TaskLike | None = None,
        task_label: str | None = None,
        state_label: str | None = None,
        comment: str | None = None,
        pending: list[dict[str, Any]] | None = None,
    ) -> None:
        """Write one history row, or queue it on ``pending`` for one batched INSERT."""
        m = self.store.models
        if task is not None and task_label is None:
            labels = self._task_labels(s, {task.code} if task.code else set())
            task_label = labels.get(task.code or "", task.code)
        widths = column_lengths(m.History)
        row = {
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
            "actor": self.actor,
        }
        if pending is None:
            _insert_rows(s, m.History, [row])
        else:
            pending.append(row)
