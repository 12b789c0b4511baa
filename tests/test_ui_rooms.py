"""The UI's rooms: the parts of the board hold their own state and are handed what they
need (no reach through the window, no global state), and they agree with one another."""

from __future__ import annotations

import re
from dataclasses import replace

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QFont, QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget
from ui_support import NOW, BoardEnv, card_of, glance_of, layout_tool

from synoptic.domain import BoxType
from synoptic.views import BoxView, PatientView, ResponsableView
from ui.colours import text_on
from ui.dialogs import ResponsableDialog
from ui.metrics import Metrics
from ui.names import NameMasking
from ui.touch_hold import TouchHold
from ui.widgets import Glyphs


def send_mouse(widget: QWidget, kind: QEvent.Type, at: QPoint) -> None:
    held = kind != QEvent.Type.MouseButtonRelease
    event = QMouseEvent(
        kind,
        QPointF(at),
        QPointF(widget.mapToGlobal(at)),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton if held else Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


# ---------------------------------------------------------------- passed, not reached for


def test_a_touch_on_a_masked_name_shows_it_on_this_screen_only(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", "DUPONT", "Marie")
    board = env.board(qtbot)
    board.top_bar.names_button.click()  # a public screen: every name masked
    card = card_of(board, pk)
    assert card.name_button.fullText() != "DUPONT Marie"
    touched: list[int] = []
    card.name_touched.connect(touched.append)
    qtbot.mouseClick(card.name_button, Qt.MouseButton.LeftButton)
    assert touched == [pk]  # the card says so; the board decides
    assert glance_of(board, pk).full_name() == "DUPONT Marie"
    assert board.open_card_panel.card is card and card.name_button.fullText() == "DUPONT Marie"
    qtbot.mouseClick(card.name_button, Qt.MouseButton.LeftButton)
    assert glance_of(board, pk).full_name() != "DUPONT Marie"
    assert not board.patients[pk].hidden  # this screen only: nothing written


def test_a_touch_on_a_shown_name_does_nothing(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", "DUPONT", "Marie")
    board = env.board(qtbot)
    card = card_of(board, pk)
    touched: list[int] = []
    card.name_touched.connect(touched.append)
    qtbot.mouseClick(card.name_button, Qt.MouseButton.LeftButton)
    assert touched == [] and card.name_button.fullText() == "DUPONT Marie"


def test_new_boxes_are_built_in_the_one_panels_object_the_parts_hold(
    qtbot, env: BoardEnv
) -> None:
    pk = env.admit("B1", "DUPONT", "Marie")
    board = env.board(qtbot)
    panels = board.panels
    old_b1 = panels["B1"]
    extra = BoxView("B9", "Box 9", "#ffffff", "#000000", 2, BoxType.CARE)
    board.apply_reference(replace(board.reference, boxes=(*board.reference.boxes, extra)))
    assert board.panels is panels  # the same object, built again inside
    assert board.placement.panels is panels and board.mover.panels is panels
    assert "B9" in panels and panels["B1"] is not old_b1
    assert pk in panels["B1"].cards  # the patients put back in the new panels
    assert panels["B9"].geometry().width() > 0  # laid out with the others
    board.begin_move(board.patients[pk])
    assert panels["B9"].property("target") == "possible"


def test_the_resize_corner_resizes_its_panel_and_hands_the_layout_over(
    qtbot, env: BoardEnv
) -> None:
    board = env.board(qtbot)
    layout_tool(qtbot, board, "mode")  # window mode: the corner shows
    panel = board.panels["B2"]
    before = panel.geometry()
    grip = panel.grip
    assert grip.isVisible() and not board.placement.manual_layout
    send_mouse(grip, QEvent.Type.MouseButtonPress, QPoint(5, 5))
    send_mouse(grip, QEvent.Type.MouseMove, QPoint(65, 45))
    send_mouse(grip, QEvent.Type.MouseButtonRelease, QPoint(65, 45))
    assert (panel.width(), panel.height()) == (before.width() + 60, before.height() + 40)
    assert board.placement.manual_layout  # from now on the layout is the user's
    assert board.placement.saved_positions["B2"] == panel.rect_tuple()


# ---------------------------------------------------------------- one rule, no global state


def test_the_responsable_dialog_and_the_board_write_on_a_colour_alike(
    qtbot, env: BoardEnv
) -> None:
    """#006dfb: its two contrasts are within 0.01; both places once chose differently."""
    board = env.board(qtbot)
    blue = ResponsableView("BLEU", "Dr Bleu", "#006dfb", True)
    board.apply_reference(
        replace(board.reference, responsables={**board.reference.responsables, "BLEU": blue})
    )
    rule = re.search(
        r'ResponsableButton\[responsable="BLEU"\] \{ background-color: #006dfb; color: (#\w+);',
        board.styleSheet(),
    )
    dialog = ResponsableDialog(Metrics(), [blue], None)
    qtbot.addWidget(dialog)
    sheet = dialog.buttons["BLEU"].styleSheet()
    mine = re.search(r"background-color: #006dfb; color: (#\w+);", sheet)
    assert rule is not None and mine is not None
    assert rule.group(1) == mine.group(1) == text_on("#006dfb")


def test_glyphs_belong_to_their_context_and_fall_back(qtbot, env: BoardEnv) -> None:
    glyphs = Glyphs(QFont())
    assert glyphs.pick("A", "?") == "A"
    assert glyphs.pick("A\U0010fffd", "?") == "?"  # a private code point: never in a font
    one, other = env.context(), env.context()
    assert one.glyphs is not other.glyphs  # no cache shared by the process


def test_qt_translations_are_installed_once_as_children_of_the_application(qtbot) -> None:
    from PySide6.QtCore import QTranslator

    from ui.app import TRANSLATOR_NAME, create_application, install_translations

    app = create_application()
    first = install_translations(app)
    assert install_translations(app) == first
    assert len(app.findChildren(QTranslator, TRANSLATOR_NAME)) == len(first) >= 1
    assert not hasattr(app, "_synoptux_translators")  # nothing stashed on the application


# ---------------------------------------------------------------- small parts, alone


def test_the_touch_hold_applies_what_waited_in_order_when_the_last_touch_ends() -> None:
    hold, applied = TouchHold(), []
    assert not hold.when_idle(lambda: applied.append("at once"))
    with hold.interaction():
        with hold.interaction():  # a dialog opened from a dialog
            assert hold.when_idle(lambda: applied.append(1))
        assert hold.when_idle(lambda: applied.append(2)) and hold.holding
        assert applied == []
    assert applied == [1, 2] and not hold.holding


def view(pk: int, last: str, first: str, hidden: bool = False) -> PatientView:
    return PatientView(
        pk=pk, box_code="B1", last_name=last, first_name=first, guid="", responsable=None,
        comment="", entered_at=NOW, moved_at=None, folded=False, hidden=hidden,
        annex_program="", annex_args=(), destination="", revision=1, tasks=(),
    )


def test_name_masking_of_a_screen_and_of_one_patient() -> None:
    a, b = view(1, "DUPONT", "Marie"), view(2, "DURAND", "Marc", hidden=True)
    names = NameMasking(False, "Patient")
    assert names.names_of(a, [a, b]) == ("DUPONT Marie", "")
    assert names.hidden(b) and names.names_of(b, [a, b])[0].startswith("Patient DUR")
    names.toggle_screen()  # a public screen
    assert names.hidden(a) and names.names_of(a, [a, b])[1] == "DUP. M."
    names.toggle_reveal(1)
    assert not names.hidden(a) and names.hidden(b)
    names.forget(1)
    assert names.hidden(a)
    names.toggle_reveal(1)
    names.toggle_screen()  # back: the reveals go with the masking
    assert names.revealed == set() and not names.hidden(a) and names.hidden(b)
