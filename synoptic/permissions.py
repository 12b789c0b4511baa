"""Who may do what: the roles, the protected actions and the permission check (pure).

Nobody logs in to a wall screen: the daily actions stay one touch away. Only the actions
listed in :data:`ACTIONS` need a role; the screen then asks for a person's PIN
(:mod:`synoptic.security`) and checks that person's role with :meth:`PermissionTable.may`.
The administrator edits which role may do which action (``<prefix>permissions``); the
``administrateur`` role may always do everything, so nobody can lock the department out
of its own administration.

Role and action codes are stored in the database: they never change. Their labels are
the French text screens show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "ACTIONS",
    "ADMIN",
    "DEFAULT_PERMISSIONS",
    "ROLES",
    "PermissionTable",
    "action_label",
    "role_label",
]

ADMIN = "administrateur"
DOCTOR = "medecin"
NURSE = "infirmier"
DESK = "secretariat"

# code -> label, in the order screens list them.
ROLES: Mapping[str, str] = {
    ADMIN: "Administrateur",
    DOCTOR: "Médecin",
    NURSE: "Infirmier",
    DESK: "Secrétariat / lecture",
}

DISCHARGE = "sortie_definitive"
DELETE_TASK = "supprimer_tache"
CHANGE_RESPONSABLE = "changer_responsable"
EDIT_REFERENCE = "modifier_reference"
EXPORT_STATISTICS = "exporter_statistiques"
MANAGE_ACCESS = "gerer_acces"

# code -> what the action does (the permission table's rows, the keypad's title).
ACTIONS: Mapping[str, str] = {
    DISCHARGE: "sortir définitivement un patient",
    DELETE_TASK: "supprimer une tâche",
    CHANGE_RESPONSABLE: "changer le responsable d'un patient",
    EDIT_REFERENCE: "modifier les données de base (box, états, tâches...)",
    EXPORT_STATISTICS: "exporter les statistiques",
    MANAGE_ACCESS: "gérer les personnes, les codes PIN et les droits",
}

# What a new or upgraded database starts with (the administrator changes it).
DEFAULT_PERMISSIONS: Mapping[str, frozenset[str]] = {
    ADMIN: frozenset(ACTIONS),
    DOCTOR: frozenset({DISCHARGE, DELETE_TASK, CHANGE_RESPONSABLE, EXPORT_STATISTICS}),
    NURSE: frozenset({DISCHARGE, DELETE_TASK}),
    DESK: frozenset({EXPORT_STATISTICS}),
}


def role_label(code: str) -> str:
    """A role's French name; an unknown code (a newer program's) as is."""
    return ROLES.get(code, code)


def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


@dataclass(frozen=True)
class PermissionTable:
    """The permission rows read from the database: (role, action) pairs granted."""

    granted: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> PermissionTable:
        return cls(frozenset(pairs))

    @classmethod
    def defaults(cls) -> PermissionTable:
        return cls.of((role, action) for role, acts in DEFAULT_PERMISSIONS.items()
                      for action in acts)

    def may(self, role: str, action: str) -> bool:
        """True when ``role`` may do ``action``; the administrator may do everything."""
        return role == ADMIN or (role, action) in self.granted

    def actions_of(self, role: str) -> frozenset[str]:
        if role == ADMIN:
            return frozenset(ACTIONS)
        return frozenset(action for r, action in self.granted if r == role)
