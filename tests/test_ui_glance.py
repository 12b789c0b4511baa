"""A glance at the wall: every name and every late task on the screen at once, read from
widget geometry (what is inside the visible part of its box and of the window)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication
from ui_support import NOW, BoardEnv, card_of, glance_of

from synoptic.demo import seed_demo
from synoptic.department import seed_department
from synoptic.domain import BoxType
from synoptic.services import NewTask
from ui.board import BoardWindow
from ui.glance import GlanceCard


def settled(qtbot, env: BoardEnv, size: tuple[int, int]) -> BoardWindow:  # type: ignore[no-untyped-def]
    board = env.board(qtbot, size=size)
    for _ in range(4):
        QApplication.processEvents()
    return board


def in_sight(board: BoardWindow, card: GlanceCard, rect: QRect) -> bool:
    """``rect`` (card coordinates) lies in the visible part of the card's box and window."""
    panel = next(p for p in board.panels.values() if p.cards.get(card.patient.pk) is card)
    viewport = panel.scroll_area.viewport()
    seen = QRect(viewport.mapTo(board, QPoint(0, 0)), viewport.size())
    target = QRect(card.mapTo(board, rect.topLeft()), rect.size())
    return card.isVisibleTo(board) and seen.contains(target) and board.rect().contains(target)


def check_every_name_and_late_task(board: BoardWindow) -> int:
    late_seen = 0
    for pk, view in board.patients.items():
        card = glance_of(board, pk)
        box = board.reference.box(view.box_code)
        assert box is not None
        name_rect = QRect(0, 0, card.width(), card.look.name_px)
        assert in_sight(board, card, name_rect), view.last_name
        assert not card.painted_name().endswith("…"), card.painted_name()
        late = [c for c in card.chips if c.late is not None]
        if box.type is BoxType.EXIT:
            assert late == []  # left: not late, not counted
            continue
        if card.folded:
            assert bool(late) == bool(card._late_mark())  # "⚠ +25 min" beside the name
            late_seen += len(late)
            continue
        shown = card.shown_chips()
        for chip in late:
            assert chip in shown
            rect = card.chip_rects()[shown.index(chip)]
            assert in_sight(board, card, rect), (view.last_name, chip.text)
            assert chip.text.startswith("⚠ ") and "+" in chip.text  # not by colour alone
            late_seen += 1
    return late_seen


def test_50_patients_in_24_boxes_at_1920x1080_every_name_and_late_task(
    qtbot, env: BoardEnv
) -> None:
    seed_department(env.services, NOW, patients=50, tasks_per_patient=3)
    board = settled(qtbot, env, (1920, 1080))
    assert len(board.panels) == 24 and len(board.patients) == 50
    late = check_every_name_and_late_task(board)
    assert late == board.wall.late_total > 30
    card = next(iter(board.panels["B1"].cards.values()))
    assert card.look.name_px >= 20 and card.look.chip_px >= 15
    viewport = board.placement.scroll_area.viewport()
    assert board.placement.canvas.size() == viewport.size()  # the board never scrolls
    assert not any(p.more_label.isVisible() for p in board.panels.values())


def test_the_demo_at_1280x800_shows_every_task(qtbot, env: BoardEnv) -> None:
    seed_demo(env.services, NOW)
    board = settled(qtbot, env, (1280, 800))
    check_every_name_and_late_task(board)
    for pk in board.patients:
        card = glance_of(board, pk)
        if card.folded:
            continue
        assert card.shown_chips() == card.chips  # every task, not only the late ones
        for rect in card.chip_rects():
            assert in_sight(board, card, rect)


def test_size_follows_the_screen(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", tasks=(NewTask("RX"),))
    board = settled(qtbot, env, (1920, 1080))
    small = glance_of(board, pk).look.name_px
    board.resize(3840, 2160)
    qtbot.waitUntil(lambda: glance_of(board, pk).look.name_px >= 2 * small - 1, timeout=1000)
    assert board.panels["B1"].title.minimumHeight() >= 2 * board.ctx.metrics.touch - 1


def test_a_box_holding_more_than_it_shows_says_how_many(qtbot, env: BoardEnv) -> None:
    for i in range(40):
        env.admit("B2", f"PATIENT{i}", tasks=(NewTask("RX"), NewTask("BIO")), minutes_ago=i + 1)
    board = settled(qtbot, env, (1280, 800))
    panel = board.panels["B2"]
    qtbot.waitUntil(lambda: panel.more_label.isVisible(), timeout=1000)
    hidden = panel.hidden_below()
    assert 0 < hidden < 40 and panel.more_label.text() == f"+{hidden} ▾"


def test_late_count_follows_the_filter_and_ignores_sortie(qtbot, env: BoardEnv) -> None:
    past = NOW - timedelta(minutes=25)
    env.admit("B1", "AAA", responsable="MARTIN", tasks=(NewTask("RX", planned_start=past),))
    env.admit("B2", "BBB", responsable="PETIT", tasks=(NewTask("RX", planned_start=past),) * 2)
    out = env.admit("B3", "CCC", responsable="MARTIN", tasks=(NewTask("RX", planned_start=past),))
    env.services.move(out, "SORT", now=NOW, destination="Retour domicile")
    board = settled(qtbot, env, (1920, 1080))
    assert board.status.late_label.text() == "⚠ 3 tâches en retard"
    board.tools.set_filter("MARTIN")
    assert board.status.late_label.text() == "⚠ 1 en retard (Dr Martin) sur 3"
    chip = glance_of(board, out).chips[0]
    assert chip.late is None and not chip.text.startswith("⚠")
    assert glance_of(board, out).detail_text() == "→ Retour domicile · sortie 14:00"


def test_a_touch_on_the_late_count_lists_the_late_tasks_and_opens_one(
    qtbot, env: BoardEnv
) -> None:
    """A nurse at 3 a.m.: which tasks are late, where, the latest first; one touch more
    opens that patient.  The filter and masked names apply; Sortie never counts."""
    a = env.admit("B1", "AAA", "Anne", responsable="MARTIN",
                  tasks=(NewTask("RX", planned_start=NOW - timedelta(minutes=25)),))
    b = env.admit("B2", "BBB", "Bob", responsable="PETIT",
                  tasks=(NewTask("ECG", planned_start=NOW - timedelta(minutes=70)),
                         NewTask("RX", planned_start=NOW + timedelta(minutes=30))))
    out = env.admit("B3", "CCC", responsable="MARTIN",
                    tasks=(NewTask("RX", planned_start=NOW - timedelta(minutes=90)),))
    env.services.move(out, "SORT", now=NOW, destination="Retour domicile")
    board = settled(qtbot, env, (1920, 1080))
    env.dialogs.script("choose_late_task", b)
    qtbot.mouseClick(board.status.late_label, Qt.MouseButton.LeftButton)
    (rows,), _ = env.dialogs.called("choose_late_task")[-1]
    assert rows == ((b, "⚠ ECG +1 h 10 — BBB Bob · Box 2"),
                    (a, "⚠ Radiographie +25 min — AAA Anne · Box 1"))
    assert board.open_card_panel.pk == b  # the one touched, opened
    board.close_card()
    board.tools.set_filter("MARTIN")
    qtbot.mouseClick(board.top_bar.names_button, Qt.MouseButton.LeftButton)  # masked
    qtbot.mouseClick(board.status.late_label, Qt.MouseButton.LeftButton)
    (rows,), _ = env.dialogs.called("choose_late_task")[-1]
    assert [pk for pk, _ in rows] == [a] and "AAA" not in rows[0][1]
    assert rows[0][1].count("Box 1") == 1  # the box named once, masked name or not
    assert board.open_card_panel.pk != a  # closed without a choice: nothing opens


def test_a_touch_shows_it_was_pressed_then_opens_the_large_card(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", tasks=(NewTask("RX"),))
    board = settled(qtbot, env, (1920, 1080))
    card = glance_of(board, pk)
    qtbot.mousePress(card, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert card._pressed  # painted pressed at once
    assert board.open_card_panel.card is None
    qtbot.mouseRelease(card, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    opened = board.open_card_panel.card
    assert opened is not None and opened.patient.pk == pk and opened.isVisible()
    assert not card._pressed
    qtbot.mouseClick(board.open_card_panel.close_button, Qt.MouseButton.LeftButton)
    assert board.open_card_panel.card is None


def test_definitive_exit_has_its_own_words(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1")
    env.services.move(pk, "SORT", now=NOW, destination="Retour domicile")
    board = settled(qtbot, env, (1920, 1080))
    button = card_of(board, pk).move_button
    assert button.text() == "Sortie définitive" and button.objectName() == "DischargeButton"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert env.dialogs.called("confirm")[-1][0][0] == "Sortie définitive"
    assert pk not in board.patients


def test_masked_screen_tells_patients_apart(qtbot, env: BoardEnv) -> None:
    a = env.admit("ATT", "MARTIN", "Marie")
    b = env.admit("ATT", "MOREAU", "Marc")
    c = env.admit("ATT", "DUPONT", "Marie")
    d = env.admit("ATT", "DURAND", "Marc")
    board = settled(qtbot, env, (1280, 800))
    board.top_bar.names_button.click()
    names = {glance_of(board, pk).painted_name() for pk in (a, b, c, d)}
    assert len(names) == 4 and not any("MARTIN" in n or "DUPONT" in n for n in names)


def test_a_state_touched_in_the_opened_card_shows_in_place(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", tasks=(NewTask("ECG"),))
    board = settled(qtbot, env, (1920, 1080))
    card = card_of(board, pk)
    qtbot.mouseClick(card.task_rows[0].state_buttons["2DE"], Qt.MouseButton.LeftButton)
    assert board.open_card_panel.card is card  # not built again: only the state changed
    assert card.task_rows[0].state_buttons["2DE"].property("current") is True
    assert glance_of(board, pk).chips[0].task.state_code == "2DE"
    # The card holds the fresh revisions: the next touch is not refused as a conflict.
    qtbot.mouseClick(card.task_rows[0].state_buttons["3EC"], Qt.MouseButton.LeftButton)
    assert not env.dialogs.called("show_error")
    assert card.task_rows[0].state_buttons["3EC"].property("current") is True
    qtbot.mouseClick(card.fold_button, Qt.MouseButton.LeftButton)  # the patient changed
    assert not env.dialogs.called("show_error") and glance_of(board, pk).folded


def test_a_box_mate_arriving_gives_more_letters_in_place(qtbot, env: BoardEnv) -> None:
    """Masked initials depend on the box: a DURAND Marc beside a DUPONT Marie makes both
    "DU. M." longer, on the glance card and the opened card alike, without building them."""
    a = env.admit("ATT", "DUPONT", "Marie")
    board = settled(qtbot, env, (1280, 800))
    board.top_bar.names_button.click()
    glance = glance_of(board, a)
    opened = card_of(board, a)
    assert glance.full_name() == opened.name_button.fullText() == "Patient DU. M."
    b = env.admit("ATT", "DURAND", "Marc")
    board.refresh_patients([b])
    assert glance_of(board, a) is glance and board.open_card_panel.card is opened
    assert glance.full_name() == opened.name_button.fullText() == "Patient DUP. M."
    assert glance_of(board, b).full_name() == "Patient DUR. M."
    assert board.open_card_panel.title.text().startswith("Patient DUP. M. — ")


def test_a_late_chip_cut_short_keeps_its_lateness_whole(qapp: QApplication) -> None:
    """Read from a few metres, "⚠ Consultatio…icale +13 min" said neither the task nor (at a
    glance) how late; the label is now cut at its end and the lateness kept whole."""
    from PySide6.QtGui import QFontMetrics

    from synoptic.views import TaskView
    from ui.glance_look import Chip, chip_text, font_of, late_suffix

    fm = QFontMetrics(font_of(20, True))
    text = "⚠ Consultation médicale +13 min"
    task = TaskView(patient_pk=1, num=1, code="CS", comment="", state_code=None,
                    planned_start=None, planned_end=None, started_at=None, ended_at=None,
                    priority=None, note="", actor="", blob_key=None, note_file="",
                    note_reader="", revision=0)
    late = Chip(task, text, "#eee", 13, "#f00")
    assert late_suffix(late) == " +13 min"
    assert late_suffix(Chip(task, "Consultation médicale", "#eee", None, "#f00")) == ""
    width = fm.horizontalAdvance(text) * 2 // 3
    shown = chip_text(text, " +13 min", fm, width)
    assert shown.startswith("⚠ Consult") and shown.endswith("… +13 min"), shown
    assert fm.horizontalAdvance(shown) <= width
    assert chip_text(text, " +13 min", fm, fm.horizontalAdvance(text)) == text  # it fits
    plain = "Consultation médicale"
    cut = chip_text(plain, "", fm, fm.horizontalAdvance(plain) // 2)
    assert cut.startswith("Consult") and cut.endswith("…")


def test_a_long_responsable_gives_its_short_form_and_leaves_the_comment_whole(
    qtbot, env: BoardEnv
) -> None:
    """"IAO (infirmière d'accueil)" cut into "IAO (infirmiè…" also cut the comment beside
    it ("Poignet doulo…"); the card now shows "IAO", and names that fit stay whole."""
    from ui.glance_text import responsable_choices

    assert responsable_choices("IAO (infirmière d'accueil)", "IAO") == [
        "IAO (infirmière d'accueil)", "IAO"]
    assert responsable_choices("Dr Martin", "MARTIN") == ["Dr Martin", "MARTIN"]
    assert responsable_choices("", "XYZ") == ["XYZ"]  # a code without a person: as given
    seed_demo(env.services, NOW)
    board = settled(qtbot, env, (1920, 1080))
    shown = {board.patients[pk].last_name: glance_of(board, pk).painted_detail()
             for pk in board.patients}
    assert shown["DUPUICH"] == (["Poignet douloureux"], "IAO")
    assert shown["LEROUX"] == (["Céphalées"], "IAO")
    assert shown["MOREAU"] == (["Douleur thoracique"], "Dr Martin")
    assert not any(resp.endswith("…") for _, resp in shown.values())
    lines, _ = shown["CHEVALIER"]  # absent: where he is, whole, before the responsable
    assert lines[0].startswith("→ Scanner") and not lines[0].endswith("…")
