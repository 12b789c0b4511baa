"""The administration on the board itself: the "Menu", the screen's profile (what it shows,
not only what it refuses) and the protected actions signed by a personal PIN."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import func, select
from ui_admin_support import FakeAdminDialogs, admin_of
from ui_support import NOW, BoardEnv, card_of, glance_of

from synoptic.permissions import CHANGE_RESPONSABLE, DELETE_TASK, DISCHARGE, EXPORT_STATISTICS
from synoptic.services import NewTask
from synoptic.store import queries
from ui.admin.keypad import ALL_ACTIONS, Access
from ui.admin.menu import NOBODY_YET, AdminMenu
from ui.admin.unlock import UnlockDialog
from ui.board import BoardWindow
from ui.board_menu import ADMIN_ENTRY
from ui.protected import pin_title, require_permission


def add_person(env: BoardEnv, code: str, role: str, pin: str | None) -> None:
    admin_of(env).people.create_person({"code": code, "name": f"Nom {code}", "role_code": role},
                                       pin, now=env.clock.now)


def history(env: BoardEnv, pk: int) -> list[tuple[str, str]]:
    with env.store.read() as s:
        return [(h.action, h.actor) for h in queries.patient_history(s, env.store.models, pk)]


def when_modal(check: Callable[[Any], None]) -> list[Any]:
    """Runs ``check`` on the next modal window (a dialog's own event loop); returns the
    windows seen, so that the test knows it ran."""
    seen: list[Any] = []

    def run() -> None:
        widget = QApplication.activeModalWidget()
        seen.append(widget)
        check(widget)

    QTimer.singleShot(0, run)
    return seen


def sign(person: str | None, pin: str = "", offered: list[list[str]] | None = None
         ) -> Callable[[Any], None]:
    """What a finger does on the PIN pad: the person, the PIN, "Valider" (None: cancel)."""

    def do(dialog: Any) -> None:
        assert isinstance(dialog, UnlockDialog)
        if offered is not None:
            offered.append(list(dialog.person_buttons))
        if person is None:
            dialog.cancel_button.click()
            return
        dialog.person_buttons[person].click()
        for digit in pin:
            dialog.pad.digits[digit].click()
        dialog.pad.ok_button.click()
        if dialog.isVisible():  # refused: the message says why; give up
            offered_message.append(dialog.message.text())
            dialog.cancel_button.click()

    return do


offered_message: list[str] = []


# ---------------------------------------------------------------- the menu


def test_the_menu_offers_administration_and_takes_more_entries(qtbot: Any, env: BoardEnv) -> None:
    board = env.board(qtbot)
    assert [b.objectName() for b in board.top_bar.tools] == [
        "FilterButton", "NamesButton", "MenuButton"]  # a care screen: no layout tools up here
    ran: list[str] = []
    board.menu.add_entry("Statistiques…", lambda: ran.append("stats"))  # replaces the window
    qtbot.mouseClick(board.top_bar.menu_button, Qt.MouseButton.LeftButton)
    dialog = board.menu.dialog
    assert dialog is not None and dialog.isVisible()
    assert list(dialog.entries) == [ADMIN_ENTRY, "Historique…", "Statistiques…"]
    assert min(b.height() for b in dialog.entries.values()) >= board.ctx.metrics.touch
    qtbot.mouseClick(dialog.entries["Statistiques…"], Qt.MouseButton.LeftButton)
    assert ran == ["stats"] and not dialog.isVisible()


def test_administration_asks_who_first_then_offers_the_layout(
    qtbot: Any, env: BoardEnv,
) -> None:
    add_person(env, "CHEF", "administrateur", "2468")
    board = env.board(qtbot)
    fake = FakeAdminDialogs()
    board.tools.admin.dialogs = fake
    assert board.tools.admin.open() is None  # nobody identified (the fake says None)
    assert [name for name, _ in fake.calls] == ["unlock"]
    fake.script("unlock", Access("CHEF", None, ALL_ACTIONS))
    seen = when_modal(lambda menu: menu.entries["mode"].click())
    qtbot.mouseClick(board.top_bar.menu_button, Qt.MouseButton.LeftButton)
    assert board.menu.dialog is not None
    qtbot.mouseClick(board.menu.dialog.entries[ADMIN_ENTRY], Qt.MouseButton.LeftButton)
    assert isinstance(seen[0], AdminMenu) and "reference" in seen[0].entries
    assert board.placement.mode == "fenetre"


def test_a_fresh_install_reaches_the_layout_tools_without_a_password(
    qtbot: Any, env: BoardEnv,
) -> None:
    board = env.board(qtbot)
    texts: list[str] = []

    def look(menu: Any) -> None:
        assert isinstance(menu, AdminMenu)
        texts.extend(label.text() for label in menu.findChildren(type(menu.title_label))
                     if label.isVisible())
        assert list(menu.entries) == ["mode", "reorganize", "positions"]  # nothing else
        menu.close_button.click()

    seen = when_modal(look)
    board.tools.admin.open()
    assert seen and NOBODY_YET in texts
    assert "Configuration du service" not in texts  # a heading over nothing is not shown
    assert "Disposition du tableau" in texts
    assert "défini\u00a0: seule" in NOBODY_YET  # the colon never starts a line


def test_an_administration_screen_has_administration_at_hand(
    qtbot: Any, env: BoardEnv,
) -> None:
    env.configure(interface={"profile": "administration"})
    board = env.board(qtbot)
    assert board.top_bar.admin_button in board.top_bar.tools
    assert board.top_bar.admin_button.isVisible()
    seen = when_modal(lambda menu: menu.close_button.click())
    qtbot.mouseClick(board.top_bar.admin_button, Qt.MouseButton.LeftButton)
    assert isinstance(seen[0], AdminMenu)


# ---------------------------------------------------------------- a public screen


def database_state(env: BoardEnv) -> tuple[Any, ...]:
    m = env.store.models
    with env.store.read() as s:
        patients = tuple(s.execute(select(m.Patient.pk, m.Patient.box_code, m.Patient.revision,
                                          m.Patient.responsable, m.Patient.hidden)))
        tasks = tuple(s.execute(select(m.Task.num, m.Task.state_code)))
        return patients, tasks, s.scalar(select(func.count()).select_from(m.History))


def test_a_public_screen_offers_no_action_at_all(qtbot: Any, env: BoardEnv) -> None:
    env.configure(interface={"profile": "public"})
    one = env.admit("B1", "DUPONT", tasks=(NewTask("ECG"), NewTask("RX")))
    env.admit("ATT", "MARTIN", first="Paul")
    out = env.admit("B2", "LEROY")
    env.services.move(out, "SORT", now=NOW, destination="Retour domicile")
    board = env.board(qtbot)
    before = database_state(env)
    bar = board.top_bar
    assert bar.tools == ()
    assert bar.findChildren(QPushButton) == [bar.move_banner.cancel_button]  # hidden with it
    assert not bar.move_banner.isVisible()
    assert board.findChildren(QPushButton, "MenuButton") == []
    assert board.screen_masked  # names masked...
    glance = glance_of(board, one)
    assert "DUPONT" not in glance.painted_name()
    for pk in board.patients:  # ...touches on every card and every task chip
        card = glance_of(board, pk)
        for task in (0, *(t.num for t in board.patients[pk].tasks)):
            qtbot.mouseClick(card, Qt.MouseButton.LeftButton, pos=card.touch_point(task))
    for panel in board.panels.values():  # box titles, as a move's second touch would
        qtbot.mouseClick(panel.title, Qt.MouseButton.LeftButton)
        panel.patient_dropped.emit(one, panel.box.code)
    board.toggle_reveal(one)  # a touch on a masked name
    board.status.set_rejected(2)
    qtbot.mouseClick(board.status.rejected_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert board.open_card_panel.card is None and board.mover.moving is None
    assert "DUPONT" not in glance_of(board, one).painted_name()  # ...and never revealed
    assert env.dialogs.calls == [] and QApplication.activeModalWidget() is None
    assert QApplication.activePopupWidget() is None
    # Even called directly, no action writes from a public screen.
    view = board.patients[one]
    assert board.touch_actions.set_task_state(view, view.tasks[0], "2DE") is False
    assert board.touch_actions.set_hidden(view, True) is False
    assert require_permission(board.ctx, board, DISCHARGE) is None
    assert database_state(env) == before


# ---------------------------------------------------------------- protected actions


def admit_for(env: BoardEnv, action: str) -> int:
    pk = env.admit("B1", tasks=(NewTask("RX"),))
    if action == DISCHARGE:
        env.services.move(pk, "SORT", now=NOW, destination="Retour domicile")
    return pk


def touch_action(qtbot: Any, env: BoardEnv, board: BoardWindow, pk: int, action: str) -> None:
    card = card_of(board, pk)
    if action == DISCHARGE:
        qtbot.mouseClick(card.move_button, Qt.MouseButton.LeftButton)
    elif action == DELETE_TASK:
        qtbot.mouseClick(card.task_rows[0].delete_button, Qt.MouseButton.LeftButton)
    else:
        env.dialogs.script("choose_responsable", (True, "PETIT"))
        qtbot.mouseClick(card.responsable_button, Qt.MouseButton.LeftButton)


def done(env: BoardEnv, pk: int, action: str) -> bool:
    with env.store.read() as s:
        views = queries.load_patients(s, env.store.models, pks=[pk])
    if action == DISCHARGE:
        return not views
    if action == DELETE_TASK:
        return not views[0].tasks
    return views[0].responsable == "PETIT"


HISTORY_ACTION = {DISCHARGE: "PATIENT_OUT", DELETE_TASK: "TASK_DELETE",
                  CHANGE_RESPONSABLE: "SET_OWNER"}
PROTECTED = [DISCHARGE, DELETE_TASK, CHANGE_RESPONSABLE]


@pytest.mark.parametrize("action", PROTECTED)
def test_a_protected_action_asks_the_right_role_and_names_the_actor(
    qtbot: Any, env: BoardEnv, action: str,
) -> None:
    add_person(env, "DOC", "medecin", "1111")  # may do all three (default rights)
    add_person(env, "SEC", "secretariat", "2222")  # may do none of them
    add_person(env, "IDE", "infirmier", "3333")  # may discharge and delete a task only
    pk = admit_for(env, action)
    board = env.board(qtbot)
    offered: list[list[str]] = []
    titles: list[str] = []
    # Cancelled at the PIN pad: nothing happens.
    seen = when_modal(lambda d: (titles.append(d.title_label.text()),
                                 sign(None, offered=offered)(d)))
    touch_action(qtbot, env, board, pk, action)
    assert seen and not done(env, pk, action)
    assert titles == [pin_title(action)]
    expected = ["DOC", "IDE"] if action != CHANGE_RESPONSABLE else ["DOC"]
    assert sorted(offered[0]) == expected  # the secretariat's role is not even offered
    # A wrong PIN is refused.
    offered_message.clear()
    when_modal(sign("DOC", "9999"))
    touch_action(qtbot, env, board, pk, action)
    assert not done(env, pk, action)
    assert offered_message[0].startswith("Code PIN incorrect.")
    # The right PIN: done, and the history names the doctor.
    when_modal(sign("DOC", "1111"))
    touch_action(qtbot, env, board, pk, action)
    assert done(env, pk, action)
    rows = history(env, pk)
    assert (HISTORY_ACTION[action], "DOC") in rows
    assert [a for a, actor in rows if actor == "DOC"][-1] == HISTORY_ACTION[action]
    assert rows[0] == ("PATIENT_IN", "test")  # what came before keeps its actor


def test_a_role_whose_right_was_taken_away_is_refused(qtbot: Any, env: BoardEnv) -> None:
    add_person(env, "IDE", "infirmier", "3333")
    add_person(env, "CHEF", "administrateur", "4444")
    pk = admit_for(env, DELETE_TASK)
    board = env.board(qtbot)
    offered_message.clear()

    def revoke_then_sign(dialog: Any) -> None:
        # The nurse was offered; the administrator takes the right away meanwhile.
        admin_of(env).people.set_permissions("infirmier", set(), now=env.clock.now)
        sign("IDE", "3333")(dialog)

    when_modal(revoke_then_sign)
    touch_action(qtbot, env, board, pk, DELETE_TASK)
    assert not done(env, pk, DELETE_TASK)
    assert offered_message == [
        "Nom IDE (Infirmier) n'a pas le droit de supprimer une tâche."]
    m = env.store.models
    with env.store.read() as s:
        refused = s.scalars(select(m.History.actor).where(
            m.History.action == "UNLOCK_REFUSED")).all()
    assert refused == ["IDE"]


@pytest.mark.parametrize("action", PROTECTED)
def test_without_any_pin_the_action_stays_one_touch(
    qtbot: Any, env: BoardEnv, action: str,
) -> None:
    add_person(env, "DOC", "medecin", None)  # a person without a PIN configures nothing
    pk = admit_for(env, action)
    board = env.board(qtbot)
    touch_action(qtbot, env, board, pk, action)
    assert done(env, pk, action) and QApplication.activeModalWidget() is None
    assert (HISTORY_ACTION[action], "ecran-test") in history(env, pk)


def test_require_permission_for_the_statistics_export(qtbot: Any, env: BoardEnv) -> None:
    board = env.board(qtbot)
    assert require_permission(board.ctx, board, EXPORT_STATISTICS) == "ecran-test"
    add_person(env, "SEC", "secretariat", "2222")
    when_modal(sign("SEC", "2222"))
    assert require_permission(board.ctx, board, EXPORT_STATISTICS) == "SEC"
    when_modal(sign(None))
    assert require_permission(board.ctx, board, EXPORT_STATISTICS) is None


def test_the_statistics_export_asks_for_a_pin_once_roles_exist(
    qtbot: Any, env: BoardEnv, tmp_path: Any
) -> None:
    from ui.stats_window import StatisticsWindow

    board = env.board(qtbot)
    exports = tmp_path / "exports"
    exports.mkdir()
    window = StatisticsWindow(board.ctx, board, folder=exports)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.figures is not None, timeout=10000)
    add_person(env, "SEC", "secretariat", "2222")
    seen = when_modal(sign(None))  # the PIN pad comes; the finger cancels
    assert window.export_as("csv") is None and seen and list(exports.iterdir()) == []
    seen = when_modal(sign("SEC", "2222"))
    path = window.export_as("csv")
    assert seen and path is not None and path.exists()


def test_a_protected_action_signs_only_itself(qtbot: Any, env: BoardEnv) -> None:
    """The PIN signs one action: the next one asks again (nobody stays logged in)."""
    add_person(env, "DOC", "medecin", "1111")
    first = admit_for(env, DELETE_TASK)
    board = env.board(qtbot)
    when_modal(sign("DOC", "1111"))
    touch_action(qtbot, env, board, first, DELETE_TASK)
    assert done(env, first, DELETE_TASK)
    card = card_of(board, first)
    env.dialogs.script("edit_text", "Calme")
    qtbot.mouseClick(card.comment_button, Qt.MouseButton.LeftButton)  # not protected
    assert history(env, first)[-1] == ("SET_COMMENT", "ecran-test")
    assert QApplication.activeModalWidget() is None
    second = env.admit("B2", "MARTIN", tasks=(NewTask("BIO"),))
    board.refresh_patients([second])
    seen = when_modal(sign(None))
    touch_action(qtbot, env, board, second, DELETE_TASK)
    assert seen and not done(env, second, DELETE_TASK)
