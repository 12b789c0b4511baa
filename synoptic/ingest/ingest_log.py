"""The log of ingested files (``<prefix>ingest_log``): one row per file committed.

A row (name, key, outcome, patient, message) is written in the transaction that admits the
file, or alone when the file is rejected. A crash after the commit leaves the file in the
working folder; when it is processed again its key is found here and the file is only
archived. The key is a SHA-256 of the file name, modification time and content: the same
bytes dropped again later are a new message and are admitted again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from synoptic.ingest.names import log_name
from synoptic.ingest.outcomes import transient_error
from synoptic.store.db import Store
from synoptic.store.feed_schema import (
    OUTCOME_ACCEPTED,
    OUTCOME_REJECTED,
    feed_tables,
    fit_log_message,
)
from synoptic.transient import is_transient

__all__ = ["IngestLog", "LoggedFile", "file_key"]


def file_key(name: str, mtime_ns: int, data: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(name.encode("utf-8", "surrogateescape"))
    digest.update(b"\0" + str(mtime_ns).encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


class LoggedFile(NamedTuple):
    """What the log says of a file committed before."""

    outcome: str  # OUTCOME_ACCEPTED or OUTCOME_REJECTED
    patient_pk: int | None
    message: str | None


@contextmanager
def _transient_as_waiting() -> Iterator[None]:
    """A database that cannot serve now makes the file wait (:class:`TransientError`)."""
    try:
        yield
    except SQLAlchemyError as err:
        if is_transient(err):
            raise transient_error(err) from err
        raise


class IngestLog:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = feed_tables(store.models.prefix).ingest_log
        self._name_width = getattr(self.table.c.IL_Name.type, "length", None) or 255

    def logged(self, key: str) -> LoggedFile | None:
        t = self.table
        with _transient_as_waiting(), self.store.read() as session:
            row = session.execute(
                select(t.c.IL_Outcome, t.c.IL_PK_encours, t.c.IL_Message).where(
                    t.c.IL_Hash == key
                )
            ).first()
        return None if row is None else LoggedFile(*row)

    def forget_rejection(self, key: str, session: Session | None = None) -> None:
        """Drop the row of an earlier rejection of this file (in ``session``, or in a
        transaction of its own)."""
        t = self.table
        statement = delete(t).where(t.c.IL_Hash == key, t.c.IL_Outcome == OUTCOME_REJECTED)
        if session is not None:
            session.execute(statement)
            return
        with _transient_as_waiting(), self.store.write() as own:
            own.execute(statement)

    def record_accepted(
        self, session: Session, name: str, key: str, now: datetime, patient_pk: int,
        notes: list[str],
    ) -> None:
        """The row of a file admitted, in the admission's transaction ``session``."""
        session.connection().execute(  # bound parameters: compiled once
            self.table.insert(),
            self._row(name, key, now, OUTCOME_ACCEPTED, patient_pk,
                      fit_log_message("\n".join(notes)) or None),
        )

    def record_rejected(self, name: str, key: str, now: datetime, text: str) -> None:
        """The row of a file rejected, replacing an earlier rejection of the same file.
        Raises IntegrityError when the file was logged otherwise (admitted) already."""
        with _transient_as_waiting(), self.store.write() as session:
            self.forget_rejection(key, session)
            session.execute(
                self.table.insert().values(
                    self._row(name, key, now, OUTCOME_REJECTED, None, fit_log_message(text))
                )
            )

    def purge(self, before: datetime) -> None:
        """Drop the rows older than ``before`` (the retention of processed files)."""
        with self.store.write() as session:
            session.execute(delete(self.table).where(self.table.c.IL_Date < before))

    def _row(
        self, name: str, key: str, now: datetime, outcome: str, patient_pk: int | None,
        message: str | None,
    ) -> dict[str, Any]:
        return {
            # escaped if not UTF-8, shortened to the column
            "IL_Name": log_name(name, self._name_width),
            "IL_Hash": key,
            "IL_Date": now,
            "IL_Outcome": outcome,
            "IL_PK_encours": patient_pk,
            "IL_Message": message,
        }


