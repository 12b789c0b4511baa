"""The store's queries behind the read side: rows turned into the views of ``synoptic.views``.

Callers outside the core use :class:`synoptic.reads.BoardReads`, which opens the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from synoptic.domain import BoxType, parse_box_type, parse_exit_type
from synoptic.store.archive_triggers import ENTRY_ACTION
from synoptic.store.models import HistoryColumns, Models, TaskColumns
from synoptic.views import (
    BoardSnapshot,
    BoxView,
    DestinationView,
    HistoryView,
    PatientView,
    Reference,
    ResponsableView,
    StateView,
    TaskTypeView,
    TaskView,
    task_sort_key,
)


def split_annex_args(raw: str | None) -> tuple[str, ...]:
    """Arguments are stored ``|``-separated; older hosts used ``+``."""
    if not raw or not raw.strip():
        return ()
    sep = "|" if "|" in raw else "+"
    return tuple(part.strip() for part in raw.split(sep))


_BOX_ORDER = (BoxType.WAITING, BoxType.CARE, BoxType.ABSENCE, BoxType.EXIT)


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _in_order(order: int | None) -> int:
    """A schema-3 ``order`` column: set ones first, in that order (NULL: after them)."""
    return order if order is not None else 1 << 30


def load_reference(session: Session, m: Models) -> Reference:
    """The reference tables as the board shows them: boxes by type then code, states and
    destinations in the department's order (``ET_Ordre``, ``DE_Ordre``; without one, by
    code and by creation), active flags, and the preset comments of the database."""
    boxes = tuple(
        BoxView(
            code=b.code,
            label=_s(b.label) or b.code,
            background_color=_s(b.background_color) or "#dddddd",
            title_color=_s(b.title_color) or "#ffffff",
            capacity=b.capacity,
            type=parse_box_type(b.type),
            active=b.active != 0,
        )
        for b in session.scalars(select(m.Box).order_by(m.Box.code))
    )
    boxes = tuple(sorted(boxes, key=lambda b: (_BOX_ORDER.index(b.type), b.code)))
    state_rows = sorted(session.scalars(select(m.State).order_by(m.State.code)),
                        key=lambda s: _in_order(s.order))  # stable: by code within an order
    states = {
        s.code: StateView(s.code, _s(s.label) or s.code, _s(s.color) or "#cccccc",
                          bool(s.terminal), active=s.active != 0)
        for s in state_rows
    }
    allowed: dict[str, list[str]] = {}
    for pair in session.scalars(select(m.TaskState)):
        allowed.setdefault(pair.task_code, []).append(pair.state_code)
    order = {code: i for i, code in enumerate(states)}
    task_types = {
        t.code: TaskTypeView(
            code=t.code,
            label=_s(t.label) or t.code,
            color=_s(t.color) or "#eeeeee",
            alarm_color=_s(t.alarm_color),  # "" -> the ini's Couleur_Alarme applies
            max_duration_min=t.max_duration_min,
            button_mode="B" if _s(t.button_mode).strip().upper() == "B" else "M",
            comment=_s(t.comment),
            allowed_states=tuple(
                sorted(set(allowed.get(t.code, [])), key=lambda c: (order.get(c, 1 << 30), c))
            ),
            active=t.active != 0,
        )
        for t in session.scalars(select(m.TaskType).order_by(m.TaskType.code))
    }
    destinations = tuple(
        DestinationView(d.pk, d.label, parse_exit_type(d.exit_type), d.order)
        for d in session.scalars(select(m.Destination).order_by(m.Destination.label))
    )
    responsables = {
        r.code: ResponsableView(r.code, r.name or r.code, _s(r.color) or "#888888", bool(r.active))
        for r in session.scalars(select(m.Responsable).order_by(m.Responsable.name))
    }
    comments = m.PresetComment
    presets = tuple(
        text for text, _order in sorted(
            session.execute(select(comments.text, comments.order).order_by(comments.pk)),
            key=lambda row: _in_order(row[1]))
        if text and text.strip()
    )
    return Reference(boxes, states, task_types, destinations, responsables, presets)


def task_view(row: TaskColumns) -> TaskView:
    return TaskView(
        patient_pk=int(row.patient_pk),
        num=int(row.num),
        code=_s(row.code),
        comment=_s(row.comment),
        state_code=row.state_code or None,
        planned_start=row.planned_start,
        planned_end=row.planned_end,
        started_at=row.started_at,
        ended_at=row.ended_at,
        priority=row.priority,
        note=_s(row.note),
        actor=_s(row.actor),
        blob_key=row.blob_key or None,
        note_file=_s(row.note_file),
        note_reader=_s(row.note_reader),
        revision=int(row.revision or 0),
    )


def load_patients(
    session: Session, m: Models, pks: Iterable[int] | None = None
) -> tuple[PatientView, ...]:
    """Patients on the board (or only ``pks``) with their sorted tasks: two queries."""
    patient_query = select(m.Patient).order_by(m.Patient.entered_at, m.Patient.pk)
    task_query = select(m.Task)
    if pks is not None:
        wanted = sorted(set(pks))
        if not wanted:
            return ()
        patient_query = patient_query.where(m.Patient.pk.in_(wanted))
        task_query = task_query.where(m.Task.patient_pk.in_(wanted))
    rows = list(session.scalars(patient_query))
    tasks: dict[int, list[TaskView]] = {}
    if rows:
        if pks is None:
            task_query = task_query.where(m.Task.patient_pk.in_([p.pk for p in rows]))
        for t in session.scalars(task_query):
            tasks.setdefault(int(t.patient_pk), []).append(task_view(t))
    return tuple(
        PatientView(
            pk=p.pk,
            box_code=p.box_code,
            last_name=p.last_name,
            first_name=_s(p.first_name),
            guid=_s(p.guid),
            responsable=p.responsable or None,
            comment=_s(p.comment),
            entered_at=p.entered_at,
            moved_at=p.moved_at,
            folded=bool(p.folded),
            hidden=bool(p.hidden),
            annex_program=_s(p.annex_program),
            annex_args=split_annex_args(p.annex_args),
            destination=_s(p.destination),
            revision=int(p.revision or 0),
            tasks=tuple(sorted(tasks.get(p.pk, []), key=task_sort_key)),
        )
        for p in rows
    )


def load_board(session: Session, m: Models) -> BoardSnapshot:
    return BoardSnapshot(load_reference(session, m), load_patients(session, m))


def patient_history(session: Session, m: Models, patient_pk: int) -> tuple[HistoryView, ...]:
    """Every history row of one patient, in the order the actions happened.

    Only the key's last life: SQLite gives the key of a patient removed from the top of the
    table to the next one admitted (``synopt_encours`` has no AUTOINCREMENT, as in 2.16),
    and the history names patients by key.  A life starts with its ``PATIENT_IN`` row
    (every patient gets exactly one, whoever inserts it): rows before the key's last one
    belong to earlier patients, whose names and care must not show on this one's screen."""
    h = m.History
    key = str(patient_pk)
    last_in = (select(func.max(h.pk)).where(h.patient_pk == key, h.action == ENTRY_ACTION)
               .scalar_subquery())
    rows = session.scalars(
        select(h).where(h.patient_pk == key, h.pk >= func.coalesce(last_in, 0))
        .order_by(h.date, h.pk)
    )
    return tuple(history_view(r) for r in rows)


def history_view(row: HistoryColumns) -> HistoryView:
    return HistoryView(
        pk=row.pk,
        date=row.date,
        action=_s(row.action),
        box_code=_s(row.box_code),
        last_name=_s(row.last_name),
        first_name=_s(row.first_name),
        responsable=_s(row.responsable),
        task_code=_s(row.task_code),
        task_label=_s(row.task_label),
        state_label=_s(row.state_label),
        comment=_s(row.comment),
        actor=_s(row.actor),
        task_num=row.task_num,
    )


@cache
def _count_in_box_sql(m: Models) -> Select[Any]:
    return select(func.count()).where(m.Patient.box_code == bindparam("code"))


def count_in_box(session: Session, m: Models, box_code: str) -> int:
    """Every patient in the box, whatever a screen's filter (capacity, facts failure 7)."""
    return int(session.connection().execute(
        _count_in_box_sql(m), {"code": box_code}).scalar_one())
