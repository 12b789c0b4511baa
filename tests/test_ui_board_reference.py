"""The board reads the administration's data (schema 3): inactive records are not offered,
states and destinations follow their order, preset comments come from the database, and a
change made on one screen shows on another within a second."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt
from ui_admin_support import admin_of
from ui_support import NOW, BoardEnv, card_of, poll_once

from synoptic.reference_rules import Kind
from synoptic.services import NewTask
from ui.dialogs import DestinationChoice
from ui.moves import INACTIVE_BOX


def deactivate(env: BoardEnv, kind: Kind, key: str) -> None:
    assert admin_of(env, "CHEF").reference.set_active(kind, key, False, now=NOW)


def test_an_inactive_box_keeps_its_patients_in_sight_but_takes_nobody(
    qtbot: Any, env: BoardEnv,
) -> None:
    staying = env.admit("B2", "RESTE")
    moving = env.admit("B1", "ARRIVE")
    board = env.board(qtbot, live=True)
    deactivate(env, Kind.BOX, "B3")  # empty: it goes
    deactivate(env, Kind.BOX, "B2")  # a patient in it: it stays while he is there
    poll_once(qtbot, board)
    assert "B3" not in board.panels and "B2" in board.panels
    assert staying in board.panels["B2"].cards
    assert board.panels["B2"].isVisible() and board.panels["B2"].width() > 0
    board.begin_move(board.patients[moving])
    assert board.panels["B2"].property("target") == "refused"
    assert board.panels["B4"].property("target") == "possible"
    qtbot.mouseClick(board.panels["B2"].title, Qt.MouseButton.LeftButton)
    (message,), _ = env.dialogs.called("show_error")[-1]
    assert message == INACTIVE_BOX.format(label="Box 2")
    assert board.patients[moving].box_code == "B1" and board.mover.moving is not None
    board.cancel_move()
    env.services.move(staying, "B4", now=NOW)  # the last patient leaves: the box goes
    poll_once(qtbot, board)
    assert "B2" not in board.panels and staying in board.panels["B4"].cards


def test_inactive_states_and_responsables_are_not_offered(qtbot: Any, env: BoardEnv) -> None:
    pk = env.admit("B1", responsable="MARTIN", tasks=(NewTask("ECG"), NewTask("PERF")))
    env.services.set_task_state(pk, 2, "2DE", now=NOW)  # PERF already "Demandé"
    deactivate(env, Kind.STATE, "2DE")
    deactivate(env, Kind.RESPONSABLE, "PETIT")
    board = env.board(qtbot)
    rows = {row.task.code: row for row in card_of(board, pk).task_rows}
    assert list(rows["ECG"].state_buttons) == ["3EC", "4TE"]
    assert list(rows["PERF"].state_buttons) == ["2DE", "3EC", "4TE"]  # its own state stays
    qtbot.mouseClick(card_of(board, pk).responsable_button, Qt.MouseButton.LeftButton)
    (offered, _current), _ = env.dialogs.called("choose_responsable")[-1]
    assert "PETIT" not in [r.code for r in offered] and "MARTIN" in [r.code for r in offered]
    choices = board.filter.choices(board.patients.values(), board.reference)
    assert "PETIT" not in str(choices)


def test_states_and_destinations_follow_their_order(qtbot: Any, env: BoardEnv) -> None:
    admin = admin_of(env, "CHEF").reference
    admin.update(Kind.STATE, "4TE", {"order": 1}, now=NOW)
    admin.update(Kind.STATE, "3EC", {"order": 2}, now=NOW)
    deces = next(k for k, r in admin.records(Kind.DESTINATION).items() if r["label"] == "Décès")
    admin.update(Kind.DESTINATION, deces, {"order": 1}, now=NOW)
    pk = env.admit("B1", tasks=(NewTask("ECG"),))
    board = env.board(qtbot)
    assert list(board.reference.states)[:2] == ["4TE", "3EC"]
    assert list(card_of(board, pk).task_rows[0].state_buttons) == ["4TE", "3EC", "2DE"]
    env.dialogs.script("choose_destination", None)
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(board.panels["SORT"].title, Qt.MouseButton.LeftButton)
    (_label, offered), _ = env.dialogs.called("choose_destination")[-1]
    labels = [d.label for d in offered]
    assert labels[0] == "Décès" and labels[1:3] == ["Retour domicile",
                                                    "Hospitalisation médecine"]


def test_preset_comments_come_from_the_database_when_it_has_some(
    qtbot: Any, env: BoardEnv,
) -> None:
    pk = env.admit("B1")
    board = env.board(qtbot, live=True)
    qtbot.mouseClick(card_of(board, pk).comment_button, Qt.MouseButton.LeftButton)
    _args, options = env.dialogs.called("edit_text")[-1]
    assert options["presets"] == env.config.choices.preset_comments  # none in the database
    admin = admin_of(env, "CHEF").reference
    admin.create(Kind.PRESET_COMMENT, {"text": "Attend un brancardier", "order": 2}, now=NOW)
    admin.create(Kind.PRESET_COMMENT, {"text": "À jeun", "order": 1}, now=NOW)
    poll_once(qtbot, board)
    qtbot.mouseClick(card_of(board, pk).comment_button, Qt.MouseButton.LeftButton)
    _args, options = env.dialogs.called("edit_text")[-1]
    assert options["presets"] == ("À jeun", "Attend un brancardier")


def test_a_second_board_sees_each_reference_change_within_a_second(
    qtbot: Any, env: BoardEnv,
) -> None:
    pk = env.admit("B1", responsable="MARTIN", tasks=(NewTask("ECG"),))
    editing = env.board(qtbot, live=True)
    other = env.board(qtbot, live=True)
    admin = admin_of(env, "CHEF").reference
    changes = [
        (lambda: admin.rename(Kind.BOX, "B1", "Box un", now=NOW),
         lambda b: b.panels["B1"].box.label == "Box un"),
        (lambda: admin.set_active(Kind.BOX, "B6", False, now=NOW),
         lambda b: "B6" not in b.panels),
        (lambda: admin.update(Kind.STATE, "4TE", {"order": 0}, now=NOW),
         lambda b: b.reference.allowed_states("ECG")[0].code == "4TE"),
        (lambda: admin.set_active(Kind.RESPONSABLE, "PETIT", False, now=NOW),
         lambda b: not b.reference.responsables["PETIT"].active),
        (lambda: admin.create(Kind.PRESET_COMMENT, {"text": "Au calme"}, now=NOW),
         lambda b: b.reference.preset_comments == ("Au calme",)),
        (lambda: admin.rename(Kind.TASK_TYPE, "ECG", "Électrocardiogramme", now=NOW),
         lambda b: b.reference.task_types["ECG"].label == "Électrocardiogramme"),
    ]
    for change, seen in changes:
        started = time.monotonic()
        change()
        for board in (editing, other):
            qtbot.waitUntil(lambda b=board, s=seen: s(b), timeout=1500)  # polls every 500 ms
        assert time.monotonic() - started < 3  # generous: the machine is shared
    assert pk in other.panels["B1"].cards
    assert other.patients[pk].box_code == "B1"


def test_a_patient_can_still_leave_an_inactive_box(qtbot: Any, env: BoardEnv) -> None:
    pk = env.admit("B2", "RESTE")
    deactivate(env, Kind.BOX, "B2")
    board = env.board(qtbot)
    env.dialogs.script("choose_destination", DestinationChoice("Retour domicile", NOW))
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(board.panels["SORT"].title, Qt.MouseButton.LeftButton)
    assert board.patients[pk].box_code == "SORT"
    assert "B2" not in board.panels
