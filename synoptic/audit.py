"""The audit: every administration change with its values before and after.

A change is one ``<prefix>historique`` row (who, when, what, in Synoptux's own table, so
existing readers of the history see it) and one ``<prefix>audit`` row linked to it by
``AU_PK_historique``, holding the record before and after the change as JSON objects
(``NULL`` before: created; ``NULL`` after: deleted). Both are written with the caller's
session, so they commit or roll back with the change they describe: callers own the
transaction (one per change, see :mod:`synoptic.reference_admin`).

The services audit the patient edits (comment, responsable, masked name, folded card, exit
time) the same way: their history row, then :func:`write_audit` with its key, entity
``encours`` and the patient's key, the changed attributes before and after.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from synoptic.store.models import COMMENT_LENGTH, Models

__all__ = [
    "REF_ADD",
    "REF_CHANGE",
    "REF_DELETE",
    "AuditEntry",
    "audit_trail",
    "changed_fields",
    "record_change",
    "write_audit",
]

# History actions of the administration (beside Synoptux's patient actions).
REF_ADD = "REF_ADD"
REF_CHANGE = "REF_CHANGE"
REF_DELETE = "REF_DELETE"

Record = Mapping[str, Any]
_SHORT = 45  # the history's VARCHAR(45) columns


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO text, sets/tuples as sorted or ordered lists."""
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def to_json(record: Record | None) -> str | None:
    if record is None:
        return None
    return json.dumps(_plain(record), ensure_ascii=False, sort_keys=True)


def from_json(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    loaded = json.loads(text)
    return loaded if isinstance(loaded, dict) else {"valeur": loaded}


def changed_fields(before: Record | None, after: Record | None) -> list[str]:
    """The fields whose value differs (all of them for a creation or a deletion)."""
    old, new = _plain(dict(before or {})), _plain(dict(after or {}))
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def write_audit(
    session: Session, models: Models, *, history_pk: int, entity: str, key: str,
    before: Record | None, after: Record | None,
) -> None:
    """One audit row for the history row ``history_pk`` (same transaction as the caller's)."""
    session.add(models.Audit(
        history_pk=history_pk, entity=entity[:32], key=key[:COMMENT_LENGTH],
        before=to_json(before), after=to_json(after),
    ))


def record_change(
    session: Session,
    models: Models,
    *,
    actor: str,
    now: datetime,
    action: str,
    entity: str,
    key: str,
    before: Record | None,
    after: Record | None,
    summary: str,
    history: Mapping[str, Any] | None = None,
) -> int:
    """Write the history row (``summary`` as its comment, ``history`` for its other columns:
    ``box_code``, ``task_code``, ``responsable``...) and its audit row; return the history key.
    """
    row = models.History(
        action=action, date=now, actor=actor[:_SHORT], comment=summary[:COMMENT_LENGTH],
        **dict(history or {}),
    )
    session.add(row)
    session.flush()  # the history key, for the audit row
    write_audit(session, models, history_pk=row.pk, entity=entity, key=key,
                before=before, after=after)
    return row.pk


@dataclass(frozen=True)
class AuditEntry:
    """One audited change, as the administration screen lists it."""

    history_pk: int
    date: datetime | None
    actor: str
    action: str
    summary: str
    entity: str
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def fields(self) -> list[str]:
        return changed_fields(self.before, self.after)


def audit_trail(
    session: Session, models: Models, *, entity: str | None = None, key: str | None = None,
    limit: int = 500,
) -> tuple[AuditEntry, ...]:
    """The latest audited changes, newest first (of one entity, or one record)."""
    h, a = models.History, models.Audit
    query = (
        select(h.pk, h.date, h.actor, h.action, h.comment, a.entity, a.key, a.before, a.after)
        .join(a, a.history_pk == h.pk)
        .order_by(h.pk.desc(), a.pk.desc())
        .limit(limit)
    )
    if entity is not None:
        query = query.where(a.entity == entity)
    if key is not None:
        query = query.where(a.key == key)
    return tuple(
        AuditEntry(int(pk), when, actor or "", action or "", comment or "", ent, k,
                   from_json(before), from_json(after))
        for pk, when, actor, action, comment, ent, k, before, after in session.execute(query)
    )
