"""Patients leaving the board: the definitive exit's removal and the timed purges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from synoptic import domain
from synoptic.domain import BoxType
from synoptic.services import history
from synoptic.services.history import PATIENT_LIFEOUT, PATIENT_OUT, TASK_DELETE
from synoptic.store.models import Models, PatientColumns


@dataclass(frozen=True)
class PurgeResult:
    exits_removed: tuple[int, ...] = ()
    lifetime_removed: tuple[int, ...] = ()


def remove_patient(
    s: Session, m: Models, actor: str, patient: PatientColumns, now: datetime, action: str,
    reason: str,
) -> None:
    """Delete the patient and its tasks, each with its history row."""
    for task in s.scalars(select(m.Task).where(m.Task.patient_pk == patient.pk)):
        history.record(s, m, actor, TASK_DELETE, patient, now, task=task, comment=reason)
        s.delete(task)
    history.record(s, m, actor, action, patient, now, comment=reason)
    s.delete(patient)


def purge(
    s: Session, m: Models, actor: str, *, now: datetime, exit_delay_min: int,
    max_lifetime_s: int,
) -> PurgeResult:
    """Exits older than the delay (Sortie boxes only) and patients past the lifetime limit,
    removed in ``s`` (see :meth:`BoardServices.purge`)."""
    exit_boxes = [
        b.code for b in s.scalars(select(m.Box))
        if domain.parse_box_type(b.type) is BoxType.EXIT
    ]
    exits: list[int] = []
    lifetime: list[int] = []

    def purgeable(box_code: str, moved_at: datetime | None, entered_at: datetime | None) -> bool:
        return (box_code in exit_boxes and domain.is_exit_purgeable(
            moved_at, now, exit_delay_min)) or domain.is_past_lifetime(
            entered_at, now, max_lifetime_s)

    # Read without locks; lock (and check again) only the few rows to remove, so the purge
    # every screen runs does not serialise all the writes of the board.
    candidates = [
        pk for pk, box_code, moved_at, entered_at in s.execute(
            select(m.Patient.pk, m.Patient.box_code, m.Patient.moved_at, m.Patient.entered_at))
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
            remove_patient(s, m, actor, patient, now, PATIENT_OUT, "purge des sorties")
        elif domain.is_past_lifetime(patient.entered_at, now, max_lifetime_s):
            lifetime.append(patient.pk)
            remove_patient(s, m, actor, patient, now, PATIENT_LIFEOUT,
                           "durée de vie maximale dépassée")
    return PurgeResult(tuple(exits), tuple(lifetime))
