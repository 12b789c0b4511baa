"""The demo board read from a few metres, at 1920x1080 and 1280x800: nothing important cut,
empty boxes small, the current state of a task filled with its colour."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from ui_support import NOW, BoardEnv, card_of, layout_tool

from synoptic.demo import seed_demo
from ui.board import BoardWindow


def demo_board(qtbot, env: BoardEnv, size: tuple[int, int]) -> BoardWindow:  # type: ignore[no-untyped-def]
    seed_demo(env.services, NOW)
    board = env.board(qtbot, size=size)
    for _ in range(3):
        QApplication.processEvents()
    board.layout_panels()
    QApplication.processEvents()
    return board


def by_name(board: BoardWindow, last: str) -> int:
    return next(pk for pk, p in board.patients.items() if p.last_name == last)


def test_1920_names_titles_and_task_labels_are_whole(qtbot, env: BoardEnv) -> None:
    board = demo_board(qtbot, env, (1920, 1080))
    for last in ("DUPUICH", "L'HERMITTE", "MOREAU", "ROUSSEL"):
        name = card_of(board, by_name(board, last)).name_button
        assert "…" not in name.text() and "\n" not in name.text(), name.text()
    for code in ("ABS", "ATT", "DECH", "SORT"):
        assert "…" not in board.panels[code].title.text(), board.panels[code].title.text()
    rows = card_of(board, by_name(board, "FONTAINE")).task_rows  # RX with its state menu
    assert rows[0].task_button.text() == "⚠ Radiographie +30 min"  # late, said in words
    assert rows[0].menu_button is not None
    assert rows[0].menu_button.width() < rows[0].task_button.width()
    assert rows[0].menu_button.width() <= 3 * board.ctx.metrics.touch


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800)])
def test_comments_are_read_whole_on_their_own_line(
    qtbot, env: BoardEnv, size: tuple[int, int]
) -> None:
    """Why the patient came is read whole, not "P…": the comment has the card's width."""
    board = demo_board(qtbot, env, size)
    m = board.ctx.metrics
    for last, comment in (("DUPUICH", "Poignet douloureux"), ("MOREAU", "Douleur thoracique")):
        card = card_of(board, by_name(board, last))
        button = card.comment_button
        assert button.fullText() == comment
        assert button.text() == comment  # what is displayed: no "…", one line
        assert button.height() >= m.touch and button.width() >= card.name_button.width()
        # The responsable, move and history share the row under it, each a touch target.
        tools = (card.responsable_button, card.move_button, card.history_button)
        assert len({t.y() for t in tools}) == 1
        assert (
            tools[0].mapTo(card, tools[0].rect().topLeft()).y()
            > button.mapTo(card, button.rect().topLeft()).y()
        )
        for tool in tools:
            assert tool.height() >= m.touch and tool.width() >= m.touch
    if size == (1920, 1080):  # room enough: the responsable's name whole (over two lines)
        resp = card_of(board, by_name(board, "DUPUICH")).responsable_button
        assert "…" not in resp.text(), resp.text()
        assert resp.text().replace("\n", " ") == resp.fullText()


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800)])
def test_state_buttons_are_whole_and_the_current_one_filled(
    qtbot, env: BoardEnv, size: tuple[int, int]
) -> None:
    board = demo_board(qtbot, env, size)
    m = board.ctx.metrics
    colours = {code: s.color.lower() for code, s in board.reference.states.items()}
    checked = 0
    for pk in list(board.patients):
        card = card_of(board, pk)  # the opened card: a touch on its glance card
        if True:
            for row in card.task_rows:
                for code, button in row.state_buttons.items():
                    assert button.font().pointSize() == m.font_pt
                    assert "…" not in button.text(), button.text()
                    image = button.grab().toImage()
                    middle = image.pixelColor(image.width() // 2, 6).name()
                    if code == row.task.state_code:
                        assert middle == colours[code]  # filled with the state's colour
                    else:
                        assert middle != colours[code]  # pale: only outlined with it
                    checked += 1
    assert checked > 10


def test_1280_no_cell_is_empty(qtbot, env: BoardEnv) -> None:
    board = demo_board(qtbot, env, (1280, 800))
    rects = {code: p.rect_tuple() for code, p in board.panels.items()}
    viewport = board.placement.scroll_area.viewport().size()
    columns = sorted({x for x, *_ in rects.values()})
    for x in columns:  # every column reaches the bottom: no empty cell
        bottom = max(y + h for cx, y, _w, h in rects.values() if cx == x)
        assert bottom == viewport.height()
    assert rects["SORT"][0] == columns[-1]  # the exits took the grid's free cell


def test_layout_depends_on_the_boxes_and_the_screen_only(qtbot, env: BoardEnv) -> None:

    board = demo_board(qtbot, env, (1280, 800))
    before = {code: p.rect_tuple() for code, p in board.panels.items()}
    pk = env.admit("B5", "ARRIVANT", minutes_ago=1)  # a patient arrives
    board.refresh_patients([pk])
    gone = by_name(board, "MERCIER")
    env.services.discharge(gone, now=NOW)  # another leaves
    board.refresh_patients([gone])
    board.tools.set_filter("MARTIN")  # the filter hides some
    QApplication.processEvents()
    QApplication.processEvents()
    assert {code: p.rect_tuple() for code, p in board.panels.items()} == before
    # A box moved by hand (window mode); "Réorganiser" puts it back.
    layout_tool(qtbot, board, "mode")  # the layout tools are in the administration menu
    board.panels["B1"].move(400, 300)
    board.placement.geometry_edited("B1")
    layout_tool(qtbot, board, "reorganize")
    assert {code: p.rect_tuple() for code, p in board.panels.items()} == before


def test_a_touch_on_a_card_moves_no_box(qtbot, env: BoardEnv) -> None:
    from PySide6.QtCore import Qt

    board = demo_board(qtbot, env, (1280, 800))
    before = {code: p.rect_tuple() for code, p in board.panels.items()}
    qtbot.mouseClick(
        card_of(board, by_name(board, "MOREAU")).fold_button, Qt.MouseButton.LeftButton
    )
    QApplication.processEvents()
    assert card_of(board, by_name(board, "MOREAU")).patient.folded
    assert {code: p.rect_tuple() for code, p in board.panels.items()} == before
