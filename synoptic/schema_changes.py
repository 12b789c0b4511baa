"""What ``init-db`` (or the board's first start) did to the schema, in a few lines.

``create_or_upgrade`` returns one line per thing it changed, shaped « kind name deed »
(« table synopt_box créée », « déclencheur synopt_trg1_box_i créé », « colonne
synopt_encours.EC_Revision ajoutée », « table synopt_box convertie en InnoDB »), and a few
sentences of their own (« version du schéma 3 enregistrée »). A new database gets about
sixty; told one line per kind and deed (« 43 déclencheurs créés ») the closing lines stay
in sight. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["summarize_changes"]

# « colonne synopt_encours.EC_Revision élargie à 100 caractères »: deed « élargie »,
# rest « à 100 caractères » (a different width is another line of the summary).
_CHANGE = re.compile(r"(?P<kind>table|colonne|index|déclencheur) \S+ (?P<deed>\S+)(?P<rest>.*)")
_PLURAL = {"table": "tables", "colonne": "colonnes", "index": "index",
           "déclencheur": "déclencheurs"}


def summarize_changes(changes: Iterable[str]) -> list[str]:
    """One line per kind and deed, counted (« 17 tables créées »), in the order they first
    came; a line of another shape is kept as it is."""
    order: list[str | tuple[str, str, str]] = []
    counts: dict[tuple[str, str, str], int] = {}
    for line in changes:
        match = _CHANGE.fullmatch(line)
        if match is None:
            order.append(line)
            continue
        key = (match["kind"], match["deed"], match["rest"])
        if key not in counts:
            order.append(key)
            counts[key] = 0
        counts[key] += 1
    summary = []
    for item in order:
        if isinstance(item, str):
            summary.append(item)
            continue
        kind, deed, rest = item
        count = counts[item]
        if count == 1:
            summary.append(f"1 {kind} {deed}{rest}")
        else:  # the participle agrees: créée(s), créé(s), ajoutée(s), convertie(s)...
            summary.append(f"{count} {_PLURAL[kind]} {deed}s{rest}")
    return summary
