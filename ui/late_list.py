"""The rows of the late tasks' list (``ui.dialogs.late``): every task the status bar counts
(the filter's patients, never a patient in Sortie), the latest first, each saying the task,
how late, the patient as this screen names him (masked on a masked screen) and his box."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from synoptic.domain import counts_as_late, format_late, late_minutes
from synoptic.views import PatientView, Reference


def late_rows(
    patients: Iterable[PatientView],
    reference: Reference,
    now: datetime,
    visible: Callable[[PatientView], bool],
    name: Callable[[PatientView], str],
) -> list[tuple[int, str]]:
    """(patient key, "⚠ Radiographie +25 min — DUPONT Jean · Box 1"), latest first."""
    found: list[tuple[int, str, int, str]] = []
    for view in patients:
        box = reference.box(view.box_code)
        if box is None or not counts_as_late(box.type) or not visible(view):
            continue
        for task in view.tasks:
            minutes = late_minutes(task, now)
            if minutes is None:
                continue
            task_type = reference.task_types.get(task.code)
            label = task_type.label if task_type else task.code
            found.append((minutes, label, view.pk, f"{name(view)} · {box.label or box.code}"))
    found.sort(key=lambda row: (-row[0], row[1], row[2]))
    return [(pk, f"⚠ {label} {format_late(minutes)} — {who}")
            for minutes, label, pk, who in found]
