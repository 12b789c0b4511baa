"""Editing the reference data on SQLite and MariaDB: one transaction per change, history
naming the actor, audit before/after, the change feed, and every refusal's message."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import NOW
from sqlalchemy import func, select

from synoptic import audit
from synoptic.errors import SynoptuxError
from synoptic.feed import ChangeFeed
from synoptic.reference_admin import (
    BoardBreakError,
    InUseError,
    ReferenceAdmin,
    UnknownRecordError,
)
from synoptic.reference_rules import Kind, ValidationError
from synoptic.services import BoardServices, NewTask
from synoptic.store import queries
from synoptic.store.db import Store

NEW_BOX = {"code": "B9", "label": "Box 9", "type": "Soins", "capacity": 1,
           "background_color": "#EEDDAA", "title_color": "navy"}


@pytest.fixture
def admin(store: Store) -> ReferenceAdmin:
    return ReferenceAdmin(store, "dr-admin")


def history_count(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(store.models.History)) or 0)


def trail(store: Store, **where: Any) -> tuple[audit.AuditEntry, ...]:
    with store.read() as s:
        return audit.audit_trail(s, store.models, **where)


def test_create_update_rename_deactivate_delete_a_box(admin: ReferenceAdmin,
                                                      store: Store) -> None:
    assert admin.create(Kind.BOX, NEW_BOX, now=NOW) == "B9"
    assert admin.records(Kind.BOX)["B9"] == {**NEW_BOX, "active": True}
    assert admin.update(Kind.BOX, "B9", {"capacity": "2", "title_color": "#aabbcc"}, now=NOW)
    assert not admin.update(Kind.BOX, "B9", {"capacity": 2}, now=NOW)  # nothing changed
    assert admin.rename(Kind.BOX, "B9", "Box neuf", now=NOW)
    assert admin.set_active(Kind.BOX, "B9", False, now=NOW)
    admin.delete(Kind.BOX, "B9", now=NOW)
    assert "B9" not in admin.records(Kind.BOX)

    entries = trail(store, entity="box", key="B9")
    assert [e.action for e in entries] == ["REF_DELETE", "REF_CHANGE", "REF_CHANGE",
                                           "REF_CHANGE", "REF_ADD"]
    assert [e.summary for e in entries] == [
        "Suppression : le box « Box neuf »",
        "Modification : le box « Box neuf » (actif)",
        "Modification : le box « Box neuf » (libellé)",
        "Modification : le box « Box 9 » (couleur du titre, nombre de places)",
        "Ajout : le box « Box 9 »",
    ]
    assert all(e.actor == "dr-admin" and e.date == NOW for e in entries)
    change = entries[3]
    assert change.fields == ["capacity", "title_color"]
    assert (change.before or {})["capacity"] == 1 and (change.after or {})["capacity"] == 2
    assert entries[-1].before is None and entries[0].after is None
    with store.read() as s:  # the history row itself names the box
        row = s.get(store.models.History, entries[0].history_pk)
        assert row is not None and (row.box_code, row.patient_pk) == ("B9", None)


def test_a_refused_change_writes_nothing(admin: ReferenceAdmin, store: Store) -> None:
    before = history_count(store), admin.records(Kind.BOX)
    with pytest.raises(ValidationError):
        admin.create(Kind.BOX, {**NEW_BOX, "background_color": "bleu"}, now=NOW)
    with pytest.raises(BoardBreakError):
        admin.update(Kind.BOX, "SORT", {"type": "Soins"}, now=NOW)
    assert (history_count(store), admin.records(Kind.BOX)) == before


def test_codes_are_unique_whatever_the_case_and_never_change(admin: ReferenceAdmin) -> None:
    with pytest.raises(SynoptuxError) as refused:
        admin.create(Kind.BOX, {**NEW_BOX, "code": "b1"}, now=NOW)
    assert str(refused.value) == "Code : « b1 » existe déjà (le box « B1 »)."
    with pytest.raises(SynoptuxError) as refused:
        admin.update(Kind.BOX, "B1", {"code": "B01"}, now=NOW)
    assert str(refused.value) == ("Le code ne change pas : le système hôte le connaît. Créez-en "
                                  "un nouveau et désactivez l'ancien.")
    key = admin.create(Kind.DESTINATION, {"label": "Maison de retraite", "exit_type": "sortie"},
                       now=NOW)
    with pytest.raises(SynoptuxError) as refused:
        admin.rename(Kind.DESTINATION, key, "retour DOMICILE", now=NOW)
    assert str(refused.value) == ("Libellé : « retour DOMICILE » existe déjà "
                                  "(la destination « Retour domicile »).")
    with pytest.raises(UnknownRecordError) as missing:
        admin.delete(Kind.STATE, "ZZ", now=NOW)
    assert str(missing.value) == "Introuvable : l'état « ZZ » (supprimé entre-temps ?)."
    with pytest.raises(SynoptuxError) as refused:
        admin.set_active(Kind.DESTINATION, key, False, now=NOW)
    assert str(refused.value) == ("La destination ne se désactive pas : suppression ou "
                                  "changement de libellé seulement.")


def test_what_the_board_uses_cannot_be_deleted(admin: ReferenceAdmin,
                                               services: BoardServices) -> None:
    admitted = services.admit(box_code="B1", last_name="DURAND", responsable="MARTIN", now=NOW,
                              tasks=[NewTask("BIO")])
    services.set_task_state(admitted.patient_pk, admitted.task_nums[0], "3EC", now=NOW)
    expected = {
        (Kind.BOX, "B1"): "Le box « Box 1 » contient 1 patient(s)",
        (Kind.STATE, "3EC"): "L'état « En cours » est l'état de 1 tâche(s) sur le tableau",
        (Kind.TASK_TYPE, "BIO"): "La tâche « Biologie » est prescrite 1 fois sur le tableau",
        (Kind.RESPONSABLE, "MARTIN"): "Le responsable « Dr Martin » suit 1 patient(s)",
    }
    for (kind, key), usage in expected.items():
        with pytest.raises(InUseError) as refused:
            admin.delete(kind, key, now=NOW)
        assert str(refused.value) == (f"{usage} : suppression impossible. À la place : "
                                      "désactivation ou changement de libellé.")
        assert refused.value.offers == ("deactivate", "rename")
        # the offers work
        assert admin.set_active(kind, key, False, now=NOW)
        assert admin.rename(kind, key, "Ancien " + key, now=NOW)


def test_an_occupied_box_keeps_its_type_and_room_for_its_patients(
        admin: ReferenceAdmin, services: BoardServices) -> None:
    for name in ("UN", "DEUX"):
        services.admit(box_code="UHCD", last_name=name, now=NOW)
    with pytest.raises(SynoptuxError) as refused:
        admin.update(Kind.BOX, "UHCD", {"capacity": 1}, now=NOW)
    assert str(refused.value) == "Le box « UHCD » contient 2 patient(s) : il lui faut au moins " \
                                 "2 place(s)."
    with pytest.raises(SynoptuxError) as refused:
        admin.update(Kind.BOX, "UHCD", {"type": "Attente"}, now=NOW)
    assert str(refused.value) == ("Le box « UHCD » contient 2 patient(s) : son type ne change "
                                  "pas tant qu'il n'est pas vide.")
    assert admin.update(Kind.BOX, "UHCD", {"capacity": 2}, now=NOW)
    services.admit(box_code="UHCD", last_name="TROIS", now=NOW, allow_over_capacity=True)
    assert admin.rename(Kind.BOX, "UHCD", "Unité d'hospitalisation", now=NOW)  # over, as it was


def test_changes_that_would_break_the_board_are_refused(admin: ReferenceAdmin) -> None:
    with pytest.raises(BoardBreakError) as refused:
        admin.delete(Kind.BOX, "SORT", now=NOW)
    assert str(refused.value) == ("Modification refusée : Aucun box de sortie actif : les "
                                  "patients ne pourraient plus quitter le tableau.")
    exits = [k for k, d in admin.records(Kind.DESTINATION).items() if d["exit_type"] == "Sortie"]
    for key in exits[:-1]:
        admin.delete(Kind.DESTINATION, key, now=NOW)
    with pytest.raises(BoardBreakError) as refused:
        admin.delete(Kind.DESTINATION, exits[-1], now=NOW)
    assert refused.value.reasons == (
        ("Le box « Sorties » (Sortie) n'aurait aucune destination de type Sortie : aucun "
        "patient ne pourrait y aller."),)
    with pytest.raises(BoardBreakError):
        admin.update(Kind.DESTINATION, exits[-1], {"exit_type": "Absence"}, now=NOW)
    # ECG and the other button tasks allow 2DE, 3EC, 4TE: deactivate all three
    admin.set_active(Kind.STATE, "2DE", False, now=NOW)
    admin.set_active(Kind.STATE, "3EC", False, now=NOW)
    with pytest.raises(BoardBreakError) as refused:
        admin.set_active(Kind.STATE, "4TE", False, now=NOW)
    assert "La tâche « ECG » n'aurait aucun état permis actif : elle ne pourrait plus avancer " \
           "sur le tableau." in refused.value.reasons


def test_task_types_and_their_states(admin: ReferenceAdmin, store: Store) -> None:
    admin.create(Kind.TASK_TYPE, {"code": "GAZ", "label": "Gaz du sang", "color": "#ff5500",
                                  "allowed_states": ["4TE", "2DE"], "button_mode": "b",
                                  "max_duration_min": "20", "priority": "1"}, now=NOW)
    record = admin.records(Kind.TASK_TYPE)["GAZ"]
    assert record["allowed_states"] == ["2DE", "4TE"]  # in the states' order
    assert (record["button_mode"], record["max_duration_min"], record["priority"]) == ("B", 20, "1")
    with pytest.raises(SynoptuxError) as refused:
        admin.update(Kind.TASK_TYPE, "GAZ", {"allowed_states": ["2DE", "ZZ"]}, now=NOW)
    assert str(refused.value) == "États permis : « ZZ » n'existe(nt) pas."
    with pytest.raises(ValidationError):
        admin.update(Kind.TASK_TYPE, "GAZ", {"allowed_states": []}, now=NOW)
    # the state order decides the board's order; deleting a state drops it everywhere
    admin.update(Kind.STATE, "4TE", {"order": 0}, now=NOW)
    assert next(iter(admin.records(Kind.STATE))) == "4TE"
    assert admin.records(Kind.TASK_TYPE)["GAZ"]["allowed_states"] == ["4TE", "2DE"]
    admin.delete(Kind.STATE, "1PR", now=NOW)
    assert all("1PR" not in t["allowed_states"] for t in admin.records(Kind.TASK_TYPE).values())
    dropped = trail(store, entity="taches", key="BIO")[0]
    assert "1PR" in (dropped.before or {})["allowed_states"]
    assert "1PR" not in (dropped.after or {})["allowed_states"]
    with store.read() as s:
        reference = queries.load_reference(s, store.models)
    # the board follows the states' order too (4TE was put first above)
    assert [st.code for st in reference.allowed_states("GAZ")] == ["4TE", "2DE"]
    admin.delete(Kind.TASK_TYPE, "GAZ", now=NOW)
    with store.read() as s:
        assert s.scalar(select(func.count()).where(
            store.models.TaskState.task_code == "GAZ")) == 0


def test_responsables_destinations_and_preset_comments(admin: ReferenceAdmin) -> None:
    admin.create(Kind.RESPONSABLE, {"code": "DUPONT", "name": "Dr Dupont", "color": "teal"},
                 now=NOW)
    assert admin.set_active(Kind.RESPONSABLE, "DUPONT", False, now=NOW)
    assert admin.records(Kind.RESPONSABLE)["DUPONT"] == {
        "code": "DUPONT", "name": "Dr Dupont", "color": "teal", "active": False}
    first = admin.create(Kind.PRESET_COMMENT, {"text": "À jeun", "order": 2}, now=NOW)
    second = admin.create(Kind.PRESET_COMMENT, {"text": "Attente brancardier", "order": 1},
                          now=NOW)
    assert list(admin.records(Kind.PRESET_COMMENT)) == [second, first]
    with pytest.raises(SynoptuxError) as refused:
        admin.create(Kind.PRESET_COMMENT, {"text": "à JEUN"}, now=NOW)
    assert str(refused.value) == "Texte : « à JEUN » existe déjà (le commentaire prédéfini « À jeun »)."
    admin.delete(Kind.PRESET_COMMENT, first, now=NOW)
    assert list(admin.records(Kind.PRESET_COMMENT)) == [second]
    key = admin.create(Kind.DESTINATION, {"label": "EHPAD", "exit_type": "Sortie", "order": 1},
                       now=NOW)
    assert admin.records(Kind.DESTINATION)[key] == {"label": "EHPAD", "exit_type": "Sortie",
                                                    "order": 1}


def test_every_screen_sees_each_change_through_the_feed(admin: ReferenceAdmin,
                                                        store: Store) -> None:
    feed = ChangeFeed(store)
    revision = feed.changes_since(0).revision
    for change in (
        lambda: admin.create(Kind.BOX, NEW_BOX, now=NOW),
        lambda: admin.rename(Kind.STATE, "3EC", "En cours de réalisation", now=NOW),
        lambda: admin.update(Kind.TASK_TYPE, "BIO", {"allowed_states": ["2DE"]}, now=NOW),
        lambda: admin.create(Kind.PRESET_COMMENT, {"text": "Surveillance"}, now=NOW),
        lambda: admin.set_active(Kind.RESPONSABLE, "IAO", False, now=NOW),
    ):
        change()
        result = feed.changes_since(revision)
        assert result.reference_changed and not result.full_reload
        assert result.patient_pks == frozenset()
        revision = result.revision
