"""Each touch interaction of the board, driven through its widgets (pytest-qt, offscreen)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QPoint, QRect, Qt
from sqlalchemy import select
from ui_support import NOW, BoardEnv, card_of, glance_of, layout_tool

from synoptic.services import NewTask
from synoptic.store import queries
from synoptic.views import PatientView
from ui.box import MODE_FRAME, MODE_WINDOW
from ui.dialogs import DestinationChoice
from ui.launch import Launcher


def history_actions(env: BoardEnv, pk: int) -> list[str]:
    with env.store.read() as s:
        return [h.action for h in queries.patient_history(s, env.store.models, pk)]


def patient(env: BoardEnv, pk: int) -> PatientView | None:
    with env.store.read() as s:
        found = queries.load_patients(s, env.store.models, pks=[pk])
    return found[0] if found else None


# ---------------------------------------------------------------- boxes and cards


def test_board_shows_boxes_with_occupancy_and_cards(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", "DUPONT", "Marie", tasks=(NewTask("RX"),))
    board = env.board(qtbot)
    assert set(board.panels) >= {"ATT", "B1", "ABS", "SORT"}
    assert board.panels["B1"].title.text().endswith("1/1")
    assert board.panels["ATT"].title.text().endswith("0/20")
    card = card_of(board, pk)
    assert card.name_button.fullText() == "DUPONT Marie"
    assert card.responsable_button.fullText() == "Dr Martin"
    assert card.comment_button.fullText() == "Douleur"
    assert card.entry_label.text() == "Entrée 13:30"
    assert card.duration_label.text() == "30 min"
    assert [row.label for row in card.task_rows] == ["Radiographie"]


def test_absence_and_exit_patients_are_folded(qtbot, env: BoardEnv) -> None:
    pk = env.admit("ATT", "ABSENT")
    env.services.move(pk, "ABS", now=NOW, destination="Scanner")
    board = env.board(qtbot)
    glance = glance_of(board, pk)
    assert glance.folded and not any(r.isValid() and r.width() for r in glance.chip_rects())
    assert glance.detail_text() == "→ Scanner 14:00"  # where the patient is, since when
    card = card_of(board, pk)
    assert card.patient.folded
    assert card.property("folded") is True
    assert card.details.isVisible()  # the opened card shows every action, folded or not
    assert card.fold_button.text() == "▸"


def test_tasks_are_sorted_by_planned_time_then_priority(qtbot, env: BoardEnv) -> None:
    pk = env.admit(
        tasks=(
            NewTask("BIO", priority=1),
            NewTask("ECG", priority=2, planned_start=NOW + timedelta(minutes=30)),
            NewTask("RX", priority=1, planned_start=NOW + timedelta(minutes=10)),
            NewTask("SCAN", priority=0),
        )
    )
    board = env.board(qtbot)
    labels = [row.label for row in card_of(board, pk).task_rows]
    assert labels == ["Radiographie", "ECG", "Scanner", "Biologie"]


# ---------------------------------------------------------------- task states


def test_state_button_changes_state_at_once(qtbot, env: BoardEnv) -> None:
    pk = env.admit(tasks=(NewTask("ECG"),))  # ECG: "B", three buttons
    board = env.board(qtbot)
    row = card_of(board, pk).task_rows[0]
    assert list(row.state_buttons) == ["2DE", "3EC", "4TE"]
    qtbot.mouseClick(row.state_buttons["3EC"], Qt.MouseButton.LeftButton)
    fresh = patient(env, pk)
    assert fresh is not None and fresh.tasks[0].state_code == "3EC"
    assert fresh.tasks[0].started_at == NOW
    row = card_of(board, pk).task_rows[0]  # the card was rebuilt with the fresh view
    assert row.state_buttons["3EC"].property("current") is True
    assert row.state_buttons["2DE"].property("current") is False
    assert "TASK_STATE" in history_actions(env, pk)


def test_state_menu_changes_state(qtbot, env: BoardEnv) -> None:
    pk = env.admit(tasks=(NewTask("BIO"),))  # BIO: "M", one menu button
    board = env.board(qtbot)
    row = card_of(board, pk).task_rows[0]
    assert row.menu_button is not None and not row.state_buttons
    assert row.menu_button.fullText() == "État ▾"  # no state yet: what a touch chooses
    qtbot.mouseClick(row.menu_button, Qt.MouseButton.LeftButton)
    assert row.menu is not None
    actions = {a.data(): a for a in row.menu.actions()}
    assert list(actions) == ["1PR", "2DE", "3EC", "4TE", "5AN"]
    actions["4TE"].trigger()
    fresh = patient(env, pk)
    assert fresh is not None and fresh.tasks[0].state_code == "4TE"
    assert fresh.tasks[0].ended_at == NOW
    new_row = card_of(board, pk).task_rows[0]
    assert new_row.menu_button is not None and new_row.menu_button.fullText() == "Terminé ▾"
    row.menu.close()


def test_state_not_allowed_shows_message_and_fresh_state(qtbot, env: BoardEnv) -> None:
    pk = env.admit(tasks=(NewTask("ECG"),))
    board = env.board(qtbot)
    row = card_of(board, pk).task_rows[0]
    with env.store.write() as s:  # the allowed states changed meanwhile
        for pair in s.scalars(
            select(env.store.models.TaskState).where(
                env.store.models.TaskState.task_code == "ECG",
                env.store.models.TaskState.state_code == "4TE",
            )
        ):
            s.delete(pair)
    qtbot.mouseClick(row.state_buttons["4TE"], Qt.MouseButton.LeftButton)
    (message,), _ = env.dialogs.called("show_error")[-1]
    assert "n'est pas permis" in message
    assert patient(env, pk).tasks[0].state_code is None  # nothing half-applied


def test_delete_task_asks_then_deletes(qtbot, env: BoardEnv) -> None:
    pk = env.admit(tasks=(NewTask("RX"), NewTask("BIO")))
    board = env.board(qtbot)
    env.dialogs.script("confirm", False)
    qtbot.mouseClick(card_of(board, pk).task_rows[0].delete_button, Qt.MouseButton.LeftButton)
    assert len(patient(env, pk).tasks) == 2
    (title, text), _ = env.dialogs.called("confirm")[-1]
    assert title == "Supprimer la tâche" and "Radiographie" in text
    qtbot.mouseClick(card_of(board, pk).task_rows[0].delete_button, Qt.MouseButton.LeftButton)
    assert [t.code for t in patient(env, pk).tasks] == ["BIO"]
    assert [r.label for r in card_of(board, pk).task_rows] == ["Biologie"]
    assert "TASK_DELETE" in history_actions(env, pk)


# ---------------------------------------------------------------- patient card


def test_fold_and_unfold(qtbot, env: BoardEnv) -> None:
    pk = env.admit(tasks=(NewTask("RX"),))
    board = env.board(qtbot)
    card = card_of(board, pk)
    assert card.tasks_box.isVisible()
    assert len(glance_of(board, pk).chip_rects()) == 1
    unfolded_height = glance_of(board, pk).height()
    qtbot.mouseClick(card.fold_button, Qt.MouseButton.LeftButton)
    card = card_of(board, pk)
    assert card.patient.folded and glance_of(board, pk).folded
    assert card.history_button.isVisible()  # still one touch away when folded
    assert card.fold_button.text() == "▸"
    qtbot.waitUntil(lambda: glance_of(board, pk).height() < unfolded_height, timeout=1000)
    qtbot.mouseClick(card.fold_button, Qt.MouseButton.LeftButton)
    assert not glance_of(board, pk).folded and card_of(board, pk).tasks_box.isVisible()


def test_touch_name_hides_nothing_by_accident(qtbot, env: BoardEnv) -> None:
    pk = env.admit(last="DUPONT", first="Marie")
    board = env.board(qtbot)
    qtbot.mouseClick(card_of(board, pk).name_button, Qt.MouseButton.LeftButton)
    assert not patient(env, pk).hidden
    qtbot.mouseClick(glance_of(board, pk), Qt.MouseButton.LeftButton)  # opens, masks nothing
    assert board.open_card_panel.pk == pk and not patient(env, pk).hidden


def test_masking_a_name_on_every_screen_is_confirmed(qtbot, env: BoardEnv) -> None:
    pk = env.admit(last="DUPONT", first="Marie")
    board = env.board(qtbot)
    card_of(board, pk)
    env.dialogs.script("confirm", False)
    qtbot.mouseClick(board.open_card_panel.mask_button, Qt.MouseButton.LeftButton)
    assert not patient(env, pk).hidden
    qtbot.mouseClick(board.open_card_panel.mask_button, Qt.MouseButton.LeftButton)
    assert env.dialogs.called("confirm")[-1][0][0] == "Masquer le nom"
    card = card_of(board, pk)
    assert patient(env, pk).hidden
    assert card.name_button.fullText() == "Patient DU. M."
    assert card.name_button.property("hiddenName") is True
    other = env.board(qtbot)
    assert card_of(other, pk).name_button.fullText() == "Patient DU. M."
    assert glance_of(other, pk).full_name() == "Patient DU. M."
    qtbot.mouseClick(board.open_card_panel.mask_button, Qt.MouseButton.LeftButton)
    assert card_of(board, pk).name_button.fullText() == "DUPONT Marie"


def test_public_screen_masks_names_locally(qtbot, env: BoardEnv) -> None:
    pk = env.admit(last="DUPONT", first="Marie")
    board = env.board(qtbot)
    qtbot.mouseClick(board.top_bar.names_button, Qt.MouseButton.LeftButton)
    assert card_of(board, pk).name_button.fullText() == "Patient DU. M."
    assert glance_of(board, pk).full_name() == "Patient DU. M."  # the same on the glance
    qtbot.mouseClick(card_of(board, pk).name_button, Qt.MouseButton.LeftButton)
    assert card_of(board, pk).name_button.fullText() == "DUPONT Marie"
    assert glance_of(board, pk).full_name() == "DUPONT Marie"
    assert not patient(env, pk).hidden  # only this screen


def test_change_responsable(qtbot, env: BoardEnv) -> None:
    pk = env.admit(responsable="MARTIN")
    board = env.board(qtbot)
    env.dialogs.script("choose_responsable", (True, "PETIT"))
    qtbot.mouseClick(card_of(board, pk).responsable_button, Qt.MouseButton.LeftButton)
    (choices, current), _ = env.dialogs.called("choose_responsable")[-1]
    assert current == "MARTIN" and "PETIT" in [r.code for r in choices]
    assert patient(env, pk).responsable == "PETIT"
    button = card_of(board, pk).responsable_button
    assert button.fullText() == "Dr Petit" and button.property("responsable") == "PETIT"


def test_history_shows_every_action_in_order(qtbot, env: BoardEnv) -> None:
    pk = env.admit(tasks=(NewTask("ECG"),))
    env.services.set_task_state(pk, 1, "2DE", now=NOW)
    board = env.board(qtbot)
    qtbot.mouseClick(card_of(board, pk).history_button, Qt.MouseButton.LeftButton)
    (title, rows), _ = env.dialogs.called("show_history")[-1]
    assert title == "Historique — DUPONT Marie"
    assert [r.action for r in rows] == ["PATIENT_IN", "TASK_ADD", "TASK_STATE"]


def test_exit_time_of_a_patient_in_sortie_can_be_corrected(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1")
    env.services.move(pk, "SORT", now=NOW, destination="Retour domicile")
    board = env.board(qtbot)
    card = card_of(board, pk)
    assert card.exit_button is not None and card.exit_button.text() == "Sortie 14:00"
    env.dialogs.script("pick_time", NOW - timedelta(minutes=20))
    qtbot.mouseClick(card.exit_button, Qt.MouseButton.LeftButton)
    assert patient(env, pk).moved_at == NOW - timedelta(minutes=20)
    assert card_of(board, pk).exit_button.text() == "Sortie 13:40"


# ---------------------------------------------------------------- moves


def test_move_with_two_touches(qtbot, env: BoardEnv) -> None:
    pk = env.admit("ATT")
    env.admit("B2", "OCCUPE")
    board = env.board(qtbot)
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    assert board.move_banner.isVisible()
    assert glance_of(board, pk).moving is True  # the opened card gave way to the boxes
    assert board.open_card_panel.card is None or not board.open_card_panel.isVisible()
    assert board.panels["B1"].property("target") == "possible"
    assert board.panels["B2"].property("target") == "refused"  # full
    assert board.panels["ATT"].property("target") == "source"
    qtbot.mouseClick(board.panels["B1"].title, Qt.MouseButton.LeftButton)
    assert patient(env, pk).box_code == "B1"
    assert pk in board.panels["B1"].cards and pk not in board.panels["ATT"].cards
    assert not board.move_banner.isVisible()
    assert board.panels["B1"].property("target") == "none"
    assert board.panels["B1"].title.text().endswith("1/1")


def test_the_second_touch_of_a_move_lands_anywhere_in_the_box(qtbot, env: BoardEnv) -> None:
    """A nurse touches the box, not its title bar: its free space, or a patient in it."""
    pk = env.admit("ATT")
    other = env.admit("ATT", "AUTRE")
    in_sortie = env.admit("SORT", "PARTI")
    board = env.board(qtbot)
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    content = board.panels["B1"].content
    free = QPoint(content.width() // 2, content.height() - 5)
    assert content.childAt(free) is None
    qtbot.mouseClick(content, Qt.MouseButton.LeftButton, pos=free)
    assert patient(env, pk).box_code == "B1"
    assert board.mover.moving is None
    # A flick in the free space scrolls; it moves nobody (press and release apart).
    qtbot.mouseClick(card_of(board, other).move_button, Qt.MouseButton.LeftButton)
    qtbot.mousePress(board.panels["B2"].content, Qt.MouseButton.LeftButton, pos=free)
    qtbot.mouseRelease(board.panels["B2"].content, Qt.MouseButton.LeftButton,
                       pos=free - QPoint(0, 120))
    assert patient(env, other).box_code == "ATT" and board.mover.moving is not None
    # A patient's card in the box: the box, not that patient's card.
    qtbot.mouseClick(glance_of(board, in_sortie), Qt.MouseButton.LeftButton)
    assert env.dialogs.called("choose_destination")  # into Sorties: where to
    assert board.open_card_panel.pk != in_sortie


def test_move_into_full_box_is_refused(qtbot, env: BoardEnv) -> None:
    pk = env.admit("ATT")
    env.admit("B2", "OCCUPE")
    board = env.board(qtbot)
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(board.panels["B2"].title, Qt.MouseButton.LeftButton)
    (message,), _ = env.dialogs.called("show_error")[-1]
    assert message == "Le box « Box 2 » est plein (1 place(s))."
    assert patient(env, pk).box_code == "ATT"
    assert board.mover.moving is not None  # another box can still be touched
    qtbot.mouseClick(board.move_banner.cancel_button, Qt.MouseButton.LeftButton)
    assert board.mover.moving is None and not board.move_banner.isVisible()


def test_move_to_sortie_with_destination_and_exit_time(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1")
    board = env.board(qtbot)
    exit_time = NOW - timedelta(minutes=15)
    env.dialogs.script("choose_destination", DestinationChoice("Retour domicile", exit_time))
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(board.panels["SORT"].title, Qt.MouseButton.LeftButton)
    (label, destinations), kwargs = env.dialogs.called("choose_destination")[-1]
    assert label == "Sorties" and kwargs["ask_exit_time"] is True and kwargs["now"] == NOW
    assert {d.label for d in destinations} >= {"Retour domicile", "Décès"}
    assert "Scanner" not in {d.label for d in destinations}  # an absence destination
    fresh = patient(env, pk)
    assert (fresh.box_code, fresh.destination, fresh.moved_at, fresh.folded) == (
        "SORT",
        "Retour domicile",
        exit_time,
        True,
    )
    card = card_of(board, pk)
    assert card.exit_button is not None and card.exit_button.text() == "Sortie 13:45"


def test_move_to_absence_asks_destination_without_time(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1")
    board = env.board(qtbot)
    env.dialogs.script("choose_destination", DestinationChoice("Scanner", None))
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(board.panels["ABS"].title, Qt.MouseButton.LeftButton)
    _args, kwargs = env.dialogs.called("choose_destination")[-1]
    assert kwargs["ask_exit_time"] is False
    assert patient(env, pk).box_code == "ABS"


def test_cancelled_destination_moves_nothing(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1")
    board = env.board(qtbot)
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(board.panels["SORT"].title, Qt.MouseButton.LeftButton)  # answer: None
    assert patient(env, pk).box_code == "B1"
    assert board.mover.moving is None


def test_definitive_exit_from_sortie_is_confirmed(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1")
    env.services.move(pk, "SORT", now=NOW, destination="Retour domicile")
    board = env.board(qtbot)
    env.dialogs.script("confirm", False)
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    assert patient(env, pk) is not None
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    (title, text), _ = env.dialogs.called("confirm")[-1]
    assert title == "Sortie définitive" and "DUPONT Marie" in text
    assert patient(env, pk) is None
    assert pk not in board.patients and pk not in board.panels["SORT"].cards
    assert history_actions(env, pk)[-1] == "PATIENT_OUT"


def test_definitive_exit_without_confirmation_when_configured(
    qtbot, env: BoardEnv, tmp_path
) -> None:
    pk = env.admit("B1")
    env.services.move(pk, "SORT", now=NOW, destination="Retour domicile")
    env.configure(interface={"confirm_definitive_exit": False})
    board = env.board(qtbot)
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    assert env.dialogs.called("confirm") == []
    assert patient(env, pk) is None


def test_drop_a_card_on_a_box(qtbot, env: BoardEnv) -> None:
    from PySide6.QtCore import QMimeData, QPointF
    from PySide6.QtGui import QDropEvent

    from ui.card import PATIENT_MIME

    pk = env.admit("ATT")
    board = env.board(qtbot)
    mime = QMimeData()
    mime.setData(PATIENT_MIME, str(pk).encode())
    panel = board.panels["B3"]
    event = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.dropEvent(event)
    assert patient(env, pk).box_code == "B3"
    assert pk in board.panels["B3"].cards


# ---------------------------------------------------------------- filter


def test_filter_by_responsable_with_counts(qtbot, env: BoardEnv) -> None:
    a = env.admit("ATT", "AAA", responsable="MARTIN")
    b = env.admit("ATT", "BBB", responsable="PETIT")
    c = env.admit("B1", "CCC", responsable="MARTIN")
    board = env.board(qtbot)
    qtbot.mouseClick(board.top_bar.filter_button, Qt.MouseButton.LeftButton)
    menu = board.filter.menu
    assert menu is not None
    texts = {a_.data(): a_.text().strip() for a_ in menu.actions()}
    assert texts[None] == "✔ Tous (3)"
    assert texts["MARTIN"] == "Dr Martin (2)" and texts["PETIT"] == "Dr Petit (1)"
    assert texts["BERNARD"] == "Dr Bernard (0)"
    next(x for x in menu.actions() if x.data() == "PETIT").trigger()
    menu.close()
    assert board.top_bar.filter_button.text() == "Responsable : Dr Petit ▾"
    att = board.panels["ATT"]
    assert not att.cards[a].isVisibleTo(att) and att.cards[b].isVisibleTo(att)
    assert not board.panels["B1"].cards[c].isVisibleTo(board.panels["B1"])
    # Capacity ignores the filter: B1 is still full, shown as such.
    assert board.panels["B1"].title.text().endswith("1/1")
    assert board.status.late_label.text() == "0 en retard (Dr Petit) sur 0"
    qtbot.mouseClick(card_of(board, b).move_button, Qt.MouseButton.LeftButton)
    assert board.panels["B1"].property("target") == "refused"
    board.cancel_move()
    board.tools.set_filter(None)
    assert att.cards[a].isVisibleTo(att)


def test_the_top_buttons_stay_where_they_are(qtbot, env: BoardEnv) -> None:
    """A nurse's trial: with a filter chosen or the names masked, "Menu" moved right and a
    finger going back to it touched "Masquer les noms"."""
    from PySide6.QtWidgets import QApplication

    env.admit("ATT", "AAA", responsable="MARTIN")
    board = env.board(qtbot, size=(1920, 1080))
    bar = board.top_bar

    def places() -> list[QRect]:
        QApplication.processEvents()
        return [b.geometry() for b in (bar.filter_button, bar.names_button, bar.menu_button)]

    before = places()
    board.tools.set_filter("IAO")  # the longest name: "IAO (infirmière d'accueil)"
    assert bar.filter_button.text() == "Responsable : IAO (infirmière d'accueil) ▾"
    qtbot.mouseClick(bar.names_button, Qt.MouseButton.LeftButton)
    assert bar.names_button.text() == "Afficher les noms"
    assert places() == before


# ---------------------------------------------------------------- window mode, positions


def test_window_mode_and_saved_positions_come_back(qtbot, env: BoardEnv) -> None:
    from synoptic.config import load_config

    board = env.board(qtbot)
    assert board.placement.mode == MODE_FRAME and not board.panels["B1"].grip.isVisible()
    layout_tool(qtbot, board, "mode")  # in the administration menu
    assert board.placement.mode == MODE_WINDOW and board.panels["B1"].property("mode") == "fenetre"
    assert board.panels["B1"].grip.isVisible()
    panel = board.panels["B1"]
    panel.setGeometry(700, 600, 333, 444)
    panel.geometry_edited.emit("B1")
    layout_tool(qtbot, board, "positions")
    reloaded = load_config(env.config.path, db_url_override=env.config.database.url)
    assert reloaded.positions["B1"] == (700, 600, 333, 444)
    assert set(reloaded.positions) == set(board.panels)
    env.config = reloaded
    again = env.board(qtbot)
    assert again.panels["B1"].rect_tuple() == (700, 600, 333, 444)
    assert again.panels["ATT"].rect_tuple() == board.panels["ATT"].rect_tuple()


def test_title_drag_moves_panel_in_window_mode(qtbot, env: BoardEnv) -> None:
    from PySide6.QtCore import QPoint

    board = env.board(qtbot)
    layout_tool(qtbot, board, "mode")  # window mode
    panel = board.panels["B2"]
    before = panel.pos()
    panel.title.draggable = True
    panel._drag_panel(QPoint(40, 30))
    panel.end_drag()
    assert panel.pos() == before + QPoint(40, 30)
    assert board.placement.manual_layout and board.placement.saved_positions["B2"][:2] == (
        before.x() + 40,
        before.y() + 30,
    )
    panel.resize_to(10, 10)  # never smaller than a touchable panel
    assert panel.width() >= board.ctx.metrics.touch * 4


# ---------------------------------------------------------------- annex program, public screen


def test_annex_button_only_when_enabled_and_allowed(qtbot, env: BoardEnv, tmp_path) -> None:
    drtux = tmp_path / "drtux"  # the allow-list compares real, executable files
    drtux.write_text("#!/bin/sh\n", encoding="utf-8")
    drtux.chmod(0o755)
    ok = env.services.admit(
        box_code="B1",
        last_name="AVEC",
        now=NOW,
        annex_program=str(drtux),
        annex_args=["Lucette", "7543d90c"],
    ).patient_pk
    bad = env.services.admit(
        box_code="B2", last_name="PIRATE", now=NOW, annex_program="/bin/sh", annex_args=["-c", "id"]
    ).patient_pk
    none = env.services.admit(box_code="B3", last_name="SANS", now=NOW).patient_pk
    env.configure(interface={"annex_button": False, "allowed_programs": (str(drtux),)})
    board = env.board(qtbot)
    assert card_of(board, ok).annex_button is None  # Bouton_Acces_DrTux=NON
    env.configure(interface={"annex_button": True, "allowed_programs": (str(drtux),)})
    started: list[tuple[str, list[str]]] = []
    ctx = env.context()
    ctx.launcher = Launcher(
        env.config.interface.allowed_programs,
        start=lambda path, args: started.append((path, args)) is None,
    )
    board = env.board(qtbot, ctx=ctx)
    assert card_of(board, bad).annex_button is None  # not on Programmes_Autorises
    assert card_of(board, none).annex_button is None
    button = card_of(board, ok).annex_button
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert started == [(str(drtux), ["Lucette", "7543d90c"])]  # an argument list, no shell


def test_names_hidden_by_default_on_a_public_screen(qtbot, env: BoardEnv) -> None:
    pk = env.admit(last="DUPONT", first="Marie")
    env.configure(display={"hide_names_by_default": True, "anonymous_label": ""})
    board = env.board(qtbot)
    assert card_of(board, pk).name_button.fullText() == "DU. M."
    assert glance_of(board, pk).painted_name() == "DU. M."
    assert board.top_bar.names_button.text() == "Afficher les noms"
    qtbot.mouseClick(board.top_bar.names_button, Qt.MouseButton.LeftButton)
    assert card_of(board, pk).name_button.fullText() == "DUPONT Marie"
    assert glance_of(board, pk).painted_name() == "DUPONT Marie"


def test_drop_during_the_drag_moves_once_the_drag_is_over(qtbot, env: BoardEnv) -> None:
    pk = env.admit("ATT")
    board = env.board(qtbot)
    with board.interaction():  # what MoveButton does around QDrag.exec()
        board.panels["B4"].patient_dropped.emit(pk, "B4")
        assert patient(env, pk).box_code == "ATT"
    assert patient(env, pk).box_code == "B4"
    assert pk in board.panels["B4"].cards
