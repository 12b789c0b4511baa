"""How a patient is named on screen: in full, or masked for a screen the public can see.

One rule for every place that shows a patient (glance card, opened card, dialog titles,
confirmations, the move banner, tooltips), so that a masked screen never leaks a full name
through one of them and every place names a patient the same way.

Masked, a patient is ``Libelle_Anonyme`` and the initials that tell them apart from the
other patients of their box (``Patient DU. M.``; ``DUP. M.`` and ``DUR. M.`` when a DURAND
Marc shares the box): what the glance card paints.  A dialog or the move banner stands
apart from the box, so it adds the box (``Patient DU. M. (Box 1)``): initials distinct in
a box plus the box are distinct on the whole board.  (A patient number would be too, but
the number is shown nowhere else, so nobody could match it to a card.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from synoptic.domain import distinct_initials, letters_to_tell_apart

__all__ = [
    "NamedPatient",
    "full_name",
    "hide_name_in",
    "masked_initials",
    "patient_display_name",
]


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


MAX_LETTERS = 3  # more would start spelling the name out (PATIENT001 / PATIENT002)


def masked_initials(patient: NamedPatient, box_mates: Iterable[NamedPatient] = ()) -> str:
    """``DU. M.``: the initials, with a third letter of the last name when it tells
    ``patient`` from ``box_mates`` (the other patients of the box; ``patient`` itself may be
    among them).  Never more: patients whose three letters still agree are numbered in
    the order of their keys (``PAT. S. 1``, ``PAT. S. 2``)."""
    last, first = patient.last_name or "", patient.first_name or ""
    mates = [m for m in box_mates if m.pk != patient.pk]
    others = [(m.last_name or "", m.first_name or "") for m in mates]
    letters = min(letters_to_tell_apart(last, first, others), MAX_LETTERS)
    shown = distinct_initials(last, first, letters)
    twins = [
        m.pk
        for m in mates
        if distinct_initials(m.last_name or "", m.first_name or "", letters) == shown
    ]
    if not twins:
        return shown
    rank = sum(pk < patient.pk for pk in twins) + 1
    return f"{shown} {rank}"


def patient_display_name(
    patient: NamedPatient,
    masked: bool,
    anonymous_label: str = "Patient",
    *,
    box_mates: Iterable[NamedPatient] = (),
    box: str = "",
) -> str:
    """The full name, or (``masked``) the anonymous label and the initials told apart in the
    box, followed by ``(box)`` when given (dialogs, banner: away from the box)."""
    if not masked:
        return full_name(patient)
    name = " ".join(p for p in (anonymous_label.strip(), masked_initials(patient, box_mates)) if p)
    return f"{name} ({box})" if box else name


def hide_name_in(text: str, patient: NamedPatient, shown: str) -> str:
    """``text`` (a message from the core) with the patient's name replaced by ``shown``:
    an error such as "Le patient DUPONT a été modifié..." must not unmask a patient."""
    for name in (full_name(patient), patient.last_name or "", patient.first_name or ""):
        name = name.strip()
        if len(name) >= 2 and name != shown:  # whole words only: "LE" is not in "LEROY"
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", lambda _m: shown, text)
    return text
