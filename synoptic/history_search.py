"""The global history: every action of the archive (``historique``), newest first, filtered
and searched, a page at a time, and exported to CSV (no Qt).

    search = HistorySearch(store, anonymous_label="Patient")
    page = search.page(HistoryFilter(Period(first, last), text="dup"), masked=False)
    more = search.page(same_filter, masked=False, after=page.next_after)
    search.export_csv(same_filter, path, masked=True)

A year is about 1.5 million rows, so a page never reads more than it shows: the rows of the
period are walked backwards on the ``HI_Date`` index (``ORDER BY HI_Date DESC, HI_PK DESC``
with ``LIMIT``), and the next page starts after the last row shown (a seek on ``(HI_Date,
HI_PK)``, never an ``OFFSET`` that reads every row skipped).  Filters are ``IN`` lists and a
name search (``LIKE``, each word anywhere in the last or first name; digits alone: the
patient's number).  Rows without a date belong to no period and are never listed.

On a masked screen names never leave this module: each row names its patient by the masked
form of :mod:`synoptic.display` (``Patient DU. M.``), names inside its comment too, and a
search matches patient numbers only (typing a name must not tell whether that person came).
A patient masked on the board (``EC_Anonyme``) is masked on every screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from synoptic.display import full_name, hide_name_in, patient_display_name
from synoptic.history_labels import action_label
from synoptic.stats import Period
from synoptic.stats.reports import Cell, csv_text, replacing
from synoptic.store.db import Store
from synoptic.store.models import Models

PAGE_SIZE = 100
EXPORT_BATCH = 5_000
MAX_WORDS = 4  # a search of more words is cut: each word is one more LIKE per row

CSV_HEADER = ("Date", "Action", "Box", "Patient", "N° patient", "Tâche", "État",
              "Commentaire", "Responsable", "Acteur")


@dataclass(frozen=True)
class HistoryFilter:
    """What the window asks: the period (whole days) and, each empty for "all", the actions
    (``HI_Action`` codes), boxes (``HI_Code_box``), actors (``HI_Code_acteur``) and the
    patient searched (words of the name, or the patient's number)."""

    period: Period
    actions: frozenset[str] = frozenset()
    boxes: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    text: str = ""

    def words(self) -> tuple[str, ...]:
        return tuple(self.text.split()[:MAX_WORDS])


@dataclass(frozen=True)
class HistoryEntry:
    """One history row as a screen or a file shows it (``patient``: the name, or its
    masked form)."""

    pk: int
    date: datetime
    action: str  # the code (HI_Action)
    action_label: str  # its French name
    box_code: str
    patient: str
    patient_key: str
    task: str  # the task's label, else its code
    state: str
    comment: str
    responsable: str
    actor: str

    def cells(self) -> tuple[Cell, ...]:
        return (self.date, self.action_label, self.box_code, self.patient, self.patient_key,
                self.task, self.state, self.comment, self.responsable, self.actor)


@dataclass(frozen=True)
class HistoryPage:
    entries: tuple[HistoryEntry, ...]
    # Where the next page starts (``after=``); None: this page is the last.
    next_after: tuple[datetime, int] | None = None

    @property
    def more(self) -> bool:
        return self.next_after is not None


@dataclass(frozen=True)
class _Named:
    """What :mod:`synoptic.display` needs of a patient."""

    pk: int
    last_name: str
    first_name: str


@dataclass
class HistorySearch:
    """Reads of the global history of one database (each opens and closes its session)."""

    store: Store
    anonymous_label: str = "Patient"
    page_size: int = PAGE_SIZE
    _columns: tuple[Any, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        h = self.store.models.History
        self._columns = (h.pk, h.date, h.action, h.box_code, h.patient_pk, h.last_name,
                         h.first_name, h.task_code, h.task_label, h.state_label, h.comment,
                         h.responsable, h.actor)

    def page(self, wanted: HistoryFilter, *, masked: bool,
             after: tuple[datetime, int] | None = None, limit: int | None = None) -> HistoryPage:
        """The newest ``limit`` rows (``page_size`` by default) matching ``wanted``, older
        than ``after`` (the ``next_after`` of the page before)."""
        size = limit if limit is not None else self.page_size
        with self.store.read() as session:
            hidden = _hidden_patients(session, self.store.models)
            rows = session.execute(self._query(wanted, masked, after).limit(size + 1)).all()
        entries = tuple(self._entry(r, masked, hidden) for r in rows[:size])
        last = entries[-1] if entries else None
        more = len(rows) > size and last is not None
        return HistoryPage(entries, (last.date, last.pk) if more and last else None)

    def entries(self, wanted: HistoryFilter, *, masked: bool) -> Iterator[HistoryEntry]:
        """Every row matching ``wanted``, newest first, read a batch at a time."""
        after: tuple[datetime, int] | None = None
        while True:
            page = self.page(wanted, masked=masked, after=after, limit=EXPORT_BATCH)
            yield from page.entries
            if page.next_after is None:
                return
            after = page.next_after

    def export_csv(self, wanted: HistoryFilter, path: Path, *, masked: bool) -> int:
        """Write every row matching ``wanted`` to ``path`` as the statistics' CSV (UTF-8
        with a BOM, ``;``, formulas defused), a batch at a time (a year is 1.5 million
        rows), through a temporary file renamed over ``path``; returns the rows written."""
        count = 0
        with replacing(path) as temporary, temporary.open(
                "w", encoding="utf-8-sig", newline="") as out:
            out.write(csv_text([CSV_HEADER]))
            batch: list[tuple[Cell, ...]] = []
            for entry in self.entries(wanted, masked=masked):
                batch.append(entry.cells())
                if len(batch) >= EXPORT_BATCH:
                    out.write(csv_text(batch))
                    count, batch = count + len(batch), []
            out.write(csv_text(batch))
            count += len(batch)
        return count

    def actors(self, period: Period) -> tuple[str, ...]:
        """The actors (screens, persons) who wrote in ``period``, sorted."""
        h = self.store.models.History
        query = (select(h.actor).where(h.date >= period.start, h.date < period.stop)
                 .group_by(h.actor))
        with self.store.read() as session:
            found = {a for a in session.scalars(query) if a}
        return tuple(sorted(found, key=str.casefold))

    # ------------------------------------------------------------------ building

    def _query(self, wanted: HistoryFilter, masked: bool,
               after: tuple[datetime, int] | None) -> Select[Any]:
        h = self.store.models.History
        query = select(*self._columns).where(
            h.date >= wanted.period.start, h.date < wanted.period.stop)
        if after is not None:
            moment, pk = after
            query = query.where(h.date <= moment, or_(h.date < moment, h.pk < pk))
        for column, values in ((h.action, wanted.actions), (h.box_code, wanted.boxes),
                               (h.actor, wanted.actors)):
            if values:
                query = query.where(column.in_(sorted(values)))
        words = wanted.words()
        if words and all(w.isdigit() for w in words):
            query = query.where(h.patient_pk.in_(words))
        elif words and masked:
            query = query.where(h.pk.is_(None))  # a name is not searched on a masked screen
        else:
            for word in words:
                query = query.where(or_(h.last_name.contains(word, autoescape=True),
                                        h.first_name.contains(word, autoescape=True)))
        return query.order_by(h.date.desc(), h.pk.desc())

    def _entry(self, row: Any, masked: bool, hidden: dict[str, datetime | None]) -> HistoryEntry:
        (pk, date, action, box, key, last, first, task_code, task_label, state, comment,
         responsable, actor) = row
        key = key or ""
        named = _Named(int(key) if key.isdigit() else 0, last or "", first or "")
        comment = comment or ""
        patient = full_name(named)
        if patient and (masked or _masked_on_board(hidden, key, date)):
            shown = patient_display_name(named, True, self.anonymous_label)
            comment = hide_name_in(comment, named, shown)
            patient = shown
        return HistoryEntry(
            pk=pk, date=date, action=action or "", action_label=action_label(action or ""),
            box_code=box or "", patient=patient, patient_key=key,
            task=task_label or task_code or "", state=state or "", comment=comment,
            responsable=responsable or "", actor=actor or "")


def _hidden_patients(session: Session, m: Models) -> dict[str, datetime | None]:
    """The patients on the board whose name is masked everywhere (``EC_Anonyme``): their
    key and entry (a key may have named an earlier patient: SQLite reuses them)."""
    p = m.Patient
    return {str(pk): entered for pk, entered in session.execute(
        select(p.pk, p.entered_at).where(p.hidden == 1))}


def _masked_on_board(hidden: dict[str, datetime | None], key: str, date: datetime) -> bool:
    if key not in hidden:
        return False
    entered = hidden[key]
    return entered is None or date >= entered


__all__ = ["CSV_HEADER", "PAGE_SIZE", "HistoryEntry", "HistoryFilter", "HistoryPage",
           "HistorySearch"]
