"""Reference data for a new database: a French emergency-department layout."""

from __future__ import annotations

from sqlalchemy.orm import Session

from synoptic.store.db import Store, is_empty_board_reference, upgrade_schema
from synoptic.store.models import Models

SEEDED = "boxes, états, tâches, responsables et destinations créés"

# code, label, background, title colour, capacity, type
BOXES = [
    ("ATT", "Salle d'attente", "#d6eaf8", "#1f618d", 20, "Attente"),
    ("B1", "Box 1", "#e8f8f5", "#117a65", 1, "Soins"),
    ("B2", "Box 2", "#e8f8f5", "#117a65", 1, "Soins"),
    ("B3", "Box 3", "#e8f8f5", "#117a65", 1, "Soins"),
    ("B4", "Box 4", "#e8f8f5", "#117a65", 1, "Soins"),
    ("B5", "Box 5", "#fef9e7", "#9a7d0a", 1, "Soins"),
    ("B6", "Box 6", "#fef9e7", "#9a7d0a", 1, "Soins"),
    ("DECH", "Déchocage", "#fdedec", "#a93226", 1, "Soins"),
    ("UHCD", "UHCD", "#f4ecf7", "#6c3483", 4, "Soins"),
    ("ABS", "Absence provisoire", "#f2f3f4", "#515a5a", 10, "Absence"),
    ("SORT", "Sorties", "#fbeee6", "#a04000", 200, "Sortie"),
]

# code, label, colour, terminal
STATES = [
    ("1PR", "Prescrit", "#d5d8dc", 0),
    ("2DE", "Demandé", "#f9e79f", 0),
    ("3EC", "En cours", "#f5b041", 0),
    ("4TE", "Terminé", "#82e0aa", 1),
    ("5AN", "Annulé", "#aeb6bf", 1),
]

# code, label, colour, max duration (min), alarm colour, B/M, priority
TASKS = [
    ("BIO", "Biologie", "#fadbd8", 60, "#e74c3c", "M", "2"),
    ("RX", "Radiographie", "#d6eaf8", 45, "#e74c3c", "M", "2"),
    ("SCAN", "Scanner", "#d1f2eb", 90, "#e74c3c", "M", "1"),
    ("ECG", "ECG", "#fcf3cf", 15, "#e74c3c", "B", "1"),
    ("AVIS", "Avis spécialiste", "#ebdef0", 120, "#e74c3c", "M", "3"),
    ("ECHO", "Échographie", "#d4e6f1", 60, "#e74c3c", "M", "2"),
    ("PERF", "Perfusion", "#e8daef", 30, "#e74c3c", "B", "2"),
    ("SUT", "Suture", "#fdebd0", 45, "#e74c3c", "B", "3"),
    ("PLA", "Plâtre", "#f6ddcc", 45, "#e74c3c", "B", "3"),
    ("BU", "Bandelette urinaire", "#fef5e7", 15, "#e74c3c", "B", "3"),
    ("ANTALG", "Antalgie", "#e9f7ef", 20, "#e74c3c", "B", "1"),
    ("IRM", "IRM", "#d0ece7", 120, "#e74c3c", "M", "2"),
    ("CS", "Consultation médicale", "#eaeded", 60, "#e74c3c", "M", "1"),
]
# Tasks shown as buttons get three states (the manual: three buttons at most).
BUTTON_STATES = ("2DE", "3EC", "4TE")

RESPONSABLES = [
    ("MARTIN", "Dr Martin", "#2e86c1"),
    ("BERNARD", "Dr Bernard", "#28b463"),
    ("PETIT", "Dr Petit", "#ca6f1e"),
    ("DUBOIS", "Dr Dubois", "#8e44ad"),
    ("IAO", "IAO (infirmière d'accueil)", "#7f8c8d"),
]

DESTINATIONS = [
    ("Retour domicile", "Sortie"),
    ("Hospitalisation médecine", "Sortie"),
    ("Hospitalisation chirurgie", "Sortie"),
    ("UHCD", "Sortie"),
    ("Réanimation", "Sortie"),
    ("Transfert autre hôpital", "Sortie"),
    ("Sortie contre avis médical", "Sortie"),
    ("Fugue", "Sortie"),
    ("Décès", "Sortie"),
    ("Scanner", "Absence"),
    ("IRM", "Absence"),
    ("Radiologie", "Absence"),
    ("Bloc opératoire", "Absence"),
    ("Consultation spécialisée", "Absence"),
]


def seed_reference(session: Session, m: Models) -> None:
    for code, label, bg, title, cap, kind in BOXES:
        session.add(m.Box(code=code, label=label, background_color=bg, title_color=title,
                          capacity=cap, type=kind))
    for code, label, color, terminal in STATES:
        session.add(m.State(code=code, label=label, color=color, terminal=terminal))
    for code, label, color, duration, alarm, mode, prio in TASKS:
        session.add(m.TaskType(code=code, label=label, color=color, max_duration_min=duration,
                               alarm_color=alarm, button_mode=mode, priority=prio, comment=""))
        states = BUTTON_STATES if mode == "B" else tuple(s[0] for s in STATES)
        for state in states:
            session.add(m.TaskState(task_code=code, state_code=state))
    for code, name, color in RESPONSABLES:
        session.add(m.Responsable(code=code, name=name, color=color, active=1))
    for label, kind in DESTINATIONS:
        session.add(m.Destination(label=label, exit_type=kind))


def create_or_upgrade(store: Store) -> list[str]:
    """Create or upgrade the schema in place, then seed the reference data when the
    database has no box yet (a new one; an upgraded Synoptux database keeps its own).
    Returns what was done (empty: nothing)."""
    done = upgrade_schema(store)
    with store.write() as session:
        if is_empty_board_reference(session, store.models):
            seed_reference(session, store.models)
            done.append(SEEDED)
    return done
