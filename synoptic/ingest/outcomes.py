"""What the inbox says of each file (:class:`IngestResult`, one French line each) and of a
pass, and the errors that make files wait rather than be rejected."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from synoptic.db_messages import french_database_error
from synoptic.ingest.names import display_name

__all__ = [
    "IngestResult",
    "InstallationError",
    "Outcome",
    "PassResult",
    "TransientError",
    "transient_error",
]


class Outcome(Enum):
    ACCEPTED = "accepted"  # admitted now
    REJECTED = "rejected"  # set aside in rejected/ with NAME.error.txt
    ALREADY = "already"  # committed before a crash: archived without a second admission


class TransientError(Exception):
    """The database cannot serve us now (unreachable, busy, locked, restarting: see
    :func:`synoptic.transient.is_transient`): the file is put back untouched and retried
    on a later pass."""

    installation = False  # True: the installation must be fixed (not a passing outage)


class InstallationError(TransientError):
    """No file is at fault but something must be fixed first (the default box missing):
    the files wait, as in an outage, and the log says what to fix."""

    installation = True


def transient_error(err: BaseException) -> TransientError:
    """A :class:`TransientError` worded in French (``base verrouillée ... (détail : ...)``)."""
    return TransientError(french_database_error(err))


@dataclass(frozen=True)
class IngestResult:
    name: str
    outcome: Outcome
    patient_pk: int | None = None
    box_code: str | None = None
    merged: bool = False
    tasks: int = 0
    warnings: tuple[str, ...] = ()
    message: str = ""
    archived_as: Path | None = None
    wrote: bool = False  # committed to the database (not only read): the database works

    def line(self) -> str:
        """One line for the command line and the log, in French."""
        name = display_name(self.name)
        if self.outcome is Outcome.REJECTED:
            return f"REJETÉ   {name} : {self.message}"
        if self.outcome is Outcome.ALREADY:
            return f"DÉJÀ INTÉGRÉ {name} : patient n° {self.patient_pk}, fichier archivé"
        what = "tâche(s) ajoutée(s) au" if self.merged else "tâche(s), nouveau"
        text = f"ACCEPTÉ  {name} : {self.tasks} {what} patient n° {self.patient_pk}" + (
            f" (box {self.box_code})" if self.box_code and not self.merged else ""
        )
        if self.warnings:
            text += " ; avertissement(s) : " + " ".join(self.warnings)
        return text


@dataclass(frozen=True)
class PassResult:
    results: tuple[IngestResult, ...]
    waiting: int  # files seen but still being written: look again after the delay
