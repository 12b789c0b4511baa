"""What a glance card says, as text: its chips at a time, the detail line, the name at
decreasing widths, the count of tasks not drawn and a folded patient's late mark.

No widget here: the card (``ui.glance``) measures and paints these strings.
"""

from __future__ import annotations

from datetime import datetime

from synoptic.domain import BoxType, counts_as_late, format_late, late_minutes
from synoptic.views import PatientView, Reference
from ui.colours import colour
from ui.glance_look import Chip, short_time


def chips_at(
    patient: PatientView, reference: Reference, box_type: BoxType, now: datetime, alarm: str
) -> list[Chip]:
    """One chip per task at ``now``: its label, ``✓`` when done, ``⚠ … +25 min`` when
    late (never in Sortie), in its state's colour; ``alarm``: the blink colour when the
    task type has none."""
    counted = counts_as_late(box_type)
    chips = []
    for task in patient.tasks:
        task_type = reference.task_types.get(task.code)
        state = reference.states.get(task.state_code or "")
        label = task_type.label if task_type else task.code
        fill = colour(state.color if state else (task_type.color if task_type else ""), "#eee")
        late = late_minutes(task, now) if counted else None
        text = label
        if state is not None and state.terminal:
            text = f"✓ {label}"
        if late is not None:
            text = f"⚠ {label} {format_late(late)}"
        chip_alarm = colour(task_type.alarm_color if task_type else "", alarm)
        chips.append(Chip(task, text, fill, late, chip_alarm))
    return chips


def detail_choices(patient: PatientView, box_type: BoxType, now: datetime) -> list[str]:
    """The second line, longest first: where an absent or leaving patient is (and since
    when), else the comment."""
    p = patient
    when = short_time(p.moved_at, now)
    if box_type is BoxType.ABSENCE:
        return [f"→ {p.destination or 'Absent'} {when}".strip()]
    if box_type is BoxType.EXIT:
        where = p.destination or "Sortie"
        return [f"→ {where} · sortie {when}", f"→ {where} {when}"]
    return [p.comment]


def name_choices(patient: PatientView, name: str, initials: str) -> list[str]:
    """The name, longest first: full, first name as an initial, last name alone; masked
    (``initials`` given): the masked name, then the initials alone."""
    if initials:
        return [name, initials]
    first = patient.first_name.strip()
    names = [name]
    if first:
        names += [f"{patient.last_name} {first[:1]}.", patient.last_name]
    return names


def responsable_choices(name: str, code: str) -> list[str]:
    """The responsable, longest first: the name, the name without what it says in
    brackets (``IAO (infirmière d'accueil…)`` gives ``IAO``), the code."""
    choices: list[str] = []
    for text in (name, name.split(" (", 1)[0], code):
        text = text.strip()
        if text and text not in choices:
            choices.append(text)
    return choices


def others_text(chips: list[Chip]) -> str:
    """How many tasks on time are not drawn when only the late ones are (``+2 tâches``)."""
    others = sum(c.late is None for c in chips)
    return f"+{others} tâche{'s' if others > 1 else ''}" if others else ""


def late_mark(most_late: int | None) -> str:
    """A folded late patient's mark beside the name (``⚠ +25 min``)."""
    return "" if most_late is None else f"⚠ {format_late(most_late)}"
