"""Sections and keys of an entry file as written: their spelling folded (``[Tâche 1]``,
``Priorité``), what is unknown named in a warning. Pure, used by :mod:`synoptic.ingest.parser`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from synoptic.messages import quote_value

__all__ = ["ENTRY_KEYS", "TASK_KEYS", "Section", "check_keys", "folded", "keys_named", "read_as"]

_KEY_SEPARATORS = re.compile(r"[\s.-]+")
ENTRY_KEYS = (
    "Nom_Patient",
    "Prenom_Patient",
    "GUID_Patient",
    "Code_Box",
    "Code_Responsable",
    "Commentaire",
    "Programme_Annexe",
    "Arguments_Annexe",
)
TASK_KEYS = (
    "Code_Tache",
    "Priorite",
    "Commentaire",
    "Heure_Debut_Prevue",
    "Heure_Fin_Prevue",
    "PrimKey_Blob",
    "Nom_Lecteur_Note",
    "Nom_Fichier_Note",
)


@dataclass
class Section:
    title: str  # canonical spelling for messages: "[Entree]", "[Tache_2]"
    line: int  # line of its first header
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # lower key -> value, line
    spelling: dict[str, str] = field(default_factory=dict)  # lower key -> as written

    def get(self, key: str) -> str:
        found = self.values.get(key.lower())
        return "" if found is None else found[0]

    def line_of(self, key: str) -> int:
        found = self.values.get(key.lower())
        return self.line if found is None else found[1]

    def where(self, key: str) -> str:
        return f"pour la clé {key} (section {self.title}, ligne {self.line_of(key)})"


def folded(name: str) -> str:
    """``name`` without accents, case-folded: ``Tâche`` -> ``tache``."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def folded_key(key: str) -> str:
    """``Heure Début-Prévue`` -> ``heure_debut_prevue``: accents, case and separators."""
    return _KEY_SEPARATORS.sub("_", folded(key).strip())


@cache
def _spellings(known: tuple[str, ...]) -> tuple[dict[str, str], frozenset[str]]:
    """Folded spelling -> key, and the keys in lower case (computed once, not per file)."""
    return {folded_key(key): key for key in known}, frozenset(key.lower() for key in known)


def check_keys(section: Section, known: tuple[str, ...], warnings: list[str]) -> None:
    """Read keys spelt with accents, another case or separator as the key they mean (with
    a warning); name unknown keys in a warning. Nothing written is dropped unsaid."""
    canonical, exact = _spellings(known)
    for written, (value, line) in list(section.values.items()):
        if written in exact:
            continue
        original = section.spelling.get(written, written)
        meant = canonical.get(folded_key(written))
        del section.values[written]
        if meant is None:
            warnings.append(
                f"Clé inconnue « {quote_value(original)} » (section {section.title}, ligne {line}) "
                "ignorée."
            )
        elif meant.lower() in section.values:
            warnings.append(
                f"Clé « {quote_value(original)} » (section {section.title}, ligne {line}) ignorée : "
                f"{meant} figure aussi dans la section."
            )
        else:
            section.values[meant.lower()] = (value, line)
            warnings.append(
                f"Clé « {quote_value(original)} » (section {section.title}, ligne {line}) lue "
                f"comme {meant}."
            )


def keys_named(section: Section, at_most: int = 5) -> str:
    """« Key » (ligne N), ... for a warning: the first few, quoted short and escaped."""
    named = [
        f"« {quote_value(section.spelling.get(key, key))} » (ligne {line})"
        for key, (_value, line) in list(section.values.items())[:at_most]
    ]
    more = len(section.values) - at_most
    return ", ".join(named) + (f" et {more} autre(s)" if more > 0 else "")


def read_as(header: str, line: int, title: str) -> str:
    return f"En-tête {quote_value(header)} (ligne {line}) lu comme {title}."
