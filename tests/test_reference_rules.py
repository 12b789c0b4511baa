"""The reference data's rules without a database: every validation message, the board's
invariants, the normalised values."""

from __future__ import annotations

from typing import Any

import pytest

from synoptic.domain import BoxType
from synoptic.reference_rules import (
    Kind,
    ValidationError,
    board_problems,
    clean_record,
    duplicate_problems,
)

BOX = {"code": "B9", "label": "Box 9", "type": "Soins"}
TASK = {"code": "BIO", "label": "Biologie", "allowed_states": ["1PR"]}


def problems(kind: Kind, values: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as refused:
        clean_record(kind, values)
    return [(p.field, p.message) for p in refused.value.problems]


def test_a_clean_box_is_normalised() -> None:
    record = clean_record(Kind.BOX, {"code": " B9 ", "label": "Box 9", "type": "sortie",
                                     "capacity": "12", "background_color": " #EEDDAA "})
    assert record == {"code": "B9", "label": "Box 9", "background_color": "#EEDDAA",
                      "title_color": "", "capacity": 12, "type": "Sortie", "active": True}
    assert clean_record(Kind.BOX, {**BOX, "type": BoxType.ABSENCE})["type"] == "Absence"
    assert clean_record(Kind.BOX, {**BOX, "capacity": ""})["capacity"] is None
    assert clean_record(Kind.BOX, {**BOX, "capacity": 0})["capacity"] == 0  # 2.16: unlimited


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        (Kind.BOX, {"label": "x", "type": "Soins"}, ("code", "Code : obligatoire.")),
        (Kind.BOX, {"code": "B9", "type": "Soins"}, ("label", "Libellé : obligatoire.")),
        (Kind.BOX, {"code": "B9", "label": "x"}, ("type", "Type : obligatoire.")),
        (Kind.BOX, {**BOX, "code": "B" * 46}, ("code", "Code : 46 caractères, 45 au plus.")),
        (Kind.BOX, {**BOX, "code": "B=1"},
         ("code", "Code : « B=1 » ne peut contenir ni = ni :, ni commencer par #, ; ou [.")),
        (Kind.BOX, {**BOX, "code": "[B"},
         ("code", "Code : « [B » ne peut contenir ni = ni :, ni commencer par #, ; ou [.")),
        (Kind.BOX, {**BOX, "label": "deux\nlignes"},
         ("label", "Libellé : une seule ligne, sans caractère de contrôle.")),
        (Kind.BOX, {**BOX, "label": 12}, ("label", "Libellé : du texte est attendu.")),
        (Kind.BOX, {**BOX, "background_color": "bleu"},
         ("background_color", ("Couleur de fond : « bleu » n'est pas une couleur ; attendu une "
          "couleur #rgb, #rrggbb, #aarrggbb ou un nom de couleur SVG (red, orange, "
          "darkslategray...)."))),
        (Kind.BOX, {**BOX, "title_color": "#12345"},
         ("title_color", ("Couleur du titre : « #12345 » n'est pas une couleur ; attendu une "
          "couleur #rgb, #rrggbb, #aarrggbb ou un nom de couleur SVG (red, orange, "
          "darkslategray...)."))),
        (Kind.BOX, {**BOX, "capacity": "deux"},
         ("capacity", "Nombre de places : « deux » n'est pas un nombre entier.")),
        (Kind.BOX, {**BOX, "capacity": 1.5},
         ("capacity", "Nombre de places : un nombre entier est attendu.")),
        (Kind.BOX, {**BOX, "capacity": -1},
         ("capacity", ("Nombre de places : -1 est négatif ; un nombre positif est attendu "
          "(vide : sans limite)."))),
        (Kind.BOX, {**BOX, "capacity": 100_000},
         ("capacity", "Nombre de places : 100000 est trop grand (99999 au plus).")),
        (Kind.BOX, {**BOX, "type": "Exit"},
         ("type", "Type : « Exit » inconnu ; attendu Attente, Soins, Absence ou Sortie.")),
        (Kind.BOX, {**BOX, "active": "oui"}, ("active", "Actif : oui ou non est attendu.")),
        (Kind.BOX, {**BOX, "colour": "red"}, ("colour", "Champ inconnu : « colour ».")),
        (Kind.STATE, {"code": "FI", "label": "Fini", "order": "-2"},
         ("order", ("Ordre : -2 est négatif ; un nombre positif est attendu (vide : ordre des "
          "codes)."))),
        (Kind.TASK_TYPE, {**TASK, "allowed_states": []},
         ("allowed_states", ("États permis : au moins un état est obligatoire ; sans état, la "
          "tâche ne pourrait jamais avancer sur le tableau."))),
        (Kind.TASK_TYPE, {**TASK, "allowed_states": "1PR"},
         ("allowed_states", "États permis : une liste de codes d'états est attendue.")),
        (Kind.TASK_TYPE, {**TASK, "button_mode": "X"},
         ("button_mode", ("Affichage : « X » inconnu ; attendu B (un bouton par état) ou M "
          "(un menu)."))),
        (Kind.TASK_TYPE, {**TASK, "max_duration_min": "-5"},
         ("max_duration_min", ("Durée maximale (minutes) : -5 est négatif ; un nombre positif "
          "est attendu (vide : pas de durée maximale)."))),
        (Kind.TASK_TYPE, {**TASK, "priority": "haute"},
         ("priority", "Priorité : « haute » n'est pas un nombre entier.")),
        (Kind.TASK_TYPE, {**TASK, "comment": "c" * 257},
         ("comment", "Commentaire : 257 caractères, 256 au plus.")),
        (Kind.TASK_TYPE, {**TASK, "alarm_color": "rouge"},
         ("alarm_color", ("Couleur d'alarme : « rouge » n'est pas une couleur ; attendu une "
          "couleur #rgb, #rrggbb, #aarrggbb ou un nom de couleur SVG (red, orange, "
          "darkslategray...)."))),
        (Kind.RESPONSABLE, {"code": "MARTIN"}, ("name", "Nom : obligatoire.")),
        (Kind.RESPONSABLE, {"code": "M", "name": "n" * 91}, ("name", ("Nom : 91 caractères, 90 "
                                                              "au plus."))),
        (Kind.DESTINATION, {"label": "Domicile", "exit_type": "Soins"},
         ("exit_type", "Type : « Soins » inconnu ; attendu Absence ou Sortie.")),
        (Kind.DESTINATION, {"exit_type": "Sortie"}, ("label", "Libellé : obligatoire.")),
        (Kind.PRESET_COMMENT, {"text": "t" * 256}, ("text", ("Texte : 256 caractères, 255 au "
                                                             "plus."))),
        (Kind.USER, {"code": "JD", "name": "J. D.", "role_code": "chef"},
         ("role_code", ("Rôle : « chef » inconnu ; attendu administrateur, medecin, infirmier, "
          "secretariat."))),
    ],
)
def test_every_validation_message(kind: Kind, values: dict[str, Any],
                                  expected: tuple[str, str]) -> None:
    assert problems(kind, values) == [expected]


def test_every_problem_is_reported_at_once() -> None:
    found = problems(Kind.BOX, {"code": "", "label": "", "type": "?", "capacity": "-1",
                                "background_color": "bleu"})
    assert [field for field, _ in found] == ["code", "label", "background_color", "capacity",
                                             "type"]
    with pytest.raises(ValidationError) as refused:
        clean_record(Kind.BOX, {"label": "x"})
    assert str(refused.value) == "Code : obligatoire. Type : obligatoire."


def test_duplicates_are_compared_as_mariadb_does() -> None:
    records = [{"code": "Déchoc", "label": "a"}, {"code": "DÉCHOC", "label": "b"},
               {"code": "B1", "label": "c"}]
    assert duplicate_problems(Kind.BOX, records) == [
        "Code : « DÉCHOC » existe déjà (le box « Déchoc »)."]
    labels = [{"label": "Décès", "exit_type": "Sortie"}, {"label": "deces", "exit_type": "Sortie"}]
    assert duplicate_problems(Kind.DESTINATION, labels) == [
        "Libellé : « deces » existe déjà (la destination « Décès »)."]


def reference(**changes: Any) -> dict[Kind, list[dict[str, Any]]]:
    base: dict[Kind, list[dict[str, Any]]] = {
        Kind.BOX: [{"code": "ATT", "label": "Attente", "type": "Attente", "active": True},
                   {"code": "ABS", "label": "Absence", "type": "Absence", "active": True},
                   {"code": "SR", "label": "Sorties", "type": "Sortie", "active": True}],
        Kind.STATE: [{"code": "EC", "label": "En cours", "active": True}],
        Kind.TASK_TYPE: [{"code": "RX", "label": "Radio", "allowed_states": ["EC"]}],
        Kind.DESTINATION: [{"label": "Domicile", "exit_type": "Sortie"},
                           {"label": "Scanner", "exit_type": "Absence"}],
    }
    return {**base, **{Kind[k]: v for k, v in changes.items()}}


def test_a_working_board_has_no_problem() -> None:
    assert board_problems(reference()) == []


def test_what_would_break_the_board() -> None:
    assert board_problems(reference(DESTINATION=[])) == [
        ("Le box « Absence » (Absence) n'aurait aucune destination de type Absence : aucun "
        "patient ne pourrait y aller."),
        ("Le box « Sorties » (Sortie) n'aurait aucune destination de type Sortie : aucun patient "
        "ne pourrait y aller."),
    ]
    assert board_problems(reference(STATE=[{"code": "EC", "label": "En cours",
                                            "active": False}])) == [
        ("La tâche « Radio » n'aurait aucun état permis actif : elle ne pourrait plus avancer "
        "sur le tableau.")]
    no_exit = reference(BOX=[{"code": "ATT", "label": "Attente", "type": "Attente",
                              "active": True},
                             {"code": "SR", "label": "Sorties", "type": "Sortie",
                              "active": False}])
    assert board_problems(no_exit) == [
        "Aucun box de sortie actif : les patients ne pourraient plus quitter le tableau."]
