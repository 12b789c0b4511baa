"""Where a processed entry file goes: ``processed/YYYY-MM-DD/`` once admitted, ``rejected/``
beside a ``NAME.error.txt`` (and its reason as data, :mod:`synoptic.ingest.rejected`) when
not. A file whose outcome is committed but whose move fails (EIO, ENOSPC, EACCES on the
archive folder) stays in the working folder and its move is tried again later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from synoptic.ingest import rejected
from synoptic.ingest.archive import archive_file
from synoptic.ingest.ingest_log import IngestLog, LoggedFile
from synoptic.ingest.names import display_name, fallback_name
from synoptic.ingest.outcomes import IngestResult, Outcome
from synoptic.ingest.rejected import REJECTED_DIR
from synoptic.ingest.workdir import Claimed
from synoptic.store.feed_schema import OUTCOME_ACCEPTED, OUTCOME_REJECTED

__all__ = ["ARCHIVE_RETRY_S", "Filing"]

# The inbox's one logger: its lines keep their name whichever module of the inbox says them.
log = logging.getLogger("synoptic.ingest.inbox")

PROCESSED_DIR = "processed"
# A file processed but not movable into its archive folder is tried again this often.
ARCHIVE_RETRY_S = 60.0


class Filing:
    """Files the entry files of one inbox once their outcome is known."""

    def __init__(
        self,
        inbox_dir: Path,
        ingest_log: IngestLog,
        now: Callable[[], datetime],
        monotonic: Callable[[], float],
    ) -> None:
        self.inbox_dir = inbox_dir
        self.ingest_log = ingest_log
        self.now = now
        self.monotonic = monotonic
        # Files processed but whose move to processed/ or rejected/ failed: they stay in
        # the working folder and are archived later; name -> next attempt.
        self._unarchived: dict[str, float] = {}

    @property
    def processed_dir(self) -> Path:
        return self.inbox_dir / PROCESSED_DIR

    @property
    def rejected_dir(self) -> Path:
        return self.inbox_dir / REJECTED_DIR

    def day_dir(self, now: datetime) -> Path:
        return self.processed_dir / now.strftime("%Y-%m-%d")

    def failed_before(self, name: str) -> bool:
        """Its move failed before: it is in the working folder, and was said in the log."""
        return name in self._unarchived

    def retry_later(self, name: str, now: float) -> bool:
        """Its move failed a moment ago: tried again once the retry delay has passed."""
        return self._unarchived.get(name, now) > now

    def keep_only(self, names: Iterable[str]) -> None:
        """Forget the failed moves of files no longer in the working folder."""
        present = set(names)
        for gone in set(self._unarchived) - present:
            del self._unarchived[gone]

    def accepted(self, claimed: Claimed, now: datetime) -> Path | None:
        """Committed: whatever happens to the move now, the file is ACCEPTED (a failed
        move leaves it in the working folder, archived later; never "rejected")."""
        return self._archive(claimed, self.day_dir(now))

    def set_aside(self, claimed: Claimed, reason: str) -> IngestResult:
        """Last resort for a file nothing else could handle: ``rejected/`` under a short
        ASCII name, with its reason file; it is listed on the board there, where a quarantine
        folder would hide it. Never raises: if even this fails, the file stays in the working
        folder (retried on the next pass) and the pass goes on."""
        now = self.now().replace(microsecond=0)
        reason = display_name(reason)  # an error's text may quote the raw name
        text = rejected.set_aside_text(display_name(claimed.name), now, reason, self.inbox_dir)
        try:
            archived = archive_file(
                claimed.path, self.rejected_dir, fallback_name(claimed.name), text
            )
        except Exception:  # the pass must go on with the next files
            if claimed.name not in self._unarchived:  # one traceback, not one a pass
                log.exception("%s laissé dans %s", display_name(claimed.name), claimed.path.parent)
            self._unarchived[claimed.name] = self.monotonic() + ARCHIVE_RETRY_S
            return IngestResult(claimed.name, Outcome.REJECTED, message=reason)
        rejected.write_reason_data(archived, reason, now)
        log.error("Fichier d'entrée mis de côté %s : %s", display_name(claimed.name), reason)
        return IngestResult(claimed.name, Outcome.REJECTED, message=reason, archived_as=archived)

    def logged(self, claimed: Claimed, row: LoggedFile, now: datetime) -> IngestResult:
        """A file committed before (a crash, a failed move): archived as the log says."""
        if row.outcome == OUTCOME_REJECTED:
            message = row.message or ""  # the whole French text
            archived = self._archive(claimed, self.rejected_dir, error_text=message)
            if archived is not None:
                rejected.write_reason_data(archived, rejected.reason_in_text(message), now)
            return IngestResult(claimed.name, Outcome.REJECTED, message=message,
                                archived_as=archived)
        if claimed.name not in self._unarchived:  # else: said when its archiving failed
            log.warning(
                "%s déjà intégré (patient n° %s) avant un arrêt : archivé sans être "
                "intégré une seconde fois",
                display_name(claimed.name),
                row.patient_pk,
            )
        archived = self._archive(claimed, self.day_dir(now))
        return IngestResult(claimed.name, Outcome.ALREADY, row.patient_pk, archived_as=archived)

    def reject(
        self,
        claimed: Claimed,
        key: str,
        now: datetime,
        arrived_at: datetime,
        message: str,
        line: int | None = None,
        key_name: str | None = None,
    ) -> IngestResult:
        """Log the file as rejected, and set it aside with its reason (text and data)."""
        where = []
        if line is not None:
            where.append(f"ligne {line}")
        if key_name:
            where.append(f"clé {key_name}")
        # The parser's messages name the line already; others get it appended.
        full = message + (f" ({', '.join(where)})" if where and "ligne" not in message else "")
        name = display_name(claimed.name)
        text = rejected.error_text(name, arrived_at, now, full, self.inbox_dir)
        try:
            self.ingest_log.record_rejected(claimed.name, key, now, text)
        except IntegrityError:
            # Logged by an earlier attempt. If that was an admission (an error came after
            # its commit), the patient is on the board: archive the file as processed, never
            # as "not registered, drop it again" (a second patient).
            previous = self.ingest_log.logged(key)
            if previous is not None and previous.outcome == OUTCOME_ACCEPTED:
                log.error(
                    "%s : %s ; mais il était déjà intégré (patient n° %s) : archivé comme traité",
                    name,
                    full,
                    previous.patient_pk,
                )
                return self.logged(claimed, previous, now)
            wrote = False
        else:
            wrote = True
        archived = self._archive(claimed, self.rejected_dir, error_text=text)
        if archived is not None:
            rejected.write_reason_data(archived, full, now)
        log.warning("Fichier d'entrée rejeté %s : %s", name, full)
        return IngestResult(
            claimed.name, Outcome.REJECTED, message=full, archived_as=archived, wrote=wrote
        )

    def _archive(
        self,
        claimed: Claimed,
        folder: Path,
        error_text: str | None = None,
    ) -> Path | None:
        """Move the claimed file into ``folder`` under a free name (never overwriting),
        beside its ``error_text`` if any.

        The file's outcome is committed already (its log row): when the move fails (EIO,
        ENOSPC, EACCES on the archive folder) the file stays in the working folder, the log
        says so once, and the move is tried again every ``ARCHIVE_RETRY_S`` (the log row
        tells the next attempt what to do); ``None`` then."""
        try:
            archived = archive_file(claimed.path, folder, claimed.name, error_text)
        except OSError as err:
            if claimed.name not in self._unarchived:
                log.error(
                    "%s traité mais impossible à déplacer dans %s (%s) : laissé dans %s, "
                    "archivé plus tard (nouvel essai toutes les %.0f s)",
                    display_name(claimed.name),
                    folder,
                    display_name(err.strerror or str(err)),
                    claimed.path.parent,
                    ARCHIVE_RETRY_S,
                )
            self._unarchived[claimed.name] = self.monotonic() + ARCHIVE_RETRY_S
            return None
        if self._unarchived.pop(claimed.name, None) is not None:
            log.info("%s archivé dans %s", display_name(claimed.name), folder)
        return archived

