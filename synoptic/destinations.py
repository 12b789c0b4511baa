"""The destinations offered when a patient leaves for an Absence or Sortie box: in which
order, and which ones ask to confirm.

Order: the destinations given an order in the administration (``DE_Ordre``, schema 3)
first, in that order; then the labels the department lists in ``[Destinations] Ordre``,
in that order; then the others in the order they were created (``DE_PK``), except that a destination
that asks to confirm (a death) goes last.  Never alphabetical: alphabetical put "Décès"
first, where a hurried finger lands.  The order is stable: a button never moves from one
exit to the next (a "most used first" order would move them under the staff's fingers).

Confirmation: a destination whose label starts with one of ``[Destinations]
Confirmation``'s words (default ``Décès;Décédé;DCD``) asks "are you sure?".  Labels are
compared without case, accents or surrounding spaces: "DECES", "décès " and "Décès" match.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

__all__ = ["asks_confirmation", "fold", "order_destinations"]


class _Destination(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def label(self) -> str: ...


_D = TypeVar("_D", bound=_Destination)


def fold(text: str) -> str:
    """``text`` compared loosely: no accents, no case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def asks_confirmation(label: str, prefixes: Iterable[str]) -> bool:
    """True when ``label`` starts with one of ``prefixes`` (a death, by default)."""
    folded = fold(label)
    return any(p and folded.startswith(p) for p in (fold(x) for x in prefixes))


def order_destinations(
    destinations: Sequence[_D], order: Sequence[str], confirm_prefixes: Iterable[str] = ()
) -> tuple[_D, ...]:
    """``destinations`` in the department's order (see the module's docstring)."""
    rank: dict[str, int] = {}
    for position, label in enumerate(order):
        rank.setdefault(fold(label), position)
    prefixes = tuple(confirm_prefixes)
    listed = len(order)

    def key(d: _D) -> tuple[int, int, int, int]:
        stored = getattr(d, "order", None)  # the database's order wins
        if isinstance(stored, int):
            return (0, stored, 0, d.pk)
        position = rank.get(fold(d.label))
        if position is not None:
            return (1, position, 0, d.pk)
        return (1, listed, 1 if asks_confirmation(d.label, prefixes) else 0, d.pk)

    return tuple(sorted(destinations, key=key))
