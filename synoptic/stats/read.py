"""Reading the archive for the statistics: few columns, filtered by date in SQL, streamed.

A year of history is about 1.5 million rows; the figures need the flow rows (entries, moves,
exits: a few per patient) and, per task, its first state, its last state and its last
terminal state, which SQL aggregates (``GROUP BY`` patient, task number, task code), then
packs per task code and day (see :mod:`synoptic.stats.sql` for why), so Python reads a few
thousand rows for a year's 300,000 tasks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Index,
    Select,
    String,
    case,
    cast,
    func,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from synoptic.domain import BoxType, parse_box_type
from synoptic.stats.episodes import (
    FLOW_ACTIONS,
    SET_EXIT_TIME,
    SET_PLACE,
    TASK_STATE,
    FlowTuple,
    TaskEpisode,
)
from synoptic.stats.sql import (
    SEPARATOR,
    epoch_seconds,
    from_seconds,
    iso_time,
    long_range,
    packed,
)
from synoptic.stats.tasks import NO_DURATION, TaskTable

NO_DELAY = -(10**12)  # a task without a known planned start (seconds: never a real delay)
from synoptic.store.models import Models

STREAM_BATCH = 10_000
DAY_SECONDS = 86_400


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


def read_flow(conn: Connection, m: Models, lo: datetime, hi: datetime) -> list[FlowTuple]:
    """Flow rows dated in ``[lo, hi)`` as plain (patient, time, action, box, comment) tuples,
    by patient then row key: the order the actions were written in, which tells a stay from
    the next one given the same key (SQLite reuses the key of the last patient removed) even
    when a time was given by hand.  Sorted here: a server sort of a year's flow rows spills
    to disk with MariaDB's default buffers.  Times come as ISO text, which ``fromisoformat``
    reads in C (a ``timedelta`` a row cost a quarter of a second a year)."""
    keyed: list[tuple[str, int, datetime, str, str, str]] = []
    append = keyed.append
    parse = datetime.fromisoformat
    for (text,) in _stream(conn, flow_query(m, lo, hi)):
        key, moment, action, box, patient, comment = text.split(SEPARATOR, 5)
        if moment:
            append((patient, int(key), parse(moment), action, box, comment))
    keyed.sort()
    return [(patient, at, action, box, comment)
            for patient, _key, at, action, box, comment in keyed]


def flow_query(m: Models, lo: datetime, hi: datetime) -> Select[Any]:
    """The flow rows dated in ``[lo, hi)``, packed in one field: key, time (ISO text), action,
    box, patient, and the comment of the rows that need it (last: it may hold anything).
    Every column is in the schema's covering index ``ix_<prefix>historique_flow``."""
    h = m.History
    wanted_comment = case((h.action.in_((SET_PLACE, SET_EXIT_TIME)), h.comment))
    return (
        select(packed(h.pk, iso_time(h.date), h.action, h.box_code, h.patient_pk,
                      wanted_comment))
        .where(h.action.in_(FLOW_ACTIONS), h.date >= lo, h.date < hi)
    )


def read_tasks(
    conn: Connection, m: Models, lo: datetime, hi: datetime, terminal_states: frozenset[str],
    started: tuple[datetime, datetime] | None = None,
) -> TaskTable:
    """The tasks with a state row in ``[lo, hi)`` (and, given ``started``, whose first state
    is in that interval).

    SQL groups the state rows per task, then packs the tasks per code and day into one text
    field ("start,seconds,delay,start,..."): Python splits a few thousand fields in C
    rather than reading 300,000 rows (PyMySQL pays ~10 us a row).  The tasks of the patients
    still on the board are read one by one, with their keys, for the planned starts only
    the board knows (Synoptux 2.16's rows, a host's tasks)."""
    h = m.History
    per_task = task_query(m, lo, hi, terminal_states, started)
    # The items are made after the grouping: a long text column in the derived table put it
    # on disk on MariaDB.
    c = per_task.subquery().c
    table = TaskTable()
    _allow_long_lists(conn)
    for code, (starts, seconds, delays) in _packed(conn, c.code, c.first, c.seconds, c.delay):
        table.extend(code, starts, seconds)
        kept = [(s, d) for s, d in zip(starts, delays, strict=True) if d != NO_DELAY]
        if kept:
            table.delays.setdefault(code, []).extend(kept)
    on_board = sorted(patients_on_board(conn, m))
    if not on_board:
        return table
    # Read again with their keys, they replace their packed copies (a NOT IN over the
    # board's keys, tested on every task, cost more than this); their delays are counted
    # already when archived, else from the board's planned start (2.16's rows, a host's).
    planned = _planned_starts(conn, m)
    episodes = [
        TaskEpisode(code, from_seconds(start), None if seconds == NO_DURATION else seconds,
                    None if delay != NO_DELAY
                    else planned.get((patient, num if num is not None else code)))
        for code, start, seconds, num, patient, delay in conn.execute(
            per_task.where(h.patient_pk.in_(on_board)))
    ]
    table.take_out(episodes)
    for episode in episodes:
        table.add_episode(episode)
    return table


def task_query(
    m: Models, lo: datetime, hi: datetime, terminal_states: frozenset[str],
    started: tuple[datetime, datetime] | None = None,
) -> Select[str, int, int, int | None, str, int]:
    """One row per task (patient, task number, task code) with a state in ``[lo, hi)``: its
    code, first state (seconds), seconds to its last state when that one is terminal
    (:data:`NO_DURATION` otherwise), number, patient key and delay from its planned start
    (seconds, :data:`NO_DELAY` when unknown); grouped in the order of the schema's covering
    index ``ix_<prefix>historique_task_states``."""
    h = m.History
    first = epoch_seconds(func.min(h.date))
    # The state code where the row has one (schema 3), else its label (Synoptux 2.16).
    state = func.coalesce(h.state_code, h.state_label)
    last_is_terminal = func.max(case((state.in_(sorted(terminal_states)), h.date))) \
        == func.max(h.date)
    seconds = func.coalesce(case((last_is_terminal, epoch_seconds(func.max(h.date)) - first)),
                            NO_DURATION)
    # The planned start the services write with each state (schema 3; 2.16's rows: none).
    delay = func.coalesce(first - epoch_seconds(func.min(h.planned_start)), NO_DELAY)
    query = (
        select(func.coalesce(h.task_code, "").label("code"), first.label("first"),
               seconds.label("seconds"), h.task_num.label("num"),
               func.coalesce(h.patient_pk, "").label("patient"), delay.label("delay"))
        .where(h.action == TASK_STATE, long_range(h.date, lo, hi))
        .group_by(h.patient_pk, h.task_num, h.task_code)
    )
    if started is not None:
        query = query.having(func.min(h.date) >= started[0], func.min(h.date) < started[1])
    return query


def _packed(
    conn: Connection, code: Any, *columns: Any,
) -> Iterator[tuple[str, list[list[int]]]]:
    """(code, one list per column) of a per-task subquery's integer columns, packed by SQL
    per code and day of the first column (one text field each: Python splits it in C)."""
    item: Any = cast(columns[0], String)
    for column in columns[1:]:
        item = item + "," + cast(column, String)
    width = len(columns)
    by_day = select(code, func.count(), func.group_concat(item)).group_by(
        code, columns[0] // DAY_SECONDS)
    for name, count, text in _stream(conn, by_day):
        values = list(map(int, text.split(",")))
        if len(values) != width * count:  # the server cut the list (group_concat_max_len)
            raise RuntimeError(f"group_concat cut: {len(values) // width} of {count} tasks read")
        yield name, [values[i::width] for i in range(width)]


def _allow_long_lists(conn: Connection) -> None:
    """MySQL cuts ``GROUP_CONCAT`` at 1,024 bytes by default (MariaDB at 1 MB): a busy
    day's tasks of one code take a few kilobytes.  The per-task table the packing reads
    (about 60 MB for a year's tasks) is kept in memory rather than written to disk past the
    16 MB default; this session only, and memory taken only as needed."""
    if conn.dialect.name in ("mysql", "mariadb"):
        conn.exec_driver_sql("SET SESSION group_concat_max_len = 16777216, "
                             "max_heap_table_size = 268435456, tmp_table_size = 268435456")


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


def _stream(conn: Connection, query: Executable) -> Iterator[Any]:
    return iter(conn.execution_options(stream_results=True, yield_per=STREAM_BATCH)
                .execute(query))


def patients_on_board(conn: Connection, m: Models) -> frozenset[str]:
    """Keys of the patients on the board now, as ``HI_NumEncours`` writes them."""
    return frozenset(str(pk) for pk in conn.scalars(select(m.Patient.pk)))


def stats_indexes(m: Models) -> tuple[Index, ...]:
    """The history's indexes the statistics' reads are made for (schema 3: created with the
    table, and by ``upgrade_schema`` on an older database)."""
    names = {f"ix_{m.table_name('historique')}_{kind}" for kind in ("flow", "task_states")}
    table = m.History.__table__  # type: ignore[attr-defined]
    return tuple(sorted((ix for ix in table.indexes if ix.name in names),
                        key=lambda ix: str(ix.name)))


def window(start: datetime, stop: datetime, margin: timedelta) -> tuple[datetime, datetime]:
    """The rows read for a period: a margin each side finds the entries of the patients
    present when it starts and the exits of those who arrived near its end."""
    return start - margin, stop + margin
