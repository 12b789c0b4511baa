"""The plain, immutable views of the board that screens, the CLI and the services share.

No database here: the store builds them (``synoptic.store.queries``), the read side hands
them out (``synoptic.reads``), the UI shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from synoptic.domain import BoxType


@dataclass(frozen=True)
class BoxView:
    code: str
    label: str
    background_color: str
    title_color: str
    capacity: int | None
    type: BoxType
    active: bool = True  # inactive: never a move target; shown only while it holds patients


@dataclass(frozen=True)
class StateView:
    code: str
    label: str
    color: str
    terminal: bool
    active: bool = True  # inactive: never offered, still named on a task that has it


@dataclass(frozen=True)
class TaskTypeView:
    code: str
    label: str
    color: str
    alarm_color: str  # "" when the task type sets none
    max_duration_min: int | None
    button_mode: str  # "B" one button per state, "M" one menu button
    comment: str
    allowed_states: tuple[str, ...]  # state codes, in state order
    active: bool = True


@dataclass(frozen=True)
class DestinationView:
    pk: int
    label: str
    type: BoxType | None
    order: int | None = None  # the department's order (schema 3); None: the ini's rules


@dataclass(frozen=True)
class ResponsableView:
    code: str
    name: str
    color: str
    active: bool


@dataclass(frozen=True)
class TaskView:
    patient_pk: int
    num: int
    code: str
    comment: str
    state_code: str | None
    planned_start: datetime | None
    planned_end: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    priority: int | None
    note: str
    actor: str
    blob_key: int | None
    note_file: str
    note_reader: str
    revision: int


@dataclass(frozen=True)
class PatientView:
    pk: int
    box_code: str
    last_name: str
    first_name: str
    guid: str
    responsable: str | None
    comment: str
    entered_at: datetime | None
    moved_at: datetime | None
    folded: bool
    hidden: bool
    annex_program: str
    annex_args: tuple[str, ...]
    destination: str
    revision: int
    tasks: tuple[TaskView, ...]


@dataclass(frozen=True)
class HistoryView:
    pk: int
    date: datetime | None
    action: str
    box_code: str
    last_name: str
    first_name: str
    responsable: str
    task_code: str
    task_label: str
    state_label: str
    comment: str
    actor: str
    task_num: int | None


@dataclass(frozen=True)
class Reference:
    """The slowly changing tables: boxes, states (in their order), task types,
    destinations, responsables, and the preset comments of the database (empty: none
    there, the ini's ``[Commentaires]`` apply)."""

    boxes: tuple[BoxView, ...]
    states: dict[str, StateView]
    task_types: dict[str, TaskTypeView]
    destinations: tuple[DestinationView, ...]
    responsables: dict[str, ResponsableView]
    preset_comments: tuple[str, ...] = ()

    def box(self, code: str) -> BoxView | None:
        return next((b for b in self.boxes if b.code == code), None)

    def destinations_of(self, kind: BoxType) -> tuple[DestinationView, ...]:
        return tuple(d for d in self.destinations if d.type is kind)

    def allowed_states(self, task_code: str, current: str | None = None) -> tuple[StateView, ...]:
        """States a task may take, in the states' order; a task type with none configured
        may take any state.  Inactive states are not offered, except ``current`` (the
        task's own state stays shown where it is)."""
        task_type = self.task_types.get(task_code)
        codes = task_type.allowed_states if task_type and task_type.allowed_states else ()
        if task_type is not None and not codes:
            codes = tuple(self.states)
        return tuple(self.states[c] for c in codes
                     if c in self.states and (self.states[c].active or c == current))


@dataclass(frozen=True)
class BoardSnapshot:
    reference: Reference
    patients: tuple[PatientView, ...]

    def patients_in(self, box_code: str) -> tuple[PatientView, ...]:
        return tuple(p for p in self.patients if p.box_code == box_code)


def task_sort_key(task: TaskView) -> tuple[datetime, datetime, int, int]:
    """Planned start/end first, then priority (Synoptux's order)."""
    far = datetime.max
    first = task.planned_start or task.planned_end or far
    return (first, task.planned_end or far, task.priority if task.priority is not None else 1 << 30,
            task.num)
