"""Touch without mistakes, the Qt-free part: how a masked patient is named, the order of
the destinations and which ones ask to confirm, the ini keys of both and of the preset
comments."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs
import pytest

from synoptic.config import (
    COMMENT_MAX_LENGTH,
    DEFAULT_INI_TEXT,
    ConfigError,
    TouchChoices,
    load_config,
)
from synoptic.destinations import asks_confirmation, fold, order_destinations
from synoptic.display import full_name, hide_name_in, masked_initials, patient_display_name

REPO_INI = Path(__file__).resolve().parents[1] / "synoptic" / "defaults" / "synoptux.ini"


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default SQLite folder inside tmp_path, not the user's."""
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "data"))


@dataclass(frozen=True)
class Patient:
    pk: int
    last_name: str
    first_name: str


@dataclass(frozen=True)
class Destination:
    pk: int
    label: str


# --- the name on a masked screen -----------------------------------------------------------


def test_masked_name_is_label_and_initials_told_apart_in_the_box() -> None:
    p = Patient(12, "DUPONT", "Marie")
    assert patient_display_name(p, False) == "DUPONT Marie" == full_name(p)
    assert patient_display_name(p, True) == "Patient DU. M."  # what the glance paints
    assert patient_display_name(p, True, "Anonyme") == "Anonyme DU. M."
    assert patient_display_name(Patient(3, "X", ""), True, "") == "X."
    assert patient_display_name(p, True, box="Box 1") == "Patient DU. M. (Box 1)"  # dialogs
    assert masked_initials(p, [p]) == "DU. M."  # itself among its box mates: no third letter


def test_two_patients_with_the_same_initials_are_told_apart() -> None:
    a, b = Patient(12, "DUPONT", "Marie"), Patient(40, "DURAND", "Michel")
    # In one box: more letters; in two boxes: the box.
    assert patient_display_name(a, True, box_mates=[a, b]) == "Patient DUP. M."
    assert patient_display_name(b, True, box_mates=[a, b]) == "Patient DUR. M."
    assert patient_display_name(a, True, box="Box 1") != patient_display_name(b, True, box="Box 2")


def test_masked_initials_never_spell_the_name_out() -> None:
    """Found by bench/soak.py: PATIENT001 and PATIENT002 in one box were told apart by their
    whole last names.  Three letters at most, then a number in the order of the keys."""
    one, two = Patient(5, "PATIENT001", "Soak"), Patient(9, "PATIENT002", "Soak")
    assert masked_initials(one, [one, two]) == "PAT. S. 1"
    assert masked_initials(two, [one, two]) == "PAT. S. 2"
    assert masked_initials(one, [one]) == "PA. S."


def test_a_message_from_the_core_loses_the_name() -> None:
    p = Patient(12, "DUPONT", "Marie")
    message = "Le patient DUPONT a été modifié depuis un autre écran (DUPONT Marie)."
    hidden = hide_name_in(message, p, "Patient D. M. n° 12")
    assert "DUPONT" not in hidden and "Marie" not in hidden
    assert hidden.startswith("Le patient Patient D. M. n° 12 a été modifié")
    short = Patient(4, "LE", "Jo")
    assert hide_name_in("Le patient LE et LEROY", short, "P") == "Le patient P et LEROY"


# --- destinations --------------------------------------------------------------------------

SEEDED = [  # in creation order (DE_PK), as the seed writes them
    Destination(1, "Retour domicile"),
    Destination(2, "Hospitalisation médecine"),
    Destination(3, "UHCD"),
    Destination(4, "Décès"),
    Destination(5, "Fugue"),
]


def labels(destinations: tuple[Destination, ...]) -> list[str]:
    return [d.label for d in destinations]


def test_without_an_order_creation_order_and_deaths_last_never_alphabetical() -> None:
    ordered = order_destinations(SEEDED[::-1], (), ("Décès",))
    assert labels(ordered) == [
        "Retour domicile",
        "Hospitalisation médecine",
        "UHCD",
        "Fugue",
        "Décès",
    ]
    assert labels(ordered) != sorted(labels(ordered))


def test_listed_destinations_first_in_the_departments_order() -> None:
    ordered = order_destinations(SEEDED, ("uhcd", "FUGUE", "Inconnue", "Décès"), ("Décès",))
    # Listed first (case and accents ignored), a listed death where the department put it.
    assert labels(ordered) == [
        "UHCD",
        "Fugue",
        "Décès",
        "Retour domicile",
        "Hospitalisation médecine",
    ]


def test_the_order_is_stable_for_equal_keys() -> None:
    twins = [Destination(7, "Domicile"), Destination(2, "Domicile")]
    assert [d.pk for d in order_destinations(twins, ())] == [2, 7]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Décès", True),
        ("DECES", True),
        ("  décès aux urgences", True),
        ("Décédé", True),
        ("DCD", True),
        ("Retour domicile", False),
        ("Transfert (décès)", False),  # a prefix rule: the label must start with it
    ],
)
def test_which_destinations_ask_to_confirm(label: str, expected: bool) -> None:
    assert asks_confirmation(label, TouchChoices().confirmed_destinations) is expected


def test_fold() -> None:
    assert fold("  Hôpital   DÉCÈS ") == "hopital deces"


# --- ini -----------------------------------------------------------------------------------


def test_defaults_and_the_repository_file() -> None:
    choices = load_config(REPO_INI).choices
    assert choices == TouchChoices()
    assert choices.destination_order == ()
    assert choices.confirmed_destinations == ("Décès", "Décédé", "DCD")
    assert "Attente avis spécialiste" in choices.preset_comments
    assert "À jeun" in choices.preset_comments
    assert all(len(c) <= COMMENT_MAX_LENGTH for c in choices.preset_comments)
    text = DEFAULT_INI_TEXT.lower()
    for line in (
        "[destinations]",
        "\nordre=",
        "\nconfirmation=",
        "[commentaires]",
        "\npredefinis=",
    ):
        assert line in text


def test_lists_by_semicolon_bar_or_line(tmp_path: Path) -> None:
    ini = tmp_path / "synoptux.ini"
    ini.write_text(
        "[destinations]\nORDRE = UHCD ; Retour domicile|Fugue\nConfirmation=Mort\n"
        "[Commentaires]\nPredefinis=À jeun\n  Attente brancardier\n  ; \n",
        encoding="utf-8",
    )
    choices = load_config(ini).choices
    assert choices.destination_order == ("UHCD", "Retour domicile", "Fugue")
    assert choices.confirmed_destinations == ("Mort",)
    assert choices.preset_comments == ("À jeun", "Attente brancardier")


def test_empty_values_take_the_defaults(tmp_path: Path) -> None:
    ini = tmp_path / "synoptux.ini"
    ini.write_text("[Destinations]\nOrdre=\nConfirmation= ; \n[Commentaires]\nPredefinis=\n")
    assert load_config(ini).choices == TouchChoices()


def test_a_preset_longer_than_the_column_is_refused(tmp_path: Path) -> None:
    ini = tmp_path / "synoptux.ini"
    long = "x" * (COMMENT_MAX_LENGTH + 1)
    ini.write_text(f"[Commentaires]\nPredefinis=À jeun;{long}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(ini)
    assert "Predefinis" in str(err.value) and f"{COMMENT_MAX_LENGTH} caractères" in str(err.value)


def test_the_comment_dialog_takes_a_comment_as_long_as_the_column_holds() -> None:
    """A host may write a comment of the column's width: editing it must not cut it."""
    from synoptic.store.models import COMMENT_LENGTH

    assert COMMENT_MAX_LENGTH == COMMENT_LENGTH
