"""Touch dialogs: built, touched with qtbot and read back, offscreen, without sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QWidget,
)
from pytestqt.qtbot import QtBot

from synoptic.domain import BoxType
from synoptic.views import (
    BoxView,
    DestinationView,
    HistoryView,
    Reference,
    ResponsableView,
    TaskTypeView,
)
from ui.colours import RESPONSABLE_GREY, colour, text_on
from ui.dialogs import (
    ConfirmDialog,
    DestinationChoice,
    DestinationDialog,
    Dialogs,
    ErrorDialog,
    HistoryDialog,
    InfoDialog,
    ResponsableDialog,
    TextDialog,
    TimePickerDialog,
)
from ui.metrics import Metrics

NOW = datetime(2026, 11, 21, 14, 0, 0)
M1 = Metrics(scale=1.0)

DESTINATIONS = (
    DestinationView(1, "Domicile", BoxType.EXIT),
    DestinationView(2, "Hospitalisation cardiologie", BoxType.EXIT),
    DestinationView(3, "Transfert CHU", BoxType.EXIT),
)
RESPONSABLES = (
    ResponsableView("ro", "Dr Rolland", "#1a237e", True),  # dark blue: white text
    ResponsableView("ma", "Dr Martin", "#ffeb3b", True),  # yellow: black text
    ResponsableView("old", "Dr Ancien", "#00ff00", False),  # inactive
)


def fixed_clock() -> datetime:
    return NOW


def make_reference() -> Reference:
    box = BoxView("B1", "Box 1", "#dddddd", "#ffffff", 2, BoxType.CARE)
    rad = TaskTypeView("RAD", "Radiologie", "#eeeeee", "#ff0000", 60, "M", "", ())
    return Reference(
        boxes=(box,),
        states={},
        task_types={"RAD": rad},
        destinations=DESTINATIONS,
        responsables={r.code: r for r in RESPONSABLES},
    )


def history_row(pk: int, minute: int, action: str, **fields: str) -> HistoryView:
    values = {
        "box_code": "B1",
        "last_name": "SILOUVA",
        "first_name": "Philippe",
        "responsable": "",
        "task_code": "",
        "task_label": "",
        "state_label": "",
        "comment": "",
        "actor": "ecran-1",
    }
    values.update(fields)
    return HistoryView(
        pk=pk, date=NOW.replace(minute=minute), action=action, task_num=None, **values
    )


def shown(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def by_text(dialog: QWidget, text: str) -> QPushButton:
    matches = [b for b in dialog.findChildren(QPushButton) if b.text() == text]
    assert len(matches) == 1, (text, [b.text() for b in dialog.findChildren(QPushButton)])
    return matches[0]


# --- destination ---------------------------------------------------------------------------


def test_destination_touch_chooses_at_once_without_exit_time(qtbot: QtBot) -> None:
    dialog = shown(
        qtbot, DestinationDialog(M1, "Absence", DESTINATIONS, ask_exit_time=False, now=NOW)
    )
    assert dialog.windowTitle() == "Destination — Absence"
    assert [b.objectName() for b in dialog.buttons] == ["DestinationButton"] * 3
    assert dialog.findChild(QPushButton, "DialogOk") is None  # nothing to validate
    click(qtbot, by_text(dialog, "Transfert CHU"))
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
    assert dialog.result_value() == DestinationChoice("Transfert CHU", None)


def test_destination_with_exit_time_select_adjust_validate(qtbot: QtBot) -> None:
    dialog = shown(
        qtbot,
        DestinationDialog(
            M1,
            "Sortie",
            DESTINATIONS,
            ask_exit_time=True,
            now=NOW.replace(second=42),
            clock=fixed_clock,
        ),
    )
    ok = dialog.findChild(QPushButton, "DialogOk")
    assert ok.text() == "Valider" and not ok.isEnabled()
    target = by_text(dialog, "Domicile")
    click(qtbot, target)
    assert dialog.isVisible() and target.isChecked() and ok.isEnabled()
    click(qtbot, by_text(dialog, "Hospitalisation cardiologie"))
    assert not target.isChecked()  # one destination at a time
    click(qtbot, target)
    assert dialog.adjuster.time_label.text() == "14:00"
    click(qtbot, by_text(dialog, "+10 min"))
    click(qtbot, by_text(dialog, "-1 h"))
    assert dialog.adjuster.time_label.text() == "13:10"
    click(qtbot, ok)
    assert dialog.result_value() == DestinationChoice("Domicile", datetime(2026, 11, 21, 13, 10))


def test_destination_cancel_returns_none(qtbot: QtBot) -> None:
    dialog = shown(
        qtbot, DestinationDialog(M1, "Sortie", DESTINATIONS, ask_exit_time=True, now=NOW)
    )
    click(qtbot, by_text(dialog, "Domicile"))
    click(qtbot, dialog.findChild(QPushButton, "DialogCancel"))
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.result_value() is None


def test_destinations_show_at_once_without_scrolling(qtbot: QtBot) -> None:
    dialog = shown(
        qtbot, DestinationDialog(M1, "Sortie", DESTINATIONS, ask_exit_time=False, now=NOW)
    )
    assert not dialog.findChildren(QScrollArea)
    assert all(b.isVisible() for b in dialog.buttons)


def test_a_tall_dialog_opens_whole_inside_the_board(qtbot: QtBot) -> None:
    """Without a window manager (a wall's kiosk session) Qt centred the destination dialog
    on the size it had before its layout grew: it ran off the bottom of a 1080-pixel screen,
    its Valider and Annuler buttons out of reach."""
    from PySide6.QtCore import QPoint, QRect

    from synoptic.domain import BoxType

    board = QWidget()
    qtbot.addWidget(board)
    board.setGeometry(0, 0, 1920, 1080)
    board.show()
    qtbot.waitExposed(board)
    many = [DestinationView(n, f"Destination {n}", BoxType.EXIT) for n in range(1, 10)]
    dialog = DestinationDialog(M1, "Sorties", many, ask_exit_time=True, now=NOW, parent=board)
    dialog.show()
    qtbot.waitExposed(dialog)
    area = QRect(board.mapToGlobal(QPoint(0, 0)), board.size())
    assert dialog.height() > area.height() // 2  # a tall one
    assert area.contains(dialog.geometry()), (dialog.geometry(), area)
    cancel = dialog.findChild(QPushButton, "DialogCancel")
    assert area.contains(cancel.mapToGlobal(cancel.rect().bottomRight()))
    dialog.close()


def test_a_window_as_large_as_the_board_keeps_its_size_and_a_dialog_over_a_dialog_the_board(
    qtbot: QtBot,
) -> None:
    """The history, statistics and administration windows take the board's size: placing
    a dialog must not shrink them, nor squeeze a dialog opened from one into it."""
    from PySide6.QtCore import QPoint, QRect

    from ui.admin.window import AdminPage
    from ui.dialogs.base import available_rect

    board = QWidget()
    qtbot.addWidget(board)
    board.setGeometry(0, 0, 1920, 1080)
    board.show()
    qtbot.waitExposed(board)
    page = AdminPage(M1, "Historique", "HistoryWindow", board)
    page.show()
    qtbot.waitExposed(page)
    assert page.size() == board.size()
    small = ConfirmDialog(M1, "Question", "Vraiment ?", parent=page)
    assert available_rect(small.parentWidget()) == QRect(board.mapToGlobal(QPoint(0, 0)),
                                                         board.size())
    page.close()


def test_a_dialog_is_centred_and_kept_inside_its_area() -> None:
    from PySide6.QtCore import QRect, QSize

    from ui.dialogs.base import placed

    assert placed(QSize(400, 300), QRect(0, 0, 1000, 800)) == QRect(300, 250, 400, 300)
    assert placed(QSize(400, 900), QRect(10, 20, 1000, 800)) == QRect(310, 20, 400, 800)


# --- responsable ---------------------------------------------------------------------------


def test_responsable_touch_chooses(qtbot: QtBot) -> None:
    dialog = shown(qtbot, ResponsableDialog(M1, RESPONSABLES, current="ro"))
    click(qtbot, dialog.buttons["ma"])
    assert dialog.result_value() == (True, "ma")


def test_responsable_none_and_cancel(qtbot: QtBot) -> None:
    dialog = shown(qtbot, ResponsableDialog(M1, RESPONSABLES, current="ro"))
    click(qtbot, by_text(dialog, "Aucun responsable"))
    assert dialog.result_value() == (True, None)

    dialog = shown(qtbot, ResponsableDialog(M1, RESPONSABLES, current="ro"))
    click(qtbot, dialog.findChild(QPushButton, "DialogCancel"))
    assert dialog.result_value() == (False, None)


def test_responsable_buttons_in_their_colour_current_marked_inactive_hidden(
    qtbot: QtBot,
) -> None:
    dialog = shown(qtbot, ResponsableDialog(M1, RESPONSABLES, current="ro"))
    assert set(dialog.buttons) == {"ro", "ma"}  # the inactive doctor is not offered
    ro, ma = dialog.buttons["ro"], dialog.buttons["ma"]
    assert ro.objectName() == "ResponsableButton"
    assert ro.property("current") is True and ro.text() == "✓ Dr Rolland"
    assert ma.property("current") is False and ma.text() == "Dr Martin"
    assert "#1a237e" in ro.styleSheet() and "color: #ffffff" in ro.styleSheet()
    assert "#ffeb3b" in ma.styleSheet() and "color: #000000" in ma.styleSheet()
    assert dialog.none_button.property("current") is False

    dialog = shown(qtbot, ResponsableDialog(M1, RESPONSABLES, current="old"))
    assert "old" in dialog.buttons  # an inactive doctor still shows while current
    dialog = shown(qtbot, ResponsableDialog(M1, RESPONSABLES, current=None))
    assert dialog.none_button.property("current") is True


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#000000", "#ffffff"),
        ("#ffffff", "#000000"),
        ("#ffeb3b", "#000000"),
        ("#1a237e", "#ffffff"),
        ("#ff0000", "#000000"),
        ("#0000ff", "#ffffff"),
    ],
)
def test_readable_text_colour_by_luminance(background: str, text: str) -> None:
    assert text_on(colour(background, RESPONSABLE_GREY)) == text


def test_malformed_colour_falls_back() -> None:
    assert colour("pas une couleur", RESPONSABLE_GREY) == "#888888"
    assert colour("", RESPONSABLE_GREY) == "#888888"


# --- time picker ---------------------------------------------------------------------------


def picker(qtbot: QtBot, initial: datetime) -> TimePickerDialog:
    return shown(qtbot, TimePickerDialog(M1, "Heure de sortie", initial, clock=fixed_clock))


def test_pick_time_steps(qtbot: QtBot) -> None:
    dialog = picker(qtbot, datetime(2026, 11, 21, 10, 30, 15))
    assert dialog.value() == datetime(2026, 11, 21, 10, 30)  # to the minute, as shown
    steps = {"-1 h": -60, "-10 min": -10, "-1 min": -1, "+1 min": 1, "+10 min": 10, "+1 h": 60}
    for text, minutes in steps.items():
        before = dialog.value()
        click(qtbot, by_text(dialog, text))
        assert dialog.value() - before == timedelta(minutes=minutes), text
    assert dialog.adjuster.time_label.text() == "10:30"
    click(qtbot, by_text(dialog, "+1 jour"))
    assert dialog.value() == datetime(2026, 11, 22, 10, 30)
    assert dialog.adjuster.date_label.text() == "dimanche 22 novembre 2026 (demain)"
    click(qtbot, by_text(dialog, "-1 jour"))
    click(qtbot, by_text(dialog, "-1 jour"))
    assert dialog.adjuster.date_label.text() == "vendredi 20 novembre 2026 (hier)"
    click(qtbot, by_text(dialog, "Maintenant"))
    assert dialog.value() == NOW
    assert dialog.adjuster.date_label.text() == "samedi 21 novembre 2026 (aujourd'hui)"
    click(qtbot, dialog.findChild(QPushButton, "DialogOk"))
    assert dialog.result_value() == NOW


def test_pick_time_crosses_midnight_both_ways(qtbot: QtBot) -> None:
    dialog = picker(qtbot, datetime(2026, 12, 31, 23, 55))
    click(qtbot, by_text(dialog, "+10 min"))
    assert dialog.value() == datetime(2027, 1, 1, 0, 5)
    assert dialog.adjuster.time_label.text() == "00:05"
    assert dialog.adjuster.date_label.text().startswith("vendredi 1 janvier 2027")
    click(qtbot, by_text(dialog, "-10 min"))
    click(qtbot, by_text(dialog, "+1 min"))
    click(qtbot, by_text(dialog, "+1 min"))
    click(qtbot, by_text(dialog, "+1 min"))
    click(qtbot, by_text(dialog, "+1 min"))
    click(qtbot, by_text(dialog, "+1 min"))
    assert dialog.value() == datetime(2027, 1, 1, 0, 0)
    click(qtbot, by_text(dialog, "-1 min"))
    assert dialog.value() == datetime(2026, 12, 31, 23, 59)
    click(qtbot, by_text(dialog, "+1 h"))
    click(qtbot, dialog.findChild(QPushButton, "DialogOk"))
    assert dialog.result_value() == datetime(2027, 1, 1, 0, 59)


def test_pick_time_cancel(qtbot: QtBot) -> None:
    dialog = picker(qtbot, NOW)
    click(qtbot, by_text(dialog, "+1 h"))
    click(qtbot, dialog.findChild(QPushButton, "DialogCancel"))
    assert dialog.result_value() is None


# --- history -------------------------------------------------------------------------------


def test_history_every_row_in_order_in_french(qtbot: QtBot) -> None:
    rows = [
        history_row(5, 1, "PATIENT_IN", comment="Coup de couteau"),
        history_row(2, 2, "TASK_ADD", task_code="RAD"),
        history_row(
            9, 3, "TASK_STATE", task_code="RAD", task_label="Radio thorax", state_label="En cours"
        ),
        history_row(3, 4, "SET_OWNER", responsable="ro"),
        history_row(4, 5, "SET_PLACE", box_code="ZZ", comment="Domicile"),
        history_row(6, 6, "SET_EXIT_TIME"),
        history_row(7, 7, "SET_COMMENT"),
        history_row(8, 8, "SET_HIDDEN", comment="masqué"),
        history_row(10, 9, "SET_FOLDED"),
        history_row(11, 10, "TASK_DELETE", task_code="RAD"),
        history_row(12, 11, "PATIENT_OUT"),
        history_row(13, 12, "PATIENT_LIFEOUT"),
        history_row(14, 13, "FUTURE_ACTION"),
    ]
    dialog = shown(qtbot, HistoryDialog(M1, "Historique — SILOUVA", rows, make_reference()))
    table = dialog.table
    assert table.objectName() == "HistoryTable" and table.rowCount() == len(rows)
    assert [dialog.row_texts(r)[1] for r in range(table.rowCount())] == [
        "Entrée",
        "Tâche ajoutée",
        "État de tâche",
        "Changement de responsable",
        "Déplacement",
        "Heure de sortie",
        "Commentaire",
        "Nom masqué/affiché",
        "Plié/déplié",
        "Tâche supprimée",
        "Sortie",
        "Sortie forcée (durée maximale)",
        "FUTURE_ACTION",
    ]
    assert dialog.row_texts(0) == [
        "21/11 14:01",
        "Entrée",
        "Box 1",
        "",
        "",
        "Coup de couteau",
        "",
        "ecran-1",
    ]
    assert dialog.row_texts(1)[3] == "Radiologie"  # label from the reference
    assert dialog.row_texts(2)[3:5] == ["Radio thorax", "En cours"]  # label as recorded
    assert dialog.row_texts(3)[6] == "Dr Rolland"
    assert dialog.row_texts(4)[2] == "ZZ"  # a box since deleted: its code
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert QScroller.hasScroller(table.viewport())
    close = dialog.findChild(QPushButton, "DialogClose")
    assert close.text() == "Fermer"
    click(qtbot, close)
    assert not dialog.isVisible()


def test_history_without_rows(qtbot: QtBot) -> None:
    dialog = shown(qtbot, HistoryDialog(M1, "Historique", [], make_reference()))
    assert dialog.table.rowCount() == 0


# --- info, confirm, error, text ------------------------------------------------------------


def test_info_closes_on_a_touch_on_the_text(qtbot: QtBot) -> None:
    dialog = shown(qtbot, InfoDialog(M1, "Radiologie", "Voir médecin avant " * 5))
    assert dialog.text.wordWrap()
    qtbot.mouseClick(dialog.text, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_info_closes_on_a_touch_on_the_title_and_on_fermer(qtbot: QtBot) -> None:
    dialog = shown(qtbot, InfoDialog(M1, "Radiologie", "Note"))
    qtbot.mouseClick(dialog.title_label, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    dialog = shown(qtbot, InfoDialog(M1, "Radiologie", "Note"))
    with qtbot.waitSignal(dialog.finished):
        click(qtbot, by_text(dialog, "Fermer"))
    assert not dialog.isVisible()


def test_info_a_drag_is_not_a_tap(qtbot: QtBot) -> None:
    dialog = shown(qtbot, InfoDialog(M1, "Radiologie", "Note"))
    qtbot.mousePress(dialog.title_label, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    qtbot.mouseRelease(dialog.title_label, Qt.MouseButton.LeftButton, pos=QPoint(5, 200))
    assert dialog.isVisible()


@pytest.mark.parametrize(("answer", "expected"), [("Oui", True), ("Non", False)])
def test_confirm(qtbot: QtBot, answer: str, expected: bool) -> None:
    dialog = shown(qtbot, ConfirmDialog(M1, "Supprimer la tâche", "Supprimer Radiologie ?"))
    assert dialog.objectName() == "ConfirmDialog"
    click(qtbot, by_text(dialog, answer))
    assert dialog.result_value() is expected


def test_error_dialog(qtbot: QtBot) -> None:
    dialog = shown(qtbot, ErrorDialog(M1, "Le box est plein."))
    assert dialog.objectName() == "ErrorDialog"
    ok = dialog.findChild(QPushButton, "DialogOk")
    assert ok.text() == "OK"
    click(qtbot, ok)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_edit_text_max_length_validate_cancel(qtbot: QtBot) -> None:
    dialog = shown(qtbot, TextDialog(M1, "Commentaire", "Chute", 10))
    dialog.line_edit.clear()
    qtbot.keyClicks(dialog.line_edit, "Douleur thoracique")
    assert dialog.line_edit.text() == "Douleur th"
    click(qtbot, by_text(dialog, "OK"))
    assert dialog.result_value() == "Douleur th"

    dialog = shown(qtbot, TextDialog(M1, "Commentaire", "Chute", 10))
    qtbot.keyClick(dialog.line_edit, Qt.Key.Key_Return)  # Enter validates too
    assert dialog.result_value() == "Chute"
    dialog = shown(qtbot, TextDialog(M1, "Commentaire", "Chute", 10))
    click(qtbot, by_text(dialog, "Annuler"))
    assert dialog.result_value() is None


def test_edit_text_clear_button(qtbot: QtBot) -> None:
    dialog = shown(qtbot, TextDialog(M1, "Commentaire", "Chute", 45))
    click(qtbot, dialog.findChild(QPushButton, "DialogClear"))
    click(qtbot, dialog.findChild(QPushButton, "DialogOk"))
    assert dialog.result_value() == ""


# --- sizes ---------------------------------------------------------------------------------

FACTORIES: dict[str, Callable[[Metrics], QDialog]] = {
    "destination": lambda m: DestinationDialog(
        m, "Sortie", DESTINATIONS, ask_exit_time=False, now=NOW
    ),
    "destination+time": lambda m: DestinationDialog(
        m, "Sortie", DESTINATIONS, ask_exit_time=True, now=NOW
    ),
    "responsable": lambda m: ResponsableDialog(m, RESPONSABLES, "ro"),
    "confirm": lambda m: ConfirmDialog(m, "Question", "Sûr ?"),
    "error": lambda m: ErrorDialog(m, "Erreur grave"),
    "history": lambda m: HistoryDialog(
        m, "Historique", [history_row(1, 1, "PATIENT_IN")], make_reference()
    ),
    "info": lambda m: InfoDialog(m, "Info", "Texte"),
    "time": lambda m: TimePickerDialog(m, "Heure", NOW),
    "text": lambda m: TextDialog(m, "Texte", "abc", 45),
}


@pytest.mark.parametrize("scale", [1.0, 1.5])
@pytest.mark.parametrize("name", list(FACTORIES))
def test_every_button_is_a_touch_target(qtbot: QtBot, name: str, scale: float) -> None:
    metrics = Metrics(scale=scale)
    dialog = shown(qtbot, FACTORIES[name](metrics))
    assert dialog.objectName().endswith("Dialog")
    buttons = dialog.findChildren(QPushButton)
    assert buttons
    for button in buttons:
        assert button.objectName(), button.text()
        assert button.height() >= metrics.touch, (button.text(), button.size())
        assert button.width() >= metrics.touch, (button.text(), button.size())
        assert button.font().pointSize() >= metrics.font_pt, button.text()
    assert dialog.title_label.font().pointSize() == metrics.title_font_pt


# --- the facade, run modally as the board runs it ------------------------------------------


def answer_later(
    qtbot: QtBot,
    action: Callable[[QDialog], None],
    *,
    name: str | None = None,
    into: list[str] | None = None,
) -> list[str]:
    """Act on the modal dialog (the one named ``name``, if given) as soon as ``exec()``
    shows it (no sleeping); its name is appended to the list returned (``into``)."""
    seen: list[str] = [] if into is None else into

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or (name and dialog.objectName() != name):
            QTimer.singleShot(10, act)
            return
        seen.append(dialog.objectName())
        try:
            action(dialog)
        finally:
            if dialog.isVisible():  # the action failed: end exec() rather than hang
                dialog.reject()

    QTimer.singleShot(0, act)
    return seen


def test_facade_runs_dialogs_modally(qtbot: QtBot) -> None:
    dialogs = Dialogs(M1, clock=fixed_clock)

    seen = answer_later(qtbot, lambda d: click(qtbot, by_text(d, "Oui")))
    assert dialogs.confirm(None, "Sortie", "Sortir le patient ?") is True
    assert seen == ["ConfirmDialog"]

    def choose(d: QDialog) -> None:
        click(qtbot, by_text(d, "Transfert CHU"))
        click(qtbot, by_text(d, "-10 min"))
        click(qtbot, by_text(d, "Valider"))

    seen = answer_later(qtbot, choose)
    choice = dialogs.choose_destination(None, "Sortie", DESTINATIONS, ask_exit_time=True, now=NOW)
    assert choice == DestinationChoice("Transfert CHU", NOW - timedelta(minutes=10))

    answer_later(qtbot, lambda d: click(qtbot, by_text(d, "Annuler")))
    assert dialogs.choose_responsable(None, RESPONSABLES, None) == (False, None)

    answer_later(qtbot, lambda d: click(qtbot, by_text(d, "Maintenant")) or d.accept())
    assert dialogs.pick_time(None, "Heure", datetime(2026, 1, 1)) == NOW

    answer_later(
        qtbot,
        lambda d: qtbot.mouseClick(d.findChild(QWidget, "InfoText"), Qt.MouseButton.LeftButton),
    )
    dialogs.show_info(None, "Note", "Voir médecin avant")


def test_facade_frees_its_dialogs(qtbot: QtBot) -> None:
    board = QWidget()
    qtbot.addWidget(board)
    board.resize(1200, 800)
    board.show()
    dialogs = Dialogs(M1, clock=fixed_clock)

    seen = answer_later(qtbot, lambda d: click(qtbot, by_text(d, "OK")))
    dialogs.show_error(board, "Le box est plein.")
    answer_later(qtbot, lambda d: click(qtbot, by_text(d, "Fermer")))
    dialogs.show_history(board, "Historique", [history_row(1, 1, "PATIENT_IN")], make_reference())
    answer_later(qtbot, lambda d: click(qtbot, by_text(d, "OK")))
    assert dialogs.edit_text(board, "Commentaire", "Chute", 45) == "Chute"
    answer_later(qtbot, lambda d: click(qtbot, by_text(d, "Non")))
    assert dialogs.confirm(board, "Sortie", "Sortir ?") is False
    assert seen == ["ErrorDialog"]
    qtbot.waitUntil(lambda: not board.findChildren(QDialog))


# --- late tasks ----------------------------------------------------------------------------


def test_the_late_tasks_dialog_answers_the_patient_touched(qtbot: QtBot) -> None:
    from ui.dialogs.late import LateTasksDialog

    rows = [(7, "⚠ ECG +1 h 10 — BBB Bob · Box 2"), (3, "⚠ Radiographie +25 min — AAA · Box 1")]
    dialog = shown(qtbot, LateTasksDialog(M1, rows))
    assert [b.text() for b in dialog.buttons] == [text for _, text in rows]
    assert all(b.height() >= M1.touch for b in dialog.buttons)
    click(qtbot, by_text(dialog, rows[1][1]))
    assert dialog.result_value() == 3
    dialog = shown(qtbot, LateTasksDialog(M1, rows))
    click(qtbot, dialog.close_button)
    assert dialog.result_value() is None
    empty = shown(qtbot, LateTasksDialog(M1, []))
    assert "Aucune tâche en retard." in [w.text() for w in empty.findChildren(QLabel)]


def test_many_late_tasks_keep_fermer_on_a_1280x800_board(qtbot: QtBot) -> None:
    """Thirteen late tasks at 1280x800: the list asked for ten rows and pushed "Fermer"
    below the screen's edge; it now flicks, and "Fermer" stays in the board."""
    from PySide6.QtCore import QPoint, QRect

    from ui.dialogs.late import LateTasksDialog

    board = QWidget()
    qtbot.addWidget(board)
    board.setGeometry(0, 0, 1280, 800)
    board.show()
    qtbot.waitExposed(board)
    rows = [(n, f"⚠ Biologie +{n} min — Patient {n} · Box 1") for n in range(20)]
    dialog = LateTasksDialog(M1, rows, board)
    dialog.show()
    qtbot.waitExposed(dialog)
    area = QRect(board.mapToGlobal(QPoint(0, 0)), board.size())
    close = dialog.close_button
    assert area.contains(close.mapToGlobal(close.rect().bottomRight())), dialog.geometry()
    dialog.close()
