"""Reference rows <-> records (:mod:`synoptic.reference_rules`), and what uses a row.

Records read from the database are normalised the way the board reads the rows (box and
destination types as their fixed codes, ``NULL`` text as ``""``, flags as ``bool``) but
not validated: a 2.16 database may hold values the editors would refuse, and they are
shown, exported and audited as they are.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from synoptic.domain import parse_box_type, parse_exit_type
from synoptic.reference_rules import Kind, Record
from synoptic.store.models import Models

__all__ = ["apply_record", "load_records", "mapped_class", "usage_count"]


def mapped_class(models: Models, kind: Kind) -> type[Any]:
    return {
        Kind.BOX: models.Box,
        Kind.STATE: models.State,
        Kind.TASK_TYPE: models.TaskType,
        Kind.RESPONSABLE: models.Responsable,
        Kind.DESTINATION: models.Destination,
        Kind.PRESET_COMMENT: models.PresetComment,
        Kind.USER: models.User,
    }[kind]


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _code_key(code: str) -> tuple[str, str]:
    """Codes in the same order on every database (MariaDB's ignores case, SQLite's not)."""
    return (code.casefold(), code)


def _state_sort_key(order: int | None, code: str) -> tuple[int, tuple[str, str]]:
    return (order if order is not None else 1 << 30, _code_key(code))


def allowed_states(session: Session, models: Models) -> dict[str, list[str]]:
    """Task code -> its state codes (in the states' order), every pair of etats_taches."""
    states = {code: order for code, order in session.execute(
        select(models.State.code, models.State.order))}
    pairs: dict[str, list[str]] = {}
    for task, state in session.execute(
            select(models.TaskState.task_code, models.TaskState.state_code)):
        pairs.setdefault(task, []).append(state)
    return {task: sorted(codes, key=lambda c: _state_sort_key(states.get(c), c))
            for task, codes in pairs.items()}


def row_record(kind: Kind, row: Any, states: dict[str, list[str]] | None = None) -> Record:
    """The record of one mapped row (``states``: :func:`allowed_states`, for task types)."""
    if kind is Kind.BOX:
        return {"code": row.code, "label": _s(row.label),
                "background_color": _s(row.background_color), "title_color": _s(row.title_color),
                "capacity": row.capacity, "type": parse_box_type(row.type).value,
                "active": bool(row.active)}
    if kind is Kind.STATE:
        return {"code": row.code, "label": _s(row.label), "color": _s(row.color),
                "terminal": bool(row.terminal), "order": row.order, "active": bool(row.active)}
    if kind is Kind.TASK_TYPE:
        return {"code": row.code, "label": _s(row.label), "color": _s(row.color),
                "alarm_color": _s(row.alarm_color), "max_duration_min": row.max_duration_min,
                "allowed_states": list((states or {}).get(row.code, [])),
                "button_mode": "B" if _s(row.button_mode).strip().upper() == "B" else "M",
                "priority": _s(row.priority).strip(), "comment": _s(row.comment),
                "active": bool(row.active)}
    if kind is Kind.RESPONSABLE:
        return {"code": row.code, "name": _s(row.name), "color": _s(row.color),
                "active": bool(row.active)}
    if kind is Kind.USER:  # never the PIN's hash: records are audited and exported
        return {"code": row.code, "name": _s(row.name), "role_code": row.role_code,
                "active": bool(row.active)}
    if kind is Kind.DESTINATION:
        exit_type = parse_exit_type(row.exit_type)
        return {"label": _s(row.label),
                "exit_type": exit_type.value if exit_type else _s(row.exit_type),
                "order": row.order}
    return {"text": _s(row.text), "order": row.order}


def row_key(kind: Kind, row: Any) -> str:
    return str(row.code if kind.keyed_by_code else row.pk)


def load_records(session: Session, models: Models, kind: Kind) -> dict[str, Record]:
    """Key (code, or automatic number as text) -> record, in the editors' order."""
    cls = mapped_class(models, kind)
    states = allowed_states(session, models) if kind is Kind.TASK_TYPE else None
    if kind is Kind.STATE:
        rows = sorted(session.scalars(select(cls)), key=lambda r: _state_sort_key(r.order, r.code))
    elif kind.keyed_by_code:
        rows = sorted(session.scalars(select(cls)), key=lambda r: _code_key(r.code))
    else:
        rows = sorted(session.scalars(select(cls)),
                      key=lambda r: (r.order if r.order is not None else 1 << 30, r.pk))
    return {row_key(kind, row): row_record(kind, row, states) for row in rows}


def _none_if_empty(value: Any) -> Any:
    return None if value == "" else value


def apply_record(session: Session, models: Models, kind: Kind, row: Any, record: Record) -> None:
    """Write a clean record's values into its mapped row (and a task type's states)."""
    for name, value in record.items():
        if name == "allowed_states":
            continue
        if isinstance(value, bool):
            value = int(value)
        elif name not in ("code", "label", "name", "text", "type", "exit_type", "button_mode",
                          "role_code"):
            value = _none_if_empty(value)
        setattr(row, name, value)
    if kind is Kind.TASK_TYPE:
        set_allowed_states(session, models, record["code"], record["allowed_states"])


def set_allowed_states(session: Session, models: Models, task_code: str,
                       codes: list[str]) -> None:
    pairs = models.TaskState
    present = set(session.scalars(select(pairs.state_code).where(pairs.task_code == task_code)))
    for code in present - set(codes):
        session.execute(pairs.__table__.delete().where(  # type: ignore[attr-defined]
            pairs.task_code == task_code, pairs.state_code == code))
    for code in codes:
        if code not in present:
            session.add(pairs(task_code=task_code, state_code=code))


def usage_count(session: Session, models: Models, kind: Kind, key: str) -> int:
    """How many rows of the board use this record (patients or tasks): 0 = deletable."""
    column = {
        Kind.BOX: models.Patient.box_code,
        Kind.RESPONSABLE: models.Patient.responsable,
        Kind.STATE: models.Task.state_code,
        Kind.TASK_TYPE: models.Task.code,
    }.get(kind)
    if column is None:
        return 0
    return int(session.scalar(select(func.count()).where(column == key)) or 0)
