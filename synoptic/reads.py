"""The board's read side: what screens read, as the plain views of ``synoptic.views``.

Each read opens and closes its own session here, in the core: callers (the UI among
them) never see a session, a query or the database library.  Reads are safe from any
thread (the UI runs them in its worker pool).  Failures are raised as they come
(``synoptic.db_errors`` tells an outage from a refused statement).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from synoptic.feed import ChangeFeed
from synoptic.history_search import HistorySearch
from synoptic.stats.service import StatisticsReads
from synoptic.store import queries
from synoptic.store.db import Store
from synoptic.views import BoardSnapshot, HistoryView, PatientView, Reference

__all__ = ["BoardReads", "HostRecordReader", "PatientsUpdate"]


class HostRecordReader(Protocol):
    """Text of a host record (MedinTux ``rubriqueshead`` blob) by its key."""

    def text(self, blob_key: int) -> str: ...


PatientsUpdate = tuple[tuple[PatientView, ...], Reference | None]


class BoardReads:
    """Reads of one board database, and of the host's record texts when configured."""

    def __init__(self, store: Store, host_records: HostRecordReader | None = None) -> None:
        self._store = store
        self._host_records = host_records

    def board(self) -> BoardSnapshot:
        """The reference tables and every patient on the board, with their tasks."""
        with self._store.read() as session:
            return queries.load_board(session, self._store.models)

    def reference(self) -> Reference:
        """Boxes, states, task types, destinations and responsables."""
        with self._store.read() as session:
            return queries.load_reference(session, self._store.models)

    def patients(self, pks: Iterable[int]) -> tuple[PatientView, ...]:
        """The patients among ``pks`` still on the board (the others are gone)."""
        wanted = frozenset(pks)
        if not wanted:
            return ()
        with self._store.read() as session:
            return queries.load_patients(session, self._store.models, pks=wanted)

    def patients_and_reference(self, pks: Iterable[int], *, reference: bool) -> PatientsUpdate:
        """What a change of the feed asks for, in one session: the patients among ``pks``
        still on the board, and the reference tables when ``reference`` (else ``None``)."""
        wanted = frozenset(pks)
        if not wanted and not reference:
            return (), None
        with self._store.read() as session:
            m = self._store.models
            patients = queries.load_patients(session, m, pks=wanted) if wanted else ()
            return patients, queries.load_reference(session, m) if reference else None

    def history(self, patient_pk: int) -> tuple[HistoryView, ...]:
        """Every history row of one patient, in the order the actions happened."""
        with self._store.read() as session:
            return queries.patient_history(session, self._store.models, patient_pk)

    def count_in_box(self, box_code: str) -> int:
        """Every patient in the box, whatever a screen's filter shows."""
        with self._store.read() as session:
            return queries.count_in_box(session, self._store.models, box_code)

    def statistics(self, tension_threshold: int | None = None) -> StatisticsReads:
        """The figures of the archive (``[Statistiques] Seuil_Tension`` given)."""
        return StatisticsReads(self._store, tension_threshold)

    def history_search(self, anonymous_label: str = "Patient") -> HistorySearch:
        """The global history: pages, filters, search, CSV export (``[Affichage]
        Libelle_Anonyme`` names a masked patient)."""
        return HistorySearch(self._store, anonymous_label)

    def change_feed(self) -> ChangeFeed:
        """A new follower of the change log (one per board: it is not thread-safe)."""
        return ChangeFeed(self._store)

    @property
    def has_host_records(self) -> bool:
        """Whether a host database (``[Connexion_MedinTux] URL``) is configured."""
        return self._host_records is not None

    def host_record_text(self, blob_key: int) -> str:
        """The text of a host record as plain text, or a French sentence saying why there
        is none (no such record, no host database configured); a failure is raised."""
        if self._host_records is None:
            return f"Texte du dossier n° {blob_key} (connexion MedinTux non configurée)"
        return self._host_records.text(blob_key)
