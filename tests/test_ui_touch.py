"""Touch without mistakes (issue 8): every destination at once in the department's order,
deaths confirmed, comments written on the on-screen keyboard or chosen among presets,
pressed buttons that show it, and no full name anywhere on a masked screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from test_ui_dialogs import answer_later, by_text, click, shown
from ui_support import NOW, BoardEnv, card_of, glance_of

from synoptic.domain import BoxType
from synoptic.services import NewTask
from synoptic.views import DestinationView
from ui.dialogs import ConfirmDialog, DestinationDialog, TextDialog
from ui.dialogs.style import PRESSED_BACKGROUND, dialog_rules
from ui.inbox import list_rejected
from ui.keyboard import ACCENTS, DIGITS, OnScreenKeyboard
from ui.metrics import Metrics
from ui.theme import base_rules

M1 = Metrics(scale=1.0)
LAST, FIRST = "DUPONT", "Marie"


def type_on(qtbot: QtBot, keyboard: OnScreenKeyboard, text: str) -> None:
    """Type ``text`` with the on-screen keys only (shift for capitals)."""
    for char in text:
        if char == " ":
            click(qtbot, keyboard.space)
            continue
        if char.isupper() != keyboard.shift.isChecked() and char.lower() != char.upper():
            click(qtbot, keyboard.shift)
        click(qtbot, keyboard.key(char))


# --- the on-screen keyboard ----------------------------------------------------------------


def test_keyboard_has_french_keys_all_finger_sized(qtbot: QtBot) -> None:
    dialog = shown(qtbot, TextDialog(M1, "Commentaire", "", 45))
    keyboard = dialog.keyboard
    for char in DIGITS + ACCENTS + "azertyuiopqsdfghjklmwxcvbn'":
        assert keyboard.key(char).isVisible(), char
    assert set(ACCENTS) == set("éèêàçùâîôëï")
    for button in keyboard.findChildren(QPushButton):
        assert button.width() >= M1.touch and button.height() >= M1.touch, button.text()
        assert button.focusPolicy() == Qt.FocusPolicy.NoFocus  # the field keeps its cursor
    assert keyboard.ok_button.text() == "OK" and keyboard.cancel_button.text() == "Annuler"


def test_typing_accents_digits_capitals_and_backspace_with_the_keys_only(qtbot: QtBot) -> None:
    dialog = shown(qtbot, TextDialog(M1, "Commentaire", "", 45))
    keyboard = dialog.keyboard
    assert keyboard.shift.isChecked()  # a capital to start the text
    click(qtbot, keyboard.key("à"))
    assert dialog.line_edit.text() == "À" and not keyboard.shift.isChecked()
    type_on(qtbot, keyboard, " jeun depuis 22h, pèse 74kg")
    type_on(qtbot, keyboard, "x")
    click(qtbot, keyboard.backspace)
    type_on(qtbot, keyboard, ". L'été où ça ôte ïë?")
    assert dialog.line_edit.text() == "À jeun depuis 22h, pèse 74kg. L'été où ça ôte ïë?"[:45]
    click(qtbot, keyboard.ok_button)
    assert dialog.result_value() == dialog.line_edit.text()


def test_keyboard_respects_the_maximum_length_and_cancel(qtbot: QtBot) -> None:
    dialog = shown(qtbot, TextDialog(M1, "Commentaire", "", 3))
    type_on(qtbot, dialog.keyboard, "Abcd")
    assert dialog.line_edit.text() == "Abc"
    click(qtbot, dialog.keyboard.cancel_button)
    assert dialog.result_value() is None


def test_a_preset_sets_the_text_which_stays_editable(qtbot: QtBot) -> None:
    presets = ("Attente avis spécialiste", "À jeun", "Attente imagerie")
    dialog = shown(qtbot, TextDialog(M1, "Commentaire", "", 45, presets=presets))
    assert dialog.presets == list(presets)
    for button in dialog.preset_grid.buttons:
        assert button.height() >= M1.touch and button.isVisible()
    click(qtbot, dialog.preset_button("Attente imagerie"))
    assert dialog.line_edit.text() == "Attente imagerie"
    assert not dialog.keyboard.shift.isChecked()  # completing the preset: no capital
    type_on(qtbot, dialog.keyboard, " scanner")
    click(qtbot, dialog.ok_button)
    assert dialog.result_value() == "Attente imagerie scanner"


def test_a_preset_is_added_to_the_comment_not_put_in_its_place(qtbot: QtBot) -> None:
    """A nurse's trial: "Attente imagerie" erased the reason the patient came."""
    presets = ("Attente imagerie", "À jeun")
    dialog = shown(qtbot, TextDialog(M1, "Commentaire", "Poignet douloureux", 45,
                                     presets=presets))
    assert not dialog.line_edit.hasSelectedText()  # a key typed adds, it erases nothing
    click(qtbot, dialog.preset_button("Attente imagerie"))
    assert dialog.line_edit.text() == "Poignet douloureux · Attente imagerie"
    click(qtbot, dialog.preset_button("Attente imagerie"))  # twice: said once
    assert dialog.line_edit.text() == "Poignet douloureux · Attente imagerie"
    type_on(qtbot, dialog.keyboard, " 2")
    click(qtbot, dialog.ok_button)
    assert dialog.result_value() == "Poignet douloureux · Attente imagerie 2"
    long = "x" * 40  # with the preset, over the column's 45 characters: nothing is lost
    dialog = shown(qtbot, TextDialog(M1, "Commentaire", long, 45, presets=presets))
    click(qtbot, dialog.preset_button("À jeun"))
    assert dialog.line_edit.text() == long
    # A preset said inside a longer part is not the preset: it is added.
    dialog = shown(qtbot, TextDialog(M1, "Commentaire", "Attente imagerie faite", 45,
                                     presets=presets))
    click(qtbot, dialog.preset_button("Attente imagerie"))
    assert dialog.line_edit.text() == "Attente imagerie faite · Attente imagerie"


def test_comment_typed_on_the_keyboard_is_saved_through_the_service(
    qtbot: QtBot, env: BoardEnv
) -> None:
    pk = env.admit("B1", LAST, FIRST)
    board = env.board(qtbot, ctx=env.context(dialogs=None))

    def type_and_save(dialog: QDialog) -> None:
        assert isinstance(dialog, TextDialog)
        click(qtbot, dialog.clear_button)
        type_on(qtbot, dialog.keyboard, "Chute, genou 2 côtés")
        click(qtbot, dialog.ok_button)

    seen = answer_later(qtbot, type_and_save)
    assert board.touch_actions.edit_comment(board.patients[pk])
    assert seen == ["TextDialog"]
    assert board.patients[pk].comment == "Chute, genou 2 côtés"
    with env.store.read() as s:
        assert s.get(env.store.models.Patient, pk).comment == "Chute, genou 2 côtés"


def test_comment_preset_from_the_ini_is_saved(qtbot: QtBot, env: BoardEnv) -> None:
    pk = env.admit("B1", LAST, FIRST)
    board = env.board(qtbot, ctx=env.context(dialogs=None))
    presets = env.config.choices.preset_comments
    assert "Attente brancardier" in presets

    def choose(dialog: QDialog) -> None:
        assert isinstance(dialog, TextDialog)
        assert dialog.presets == list(presets)
        click(qtbot, dialog.preset_button("Attente brancardier"))
        click(qtbot, dialog.ok_button)

    answer_later(qtbot, choose)
    assert board.touch_actions.edit_comment(board.patients[pk])
    assert board.patients[pk].comment == "Douleur · Attente brancardier"  # added to it


# --- destinations --------------------------------------------------------------------------

THIRTY = tuple(
    DestinationView(i + 1, label, BoxType.EXIT)
    for i, label in enumerate(
        ["Retour domicile", "Hospitalisation médecine", "Hospitalisation chirurgie", "UHCD"]
        + [f"Hospitalisation service n° {n}" for n in range(1, 26)]
        + ["Décès"]
    )
)


@pytest.mark.parametrize("ask_exit_time", [True, False])
@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_thirty_destinations_all_visible_at_once_without_scrolling(
    qtbot: QtBot, ask_exit_time: bool, size: tuple[int, int]
) -> None:
    board = shown(qtbot, QWidget())
    board.resize(*size)
    board.setStyleSheet(dialog_rules(M1))
    dialog = DestinationDialog(
        M1, "Sorties", THIRTY, ask_exit_time=ask_exit_time, now=NOW, parent=board
    )
    dialog.show()  # the board owns it (and deletes it)
    qtbot.waitExposed(dialog)
    assert not dialog.findChildren(QScrollArea)
    assert dialog.height() <= size[1] and dialog.width() <= size[0]
    inside = dialog.rect()
    for button in dialog.buttons:
        assert button.isVisible()
        assert button.height() >= M1.touch and button.width() >= M1.touch
        top_left = button.mapTo(dialog, QPoint(0, 0))
        assert inside.contains(top_left) and inside.contains(
            top_left + QPoint(button.width() - 1, button.height() - 1)
        ), button.text()
    # Reading order kept: the first destination top left, the next one on its right.
    first, second = dialog.buttons[0], dialog.buttons[1]
    assert first.y() == second.y() and first.x() < second.x()


def test_a_death_asks_to_confirm_before_it_is_chosen(qtbot: QtBot) -> None:
    answers = [False, True]
    asked: list[str] = []

    def confirm(label: str) -> bool:
        asked.append(label)
        return answers.pop(0)

    dialog = DestinationDialog(
        M1, "Sorties", THIRTY, ask_exit_time=False, now=NOW,
        confirm_labels=["Décès"], confirm=confirm,
    )  # fmt: skip
    shown(qtbot, dialog)
    death = by_text(dialog, "Décès")
    assert death.property("confirm") is True and not by_text(dialog, "UHCD").property("confirm")
    click(qtbot, death)
    assert dialog.isVisible() and dialog.result_value() is None  # "Non": still choosing
    click(qtbot, death)
    assert dialog.result_value() is not None and dialog.result_value().label == "Décès"
    assert asked == ["Décès", "Décès"]


def test_a_death_with_an_exit_time_is_confirmed_on_valider(qtbot: QtBot) -> None:
    dialog = DestinationDialog(
        M1, "Sorties", THIRTY, ask_exit_time=True, now=NOW, confirm_labels=["Décès"],
        patient="Patient D. M. n° 3",
    )  # fmt: skip
    shown(qtbot, dialog)
    click(qtbot, by_text(dialog, "Décès"))
    texts: list[str] = []

    def answer(confirm: QDialog) -> None:
        assert isinstance(confirm, ConfirmDialog)
        texts.append(confirm.findChild(QLabel, "DialogText").text())
        click(qtbot, by_text(confirm, "Oui, Décès"))

    seen = answer_later(qtbot, answer, name="ConfirmDialog")
    click(qtbot, dialog.ok_button)
    assert seen == ["ConfirmDialog"]
    assert texts == ["Confirmer la destination « Décès » pour Patient D. M. n° 3 ?"]
    assert dialog.result_value() is not None and dialog.result_value().label == "Décès"


def test_the_board_offers_destinations_in_the_departments_order(
    qtbot: QtBot, env: BoardEnv
) -> None:
    pk = env.admit("B1", LAST, FIRST)
    board = env.board(qtbot)
    board.begin_move(board.patients[pk])
    board.box_touched("SORT")
    (_box, offered), kwargs = env.dialogs.called("choose_destination")[-1]
    labels = [d.label for d in offered]
    assert labels[0] == "Retour domicile" and labels[-1] == "Décès"  # seeded order, death last
    assert labels != sorted(labels)
    assert kwargs["confirm_labels"] == ["Décès"]
    assert kwargs["patient"] == f"{LAST} {FIRST}"


def test_the_ini_order_comes_first(qtbot: QtBot, env: BoardEnv) -> None:
    env.configure(choices={"destination_order": ("UHCD", "Fugue")})
    pk = env.admit("B1", LAST, FIRST)
    board = env.board(qtbot)
    board.begin_move(board.patients[pk])
    board.box_touched("SORT")
    (_box, offered), _ = env.dialogs.called("choose_destination")[-1]
    assert [d.label for d in offered][:3] == ["UHCD", "Fugue", "Retour domicile"]


# --- pressed -------------------------------------------------------------------------------


def test_the_board_style_sheet_gives_dialog_buttons_a_pressed_look(
    qtbot: QtBot, env: BoardEnv
) -> None:
    assert "QDialog QPushButton:pressed" in base_rules(env.config, M1)
    assert "QDialog QPushButton#DialogOk:pressed" in base_rules(env.config, M1)
    board = env.board(qtbot)
    m = board.ctx.metrics
    confirm = ConfirmDialog(m, "Question", "Sûr ?", board)
    text = TextDialog(m, "Commentaire", "", 45, board, presets=("À jeun",))
    destination = DestinationDialog(
        m, "Sorties", THIRTY[-3:], ask_exit_time=False, now=NOW, parent=board,
        confirm_labels=["Décès"],
    )  # fmt: skip
    buttons = [confirm.yes_button, confirm.no_button, text.keyboard.key("é")]
    buttons += [text.keyboard.shift, text.preset_button("À jeun"), text.ok_button]
    buttons += destination.buttons  # "Décès" included: its own look, the same pressed one
    for dialog in (confirm, text, destination):
        dialog.show()
        qtbot.waitExposed(dialog)
    for button in buttons:
        spot = QPoint(button.width() // 2, button.height() // 5)  # above the text
        before = QColor(button.grab().toImage().pixel(spot))
        qtbot.mousePress(button, Qt.MouseButton.LeftButton)
        assert button.isDown()
        during = QColor(button.grab().toImage().pixel(spot))
        # Released off the button: no click, the dialogs stay as they are.
        qtbot.mouseRelease(button, Qt.MouseButton.LeftButton, pos=QPoint(-20, -20))
        assert not button.isDown()
        assert before != during, button.text()
        assert during == QColor(PRESSED_BACKGROUND), (button.text(), during.name())


# --- a masked screen never shows a full name -----------------------------------------------


def all_texts(root: QWidget) -> list[tuple[str, str]]:
    """Every text of ``root`` and its children (its dialogs too): labels, buttons, fields,
    cells, tooltips, window titles."""
    out: list[tuple[str, str]] = []
    for widget in (root, *root.findChildren(QWidget)):
        where = f"{type(widget).__name__}#{widget.objectName()}"
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            out.append((where, widget.text()))
        if isinstance(widget, QTableWidget):
            for r in range(widget.rowCount()):
                for c in range(widget.columnCount()):
                    item = widget.item(r, c)
                    if item is not None:
                        out.append((f"{where} cell", item.text()))
        if widget.toolTip():
            out.append((f"{where} tooltip", widget.toolTip()))
        if widget.isWindow():
            out.append((f"{where} title", widget.windowTitle()))
    return out


def test_no_dialog_of_a_masked_screen_shows_the_full_name(qtbot: QtBot, env: BoardEnv) -> None:
    admitted = env.services.admit(
        box_code="B1",
        last_name="DUPONT-LEGRAND",
        first_name="Marie-Hélène",
        responsable="MARTIN",
        comment="Chute",
        now=NOW,
        tasks=[NewTask("RX", note="Face et profil")],
    )
    pk, rx = admitted.patient_pk, admitted.task_nums[0]
    env.services.admit(box_code="B2", last_name="DURAND", first_name="Michel", now=NOW)
    board = env.board(qtbot, ctx=env.context(dialogs=None))
    if not board.screen_masked:
        board.top_bar.names_button.click()
    view = board.patients[pk]
    task = next(t for t in view.tasks if t.num == rx)
    # One masked name everywhere (synoptic.display): the glance's initials; dialogs add the box.
    assert glance_of(board, pk).full_name() == "Patient DU. M."
    assert card_of(board, pk).name_button.fullText() == "Patient DU. M."

    def masked(code: str) -> str:
        box = board.reference.box(code)
        assert box is not None
        return f"Patient DU. M. ({box.label})"

    assert board.display_name(board.patients[pk]) != board.display_name(
        next(v for v in board.patients.values() if v.pk != pk)
    )  # DURAND Michel, also "DU. M.", is told apart by his box
    seen: list[list[tuple[str, str]]] = []
    opened: list[str] = []

    def look(close: Callable[[QDialog], None] = lambda d: d.reject()) -> None:
        def action(dialog: QDialog) -> None:
            seen.append(all_texts(board))
            close(dialog)

        answer_later(qtbot, action, into=opened)

    look()
    board.touch_actions.show_history(view)
    look()
    board.touch_actions.show_task_info(view, task)
    look()
    board.touch_actions.choose_responsable(view)
    look()
    board.touch_actions.edit_comment(view)
    look()
    board.touch_actions.delete_task(view, task)
    look()
    board.begin_move(view)  # the move banner
    seen.append(all_texts(board))
    look()
    board.box_touched("ABS")  # the destinations of an absence
    board.begin_move(board.patients[pk])

    def exit_to_sortie(dialog: QDialog) -> None:
        seen.append(all_texts(board))
        click(qtbot, by_text(dialog, "Retour domicile"))
        click(qtbot, by_text(dialog, "Valider"))

    answer_later(qtbot, exit_to_sortie, into=opened)
    board.box_touched("SORT")
    view = board.patients[pk]
    assert view.box_code == "SORT"
    look()
    board.touch_actions.change_exit_time(view)
    look()
    board.touch_actions.discharge(view)  # the definitive exit's confirmation
    env.services.set_comment(pk, "Autre écran", now=NOW)  # the view is now stale
    look(lambda d: d.accept())
    board.touch_actions.set_folded(view, not view.folded)  # "Le patient ... modifié ..."

    assert opened == [
        "HistoryDialog",
        "InfoDialog",
        "ResponsableDialog",
        "TextDialog",
        "ConfirmDialog",
        "DestinationDialog",
        "DestinationDialog",
        "TimePickerDialog",
        "ConfirmDialog",
        "ErrorDialog",
    ]
    leaks = [
        (where, text)
        for texts in seen
        for where, text in texts
        if any(n in text for n in ("DUPONT", "LEGRAND", "Marie", "Hélène", "DURAND", "Michel"))
    ]
    assert leaks == []
    shown_texts = "\n".join(text for texts in seen for _w, text in texts)
    assert f"Historique — {masked('B1')}" in shown_texts
    assert f"Déplacer {masked('B1')}" in shown_texts
    assert f"Sortie définitive de {masked('SORT')}" in shown_texts
    assert f"Le patient {masked('SORT')}" in shown_texts  # the conflict, named as the board does


def test_a_masked_screen_lists_rejected_files_without_their_names(
    qtbot: QtBot, env: BoardEnv, tmp_path: Path
) -> None:
    """A rejected file's name and reason may carry a patient's name: a masked screen says
    how many and where, and shows them only once names are shown on this screen."""
    rejected = tmp_path / "inbox" / "rejected"
    rejected.mkdir(parents=True)
    (rejected / "DUPONT_Marie.txt").write_text("[Entree]\n", encoding="utf-8")
    (rejected / "DUPONT_Marie.error.txt").write_text(
        "Motif : Nom_Patient « DUPONT » sans section [Entree] valide\n", encoding="utf-8"
    )
    board = env.board(qtbot)
    board.inbox.inbox_dir = tmp_path / "inbox"
    board.inbox.rejected = list_rejected(rejected)
    if not board.screen_masked:
        qtbot.mouseClick(board.top_bar.names_button, Qt.MouseButton.LeftButton)
    board.show_rejected()
    args, _ = env.dialogs.called("show_info")[-1]
    title, masked_text = args[0], args[1]
    assert title == "Fichiers d'entrée refusés"
    assert "DUPONT" not in masked_text and "1 fichier(s) d'entrée refusé(s)" in masked_text
    qtbot.mouseClick(board.top_bar.names_button, Qt.MouseButton.LeftButton)  # names shown
    board.show_rejected()
    args, _ = env.dialogs.called("show_info")[-1]
    shown_text = args[1]
    assert "DUPONT_Marie.txt" in shown_text
