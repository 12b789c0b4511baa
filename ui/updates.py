"""Which view of a patient to show when the change feed and a touch action race (no Qt).

A poll reads the feed, then the changed patients, in a worker thread; meanwhile a touch
action on this screen may write and read its patient again (its effect shows at once).
When the poll's result arrives, either view may be the newer one: the worker may have
read before the action's commit (its view is stale) or after it (its view holds the
action *and* what another screen did since).  A sequence number only tells that they
raced, not which is newer; the revisions tell: every service write bumps the patient's
``EC_Revision`` or the task's ``EN_Revision``, and revisions only grow, so a view with a
higher revision was read later and holds everything the other one holds.

When the revisions cannot tell (a task added or deleted, the host's own SQL: no revision
moves), the view on screen stays and the patient is read again at the next poll, which
started after the action and so sees it.  Nothing is thrown away for good: the revision
of the feed advances only past changes that were applied or will be read again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from synoptic.views import PatientView
from ui.live import FeedUpdate


class Freshness(Enum):
    NEWER = "newer"
    OLDER = "older"
    SAME = "same"
    UNKNOWN = "unknown"


def compare_views(incoming: PatientView, shown: PatientView) -> Freshness:
    """Is ``incoming`` newer than ``shown`` (same patient)?  By the revisions only."""
    if incoming == shown:
        return Freshness.SAME
    signs: set[int] = set()
    if incoming.revision != shown.revision:
        signs.add(1 if incoming.revision > shown.revision else -1)
    shown_tasks = {t.num: t.revision for t in shown.tasks}
    for task in incoming.tasks:
        other = shown_tasks.get(task.num)
        if other is not None and other != task.revision:
            signs.add(1 if task.revision > other else -1)
    if signs == {1}:
        return Freshness.NEWER
    if signs == {-1}:
        return Freshness.OLDER
    # Equal revisions (a task added or removed, the host's SQL) or both ways at once.
    return Freshness.UNKNOWN


@dataclass(frozen=True)
class Decision:
    """What to do with one feed result."""

    put: list[PatientView] = field(default_factory=list)  # show these views
    gone: list[int] = field(default_factory=list)  # these patients left the board
    recheck: set[int] = field(default_factory=set)  # read again at the next poll


class LocalRefreshes:
    """Remembers which patients a touch action read again, and when (a sequence number)."""

    def __init__(self) -> None:
        self.sequence = 0
        self._at: dict[int, int] = {}

    def note(self, pks: Iterable[int]) -> None:
        self.sequence += 1
        for pk in pks:
            self._at[pk] = self.sequence

    def raced(self, since: int) -> set[int]:
        """Patients read again by an action after a poll that started at ``since``."""
        return {pk for pk, seq in self._at.items() if seq > since}

    def forget_until(self, sequence: int | None) -> None:
        """Forget what no pending poll can race with any more: refreshes at or before
        ``sequence`` (the oldest poll not applied yet), or all when ``None`` (none)."""
        if sequence is None:
            self._at.clear()
        else:
            self._at = {pk: seq for pk, seq in self._at.items() if seq > sequence}

    def __len__(self) -> int:
        return len(self._at)

    def decide(self, update: FeedUpdate, shown: Mapping[int, PatientView]) -> Decision:
        """The views of ``update`` to show, given the views ``shown`` on screen now."""
        raced = self.raced(update.sequence)
        if update.full is not None:
            incoming = {p.pk: p for p in update.full.patients}
            asked = set(incoming) | set(shown)
        else:
            incoming = {p.pk: p for p in update.patients if p.pk in update.patient_pks}
            asked = set(update.patient_pks)
        decision = Decision()
        for pk in sorted(asked):
            new, old = incoming.get(pk), shown.get(pk)
            if pk not in raced:
                if new is not None:
                    decision.put.append(new)
                elif old is not None:
                    decision.gone.append(pk)
                continue
            if new is None or old is None:
                # Present on one side only: the action saw the patient leave (a discharge
                # is final), or the patient left after the action read it: read again.
                if old is not None:
                    decision.recheck.add(pk)
                continue
            freshness = compare_views(new, old)
            if freshness is Freshness.NEWER:
                decision.put.append(new)
            elif freshness is Freshness.UNKNOWN:
                decision.recheck.add(pk)
        return decision
