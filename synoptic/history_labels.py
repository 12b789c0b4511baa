"""The French names of the history's actions (``HI_Action``): one list for the patient's
history dialog, the global history window and its CSV export."""

from __future__ import annotations

from synoptic import audit, security
from synoptic import services as actions

ACTION_LABELS: dict[str, str] = {
    actions.PATIENT_IN: "Entrée",
    actions.TASK_ADD: "Tâche ajoutée",
    actions.TASK_STATE: "État de tâche",
    actions.TASK_DELETE: "Tâche supprimée",
    actions.SET_OWNER: "Changement de responsable",
    actions.SET_PLACE: "Déplacement",
    actions.SET_EXIT_TIME: "Heure de sortie",
    actions.SET_COMMENT: "Commentaire",
    actions.SET_HIDDEN: "Nom masqué/affiché",
    actions.SET_FOLDED: "Plié/déplié",
    actions.PATIENT_OUT: "Sortie",
    actions.PATIENT_LIFEOUT: "Sortie forcée (durée maximale)",
    audit.REF_ADD: "Donnée de base ajoutée",
    audit.REF_CHANGE: "Donnée de base modifiée",
    audit.REF_DELETE: "Donnée de base supprimée",
    security.UNLOCK: "Déverrouillage",
    security.UNLOCK_FAILED: "Déverrouillage refusé (code faux)",
    security.UNLOCK_REFUSED: "Déverrouillage refusé (droit manquant)",
}


def action_label(code: str) -> str:
    """French name of a history action; an unknown code (a newer program's) as is."""
    return ACTION_LABELS.get(code, code)


__all__ = ["ACTION_LABELS", "action_label"]
