"""How a patient is named on screen: in full, or masked for a screen the public can see.

One helper for every place that shows a patient (cards, dialog titles, confirmations, the
move banner, tooltips), so that a masked screen never leaks a full name through one of
them.  Masked, a patient shows ``Libelle_Anonyme``, the initials and the patient's number
(``Patient D. M. n° 12``): initials alone would not tell two "D. M." apart.
"""

from __future__ import annotations

import re
from typing import Protocol

from synoptic.domain import initials

__all__ = ["NamedPatient", "full_name", "hide_name_in", "patient_display_name"]


class NamedPatient(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def last_name(self) -> str: ...
    @property
    def first_name(self) -> str: ...


def full_name(patient: NamedPatient) -> str:
    """``DUPONT Marie``: last name first, as the board has always shown it."""
    return f"{patient.last_name or ''} {patient.first_name or ''}".strip()


def patient_display_name(
    patient: NamedPatient, masked: bool, anonymous_label: str = "Patient"
) -> str:
    """The full name, or (``masked``) the anonymous label, initials and number."""
    if not masked:
        return full_name(patient)
    parts = [anonymous_label.strip(), initials(patient.last_name or "", patient.first_name or "")]
    parts.append(f"n° {patient.pk}")
    return " ".join(p for p in parts if p)


def hide_name_in(text: str, patient: NamedPatient, shown: str) -> str:
    """``text`` (a message from the core) with the patient's name replaced by ``shown``:
    an error such as "Le patient DUPONT a été modifié..." must not unmask a patient."""
    for name in (full_name(patient), patient.last_name or "", patient.first_name or ""):
        name = name.strip()
        if len(name) >= 2 and name != shown:  # whole words only: "LE" is not in "LEROY"
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", lambda _m: shown, text)
    return text
