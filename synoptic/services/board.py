"""The board's use cases (:class:`BoardServices`).  Each public method is one transaction
that also writes its ``historique`` row(s), naming who acted, in that same transaction.

Screens pass the revision of the patient or task they displayed (``expected_revision``);
if another screen changed it meanwhile the action fails with :class:`ConflictError`
and writes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from synoptic import audit, domain
from synoptic.domain import BoxType
from synoptic.errors import (
    BoxFullError,
    ConflictError,
    DestinationRequiredError,
    NotInExitBoxError,
    PatientNotFoundError,
    SameBoxError,
    StateNotAllowedError,
    TaskNotFoundError,
    UnknownBoxError,
    UnknownDestinationError,
    UnknownResponsableError,
    UnknownStateError,
    WrongDestinationTypeError,
)
from synoptic.services import admission, history, removal
from synoptic.services.admission import AdmitResult, KnownCodes, NewTask
from synoptic.services.history import (
    PATIENT_OUT,
    SET_COMMENT,
    SET_EXIT_TIME,
    SET_FOLDED,
    SET_HIDDEN,
    SET_OWNER,
    SET_PLACE,
    TASK_DELETE,
    TASK_STATE,
    PatientLike,
    column_lengths,
    fit,
    resolve_actor,
)
from synoptic.services.removal import PurgeResult
from synoptic.store import queries
from synoptic.store.db import Store
from synoptic.store.models import BoxColumns, PatientColumns, TaskColumns

PATIENT_ENTITY = "encours"  # AU_Entite of the audit rows of patient edits


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
        known: KnownCodes | None = None,
        session: Session | None = None,
    ) -> AdmitResult:
        """Put a patient on the board, or append tasks to the one with the same GUID.

        ``lenient`` (entry files): an unknown task or responsable code is kept as given
        with a warning instead of refusing the whole admission. ``known`` spares the
        lookups of codes already read for a batch. With ``session`` the admission is part
        of the caller's transaction, which commits it (the inbox writes its log row in it);
        without, it is a transaction of its own.
        """
        unit = contextlib.nullcontext(session) if session is not None else self.store.write()
        with unit as s:
            return admission.admit(
                s, self.store.models, self.actor, box_code=box_code, last_name=last_name,
                now=now, first_name=first_name, guid=guid, responsable=responsable,
                comment=comment, annex_program=annex_program, annex_args=annex_args,
                tasks=tasks, lenient=lenient, allow_over_capacity=allow_over_capacity,
                known=known,
            )
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
            corrected = exit_time if (kind is BoxType.EXIT and exit_time) else None
            patient.moved_at = corrected or now
            if kind.folds_patients:
                patient.folded = 1
            self._bump(patient)
            self._history(s, SET_PLACE, patient, now, comment=patient.destination)
            if corrected is not None:  # the exit time as given, archived with the move
                self._history(s, SET_EXIT_TIME, patient, now,
                              comment=history.exit_time_text(corrected))

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
            before = {"moved_at": patient.moved_at}
            patient.moved_at = exit_time
            self._bump(patient)
            self._audited(s, SET_EXIT_TIME, patient, now, history.exit_time_text(exit_time),
                          before, {"moved_at": exit_time})

    def discharge(
        self, patient_pk: int, *, now: datetime, expected_revision: int | None = None
    ) -> None:
        """Definitive exit of a patient in a Sortie box: off the board, history kept."""
        with self.store.write() as s:
            patient = self._patient(s, patient_pk, expected_revision)
            box = self._box(s, patient.box_code)
            if domain.parse_box_type(box.type) is not BoxType.EXIT:
                raise NotInExitBoxError()
            removal.remove_patient(s, self.store.models, self.actor, patient, now, PATIENT_OUT,
                                   "sortie définitive")

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
            before = {name: getattr(patient, name) for name in changes}
            for name, value in changes.items():
                setattr(patient, name, value)
            self._bump(patient)
            self._audited(s, action, patient, now, history_comment, before, changes)

    # ------------------------------------------------------------------ tasks

    def add_task(self, patient_pk: int, task: NewTask, *, now: datetime) -> int:
        m = self.store.models
        with self.store.write() as s:
            patient = self._patient(s, patient_pk, None)
            labels = history.task_labels(s, m, {task.code.strip()})
            rows: list[dict[str, Any]] = []
            nums, _ = admission.insert_tasks(
                s, m, self.actor, patient, [task], now, False, labels, rows
            )
            history.write(s, m, rows)
            return nums[0]

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
                          task_label=task_type.label, state_label=state.label,
                          state_code=state.code, planned_start=task.planned_start)

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
        with self.store.write() as s:
            return removal.purge(s, self.store.models, self.actor, now=now,
                                 exit_delay_min=exit_delay_min, max_lifetime_s=max_lifetime_s)

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

    def _history(
        self, s: Session, action: str, patient: PatientLike, now: datetime, **what: Any
    ) -> int:
        return history.record(s, self.store.models, self.actor, action, patient, now, **what)

    def _audited(
        self, s: Session, action: str, patient: PatientLike, now: datetime,
        comment: str | None, before: Mapping[str, object], after: Mapping[str, object],
    ) -> None:
        """The history row of a patient edit and its audit row (values before and after)."""
        key = self._history(s, action, patient, now, comment=comment)
        audit.write_audit(s, self.store.models, history_pk=key, entity=PATIENT_ENTITY,
                          key=str(patient.pk), before=before, after=after)
