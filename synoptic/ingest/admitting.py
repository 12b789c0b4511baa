"""An entry file's patient admitted: the box chosen, the admission and its log row committed
together, the attempt repeated when it meets another writer.

Box choice: ``Code_Box`` if known and not full, else the default box (with a warning), else
the default box over its capacity (with a warning): a patient is never refused for want of
room. The inbox owns the transaction: the admission service writes the patient, its tasks
and their history, then the log row is written in that same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from synoptic.error_text import first_line
from synoptic.errors import BoxFullError, SynoptuxError, UnknownBoxError
from synoptic.ingest.ingest_log import IngestLog, LoggedFile
from synoptic.ingest.names import display_name
from synoptic.ingest.outcomes import InstallationError, TransientError, transient_error
from synoptic.ingest.parser import EntryFile
from synoptic.messages import quote_value
from synoptic.services import AdmitResult, BoardServices, KnownCodes, NewTask, load_known_codes
from synoptic.store.feed_schema import OUTCOME_REJECTED
from synoptic.store.models import Models
from synoptic.transient import is_transient

__all__ = ["Admitted", "Admitter", "AlreadyLogged", "Refused"]

ATTEMPTS = 5


@dataclass(frozen=True)
class Admitted:
    result: AdmitResult
    box: str
    warnings: tuple[str, ...]  # every note of the log row


@dataclass(frozen=True)
class Refused:
    """The file is at fault (a value refused): it is rejected with this reason."""

    message: str


@dataclass(frozen=True)
class AlreadyLogged:
    """Committed before (a crash after the commit): only archived, as the log says."""

    row: LoggedFile


class _DuplicateGuid(Exception):
    """Another transaction admitted the same GUID meanwhile: retry, which merges."""


class Admitter:
    """Admits the entry files of one inbox; reference rows are read once a pass."""

    def __init__(self, services: BoardServices, ingest_log: IngestLog, default_box: str) -> None:
        self.services = services
        self.ingest_log = ingest_log
        self.default_box = default_box
        # Box code -> capacity, read once per pass (reference data: "cached per batch").
        self._boxes: dict[str, int | None] | None = None
        # Task and responsable codes, read once a pass (a code missing is still looked up).
        self._known: KnownCodes | None = None

    def new_pass(self) -> None:
        self._boxes = None
        self._known = None

    def admit(
        self, name: str, entry: EntryFile, key: str, now: datetime, *, recovered: bool
    ) -> Admitted | Refused | AlreadyLogged:
        """Admit ``entry`` (file ``name``, log key ``key``). Raises :class:`TransientError`
        when the database cannot serve now, :class:`InstallationError` when the default
        box is missing."""
        box, box_warnings = self.first_box(entry)
        for _attempt in range(ATTEMPTS):
            try:
                result, notes = self.admit_once(name, entry, key, now, box, box_warnings)
            except _DuplicateGuid:
                continue  # the other transaction committed: this time the GUID merges
            except BoxFullError:
                box = self.default_box  # the box of the file is full: the default box
                full = f"Box « {entry.box_code} » plein : patient placé dans le box par défaut"
                box_warnings = (f"{full} « {box} ».",)
                continue
            except IntegrityError:
                previous = self.ingest_log.logged(key)
                if previous is None:
                    raise
                if previous.outcome == OUTCOME_REJECTED and not recovered:
                    # The admin put a rejected file back after fixing the cause (the ini,
                    # a box...): its old rejection must not stick to it for ever.
                    self.ingest_log.forget_rejection(key)
                    continue
                return AlreadyLogged(previous)
            except UnknownBoxError:
                self._boxes = None  # the boxes changed during the pass: read them again
                if box != self.default_box:  # the file's box was deleted meanwhile
                    gone = f"Box « {quote_value(box)} » supprimé : patient placé dans le box"
                    box, box_warnings = (
                        self.default_box,
                        (f"{gone} par défaut « {self.default_box} ».",),
                    )
                    continue
                # No file is at fault: every file would be rejected. They wait instead.
                raise InstallationError(
                    f"box par défaut « {quote_value(box)} » absent de la table des boxes : "
                    "corrigez [Interface] Code_Box_Par_Defaut dans synoptux.ini ou créez "
                    "ce box"
                ) from None
            except SynoptuxError as err:
                return Refused(err.message)
            except DBAPIError as err:
                if _is_deadlock(err):
                    continue
                if is_transient(err):  # busy, locked, unreachable: not the file's fault
                    raise transient_error(err) from err
                # the database refused a value of this file
                return Refused(f"Valeur refusée par la base de données : {first_line(err)}")
            return Admitted(result, box, notes)
        raise TransientError(f"{display_name(name)} : conflits répétés avec d'autres écritures")

    def first_box(self, entry: EntryFile) -> tuple[str, tuple[str, ...]]:
        """The box to try first: the file's if it exists, else the default (warned)."""
        wanted, default = entry.box_code, self.default_box
        if wanted is None or wanted == default:
            return default, ()
        boxes = self.box_capacities()
        if wanted in boxes:
            return wanted, ()  # admit() refuses it if full: then the default box
        # "b1" for "B1": MariaDB's collation would match it, SQLite would not; match on both.
        same = [code for code in boxes if code.casefold() == wanted.casefold()]
        if len(same) == 1:
            return same[0], ()
        unknown = f"Box inconnu « {quote_value(wanted)} » : patient placé dans le box par défaut"
        return default, (f"{unknown} « {default} ».",)

    def known_codes(self) -> KnownCodes:
        if self._known is None:
            self._known = load_known_codes(self.services.store)
        return self._known

    def box_capacities(self) -> dict[str, int | None]:
        if self._boxes is None:
            m = self.services.store.models
            with self.services.store.read() as session:
                self._boxes = {
                    code: capacity
                    for code, capacity in session.execute(select(m.Box.code, m.Box.capacity))
                }
        return self._boxes

    def admit_once(
        self,
        name: str,
        entry: EntryFile,
        key: str,
        now: datetime,
        box: str,
        box_warnings: tuple[str, ...],
    ) -> tuple[AdmitResult, tuple[str, ...]]:
        """One transaction: the admission, a capacity note, and the log row."""
        store = self.services.store
        models = store.models
        guid = entry.guid.strip()  # stored whole: admit() refuses one too long
        into_default = box == self.default_box
        capacity = self.box_capacities().get(box)
        serialised = store.dialect == "sqlite"  # one writer at a time: no race to guard
        known = self.known_codes()
        with store.write() as session:  # the admission and its log row commit together
            result = self.services.admit(
                box_code=box,
                last_name=entry.last_name,
                first_name=entry.first_name,
                guid=entry.guid,
                responsable=entry.responsable,
                comment=entry.comment,
                annex_program=entry.annex_program,
                annex_args=entry.annex_args,
                tasks=[
                    NewTask(
                        code=task.code,
                        priority=task.priority,
                        comment=task.comment,
                        planned_start=task.planned_start,
                        planned_end=task.planned_end,
                        blob_key=task.blob_key,
                        note_file=task.note_file,
                        note_reader=task.note_reader,
                    )
                    for task in entry.tasks
                ],
                now=now,
                lenient=True,
                allow_over_capacity=into_default,  # a patient is never refused for want of room
                known=known,
                session=session,
            )
            notes = list(entry.warnings)  # the file's own: near-miss headers, dates
            if result.merged:
                notes.extend(result.warnings)  # tasks appended: the box was not used
            else:
                notes.extend(box_warnings)
                # The default box takes everyone; say so when that is over its capacity.
                if into_default and capacity and (result.occupants or 0) > capacity:
                    notes.append(
                        f"Box par défaut « {box} » plein : patient admis au-delà "
                        f"de sa capacité ({capacity} place(s))."
                    )
                notes.extend(result.warnings)
            if guid and not result.merged and not serialised:
                # Two processes admitting the same new GUID at once: the second one waits
                # for the first here (row lock), sees its patient, and retries as a merge.
                conn = session.connection()
                same = conn.execute(_same_guid(models), {"guid": guid}).scalars().all()
                if any(pk != result.patient_pk for pk in same):
                    raise _DuplicateGuid(guid)
            self.ingest_log.record_accepted(session, name, key, now, result.patient_pk, notes)
        return result, tuple(notes)


@cache
def _same_guid(m: Models) -> Executable:
    """The patients of a GUID, locked (Core, compiled once: the inbox's hot path)."""
    return (select(m.Patient.pk).where(m.Patient.guid == bindparam("guid"))
            .order_by(m.Patient.pk).with_for_update())


def _is_deadlock(err: DBAPIError) -> bool:
    code = getattr(err.orig, "args", (None,))[0] if err.orig is not None else None
    return code in (1205, 1213)  # lock wait timeout, deadlock (MariaDB)
