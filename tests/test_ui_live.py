"""The board alive: the change feed, two screens on one database, outages, blinking, purges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import create_engine, text
from ui_support import NOW, BoardEnv, card_of, glance_of, poll_once

from synoptic.services import NewTask

HOST_INSERT = (
    "INSERT INTO synopt_encours (EC_CodeBox,EC_NomPatient,EC_PrenomPatient,EC_Medecin,"
    "EC_GUIDPatient,EC_Replier,EC_Commentaire,EC_HeureEntree,EC_ProgAnnexe,EC_ArgsAnnexe) "
    "VALUES ('ATT','HOTE','Henri','MARTIN','guid-hote',0,'Entrée par SQL',"
    "'2026-11-21 13:55:00','','')"
)


def test_changes_are_polled_twice_a_second(qtbot, env: BoardEnv) -> None:
    """A change shows within a second: a poll starts every 500 ms, and each poll brings
    what was committed before it started (the tests below drive the polls one by one)."""
    board = env.board(qtbot, live=True)
    assert board.live.timer.isActive() and board.live.timer.interval() == 500
    polls = board.live.polls
    qtbot.waitUntil(lambda: board.live.polls > polls + 1, timeout=5000)


def test_host_sql_insert_shows_at_the_next_poll_rebuilding_only_that_card(
    qtbot, env: BoardEnv, sqlite_url: str
) -> None:
    first = env.admit("ATT", "PREMIER")
    for i in range(30):  # enough to scroll the waiting room
        env.admit("ATT", f"ATTENTE{i}", tasks=(NewTask("RX"), NewTask("BIO")), minutes_ago=20 + i)
    board = env.board(qtbot, live=True)
    kept = glance_of(board, first)
    scroll = board.panels["ATT"].scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0, timeout=1000)  # cards placed next turn
    scroll.setValue(scroll.maximum() // 2)  # a finger scrolled the list down
    position = scroll.value()
    assert position > 0
    host = create_engine(sqlite_url)  # another program, straight SQL
    with host.begin() as conn:
        conn.execute(text(HOST_INSERT))
        pk = conn.execute(
            text("SELECT EC_PK FROM synopt_encours WHERE EC_GUIDPatient='guid-hote'")
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO synopt_encours_taches (EN_PK_encours,EN_Code_tache,EN_Comment,"
                "EN_HeureDebPrevue,EN_HeureFinPrevue,EN_Priorite) "
                f"VALUES ({pk},'RX','poignet','2026-11-21 14:30:00','1000-01-01 01:01:00',1)"
            )
        )
    host.dispose()
    poll_once(qtbot, board)
    assert pk in board.panels["ATT"].cards
    card = card_of(board, pk)
    assert len(card.task_rows) == 1
    assert card.name_button.fullText() == "HOTE Henri"
    assert card.task_rows[0].label == "Radiographie"
    assert glance_of(board, first) is kept  # the other card was not rebuilt
    assert scroll.value() == position  # the list stayed where the finger left it
    assert board.panels["ATT"].title.text().endswith("32/20")


def test_host_sql_delete_removes_the_card(qtbot, env: BoardEnv, sqlite_url: str) -> None:
    pk = env.admit("B1", "PARTANT")
    board = env.board(qtbot, live=True)
    host = create_engine(sqlite_url)
    with host.begin() as conn:
        conn.execute(text(f"DELETE FROM synopt_encours WHERE EC_PK={pk}"))
    host.dispose()
    poll_once(qtbot, board)
    assert pk not in board.panels["B1"].cards
    assert board.panels["B1"].title.text().endswith("0/1")


def test_change_from_another_screen_shows(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", tasks=(NewTask("ECG"),))
    board = env.board(qtbot, live=True)
    env.services.set_task_state(pk, 1, "3EC", now=NOW)  # another screen
    poll_once(qtbot, board)
    assert card_of(board, pk).task_rows[0].state_buttons["3EC"].property("current")


def test_conflict_between_two_boards_on_one_database(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", tasks=(NewTask("ECG"),))
    screen_a = env.board(qtbot, ctx=env.context("ecran-A"))
    screen_b = env.board(qtbot, ctx=env.context("ecran-B"))  # not listening: a stale view
    qtbot.mouseClick(
        card_of(screen_a, pk).task_rows[0].state_buttons["2DE"], Qt.MouseButton.LeftButton
    )
    qtbot.mouseClick(
        card_of(screen_b, pk).task_rows[0].state_buttons["4TE"], Qt.MouseButton.LeftButton
    )
    (message,), _ = env.dialogs.called("show_error")[-1]
    assert "modifié(e) depuis un autre écran" in message
    with env.store.read() as s:
        from synoptic.store import queries

        task = queries.load_patients(s, env.store.models, pks=[pk])[0].tasks[0]
    assert task.state_code == "2DE" and task.actor == "ecran-A"  # B's touch wrote nothing
    # Screen B now shows the fresh state.
    row = card_of(screen_b, pk).task_rows[0]
    assert row.state_buttons["2DE"].property("current") is True
    # A second touch on B, from the fresh view, is accepted.
    qtbot.mouseClick(row.state_buttons["4TE"], Qt.MouseButton.LeftButton)
    assert card_of(screen_b, pk).task_rows[0].state_buttons["4TE"].property("current")


def test_move_conflict_refreshes_the_card(qtbot, env: BoardEnv) -> None:
    pk = env.admit("ATT")
    board = env.board(qtbot)
    env.services.move(pk, "B2", now=NOW)  # another screen moved the patient
    qtbot.mouseClick(card_of(board, pk).move_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(board.panels["B1"].title, Qt.MouseButton.LeftButton)
    (message,), _ = env.dialogs.called("show_error")[-1]
    assert "depuis un autre écran" in message
    assert pk in board.panels["B2"].cards and pk not in board.panels["ATT"].cards


# ---------------------------------------------------------------- blinking


def test_late_task_blinks_with_injected_clock(qtbot, env: BoardEnv) -> None:
    pk = env.admit(
        "B1", tasks=(NewTask("RX", planned_start=NOW + timedelta(minutes=10)), NewTask("BIO"))
    )
    board = env.board(qtbot)
    glance = glance_of(board, pk)
    assert glance.late_count == 0 and board.blinker.count() == 0
    assert board.status.late_label.text() == "Aucune tâche en retard"
    env.clock.advance(minutes=11)
    board.check_alarms()
    # On the board: the late chip says so in words and blinks (only it is repainted).
    assert glance.chips[0].text == "⚠ Radiographie +1 min" and glance.chips[1].late is None
    assert board.blinker.is_registered(glance) and board.blinker.count() == 1
    chip = glance.chip_rects()[0]
    board.blinker.tick()
    assert glance.blink_on is board.blinker.phase
    image = glance.grab().toImage()
    on = image.pixelColor(chip.center().x(), chip.y() + 4).name()
    board.blinker.tick()
    image = glance.grab().toImage()
    off = image.pixelColor(chip.center().x(), chip.y() + 4).name()
    assert {on, off} >= {"#e74c3c"} and on != off
    # The opened card: its task button blinks with the style sheet.
    button = card_of(board, pk).task_rows[0].task_button
    assert button.property("late") is True
    assert card_of(board, pk).task_rows[1].task_button.property("late") is False
    assert board.blinker.is_registered(button) and board.blinker.count() == 2
    assert board.status.late_label.text() == "⚠ 1 tâche en retard"
    phases = []
    for _ in range(4):
        board.blinker.tick()
        phases.append(button.property("blinkOn"))
    assert phases == [True, False, True, False]
    # The stylesheet paints the "on" phase with the task type's alarm colour.
    board.blinker.tick()
    qtbot.wait(1)
    image = button.grab().toImage()
    assert image.pixelColor(image.width() // 2, 4).name() == "#e74c3c"
    board.blinker.tick()
    image = button.grab().toImage()
    assert image.pixelColor(image.width() // 2, 4).name() != "#e74c3c"


def test_timer_drives_blinking(qtbot, env: BoardEnv) -> None:
    env.admit("B1", tasks=(NewTask("RX", planned_start=NOW - timedelta(minutes=5)),))
    board = env.board(qtbot)
    board.blinker.timer.setInterval(50)
    board.blinker.start()
    with qtbot.waitSignals([board.blinker.ticked, board.blinker.ticked], timeout=1000):
        pass
    assert board.blinker.count() == 1


def test_folded_late_patient_blinks_its_name(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", tasks=(NewTask("RX", planned_start=NOW - timedelta(minutes=5)),))
    board = env.board(qtbot)
    card = card_of(board, pk)
    assert board.blinker.is_registered(card.task_rows[0].task_button)
    qtbot.mouseClick(card.fold_button, Qt.MouseButton.LeftButton)
    glance = glance_of(board, pk)
    assert glance.folded and board.blinker.is_registered(glance)
    # The folded card says it is late in words beside the name, and that mark blinks.
    assert glance._late_mark() == "⚠ +5 min"
    board.blinker.tick()
    assert glance.blink_on is board.blinker.phase


def test_task_no_longer_late_stops_blinking(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", tasks=(NewTask("ECG", planned_start=NOW - timedelta(minutes=5)),))
    board = env.board(qtbot)
    assert board.blinker.count() == 1
    assert board.status.late_label.text() == "⚠ 1 tâche en retard"
    qtbot.mouseClick(
        card_of(board, pk).task_rows[0].state_buttons["3EC"], Qt.MouseButton.LeftButton
    )  # started: no longer late
    assert board.blinker.count() == 0
    assert board.status.late_label.text() == "Aucune tâche en retard"


# ---------------------------------------------------------------- purges


def test_purge_timer_removes_old_exits(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", minutes_ago=60 * 30)
    env.services.move(pk, "SORT", now=NOW - timedelta(hours=25), destination="Retour domicile")
    stays = env.admit("B2", minutes_ago=10)
    board = env.board(qtbot)
    assert pk in board.panels["SORT"].cards
    board.feeds.purger.purge()
    qtbot.waitUntil(lambda: pk not in board.panels["SORT"].cards, timeout=2000)
    assert stays in board.panels["B2"].cards


# ---------------------------------------------------------------- inbox, reference, start


def test_board_listens_to_the_inbox_and_counts_rejected_files(
    qtbot, env: BoardEnv, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "entrees"
    # A full rescan every 0.2 s (10 s by default): the waits below last many rescans (and
    # five counts of the rejected files, every second at the least), so a file-system event
    # missed cannot leave the test hanging on one period.
    env.configure(interface={"inbox_dir": inbox}, timers={"inbox_check_s": 0.2})
    board = BoardWindowWithInbox.make(env, qtbot)
    assert board.status.inbox_label.text() == "Entrées : surveillées"
    (inbox / "bad.txt").write_bytes(b"pas un fichier d'entree\n")
    (inbox / "ok.txt").write_text(
        "[Entree]\nNom_Patient=FICHIER\nPrenom_Patient=Paul\nGUID_Patient=g-1\n"
        "Code_Responsable=MARTIN\nCode_Box=B4\n",
        encoding="utf-8",
    )
    qtbot.waitUntil(
        lambda: any(p.last_name == "FICHIER" for p in board.patients.values()), timeout=5000
    )
    board.inbox.count_rejected()
    qtbot.waitUntil(lambda: board.status.rejected_button.isVisibleTo(board), timeout=5000)
    assert board.status.rejected_button.text() == "⚠ 1 fichier d'entrée refusé"
    qtbot.mouseClick(board.status.rejected_button, Qt.MouseButton.LeftButton)
    (title, text_), _ = env.dialogs.called("show_info")[-1]
    assert title == "Fichiers d'entrée refusés" and "bad.txt" in text_


class BoardWindowWithInbox:
    @staticmethod
    def make(env: BoardEnv, qtbot):  # type: ignore[no-untyped-def]
        from ui.board import BoardWindow

        board = BoardWindow(env.context(), live=True, timers=False, inbox=True)
        qtbot.addWidget(board)
        env.boards.append(board)
        board.resize(1280, 800)
        board.show()
        return board


def test_new_box_from_the_host_appears(qtbot, env: BoardEnv, sqlite_url: str) -> None:
    board = env.board(qtbot, live=True)
    host = create_engine(sqlite_url)
    with host.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO synopt_box (BO_Code,BO_Libelle,BO_CouleurBG,"
                "BO_CouleurTitre,BO_Nb_Maxi_Pat,BO_Type) "
                "VALUES ('B7','Box 7','#ffffff','#000000',1,'Soins')"
            )
        )
    host.dispose()
    qtbot.waitUntil(lambda: "B7" in board.panels, timeout=1500)
    panel = board.panels["B7"]
    assert panel.isVisible() and panel.width() >= 260
    assert 'QFrame#BoxPanel[boxCode="B7"]' in board.styleSheet()


def test_patient_in_an_unknown_box_is_reported(qtbot, env: BoardEnv, sqlite_url: str) -> None:
    host = create_engine(sqlite_url)
    with host.begin() as conn:
        conn.execute(text(HOST_INSERT.replace("'ATT'", "'NULLE_PART'")))
    host.dispose()
    board = env.board(qtbot)
    assert board.status.message_label.text() == "⚠ 1 patient(s) dans un box inconnu : NULLE_PART"


def test_box_list_scrolls_kinetically(qtbot, env: BoardEnv) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QScroller

    for i in range(40):
        env.admit("ATT", f"P{i}", tasks=(NewTask("RX"), NewTask("BIO")))
    board = env.board(qtbot, size=(1280, 800))
    scroll = board.panels["ATT"].scroll_area
    assert QScroller.hasScroller(scroll.viewport())
    bar = scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=1000)
    QScroller.scroller(scroll.viewport()).scrollTo(QPointF(0, 300), 0)
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=2000)
    value = bar.value()
    other = env.admit("ATT", "NOUVEAU")  # a change elsewhere keeps the position
    board.refresh_patients([other])
    assert bar.value() == value


def test_synoptux_without_subcommand_opens_the_board(
    qtbot, env: BoardEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from ui import main as entry
    from ui.board import BoardWindow

    env.admit("B1", "OUVERT")
    seen: list[BoardWindow] = []
    loop = QEventLoop()

    def look_and_close() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, BoardWindow) and widget.isVisible():
                seen.append(widget)
                widget.close()
        loop.quit()

    def exec_for_a_moment() -> int:
        # The application's own loop cannot be quit inside pytest-qt: a local one instead.
        QTimer.singleShot(1500, look_and_close)
        return loop.exec()

    monkeypatch.setattr(QApplication.instance(), "exec", exec_for_a_moment)
    assert entry.main(["--config", str(env.config.path), "--db", env.config.database.url]) == 0
    assert len(seen) == 1
    assert any(p.last_name == "OUVERT" for p in seen[0].patients.values())
    assert seen[0].status.database_label.text() == "Base : à l'écoute"


def test_live_changes_wait_while_a_dialog_is_open(qtbot, env: BoardEnv) -> None:
    """A dialog runs a nested event loop: a card rebuilt there would be deleted under the
    button whose touch opened the dialog.  Changes arriving meanwhile are applied after."""
    from synoptic.store import queries
    from ui.live import FeedUpdate

    pk = env.admit("B1", tasks=(NewTask("RX"), NewTask("BIO")))
    board = env.board(qtbot)
    card = card_of(board, pk)
    seen_during: list[object] = []

    def feed_arrives_during_the_dialog() -> bool:
        env.services.set_comment(pk, "Changé ailleurs", now=NOW)
        with env.store.read() as s:
            fresh = queries.load_patients(s, env.store.models, pks=[pk])
        board.apply_update(FeedUpdate(999, frozenset({pk}), fresh, None, None, 0))
        seen_during.append(card_of(board, pk))
        return True

    env.dialogs.script("confirm", feed_arrives_during_the_dialog)
    qtbot.mouseClick(card.task_rows[0].delete_button, Qt.MouseButton.LeftButton)
    assert seen_during == [card]  # not rebuilt while the dialog was open
    after = card_of(board, pk)
    assert after is not card
    assert after.comment_button.fullText() == "Changé ailleurs"
    assert [r.label for r in after.task_rows] == ["Biologie"]
