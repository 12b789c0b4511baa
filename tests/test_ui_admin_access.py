"""Who may open the administration: the PIN pad and its lock, the administrator password,
persons and their PINs, the roles' rights, and the menu (what it shows, who it names)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from ui_admin_support import (
    FakeAdminDialogs,
    Ticker,
    admin_of,
    click,
    touch,
    without_flick,
)
from ui_support import BoardEnv

from synoptic.admin_password import write_admin_password
from synoptic.administration import AdminTools
from synoptic.permissions import EDIT_REFERENCE, MANAGE_ACCESS
from synoptic.reference_rules import Kind
from ui.admin.fields import ChoiceEditor, TextEditor
from ui.admin.keypad import ALL_ACTIONS, Access, NewPinDialog
from ui.admin.menu import AdminMenu, LayoutTools, admin_tools, open_admin
from ui.admin.permissions_editor import PermissionsEditor
from ui.admin.persons import PersonsEditor
from ui.admin.unlock import NewPasswordDialog, UnlockDialog


def history(env: BoardEnv) -> list[tuple[str, str, str]]:
    h = env.store.models.History
    with env.store.read() as session:
        return [(a or "", actor or "", comment or "") for a, actor, comment in session.execute(
            select(h.action, h.actor, h.comment).order_by(h.pk)) if (a or "").startswith("UNLOCK")]


def add_person(admin: AdminTools, env: BoardEnv, code: str, name: str, role: str,
               pin: str | None) -> None:
    admin.people.create_person({"code": code, "name": name, "role_code": role}, pin,
                               now=env.clock.now)


def unlock_dialog(qtbot: Any, env: BoardEnv, admin: AdminTools) -> UnlockDialog:
    dialog = UnlockDialog(env.context().metrics, admin, env.clock)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_pin(qtbot: Any, dialog: UnlockDialog, pin: str) -> None:
    for digit in pin:
        click(qtbot, dialog.pad.digits[digit])
    click(qtbot, dialog.pad.ok_button)


def test_five_wrong_pins_lock_the_pad_with_a_countdown(qtbot: Any, env: BoardEnv) -> None:
    ticker = Ticker()
    admin = admin_of(env, ticker=ticker)
    add_person(admin, env, "ADM", "Chef de service", "administrateur", "2468")
    add_person(admin, env, "IDE", "Infirmière", "infirmier", "1357")  # may not administrate
    add_person(admin, env, "DOC", "Docteur sans PIN", "administrateur", None)
    dialog = unlock_dialog(qtbot, env, admin)
    assert list(dialog.person_buttons) == ["ADM"]
    assert dialog.password_button is None  # no password in the ini
    click(qtbot, dialog.person_buttons["ADM"])
    for attempt in range(1, 5):
        type_pin(qtbot, dialog, "1111")
        assert dialog.message.text() == (f"Code PIN incorrect. Encore {5 - attempt} essai(s) "
                                         "avant le verrouillage du clavier.")
        assert dialog.pad.display.text() == "Code PIN"  # cleared, never the digits
    type_pin(qtbot, dialog, "1111")
    assert dialog.message.text() == ("Clavier verrouillé après 5 essais erronés : réessayez "
                                     "dans 60 s.")
    assert not dialog.pad.digits["2"].isEnabled() and dialog.countdown.isActive()
    ticker.now += 45
    dialog.countdown.timeout.emit()
    assert dialog.message.text().endswith("réessayez dans 15 s.")
    # the lock is the screen's, not the window's: a new window is locked too
    again = unlock_dialog(qtbot, env, admin)
    assert not again.pad.digits["2"].isEnabled()
    ticker.now += 15
    dialog.countdown.timeout.emit()
    assert dialog.message.text() == "Clavier déverrouillé : vous pouvez réessayer."
    assert not dialog.countdown.isActive()
    type_pin(qtbot, dialog, "2468")
    access = dialog.result_value()
    assert access is not None and access.actor == "ADM" and access.may(MANAGE_ACCESS)
    assert [(a, actor) for a, actor, _ in history(env)] == (
        [("UNLOCK_FAILED", "ecran-test")] * 5 + [("UNLOCK", "ADM")])
    assert history(env)[4][2].endswith("; clavier verrouillé")


def test_the_administrator_password_opens_everything_and_counts_on_the_lock(
    qtbot: Any, env: BoardEnv,
) -> None:
    assert env.config.path is not None
    write_admin_password(env.config.path, "mot de passe long")  # read when checked
    admin = admin_of(env)
    dialog = unlock_dialog(qtbot, env, admin)
    assert dialog.person_buttons == {}
    assert dialog.password_button is not None
    click(qtbot, dialog.password_button)
    for char in "faux":
        click(qtbot, dialog.password.keyboard.key(char))
    assert dialog.password.field.text() == "faux"  # no automatic capital in a password
    click(qtbot, dialog.password.keyboard.ok_button)  # type: ignore[arg-type]
    assert dialog.message.text() == ("Mot de passe incorrect. Encore 4 essai(s) avant le "
                                     "verrouillage du clavier.")
    assert dialog.password.field.text() == ""
    dialog.password.field.setText("mot de passe long")  # a physical keyboard
    dialog.password.field.returnPressed.emit()
    access = dialog.result_value()
    assert access == Access("ecran-test", None, ALL_ACTIONS)
    assert [(a, actor) for a, actor, _ in history(env)] == [
        ("UNLOCK_FAILED", "ecran-test"), ("UNLOCK", "ecran-test")]
    assert "mot de passe long" not in str(history(env))


def test_nobody_can_unlock_says_why(qtbot: Any, env: BoardEnv) -> None:
    dialog = unlock_dialog(qtbot, env, admin_of(env))
    assert dialog.message.text().startswith("Personne ne peut ouvrir cette fenêtre")
    assert "synoptux set-admin-password" in dialog.message.text()


def test_a_new_pin_is_typed_twice(qtbot: Any, env: BoardEnv) -> None:
    dialog = NewPinDialog(env.context().metrics, "Code PIN de Marie")
    qtbot.addWidget(dialog)
    dialog.show()

    def enter(pin: str) -> None:
        for digit in pin:
            click(qtbot, dialog.pad.digits[digit])
        click(qtbot, dialog.pad.ok_button)

    enter("12")
    assert dialog.message.text() == "Le code PIN doit compter de 4 à 8 chiffres."
    enter("1234")
    assert dialog.step.text() == "Confirmez le code PIN"
    enter("1243")
    assert dialog.message.text() == "Les deux codes ne correspondent pas : recommencez."
    enter("4321")
    enter("4321")
    assert dialog.result_value() == "4321"


def test_a_new_password_is_typed_twice_and_checked(qtbot: Any, env: BoardEnv) -> None:
    dialog = NewPasswordDialog(env.context().metrics)
    qtbot.addWidget(dialog)
    dialog.show()
    for first, second in (("court", "court"), ("assez long", "assez lonG")):
        dialog.entry.submitted.emit(first)
        dialog.entry.submitted.emit(second)
    assert dialog.message.text() == ("Les deux saisies du mot de passe ne correspondent pas. "
                                     "Recommencez.")
    dialog.entry.submitted.emit("assez long")
    dialog.entry.submitted.emit("assez long")
    assert dialog.result_value() == ("assez long", "assez long")


def test_persons_are_created_by_touch_and_their_pin_unlocks(qtbot: Any, env: BoardEnv) -> None:
    dialogs = FakeAdminDialogs()
    admin = admin_of(env, "ADM")
    editor = PersonsEditor(env.context().metrics, admin, dialogs, env.clock)
    qtbot.addWidget(editor)
    without_flick(editor)
    editor.resize(1280, 800)
    editor.show()
    assert not editor.pin_button.isEnabled()  # nobody yet
    click(qtbot, editor.new_button)
    for field, text in (("code", "MLEROY"), ("name", "Marie Leroy")):
        widget = editor.form.editors[field]
        assert isinstance(widget, TextEditor)
        dialogs.script("edit_text", text)
        touch(qtbot, widget.line)
    role = editor.form.editors["role_code"]
    assert isinstance(role, ChoiceEditor)
    assert [b.text() for b in role.choices.buttons.values()] == [
        "Administrateur", "Médecin", "Infirmier", "Secrétariat / lecture"]
    click(qtbot, role.choices.buttons["medecin"])
    click(qtbot, editor.save_button)
    assert editor.message.text() == "Ajouté : la personne « Marie Leroy »."
    shown = editor.button_of("MLEROY").text().replace("\n", " ")  # two lines when long
    assert shown == "Marie Leroy (MLEROY) — Médecin, sans PIN"
    dialogs.script("new_pin", "86420")
    click(qtbot, editor.pin_button)
    assert dialogs.asked("new_pin") == [("Code PIN de Marie Leroy",)]
    assert editor.message.text() == "Code PIN enregistré : la personne « Marie Leroy »."
    assert editor.button_of("MLEROY").text().endswith("PIN ✓")
    admin.people.set_permissions("medecin", {EDIT_REFERENCE}, now=env.clock.now)
    person = admin.unlock("MLEROY", "86420", EDIT_REFERENCE, now=env.clock.now)
    assert person.name == "Marie Leroy"
    dialogs.script("choose", "remove")
    click(qtbot, editor.pin_button)
    assert editor.button_of("MLEROY").text().endswith("sans PIN")
    assert admin.pins_set() == frozenset()


def test_the_rights_grid_saves_in_one_go(qtbot: Any, env: BoardEnv) -> None:
    admin = admin_of(env, "ADM")
    grid = PermissionsEditor(env.context().metrics, admin, env.clock)
    qtbot.addWidget(grid)
    grid.show()
    assert not grid.toggles[("administrateur", MANAGE_ACCESS)].isEnabled()
    assert grid.toggles[("administrateur", MANAGE_ACCESS)].isChecked()
    nurse_edit = grid.toggles[("infirmier", EDIT_REFERENCE)]
    assert not nurse_edit.isChecked() and nurse_edit.text() == "Non"
    click(qtbot, nurse_edit)
    click(qtbot, grid.toggles[("secretariat", "exporter_statistiques")])
    assert nurse_edit.text() == "Oui"
    click(qtbot, grid.save_button)
    assert grid.message.text() == "Droits enregistrés : Infirmier, Secrétariat / lecture."
    table = AdminTools.of(env.services, env.config).people.permissions()
    assert EDIT_REFERENCE in table["infirmier"]
    assert "exporter_statistiques" not in table["secretariat"]
    click(qtbot, grid.save_button)
    assert grid.message.text() == "Aucune modification à enregistrer."


def menu_of(qtbot: Any, env: BoardEnv, access: Access, layout: LayoutTools) -> AdminMenu:
    ctx = env.context()
    menu = AdminMenu(ctx, admin_tools(ctx).acting_as(access.actor), access, FakeAdminDialogs(),
                     layout)
    qtbot.addWidget(menu)
    menu.show()
    return menu


def test_the_menu_shows_only_what_the_person_may_do(qtbot: Any, env: BoardEnv) -> None:
    done: list[str] = []
    layout = LayoutTools(lambda: done.append("mode"), lambda: done.append("reorganize"),
                         lambda: done.append("positions"))
    everything = menu_of(qtbot, env, Access("ecran", None, ALL_ACTIONS), layout)
    assert list(everything.entries) == ["reference", "persons", "permissions", "settings",
                                        "css", "mode", "reorganize", "positions"]
    opened_by = everything.findChild(type(everything.title_label), "DialogPatient")
    assert opened_by is not None
    assert opened_by.text() == "Ouvert avec le mot de passe administrateur"
    admin = admin_of(env)
    add_person(admin, env, "CADRE", "Cadre de santé", "infirmier", "1234")
    person = admin.unlock("CADRE", "1234", "supprimer_tache", now=env.clock.now)
    editor = menu_of(qtbot, env, Access("CADRE", person, frozenset({EDIT_REFERENCE})), layout)
    assert list(editor.entries) == ["reference", "mode", "reorganize", "positions"]
    click(qtbot, editor.entries["reorganize"])
    assert done == ["reorganize"] and not editor.isVisible()


def test_open_admin_asks_who_first_and_a_public_screen_has_none(
    qtbot: Any, env: BoardEnv,
) -> None:
    dialogs = FakeAdminDialogs()
    calls: list[str] = []
    kwargs: dict[str, Any] = {"toggle_mode": lambda: calls.append("mode"),
                              "reorganize": lambda: None, "save_positions": lambda: None,
                              "dialogs": dialogs}
    ctx = env.context()
    assert open_admin(None, ctx, **kwargs) is None  # nobody identified: no menu
    assert [name for name, _ in dialogs.calls] == ["unlock"]
    tools = ctx.admin
    assert tools is not None
    granted = Access("ecran-test", None, ALL_ACTIONS)
    dialogs.script("unlock", granted)

    def press_mode() -> None:
        menu = QApplication.activeModalWidget()
        assert isinstance(menu, AdminMenu)
        assert menu.admin.actor == "ecran-test"
        menu.entries["mode"].click()

    QTimer.singleShot(0, press_mode)
    assert open_admin(None, ctx, **kwargs) == granted
    assert calls == ["mode"]
    assert ctx.admin is tools  # one keypad per screen, whoever opens the menu
    env.configure(interface={"profile": "public"})
    public = env.context()
    assert open_admin(None, public, **kwargs) is None
    assert dialogs.asked("show_error") == [(
        "Écran public (Profil=public) : pas d'administration sur cet écran.",)]
    assert [name for name, _ in dialogs.calls].count("unlock") == 2


@pytest.mark.parametrize("role", ["administrateur", "medecin"])
def test_changes_after_a_pin_are_in_the_persons_name(
    qtbot: Any, env: BoardEnv, role: str,
) -> None:
    admin = admin_of(env)
    add_person(admin, env, "P1", "Personne Un", role, "1234")
    if role != "administrateur":
        admin.people.set_permissions(role, {EDIT_REFERENCE}, now=env.clock.now)
    assert [p.code for p in admin.unlockers((MANAGE_ACCESS, EDIT_REFERENCE))] == ["P1"]
    person = admin.unlock("P1", "1234", EDIT_REFERENCE, now=env.clock.now)
    admin.acting_as(person.code).reference.rename(Kind.BOX, "B1", "Box un", now=env.clock.now)
    h = env.store.models.History
    with env.store.read() as session:
        actor = session.scalars(
            select(h.actor).where(h.action == "REF_CHANGE", h.box_code == "B1")).one()
    assert actor == "P1"
