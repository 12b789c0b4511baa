"""A big emergency department for benchmarks, screenshots and glance tests (fictional).

24 boxes (two waiting rooms, 18 care places, UHCD, absence, exits) and as many patients as
asked, spread like a French emergency department at its peak: the 50-patient shape is
repeated for bigger boards.  Every ``late_every``-th task is planned in the past and not
started (late); the others are planned later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from synoptic.services import BoardServices, NewTask
from synoptic.store.db import Store

# code, label, background, title colour, capacity, type (added to the seeded layout)
EXTRA_BOXES = [
    ("ATT2", "Attente couchés", "#d6eaf8", "#1f618d", 8, "Attente"),
    *[(f"B{i}", f"Box {i}", "#e8f8f5", "#117a65", 1, "Soins") for i in range(7, 17)],
    ("PED", "Pédiatrie", "#fef9e7", "#9a7d0a", 2, "Soins"),
    ("PLAT", "Salle de plâtre", "#fef9e7", "#9a7d0a", 2, "Soins"),
]

# Where the 50 patients of a peak are (repeated for bigger boards).
SLOTS: list[str] = (
    ["ATT"] * 12
    + ["ATT2"] * 5
    + [f"B{i}" for i in range(1, 17)]
    + ["DECH", "PED", "PED", "PLAT", "PLAT"]
    + ["UHCD"] * 4
    + ["ABS"] * 4
    + ["SORT"] * 4
)
LAST_NAMES = [
    "MARTIN", "BERNARD", "THOMAS", "PETITJEAN", "ROBERT", "RICHARD", "DURAND", "DUBOISSET",
    "MOREAU", "LAURENT", "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND",
    "MOREL", "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU",
    "VINCENT", "MULLER", "LEFEVRE", "FAURE", "ANDRE", "MERCIER", "BLANC", "GUERIN", "BOYER",
    "GARNIER", "CHEVALIER", "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN",
    "CLEMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON",
]  # fmt: skip
FIRST_NAMES = [
    "Marie", "Jean", "Camille", "Louis", "Léa", "Hugo", "Chloé", "Lucas", "Emma", "Jules",
    "Inès", "Paul", "Manon", "Arthur", "Zoé", "Nathan", "Alice", "Gabriel", "Lina", "Adam",
]  # fmt: skip
COMMENTS = [
    "Douleur thoracique", "Chute", "Fièvre", "Plaie main", "Dyspnée", "Céphalées",
    "Malaise", "Entorse", "Douleur abdominale", "Trauma crânien",
]  # fmt: skip
RESPONSABLES = ["MARTIN", "BERNARD", "PETIT", "DUBOIS", "IAO"]
TASK_CODES = ["BIO", "RX", "ECG", "SCAN", "PERF", "ANTALG", "AVIS", "CS", "ECHO", "BU"]
ABSENCES = ["Radiologie", "Scanner", "IRM", "Bloc opératoire"]
EXITS = ["Retour domicile", "Hospitalisation médecine", "UHCD", "Réanimation"]


def add_boxes(store: Store) -> None:
    """The 13 boxes of a big department missing from the seeded layout (idempotent)."""
    m = store.models
    with store.write() as session:
        for code, label, bg, title, capacity, kind in EXTRA_BOXES:
            if session.get(m.Box, code) is None:
                session.add(
                    m.Box(
                        code=code,
                        label=label,
                        background_color=bg,
                        title_color=title,
                        capacity=capacity,
                        type=kind,
                    )
                )
        absence = session.get(m.Box, "ABS")
        if absence is not None and (absence.capacity or 0) < 40:
            absence.capacity = 40  # a big department: many patients away at once


def seed_department(
    services: BoardServices,
    now: datetime,
    *,
    patients: int = 50,
    tasks_per_patient: int = 3,
    late_every: int = 3,
) -> list[int]:
    """Admit ``patients`` fictional patients with their tasks; return their keys."""
    add_boxes(services.store)
    keys: list[int] = []
    task_index = 0
    for i in range(patients):
        box = SLOTS[i % len(SLOTS)]
        tasks = []
        for j in range(tasks_per_patient):
            late = task_index % late_every == 0
            task_index += 1
            start = now - timedelta(minutes=5 + (i * 7 + j * 11) % 55) if late else None
            if not late:
                start = now + timedelta(minutes=15 + 10 * j)
            code = TASK_CODES[(i + j * 3) % len(TASK_CODES)]
            tasks.append(NewTask(code=code, planned_start=start, priority=j + 1))
        landing = "ATT" if box in ("ABS", "SORT") else box
        result = services.admit(
            box_code=landing,
            last_name=LAST_NAMES[i % len(LAST_NAMES)]
            + ("" if i < len(LAST_NAMES) else f"-{i // len(LAST_NAMES) + 1}"),
            first_name=FIRST_NAMES[(i * 7) % len(FIRST_NAMES)],
            responsable=RESPONSABLES[i % len(RESPONSABLES)],
            comment=COMMENTS[i % len(COMMENTS)],
            guid=f"dept-{i}",
            now=now - timedelta(minutes=20 + (i * 13) % 200),
            tasks=tasks,
            allow_over_capacity=True,
        )
        if box in ("ABS", "SORT"):
            places = ABSENCES if box == "ABS" else EXITS
            services.move(
                result.patient_pk,
                box,
                now=now - timedelta(minutes=5 + i % 40),
                destination=places[i % len(places)],
            )
        keys.append(result.patient_pk)
    return keys
