"""The reference editors driven through their widgets: every refusal of the core shown in
French where it belongs, deletions refused with "Désactiver" / "Renommer" offered, and each
change seen by a second screen (a second BoardReads, and its change feed)."""

from __future__ import annotations

from typing import Any

import pytest
from ui_admin_support import FakeAdminDialogs, admin_of, click, touch, without_flick
from ui_support import BoardEnv

from synoptic.audit import audit_trail
from synoptic.reads import BoardReads
from synoptic.reference_admin import ReferenceAdmin
from synoptic.reference_rules import Kind
from ui.admin.fields import ChoiceEditor, ColourEditor, FlagEditor, NumberEditor, TextEditor
from ui.admin.reference_editor import ReferenceEditor
from ui.admin.reference_window import ReferenceWindow


def editor_of(qtbot: Any, env: BoardEnv, kind: Kind, dialogs: FakeAdminDialogs,
              actor: str = "ecran-test") -> ReferenceEditor:
    editor = ReferenceEditor(env.context().metrics, kind, admin_of(env, actor), dialogs,
                             env.clock)
    qtbot.addWidget(editor)
    without_flick(editor)
    editor.resize(1280, 800)
    editor.show()
    return editor


def type_into(qtbot: Any, editor: ReferenceEditor, dialogs: FakeAdminDialogs, field: str,
              text: str) -> None:
    """A touch on the field, then the text typed on the on-screen keyboard (scripted)."""
    widget = editor.form.editors[field]
    assert isinstance(widget, TextEditor)
    dialogs.script("edit_text", text)
    touch(qtbot, widget.line)


def choose(qtbot: Any, editor: ReferenceEditor, field: str, value: str) -> None:
    widget = editor.form.editors[field]
    assert isinstance(widget, ChoiceEditor)
    click(qtbot, widget.choices.buttons[value])


def test_a_new_box_typed_by_touch_is_seen_by_a_second_screen(qtbot: Any, env: BoardEnv) -> None:
    dialogs = FakeAdminDialogs()
    editor = editor_of(qtbot, env, Kind.BOX, dialogs, actor="Dr Martin")
    other = BoardReads(env.store)
    feed = other.change_feed()
    revision = feed.current_revision()
    click(qtbot, editor.new_button)
    type_into(qtbot, editor, dialogs, "code", "B9")
    type_into(qtbot, editor, dialogs, "label", "Box 9 <b>pédiatrie</b>")
    dialogs.script("pick_colour", "#ffcdd2")
    colour = editor.form.editors["background_color"]
    assert isinstance(colour, ColourEditor)
    click(qtbot, colour.swatch)
    capacity = editor.form.editors["capacity"]
    assert isinstance(capacity, NumberEditor)
    capacity.step(1)
    capacity.step(1)
    choose(qtbot, editor, "type", "Soins")
    assert dialogs.asked("edit_text")[0] == ("Code", "", 45)
    click(qtbot, editor.save_button)
    assert editor.message.text() == "Ajouté : le box « Box 9 <b>pédiatrie</b> »."
    box = other.reference().box("B9")
    assert box is not None
    assert (box.label, box.background_color, box.capacity, box.type.value) == (
        "Box 9 <b>pédiatrie</b>", "#ffcdd2", 2, "Soins")
    assert feed.changes_since(revision).reference_changed
    assert editor.button_of("B9").isChecked()  # the new record is the one shown
    code = editor.form.editors["code"]
    assert isinstance(code, TextEditor) and code.line.isReadOnly()  # codes never change
    with env.store.read() as session:
        entry = audit_trail(session, env.store.models, entity="box", key="B9")[0]
    assert entry.actor == "Dr Martin" and entry.before is None and entry.after is not None


def test_every_refused_value_is_shown_under_its_field(qtbot: Any, env: BoardEnv) -> None:
    dialogs = FakeAdminDialogs()
    editor = editor_of(qtbot, env, Kind.BOX, dialogs)
    click(qtbot, editor.new_button)
    type_into(qtbot, editor, dialogs, "code", "=B")
    dialogs.script("pick_colour", "bleuâtre")  # as a 2.16 database may hold
    colour = editor.form.editors["title_color"]
    assert isinstance(colour, ColourEditor)
    click(qtbot, colour.swatch)
    type_into(qtbot, editor, dialogs, "capacity", "-3")
    click(qtbot, editor.save_button)
    assert editor.form.problem_texts() == {
        "code": "Code : « =B » ne peut contenir ni = ni :, ni commencer par #, ; ou [.",
        "label": "Libellé : obligatoire.",
        "title_color": ("Couleur du titre : « bleuâtre » n'est pas une couleur ; attendu une "
                        "couleur #rgb, #rrggbb, #aarrggbb ou un nom de couleur SVG (red, "
                        "orange, darkslategray...)."),
        "capacity": ("Nombre de places : -3 est négatif ; un nombre positif est attendu "
                     "(vide : sans limite)."),
        "type": "Type : obligatoire.",
    }
    assert editor.message.text() == "Corrigez les champs signalés en rouge."
    assert all(editor.form.problems[name].isVisible() for name in editor.form.problem_texts())
    type_into(qtbot, editor, dialogs, "capacity", "beaucoup")
    click(qtbot, editor.save_button)
    assert editor.form.problem_texts()["capacity"] == (
        "Nombre de places : « beaucoup » n'est pas un nombre entier.")
    assert ReferenceAdmin(env.store, "x").records(Kind.BOX).keys() >= {"B1"}
    assert "=B" not in ReferenceAdmin(env.store, "x").records(Kind.BOX)


def test_a_duplicate_code_and_a_task_type_without_state_are_refused(
    qtbot: Any, env: BoardEnv,
) -> None:
    dialogs = FakeAdminDialogs()
    editor = editor_of(qtbot, env, Kind.TASK_TYPE, dialogs)
    click(qtbot, editor.new_button)
    type_into(qtbot, editor, dialogs, "code", "rx")
    type_into(qtbot, editor, dialogs, "label", "Radio bis")
    click(qtbot, editor.save_button)
    assert editor.form.problem_texts() == {"allowed_states": (
        "États permis : au moins un état est obligatoire ; sans état, la tâche ne pourrait "
        "jamais avancer sur le tableau.")}
    states = editor.form.editors["allowed_states"]
    assert isinstance(states, ChoiceEditor)
    click(qtbot, states.choices.buttons["2DE"])
    click(qtbot, editor.save_button)
    assert editor.form.problem_texts() == {}
    assert editor.message.text() == "Code : « rx » existe déjà (la tâche « RX »)."
    assert editor.message.isVisible()


def test_a_change_that_would_break_the_board_is_refused_with_the_reason(
    qtbot: Any, env: BoardEnv,
) -> None:
    dialogs = FakeAdminDialogs()
    editor = editor_of(qtbot, env, Kind.BOX, dialogs)
    click(qtbot, editor.button_of("SORT"))
    choose(qtbot, editor, "type", "Soins")
    click(qtbot, editor.save_button)
    assert editor.message.text() == (
        "Modification refusée : Aucun box de sortie actif : les patients ne pourraient plus "
        "quitter le tableau.")
    exit_box = BoardReads(env.store).reference().box("SORT")
    assert exit_box is not None and exit_box.type.value == "Sortie"
    assert editor.dirty and editor.revert_button.isEnabled()
    click(qtbot, editor.revert_button)
    assert editor.form.values()["type"] == "Sortie" and not editor.dirty


@pytest.mark.parametrize("choice", ["deactivate", "rename"])
def test_deleting_a_box_holding_a_patient_offers_to_deactivate_or_rename(
    qtbot: Any, env: BoardEnv, choice: str,
) -> None:
    env.admit("B2")
    dialogs = FakeAdminDialogs()
    editor = editor_of(qtbot, env, Kind.BOX, dialogs)
    click(qtbot, editor.button_of("B2"))
    dialogs.script("choose", choice)
    dialogs.script("edit_text", "Box 2 (fermé)")
    click(qtbot, editor.delete_button)
    assert dialogs.asked("confirm")[0][:2] == ("Supprimer", "Supprimer le box « Box 2 » ?")
    title, text, options = dialogs.asked("choose")[0]
    assert (title, options) == ("Suppression impossible",
                                (("deactivate", "Désactiver"), ("rename", "Renommer")))
    assert text == ("Le box « Box 2 » contient 1 patient(s) : suppression impossible. À la "
                    "place : désactivation ou changement de libellé.")
    records = ReferenceAdmin(env.store, "x").records(Kind.BOX)
    assert "B2" in records
    if choice == "deactivate":
        assert records["B2"]["active"] is False
        assert editor.message.text() == "Désactivé : le box « Box 2 »."
        assert editor.button_of("B2").text().endswith("(inactif)")
        assert editor.button_of("B2").property("inactive") is True
    else:
        renamed = BoardReads(env.store).reference().box("B2")
        assert renamed is not None and renamed.label == "Box 2 (fermé)"
        assert editor.message.text() == "Renommé : le box « Box 2 (fermé) »."


def test_an_unused_record_is_deleted_after_a_confirmation(
    qtbot: Any, env: BoardEnv,
) -> None:
    for text in ("À jeun", "Surveillance"):
        ReferenceAdmin(env.store, "x").create(Kind.PRESET_COMMENT, {"text": text},
                                              now=env.clock.now)
    dialogs = FakeAdminDialogs()
    editor = editor_of(qtbot, env, Kind.PRESET_COMMENT, dialogs)
    first = next(iter(editor.records))
    text = editor.records[first]["text"]
    click(qtbot, editor.button_of(first))
    click(qtbot, editor.delete_button)
    assert editor.message.text() == f"Supprimé : le commentaire prédéfini « {text} »."
    assert first not in ReferenceAdmin(env.store, "x").records(Kind.PRESET_COMMENT)
    # declining the confirmation deletes nothing
    dialogs.script("confirm", False)
    second = editor.key
    click(qtbot, editor.delete_button)
    assert second in ReferenceAdmin(env.store, "x").records(Kind.PRESET_COMMENT)


def test_unsaved_changes_are_kept_unless_dropped(qtbot: Any, env: BoardEnv) -> None:
    dialogs = FakeAdminDialogs()
    editor = editor_of(qtbot, env, Kind.RESPONSABLE, dialogs)
    click(qtbot, editor.button_of("MARTIN"))
    type_into(qtbot, editor, dialogs, "name", "Dr Martine")
    active = editor.form.editors["active"]
    assert isinstance(active, FlagEditor)
    dialogs.script("confirm", False)
    click(qtbot, editor.button_of("PETIT"))
    assert editor.key == "MARTIN" and editor.form.values()["name"] == "Dr Martine"
    assert editor.button_of("MARTIN").isChecked() and not editor.button_of("PETIT").isChecked()
    click(qtbot, active.button)
    click(qtbot, editor.save_button)
    assert editor.message.text() == "Enregistré."
    view = BoardReads(env.store).reference().responsables["MARTIN"]
    assert (view.name, view.active) == ("Dr Martine", False)
    click(qtbot, editor.button_of("PETIT"))  # nothing unsaved: no question
    assert len(dialogs.asked("confirm")) == 1 and editor.key == "PETIT"


def test_the_window_has_a_tab_per_kind_and_task_types_see_new_states(
    qtbot: Any, env: BoardEnv,
) -> None:
    dialogs = FakeAdminDialogs()
    window = ReferenceWindow(env.context().metrics, admin_of(env), dialogs, env.clock)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    assert [b.text() for b in window.tabs.buttons.values()] == [
        "Box", "États", "Tâches", "Responsables", "Destinations", "Commentaires"]
    tasks = window.editor(Kind.TASK_TYPE)
    states = window.editor(Kind.STATE)
    without_flick(window)
    click(qtbot, states.new_button)
    type_into(qtbot, states, dialogs, "code", "6AT")
    type_into(qtbot, states, dialogs, "label", "Attente résultat")
    click(qtbot, states.save_button)
    assert states.message.text() == "Ajouté : l'état « Attente résultat »."
    click(qtbot, window.tabs.buttons[Kind.TASK_TYPE.value])
    allowed = tasks.form.editors["allowed_states"]
    assert isinstance(allowed, ChoiceEditor)
    assert allowed.choices.buttons["6AT"].text() == "Attente résultat"
    dest = window.editor(Kind.DESTINATION)
    assert dest.button_of(next(iter(dest.records))).text() == "Retour domicile — Sortie"
