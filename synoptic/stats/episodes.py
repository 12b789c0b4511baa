"""History rows -> patient stays and tasks (pure: no database, no clock).

A patient's stay (:class:`Stay`) is built from the rows about the flow, in their order:
``PATIENT_IN`` (entry, and the box entered), ``SET_PLACE`` (``HI_Code_box`` names the box moved
into; into a Sortie box it is the exit, ``HI_Commentaire`` the destination), ``SET_EXIT_TIME``
(the exit time as corrected on the board, ``dd/mm/YYYY HH:MM`` in the comment) and the
definitive exits ``PATIENT_OUT`` / ``PATIENT_LIFEOUT`` (the exit itself when the patient never
went into a Sortie box).  A ``PATIENT_IN`` after an exit, or after another ``PATIENT_IN``, starts
a new stay: SQLite gives a freed patient key to the next admission.

A task (:class:`TaskEpisode`) is read from its ``TASK_STATE`` rows: rows written by this
program name the task (``HI_Num_tache``); Synoptux 2.16's do not, and its state rows are
paired by patient and task code.  The actual start is the first state, the actual end the
last state when that state is terminal (a non-terminal state after a terminal one reopens the
task, as on the board).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from synoptic.domain import BoxType

# History actions read here (written by synoptic.services and by Synoptux 2.16).
PATIENT_IN = "PATIENT_IN"
SET_PLACE = "SET_PLACE"
SET_EXIT_TIME = "SET_EXIT_TIME"
PATIENT_OUT = "PATIENT_OUT"
PATIENT_LIFEOUT = "PATIENT_LIFEOUT"
TASK_STATE = "TASK_STATE"
FLOW_ACTIONS = (PATIENT_IN, SET_PLACE, SET_EXIT_TIME, PATIENT_OUT, PATIENT_LIFEOUT)
FINISHING_ACTIONS = frozenset((PATIENT_OUT, PATIENT_LIFEOUT))


class FlowRow(NamedTuple):
    """One history row about where a patient is (a tuple: a year holds 200,000)."""

    patient: str  # HI_NumEncours
    at: datetime
    action: str
    box: str
    comment: str


# What build_stays reads of a row: a FlowRow or the same plain tuple (cheaper to make).
FlowTuple = tuple[str, datetime, str, str, str]


class Segment(NamedTuple):
    """A stretch of a stay in boxes of one type; ``end`` is ``None`` while it lasts."""

    start: datetime
    end: datetime | None
    kind: BoxType


@dataclass
class Stay:
    patient: str
    entry: datetime | None  # None: no PATIENT_IN row (a host's direct INSERT, today)
    first_care: datetime | None = None
    exit: datetime | None = None
    destination: str = ""
    last_seen: datetime | None = None  # the stay's last row
    closed: bool = False  # a definitive exit row was read
    segments: list[Segment] = field(default_factory=list)

    @property
    def kind(self) -> BoxType | None:
        """The type of the box the patient is in after the rows read so far."""
        return self.segments[-1].kind if self.segments else None

    def end_of_presence(self, on_board_until: datetime | None) -> datetime | None:
        """When the patient stopped being present: the exit; for a stay without one, the
        given time when the patient is still on the board, else the last row (all the
        archive can tell: the host deleted the patient without a history row)."""
        if self.exit is not None:
            return self.exit
        if on_board_until is not None and not self.closed:
            return on_board_until
        return self.last_seen

    def _move(self, at: datetime, kind: BoxType) -> None:
        segments = self.segments
        if segments:
            last = segments[-1]
            if last.end is None:
                segments[-1] = Segment(last.start, at, last.kind)
        segments.append(Segment(at, None, kind))

    def place(self, at: datetime, kind: BoxType, destination: str) -> None:
        """The patient goes into a box of type ``kind`` at ``at``."""
        segments = self.segments
        was_out = bool(segments) and segments[-1].kind is BoxType.EXIT
        self._move(at, kind)
        if kind is BoxType.EXIT:
            if not was_out or self.exit is None:
                self.exit = at
            self.destination = destination or self.destination
            return
        self.exit, self.destination = None, ""  # back from a Sortie box: no exit yet
        if kind is BoxType.CARE and self.first_care is None:
            self.first_care = at

    def finish(self, at: datetime) -> None:
        """Definitive exit: the exit itself unless the patient was already in a Sortie box."""
        self.closed = True
        if self.exit is None:
            self.exit = at
            self._move(at, BoxType.EXIT)


def parse_exit_time(comment: str) -> datetime | None:
    """``dd/mm/YYYY HH:MM`` (what ``set_exit_time`` writes); None for anything else.  Sliced
    by hand: ``strptime`` cost a quarter of a second over a year's corrections."""
    text = comment.strip()
    if len(text) != 16 or text[2] != "/" or text[5] != "/" or text[10] != " " \
            or text[13] != ":":
        return None
    try:
        return datetime(int(text[6:10]), int(text[3:5]), int(text[0:2]), int(text[11:13]),
                        int(text[14:16]))
    except ValueError:
        return None


def build_stays(rows: Iterable[FlowTuple], box_types: Mapping[str, BoxType]) -> Iterator[Stay]:
    """Stays from flow rows (:class:`FlowRow` or plain tuples) ordered by patient, then time
    (then row key).

    ``box_types``: box code -> type; a box no longer in the table counts as a care box
    (``domain.parse_box_type``'s rule for an unknown type).
    """
    stay: Stay | None = None
    care, out = BoxType.CARE, BoxType.EXIT
    for patient, at, action, box, comment in rows:
        if stay is not None and (stay.patient != patient or action == PATIENT_IN
                                 or stay.closed):
            yield stay
            stay = None
        kind = box_types.get(box, care)
        if stay is None:
            stay = Stay(patient, at if action == PATIENT_IN else None)
            if action == PATIENT_IN:  # its comment is the patient's, not a destination
                stay.place(at, kind, "")
        stay.last_seen = at
        if action == SET_PLACE:
            stay.place(at, kind, comment.strip())
        elif action == SET_EXIT_TIME:
            if stay.segments and stay.segments[-1].kind is out:
                corrected = parse_exit_time(comment)
                if corrected is not None:
                    stay.exit = corrected
        elif action in FINISHING_ACTIONS:
            stay.finish(at)
    if stay is not None:
        yield stay


class TaskEpisode(NamedTuple):
    """One task as the archive tells it (a tuple: a year holds 300,000)."""

    code: str
    start: datetime  # first state
    seconds: int | None  # first state to the last, when that one is terminal
    planned_start: datetime | None = None

    @classmethod
    def between(cls, code: str, start: datetime, end: datetime | None,
                planned_start: datetime | None = None) -> TaskEpisode:
        seconds = None if end is None else int((end - start).total_seconds())
        return cls(code, start, seconds, planned_start)

    def duration_minutes(self) -> float | None:
        return None if self.seconds is None else self.seconds / 60.0

    def delay_minutes(self) -> float | None:
        """Planned to actual start (negative: started early)."""
        return None if self.planned_start is None else minutes(self.planned_start, self.start)


def minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60.0
