"""Reading the archive for the statistics: few columns, filtered by date in SQL, streamed.

A year of history is about 1.5 million rows; the figures need the flow rows (entries, moves,
exits: a few per patient) and, per task, its first state, its last state and its last
terminal state, which SQL aggregates (``GROUP BY`` patient, task number, task code), so
Python sees one row per task rather than one per touch.  Dates are read as stored text on
SQLite and parsed with ``datetime.fromisoformat`` (the column type's ``strptime`` would cost
seconds on a year).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    case,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from synoptic.domain import BoxType, parse_box_type
from synoptic.stats.episodes import FLOW_ACTIONS, TASK_STATE, FlowRow, TaskEpisode
from synoptic.store.models import Models
from synoptic.store.types import NOT_SET_BEFORE, parse_db_datetime

STREAM_BATCH = 10_000


@dataclass(frozen=True)
class BoxInfo:
    code: str
    label: str
    kind: BoxType
    capacity: int | None  # None or 0: no limit


@dataclass(frozen=True)
class Reference:
    """What the figures need of the reference tables."""

    boxes: Mapping[str, BoxInfo]
    terminal_states: frozenset[str]  # labels (and codes) of the terminal states
    task_labels: Mapping[str, str]

    def box_types(self) -> dict[str, BoxType]:
        return {code: box.kind for code, box in self.boxes.items()}


def fast_datetime(value: object) -> datetime | None:
    """A stored date: ``datetime`` from MariaDB, text from SQLite; before 2000 = not set."""
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return parse_db_datetime(value)
        if parsed.tzinfo is not None or parsed.microsecond:
            parsed = parsed.replace(microsecond=0, tzinfo=None)
    else:
        return parse_db_datetime(value)
    return parsed if parsed is not None and parsed >= NOT_SET_BEFORE else None


def read_reference(session: Session, m: Models) -> Reference:
    boxes = {
        code: BoxInfo(code, label or code, parse_box_type(kind), capacity)
        for code, label, kind, capacity in session.execute(
            select(m.Box.code, m.Box.label, m.Box.type, m.Box.capacity))
    }
    terminal: set[str] = set()
    for code, label, flag in session.execute(
            select(m.State.code, m.State.label, m.State.terminal)):
        if flag:
            terminal.add(code)
            if label:
                terminal.add(label)
    labels = {code: label or code for code, label in session.execute(
        select(m.TaskType.code, m.TaskType.label))}
    return Reference(boxes, frozenset(terminal), labels)


def _raw(column: ColumnElement[Any] | InstrumentedAttribute[Any]) -> ColumnElement[str]:
    """The column as the driver returns it (no per-row processing by its type)."""
    return type_coerce(column, String)


def read_flow(conn: Connection, m: Models, lo: datetime, hi: datetime) -> Iterator[FlowRow]:
    """Flow rows dated in ``[lo, hi)``, by patient then row key: the order the actions were
    written in, which tells a stay from the next one given the same key (SQLite reuses the
    key of the last patient removed) even when a time was given by hand."""
    h = m.History
    query = (
        select(h.patient_pk, _raw(h.date), h.action, h.box_code, h.comment)
        .where(h.action.in_(FLOW_ACTIONS), h.date >= lo, h.date < hi)
        .order_by(h.patient_pk, h.pk)
    )
    result = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(query)
    for patient, raw_date, action, box, comment in result:
        at = fast_datetime(raw_date)
        if at is not None:
            yield FlowRow(patient or "", at, action or "", box or "", comment or "")


def read_tasks(
    conn: Connection, m: Models, lo: datetime, hi: datetime, terminal_states: frozenset[str]
) -> Iterator[TaskEpisode]:
    """One :class:`TaskEpisode` per task with a state row in ``[lo, hi)``."""
    h = m.History
    terminal_date = case((h.state_label.in_(sorted(terminal_states)), h.date))
    query = (
        select(h.patient_pk, h.task_num, h.task_code, _raw(func.min(h.date)),
               _raw(func.max(h.date)), _raw(func.max(terminal_date)))
        .where(h.action == TASK_STATE, h.date >= lo, h.date < hi)
        .group_by(h.patient_pk, h.task_num, h.task_code)
    )
    planned = _planned_starts(conn, m)
    result = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(query)
    for patient, num, code, raw_first, raw_last, raw_terminal in result:
        start = fast_datetime(raw_first)
        if start is None:
            continue
        last, last_terminal = fast_datetime(raw_last), fast_datetime(raw_terminal)
        end = last if last_terminal is not None and last_terminal == last else None
        key = (patient or "", num if num is not None else code or "")
        yield TaskEpisode(code or "", start, end, planned.get(key))


def _planned_starts(conn: Connection, m: Models) -> dict[tuple[str, int | str], datetime]:
    """Planned starts of the tasks still on the board (the history does not keep them), by
    (patient, task number) and, for 2.16's rows without a number, by (patient, task code)
    when the patient has one task of that code."""
    t = m.Task
    found: dict[tuple[str, int | str], datetime] = {}
    codes: dict[tuple[str, int | str], int] = {}
    for pk, num, code, start in conn.execute(
            select(t.patient_pk, t.num, t.code, t.planned_start)):
        by_code = (str(pk), code or "")
        codes[by_code] = codes.get(by_code, 0) + 1
        if start is not None:
            found[(str(pk), int(num))] = start
            found[by_code] = start
    for key, count in codes.items():
        if count > 1:
            found.pop(key, None)
    return found


def patients_on_board(conn: Connection, m: Models) -> frozenset[str]:
    """Keys of the patients on the board now, as ``HI_NumEncours`` writes them."""
    return frozenset(str(pk) for pk in conn.scalars(select(m.Patient.pk)))


def stats_indexes(m: Models) -> tuple[Index, ...]:
    """Indexes the statistics want on the history (an additive schema change).  Built on a
    detached copy of the table's name, so the shared models' metadata is left as it is."""
    name = m.table_name("historique")
    copy = Table(name, MetaData(), Column("HI_Action", String(45)), Column("HI_Date", DateTime))
    return (Index(f"ix_{name}_action_date", copy.c.HI_Action, copy.c.HI_Date),)


def window(start: datetime, stop: datetime, margin: timedelta) -> tuple[datetime, datetime]:
    """The rows read for a period: a margin each side finds the entries of the patients
    present when it starts and the exits of those who arrived near its end."""
    return start - margin, stop + margin
