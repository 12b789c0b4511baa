"""Use cases of the board: each one transaction with its history row(s).

- :mod:`synoptic.services.board`: :class:`BoardServices`, what screens and commands call;
- :mod:`synoptic.services.admission`: a patient put on the board (the inbox's hot path);
- :mod:`synoptic.services.removal`: patients leaving (definitive exit, timed purges);
- :mod:`synoptic.services.history`: the ``historique`` rows and the columns' widths.

A service never calls back into its caller: when two things must commit together (an
admission and the inbox's log row) the caller owns the transaction and passes it.
"""

from synoptic.services.admission import AdmitResult, KnownCodes, NewTask, load_known_codes
from synoptic.services.board import BoardServices
from synoptic.services.history import (
    PATIENT_IN,
    PATIENT_LIFEOUT,
    PATIENT_OUT,
    SET_COMMENT,
    SET_EXIT_TIME,
    SET_FOLDED,
    SET_HIDDEN,
    SET_OWNER,
    SET_PLACE,
    SHORT,
    TASK_ADD,
    TASK_DELETE,
    TASK_STATE,
    PatientLike,
    TaskLike,
    column_lengths,
    fit,
    resolve_actor,
)
from synoptic.services.removal import PurgeResult

__all__ = [
    "PATIENT_IN",
    "PATIENT_LIFEOUT",
    "PATIENT_OUT",
    "SET_COMMENT",
    "SET_EXIT_TIME",
    "SET_FOLDED",
    "SET_HIDDEN",
    "SET_OWNER",
    "SET_PLACE",
    "SHORT",
    "TASK_ADD",
    "TASK_DELETE",
    "TASK_STATE",
    "AdmitResult",
    "BoardServices",
    "KnownCodes",
    "NewTask",
    "PatientLike",
    "PurgeResult",
    "TaskLike",
    "column_lengths",
    "fit",
    "load_known_codes",
    "resolve_actor",
]
