"""A department's configuration as JSON: export, validation, import in one transaction,
dry run, the 2.16 reference data's round trip, MedinTux's Personnes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LEGACY_DUMPS, NOW, LegacyDump, load_legacy_dump, new_mariadb_database
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

from synoptic.errors import SynoptuxError
from synoptic.medintux_people import import_medintux_responsables
from synoptic.permissions import DELETE_TASK, DISCHARGE
from synoptic.reference_admin import BoardBreakError, ReferenceAdmin
from synoptic.reference_io import (
    FORMAT,
    export_reference,
    import_reference,
    read_document,
    validate_document,
)
from synoptic.reference_rules import Kind, ValidationError
from synoptic.security import load_permissions
from synoptic.services import BoardServices
from synoptic.store.db import Store, open_store, upgrade_schema

_LEGACY_EXPORTS: dict[str, dict[str, Any]] = {}


def legacy_export(dump: LegacyDump) -> dict[str, Any]:
    """The export of a 2.16 dump loaded into MariaDB and upgraded in place (once per dump)."""
    if dump.name not in _LEGACY_EXPORTS:
        with new_mariadb_database() as url:
            load_legacy_dump(url, dump)
            store = open_store(url)
            try:
                upgrade_schema(store)
                _LEGACY_EXPORTS[dump.name] = export_reference(store, now=NOW)
            finally:
                store.dispose()
    return json.loads(json.dumps(_LEGACY_EXPORTS[dump.name]))  # a copy


def content(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "exported_at"}


def history_count(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(store.models.History)) or 0)


def apply(store: Store, document: dict[str, Any], dry_run: bool = False) -> list[str]:
    return import_reference(store, validate_document(document), actor="import", now=NOW,
                            dry_run=dry_run)


@pytest.mark.mariadb
def test_the_2_16_reference_data_round_trips(legacy_dump: LegacyDump, store: Store) -> None:
    """2.16 dump (MariaDB) -> JSON -> a new department (SQLite and MariaDB) -> JSON: equal."""
    source = legacy_export(legacy_dump)
    counts = legacy_dump.counts
    assert len(source["boxes"]) == counts["synopt_box"]
    assert len(source["states"]) == counts["synopt_etats"]
    assert len(source["task_types"]) == counts["synopt_taches"]
    assert len(source["destinations"]) == counts["synopt_destinations"]
    pairs = sum(len(t["allowed_states"]) for t in source["task_types"])
    assert pairs + len(source["unattached_task_states"]) == counts["synopt_etats_taches"]
    box = next(b for b in source["boxes"] if b["code"] == "SR")
    assert (box["type"], box["title_color"], box["capacity"]) == ("Sortie", "#FFFFFF", 200)

    lines = apply(store, source, dry_run=True)
    assert lines and content(export_reference(store, now=NOW)) != content(source)
    assert apply(store, source) == lines  # the dry run said exactly what was done
    assert content(export_reference(store, now=NOW)) == content(source)
    assert apply(store, source) == []  # a second import changes nothing


def test_a_department_copies_itself_with_its_changes(store: Store, tmp_path: Path) -> None:
    admin = ReferenceAdmin(store, "chef")
    admin.create(Kind.PRESET_COMMENT, {"text": "Attente avis", "order": 1}, now=NOW)
    admin.update(Kind.STATE, "4TE", {"order": 0, "color": "#EEDDAA"}, now=NOW)
    document = export_reference(store, now=NOW)
    path = tmp_path / "service.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert content(read_document(path)) == content(document)

    document["boxes"] = [b for b in document["boxes"] if b["code"] != "B6"]
    document["boxes"].append({"code": "B7", "label": "Box 7", "type": "Soins", "capacity": 1})
    document["task_types"][0]["label"] = "Antalgie IV"
    document["permissions"]["infirmier"] = [DELETE_TASK]
    before = history_count(store)
    assert apply(store, document) == [
        "Modification : la tâche « Antalgie IV » (libellé)",
        "Ajout : le box « Box 7 »",
        "Suppression : le box « Box 6 »",
        "Modification : droits du rôle « Infirmier »",
    ]
    assert history_count(store) == before + 4  # each change in the history (and audited)
    assert not load_permissions(store).may("infirmier", DISCHARGE)
    exported = export_reference(store, now=NOW)
    assert {b["code"] for b in exported["boxes"]} == {b["code"] for b in document["boxes"]}


def test_a_dry_run_changes_nothing(store: Store) -> None:
    document = export_reference(store, now=NOW)
    document["destinations"] = document["destinations"][:-1]
    before = content(export_reference(store, now=NOW)), history_count(store)
    assert apply(store, document, dry_run=True) == [
        "Suppression : la destination « Consultation spécialisée »"]
    assert (content(export_reference(store, now=NOW)), history_count(store)) == before


def test_what_the_board_uses_is_deactivated_not_deleted(store: Store) -> None:
    BoardServices(store, "t").admit(box_code="B1", last_name="DURAND", responsable="PETIT",
                                    now=NOW)
    document = export_reference(store, now=NOW)
    document["boxes"] = [b for b in document["boxes"] if b["code"] != "B1"]
    document["responsables"] = [r for r in document["responsables"] if r["code"] != "PETIT"]
    assert apply(store, document) == [
        "Désactivation au lieu de suppression : Le box « Box 1 » contient 1 patient(s).",
        "Désactivation au lieu de suppression : Le responsable « Dr Petit » suit 1 patient(s).",
    ]
    records = ReferenceAdmin(store, "x").records(Kind.BOX)
    assert records["B1"]["active"] is False


def test_an_import_that_would_break_the_board_changes_nothing(store: Store) -> None:
    document = export_reference(store, now=NOW)
    document["destinations"] = [d for d in document["destinations"]
                                if d["exit_type"] != "Sortie"]
    document["boxes"].append({"code": "B7", "label": "Box 7", "type": "Soins"})
    before = content(export_reference(store, now=NOW)), history_count(store)
    with pytest.raises(BoardBreakError) as refused:
        apply(store, document)
    assert refused.value.reasons == (
        ("Le box « Sorties » (Sortie) n'aurait aucune destination de type Sortie : aucun "
        "patient ne pourrait y aller."),)
    assert (content(export_reference(store, now=NOW)), history_count(store)) == before


def problems_of(document: Any) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_document(document)
    return [p.message for p in refused.value.problems]


def test_every_problem_of_a_file_is_listed_with_its_place() -> None:
    assert problems_of([]) == [("Ce fichier n'est pas un export des données de base de Synoptux "
                               f"(« format » attendu : {FORMAT}).")]
    assert problems_of({"format": FORMAT, "version": 9}) == [
        "Version « 9 » du format inconnue : ce programme lit la version 1 à 1."]
    document = {
        "format": FORMAT, "version": 1,
        "boxes": [{"code": "B1", "label": "Box 1", "type": "Soins"},
                  {"code": "b1", "label": "Autre", "type": "Soins"}, "B2",
                  {"code": "B3", "label": "Box 3", "type": "Soins", "capacity": "x"}],
        "states": [{"code": "EC", "label": "En cours"}],
        "task_types": [{"code": "RX", "label": "Radio", "allowed_states": ["EC", "FI"]}],
        "destinations": {"label": "Domicile"},
        "unattached_task_states": [["A1"]],
        "permissions": {"administrateur": [], "medecin": ["voler"]},
    }
    assert problems_of(document) == [
        "boxes n° 3 : un objet {...} est attendu.",
        "boxes n° 4 (« B3 ») : Nombre de places : « x » n'est pas un nombre entier.",
        "boxes : Code : « b1 » existe déjà (le box « B1 »).",
        "destinations : une liste est attendue.",
        "task_types n° 1 (« RX ») : l'état « FI » n'est pas dans states.",
        "unattached_task_states : une liste de paires [tâche, état] est attendue.",
        "permissions : rôle « administrateur » inconnu ou non modifiable.",
        ("permissions : « medecin » : liste d'actions parmi sortie_definitive, supprimer_tache, "
        "changer_responsable, modifier_reference, exporter_statistiques, gerer_acces attendue."),
    ]


def test_permissions_must_be_an_object() -> None:
    assert problems_of({"format": FORMAT, "version": 1, "permissions": ["medecin"]}) == [
        "permissions : un objet {rôle: [actions]} est attendu."]


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(SynoptuxError) as refused:
        read_document(tmp_path / "absent.json")
    assert str(refused.value) == f"Fichier introuvable : {tmp_path / 'absent.json'}"
    broken = tmp_path / "casse.json"
    broken.write_text('{"format": "synoptux-reference",\n  "boxes": [,]}', encoding="utf-8")
    with pytest.raises(SynoptuxError) as refused:
        read_document(broken)
    assert str(refused.value) == (f"{broken} n'est pas du JSON valide (ligne 2, colonne 13) : "
                                  "Expecting value.")
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"label": "Décès"}'.encode("latin-1"))
    with pytest.raises(SynoptuxError) as refused:
        read_document(latin)
    assert str(refused.value).startswith(f"Lecture impossible de {latin} : 'utf-8' codec")


# ---------------------------------------------------------------------- MedinTux's Personnes


@pytest.fixture
def personnes(store: Store) -> Iterator[Store]:
    """MedinTux's table beside Synoptux's, as 2.16 read it (synoptuxBases.cfg)."""
    table = Table(
        "Personnes", MetaData(),
        Column("ID_PrimKey", Integer, primary_key=True),
        Column("GUID", String(40)), Column("Login", String(40)), Column("Nom", String(40)),
        Column("Prenom", String(40)), Column("Droits", String(200)),
        Column("Couleur", String(20)),
    )
    with store.engine.begin() as conn:
        table.create(conn)
        conn.execute(table.insert(), [
            {"GUID": "G-MARTIN", "Login": "martin", "Nom": "Martin", "Prenom": "Anne",
             "Droits": "-adm-med-sgn-", "Couleur": "#AA5500"},
            {"GUID": "G-ROUX", "Login": "roux", "Nom": "", "Prenom": "",
             "Droits": "-MED-SGN-", "Couleur": "pas une couleur"},
            {"GUID": "G-SECR", "Login": "secr", "Nom": "Secrétaire", "Prenom": "",
             "Droits": "-sec-", "Couleur": "red"},
            {"GUID": "", "Login": "sansguid", "Nom": "X", "Prenom": "", "Droits": "med sgn",
             "Couleur": ""},
        ])
    yield store


def test_medintux_signing_doctors_become_responsables(personnes: Store) -> None:
    store = personnes
    expected = [
        "Ajout : le responsable « Anne Martin »",
        "Ajout : le responsable « roux »",
        "Couleur « pas une couleur » de « roux » ignorée : le tableau ne sait pas la dessiner.",
        "Ignoré : « sansguid », GUID vide ou de plus de 45 caractères.",
    ]
    assert import_medintux_responsables(store, actor="chef", now=NOW, dry_run=True) == expected
    assert "G-MARTIN" not in ReferenceAdmin(store, "x").records(Kind.RESPONSABLE)
    assert import_medintux_responsables(store, actor="chef", now=NOW) == expected
    records = ReferenceAdmin(store, "x").records(Kind.RESPONSABLE)
    assert records["G-MARTIN"] == {"code": "G-MARTIN", "name": "Anne Martin",
                                   "color": "#AA5500", "active": True}
    assert records["G-ROUX"]["color"] == "" and "G-SECR" not in records
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE Personnes SET Couleur = 'navy' WHERE GUID = 'G-MARTIN'")
    lines = import_medintux_responsables(store, actor="chef", now=NOW)
    assert lines[0] == "Modification : le responsable « Anne Martin » (couleur)"


def test_no_personnes_table_is_said(store: Store) -> None:
    with pytest.raises(SynoptuxError) as refused:
        import_medintux_responsables(store, actor="chef", now=NOW)
    assert str(refused.value) == ("Pas de table « Personnes » de MedinTux dans cette base : "
                                  "aucun responsable à importer.")
    with store.engine.begin() as conn:
        Table("personnes", MetaData(), Column("id", Integer, primary_key=True),
              Column("nom", String(20))).create(conn)
    with pytest.raises(SynoptuxError) as refused:
        import_medintux_responsables(store, actor="chef", now=NOW)
    assert str(refused.value) == ("La table « personnes » n'a pas les colonnes GUID et Login "
                                  "de MedinTux : rien n'est importé.")


def test_the_fixture_dump_is_known() -> None:
    assert LEGACY_DUMPS["fixtures"].exits == 3  # the round trip above counts on these dumps
