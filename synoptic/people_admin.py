"""Administration of who may do what: persons (role, PIN) and the permission table.

Persons are edited like the reference data (:class:`synoptic.reference_admin.ReferenceAdmin`
with :attr:`Kind.USER <synoptic.reference_rules.Kind.USER>`: code, name, role, active); this
module adds what is theirs alone: setting a PIN (stored as a salted hash, audited as
"changed", never as its hash) and the permission table. Each call is one transaction with
its history row and audit row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from synoptic import audit
from synoptic.errors import InvalidValueError
from synoptic.messages import quote_value
from synoptic.permissions import ACTIONS, ADMIN, ROLES, role_label
from synoptic.reference_admin import ReferenceWriter, UnknownRecordError
from synoptic.reference_rules import Kind, display_name
from synoptic.reference_store import row_record
from synoptic.security import check_pin_format, hash_secret, permission_table
from synoptic.store.db import Store
from synoptic.store.models import Models

__all__ = ["PeopleAdmin", "write_permissions"]


@dataclass
class PeopleAdmin:
    """PINs and permissions, each change in the name of ``actor``."""

    store: Store
    actor: str

    def create_person(self, values: Mapping[str, Any], pin: str | None, *,
                      now: datetime) -> str:
        """Add a person (code, name, role_code, active) with a PIN, in one transaction."""
        stored = hash_secret(check_pin_format(pin)) if pin is not None else None
        with self.store.write() as session:
            code = ReferenceWriter(session, self.store.models, self.actor, now).create(
                Kind.USER, values)
            if stored is not None:
                self._set_pin(session, code, stored, now)
            return code

    def set_pin(self, person_code: str, pin: str | None, *, now: datetime) -> None:
        """Give a person a new PIN (4 to 8 digits), or none (``None``: cannot unlock)."""
        stored = hash_secret(check_pin_format(pin)) if pin is not None else None
        with self.store.write() as session:
            self._set_pin(session, person_code, stored, now)

    def _set_pin(self, session: Session, person_code: str, stored: str | None,
                 now: datetime) -> None:
        m = self.store.models
        row = session.scalars(
            select(m.User).where(m.User.code == person_code).with_for_update()).first()
        if row is None:
            raise UnknownRecordError(Kind.USER, person_code)
        had = bool(row.pin_hash)
        row.pin_hash = stored
        record = row_record(Kind.USER, row)
        verb = "Code PIN attribué" if stored else "Code PIN retiré"
        audit.record_change(
            session, m, actor=self.actor, now=now, action=audit.REF_CHANGE,
            entity=Kind.USER.value, key=row.code,
            before={**record, "pin": "défini" if had else ""},
            after={**record, "pin": "nouveau" if stored else ""},
            summary=f"{verb} : {display_name(Kind.USER, record)}")

    def permissions(self) -> dict[str, frozenset[str]]:
        """Role -> the actions it may do (the administrator: all of them)."""
        with self.store.read() as session:
            table = permission_table(session, self.store.models)
        return {role: table.actions_of(role) for role in ROLES}

    def set_permissions(self, role: str, actions: Iterable[str], *, now: datetime) -> bool:
        """What ``role`` may do from now on; False when nothing changed."""
        with self.store.write() as session:
            return write_permissions(session, self.store.models, role, actions,
                                     actor=self.actor, now=now)


def write_permissions(session: Session, models: Models, role: str, actions: Iterable[str], *,
                      actor: str, now: datetime) -> bool:
    """Replace the actions of ``role`` in the caller's transaction (audited)."""
    wanted = frozenset(actions)
    if role not in ROLES:
        raise InvalidValueError(f"Rôle inconnu : « {quote_value(role)} ».")
    if role == ADMIN:
        raise InvalidValueError("Le rôle administrateur a toujours tous les droits : "
                                "ils ne se modifient pas.")
    unknown = sorted(wanted - ACTIONS.keys())
    if unknown:
        raise InvalidValueError("Action inconnue : " + ", ".join(
            f"« {quote_value(a)} »" for a in unknown) + ".")
    p = models.Permission
    present = frozenset(session.scalars(
        select(p.action).where(p.role_code == role).with_for_update()))
    if present == wanted:
        return False
    for action in present - wanted:
        session.execute(p.__table__.delete().where(  # type: ignore[attr-defined]
            p.role_code == role, p.action == action))
    for action in sorted(wanted - present):
        session.add(p(role_code=role, action=action))
    audit.record_change(
        session, models, actor=actor, now=now, action=audit.REF_CHANGE,
        entity="permissions", key=role, before={"actions": sorted(present)},
        after={"actions": sorted(wanted)},
        summary=f"Modification : droits du rôle « {role_label(role)} »")
    return True
