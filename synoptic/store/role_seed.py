"""Schema 3's starting rows: the four roles and their default permissions.

Run by :func:`synoptic.store.db.upgrade_schema` on every database, new or upgraded from
Synoptux 2.16 or schema 2 (whose reference data is kept, so the seed of new databases
never runs there). The roles are inserted only when the roles table is empty, and the
default permissions only together with them: what an administrator changed later is never
put back, and a second upgrade changes nothing.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from synoptic.permissions import DEFAULT_PERMISSIONS, ROLES
from synoptic.store.models import Models

__all__ = ["seed_roles"]


def seed_roles(conn: Connection, models: Models) -> list[str]:
    """Insert the roles and their default permissions into an empty roles table."""
    roles = models.Role.__table__  # type: ignore[attr-defined]
    permissions = models.Permission.__table__  # type: ignore[attr-defined]
    if conn.scalar(select(func.count()).select_from(roles)):
        return []
    conn.execute(roles.insert(), [{"RO_Code": code, "RO_Libelle": label}
                                  for code, label in ROLES.items()])
    if not conn.scalar(select(func.count()).select_from(permissions)):
        rows = [{"PE_Code_role": role, "PE_Action": action}
                for role, actions in DEFAULT_PERMISSIONS.items() for action in sorted(actions)]
        conn.execute(permissions.insert(), rows)
    return [f"rôles et droits par défaut créés ({len(ROLES)} rôles)"]
