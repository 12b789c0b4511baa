"""The settings form (synoptux.ini) and the text keyboard of its raw view, driven through
their widgets: values checked by the start-up rules, comments and unknown keys kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QPlainTextEdit
from ui_admin_support import FakeAdminDialogs, click, touch, without_flick
from ui_support import BoardEnv

from synoptic.config import load_config
from synoptic.security import verify_secret
from ui.admin.settings_form import RAW, SettingsForm
from ui.admin.text_keys import TextAreaKeyboard


def form_of(qtbot: Any, env: BoardEnv, dialogs: FakeAdminDialogs) -> SettingsForm:
    assert env.config.path is not None
    form = SettingsForm(env.context().metrics, env.config.path, dialogs)
    qtbot.addWidget(form)
    without_flick(form)
    form.resize(1280, 800)
    form.show()
    return form


def ini_of(env: BoardEnv) -> Path:
    assert env.config.path is not None
    return env.config.path


def test_every_key_is_shown_with_its_meaning(qtbot: Any, env: BoardEnv) -> None:
    form = form_of(qtbot, env, FakeAdminDialogs())
    row = form.row("Timer", "Periodicite_clignotement_en_secondes")
    assert row.line.text() == "1"
    texts = [label.text() for label in row.findChildren(type(row.problem))]
    assert "Secondes entre deux clignotements d'une tâche ou d'un patient en retard (plus de "\
           "0). Par défaut : 1." in texts
    assert form.row("Interface", "Profil").choices.value() == "soins"
    assert form.row("Affichage", "Noms_Masques_Par_Defaut").choices.value() == "NON"
    assert form.row("Administration", "Mot_de_passe_admin").secret_state.text() == (
        "Aucun mot de passe administrateur.")
    assert form.row("Statistiques", "Seuil_Tension").line.text() == ""
    assert len(form.rows) == 33


def test_edits_are_written_keeping_comments_and_unknown_keys(qtbot: Any, env: BoardEnv) -> None:
    ini = ini_of(env)
    ini.write_text(ini.read_text(encoding="utf-8").replace(
        "[Timer]\n", "[Timer]\nCle_de_2_16=gardée\n"), encoding="utf-8")
    dialogs = FakeAdminDialogs()
    form = form_of(qtbot, env, dialogs)
    dialogs.script("edit_text", "Accueil urgences")
    touch(qtbot, form.row("Interface", "Nom_Ecran").line)
    click(qtbot, form.row("Interface", "Profil").choices.buttons["administration"])
    click(qtbot, form.row("Affichage", "Noms_Masques_Par_Defaut").choices.buttons["OUI"])
    dialogs.script("pick_colour", "#263238")
    click(qtbot, form.row("Affichage", "Couleur_Fond").swatch)
    assert form.revert_button.isEnabled()
    click(qtbot, form.save_button)
    assert form.message.text().startswith("Réglages enregistrés dans ")
    config = load_config(ini)
    assert (config.interface.screen_name, config.interface.profile,
            config.display.hide_names_by_default, config.display.board_background) == (
        "Accueil urgences", "administration", True, "#263238")
    text = ini.read_text(encoding="utf-8")
    assert "Cle_de_2_16=gardée" in text
    assert "; Nom de cet écran, enregistré comme auteur des actions dans l'historique ;" in text
    assert text.count("\nNom_Ecran=") == 1


def test_a_value_refused_at_startup_is_refused_here_under_its_key(
    qtbot: Any, env: BoardEnv,
) -> None:
    ini = ini_of(env)
    before = ini.read_bytes()
    dialogs = FakeAdminDialogs()
    form = form_of(qtbot, env, dialogs)
    dialogs.script("edit_text", "0,0")
    touch(qtbot, form.row("Timer", "Periodicite_clignotement_en_secondes").line)
    click(qtbot, form.save_button)
    assert form.message.text() == (
        f"Configuration invalide dans {ini}, section [Timer], clé "
        "Periodicite_clignotement_en_secondes = « 0,0 » : attendu un nombre de secondes "
        "supérieur à 0")
    problem = form.problem_of("Timer", "Periodicite_clignotement_en_secondes")
    assert problem.isVisible()
    assert problem.text() == "Attendu : un nombre de secondes supérieur à 0."
    assert ini.read_bytes() == before
    click(qtbot, form.revert_button)
    assert form.row("Timer", "Periodicite_clignotement_en_secondes").line.text() == "1"
    assert form.message.text() == "Modifications abandonnées."


def test_the_password_is_stored_as_a_hash(qtbot: Any, env: BoardEnv) -> None:
    dialogs = FakeAdminDialogs()
    form = form_of(qtbot, env, dialogs)
    row = form.row("Administration", "Mot_de_passe_admin")
    dialogs.script("new_password", ("le nouveau secret", "le nouveau secret"))
    change = next(b for b in row.findChildren(type(form.save_button))
                  if b.objectName() == "PasswordChange")
    click(qtbot, change)
    assert row.secret_state.text() == "Mot de passe défini (empreinte scrypt)."
    click(qtbot, form.save_button)
    stored = load_config(ini_of(env)).administration.password_hash
    assert verify_secret("le nouveau secret", stored)
    assert "le nouveau secret" not in ini_of(env).read_text(encoding="utf-8")
    click(qtbot, row.remove_button)
    click(qtbot, form.save_button)
    assert load_config(ini_of(env)).administration.password_hash == ""


def test_the_raw_view_edits_the_whole_file(qtbot: Any, env: BoardEnv) -> None:
    form = form_of(qtbot, env, FakeAdminDialogs())
    click(qtbot, form.tabs.buttons[RAW])
    assert form.raw.toPlainText().startswith("; synoptux.ini : configuration de Synoptux\n")
    assert not form.raw_area.keyboard.isVisible()
    click(qtbot, form.raw_area.keyboard_button)
    assert form.raw_area.keyboard.isVisible()
    form.raw.setPlainText(form.raw.toPlainText().replace("Echelle=1.0", "Echelle=9"))
    click(qtbot, form.save_button)
    assert "clé Echelle = « 9 » : attendu un nombre de 0.5 à 4" in form.message.text()
    form.raw.setPlainText(form.raw.toPlainText().replace("Echelle=9", "Echelle=1.5"))
    click(qtbot, form.save_button)
    assert load_config(ini_of(env)).display.scale == 1.5
    form.raw.setPlainText("Echelle=1.5\n")  # no section: not an ini file
    click(qtbot, form.tabs.buttons["form"])
    assert form.pages.currentIndex() == 1  # stays on the raw text, saying why
    assert "un en-tête de section [Nom] avant la ligne 1" in form.message.text()


def test_the_text_keyboard_types_code_into_a_multiline_text(qtbot: Any, env: BoardEnv) -> None:
    editor = QPlainTextEdit()
    keyboard = TextAreaKeyboard(env.context().metrics, editor)
    qtbot.addWidget(editor)
    qtbot.addWidget(keyboard)
    keyboard.show()
    for char in "qlabel":
        click(qtbot, keyboard.keyboard.key(char))
    click(qtbot, keyboard.code_keys["{"])
    click(qtbot, keyboard.code_keys["↵"])
    click(qtbot, keyboard.code_keys["⇥"])
    for char in "color":
        click(qtbot, keyboard.keyboard.key(char))
    click(qtbot, keyboard.code_keys[":"])
    click(qtbot, keyboard.keyboard.space)
    click(qtbot, keyboard.code_keys["#"])
    for char in "fff0":
        click(qtbot, keyboard.keyboard.key(char))
    click(qtbot, keyboard.keyboard.backspace)
    click(qtbot, keyboard.code_keys[";"])
    click(qtbot, keyboard.keyboard.shift)
    click(qtbot, keyboard.keyboard.key("x"))
    assert editor.toPlainText() == "qlabel{\n    color: #fff;X"
