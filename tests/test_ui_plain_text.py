"""Data is never markup: names, comments, codes and labels full of ``<b>X</b>``,
``<img src=x>``, ``&amp;`` and ``[*]`` show literally in every label, tooltip, button,
menu and window title of the board and of every dialog that shows data (issue 7)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import Qt, QTextDocument  # QtGui.Qt: with mightBeRichText
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QMenu,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from ui_support import NOW, BoardEnv, card_of

from synoptic.services import NewTask
from synoptic.store.db import Store
from ui.board import BoardWindow
from ui.inbox import list_rejected
from ui.plain import plain_tooltip
from ui.task_row import TaskRow

# What Qt would interpret: a tag, an image, an entity, the window-title placeholder.
FRAGMENTS = ("<b>X</b>", "<img src=x>", "&amp;", "[*]")

LAST = "DUPONT <b>X</b>"
FIRST = "Marie [*] &amp;"
COMMENT = "Chute <img src=x> &amp;"
RESPONSABLE = "Dr <b>X</b> &amp;"
BOX_1 = "Box <img src=x>"
BOX_2 = "Box &amp; 2"
ABSENCE = "Absence <b>X</b>"
TASK_LABEL = "Radio <b>X</b>"
TASK_TYPE_COMMENT = "<img src=x> consigne"
TASK_COMMENT = "face &amp; profil"
NOTE = "Note <img src=x> <b>X</b>"
STATE_CURRENT = "En <b>X</b>"
STATE_OTHER = "Dem &amp;"
DESTINATION = "Scanner <img src=x> &amp;"
OTHER_LAST = "MARTIN &amp;"
REJECTED_NAME = "entree <img src=x> &amp;.txt"  # no "/" in a file name
REJECTED_REASON = "champ <b>X</b> inconnu"


def mark_up_reference(store: Store) -> None:
    """The reference tables as an administrator (or an attacker) could have filled them."""
    m = store.models
    with store.write() as s:
        s.get(m.Box, "B1").label = BOX_1
        s.get(m.Box, "B2").label = BOX_2
        s.get(m.Box, "ABS").label = ABSENCE
        s.get(m.Responsable, "MARTIN").name = RESPONSABLE
        rx = s.get(m.TaskType, "RX")
        rx.label, rx.comment = TASK_LABEL, TASK_TYPE_COMMENT
        s.get(m.State, "3EC").label = STATE_CURRENT
        s.get(m.State, "2DE").label = STATE_OTHER
        for destination in s.query(m.Destination).filter_by(label="Scanner"):
            destination.label = DESTINATION


# --- what a widget really shows ---------------------------------------------------------


def rich_to_plain(text: str) -> str:
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def label_shows(label: QLabel) -> str:
    text, fmt = label.text(), label.textFormat()
    if fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and Qt.mightBeRichText(text)
    ):
        return rich_to_plain(text)
    if fmt == Qt.TextFormat.MarkdownText:
        document = QTextDocument()
        document.setMarkdown(text)
        return document.toPlainText()
    return text


def tooltip_shows(tip: str) -> str:
    """A tooltip is always guessed: rich text when it looks like it."""
    return rich_to_plain(tip) if Qt.mightBeRichText(tip) else tip


def mnemonic_shows(text: str) -> str:
    """A button or menu text: "&&" shows "&", "&a" shows an underlined "a"."""
    return re.sub(r"&(.)", r"\1", text, flags=re.DOTALL)


@dataclass(frozen=True)
class Piece:
    where: str
    raw: str
    shown: str

    def damaged(self) -> list[str]:
        """Fragments the raw text carries (as is or escaped) that do not show."""
        return [
            f
            for f in FRAGMENTS
            if (f in self.raw or html.escape(f, quote=False) in self.raw) and f not in self.shown
        ]


def pieces() -> Iterator[Piece]:
    """Every text on screen (and hidden ones) with what it really shows."""
    for widget in QApplication.allWidgets():
        where = f"{type(widget).__name__}#{widget.objectName()}"
        if isinstance(widget, QLabel):
            yield Piece(where, widget.text(), label_shows(widget))
        if isinstance(widget, QAbstractButton):
            yield Piece(where, widget.text(), mnemonic_shows(widget.text()))
        if isinstance(widget, QMenu):
            for action in widget.actions():
                yield Piece(f"{where} action", action.text(), mnemonic_shows(action.text()))
        if isinstance(widget, QTableWidget):  # items are drawn as plain text
            for r in range(widget.rowCount()):
                for c in range(widget.columnCount()):
                    item = widget.item(r, c)
                    if item is not None:
                        yield Piece(f"{where} cell", item.text(), item.text())
        if widget.toolTip():
            yield Piece(f"{where} tooltip", widget.toolTip(), tooltip_shows(widget.toolTip()))
        if widget.isWindow() and widget.windowHandle() is not None:
            yield Piece(f"{where} title", widget.windowTitle(), widget.windowHandle().title())


class Walk:
    """Everything seen so far; :meth:`check` fails on any text Qt would interpret."""

    def __init__(self) -> None:
        self.seen: list[Piece] = []

    def __call__(self, _widget: QWidget | None = None) -> None:
        self.seen.extend(pieces())

    def check(self, *data: str) -> None:
        damaged = [(p.where, p.raw, p.damaged()) for p in self.seen if p.damaged()]
        assert damaged == []
        shown = "\n".join(p.shown for p in self.seen)
        missing = [d for d in data if d not in shown]
        assert missing == [], "data never shown: the walk did not reach it"


def in_dialog(walk: Walk, seen: list[str], close: Callable[[QWidget], None] | None = None) -> None:
    """When the next modal dialog shows: note its name, walk every widget, then close it."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, act)
            return
        seen.append(dialog.objectName())
        try:
            walk(dialog)
        finally:
            (close or (lambda d: d.reject()))(dialog)  # type: ignore[attr-defined]

    QTimer.singleShot(0, act)


def task_row(board: BoardWindow, pk: int, code: str) -> TaskRow:
    return next(row for row in card_of(board, pk).task_rows if row.task.code == code)


def touch(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def markup_board(qtbot: QtBot, env: BoardEnv, tmp_path: Path) -> tuple[BoardWindow, int]:
    mark_up_reference(env.store)
    admitted = env.services.admit(
        box_code="B1",
        last_name=LAST,
        first_name=FIRST,
        responsable="MARTIN",
        comment=COMMENT,
        now=NOW,
        tasks=[
            NewTask("RX", comment=TASK_COMMENT, note=NOTE),
            NewTask("ECG"),  # button mode: one button per state
        ],
    )
    pk = admitted.patient_pk
    rx, ecg = admitted.task_nums
    env.services.set_task_state(pk, rx, "3EC", now=NOW)
    env.services.set_task_state(pk, ecg, "2DE", now=NOW)
    env.services.admit(box_code="B2", last_name=OTHER_LAST, responsable="MARTIN", now=NOW)
    rejected = tmp_path / "inbox" / "rejected"
    rejected.mkdir(parents=True)
    (rejected / REJECTED_NAME).write_text("Nom=X\n", encoding="utf-8")
    (rejected / REJECTED_NAME.replace(".txt", ".error.txt")).write_text(
        f"Motif : {REJECTED_REASON}\n", encoding="utf-8"
    )
    board = env.board(qtbot, ctx=env.context(dialogs=None))  # the real dialogs
    board.inbox.inbox_dir = tmp_path / "inbox"
    return board, pk


def test_every_text_of_the_board_and_its_dialogs_shows_data_literally(
    qtbot: QtBot, env: BoardEnv, tmp_path: Path
) -> None:
    board, pk = markup_board(qtbot, env, tmp_path)
    walk = Walk()
    walk()  # the board: cards, box titles, task and state buttons, tooltips
    card = card_of(board, pk)
    rx = task_row(board, pk, "RX")

    opened: list[str] = []
    in_dialog(walk, opened)
    touch(qtbot, card.history_button)  # every history row: boxes, tasks, states, comments
    in_dialog(walk, opened)
    touch(qtbot, rx.task_button)  # the task's information: note, type comment, state
    in_dialog(walk, opened)
    touch(qtbot, card.responsable_button)  # the responsables' names
    in_dialog(walk, opened)
    touch(qtbot, card.comment_button)  # "Commentaire — DUPONT ..." and the text itself
    in_dialog(walk, opened, lambda d: d.findChild(QAbstractButton, "DialogCancel").click())
    touch(qtbot, rx.delete_button)  # "Supprimer la tâche « Radio ... » de DUPONT ..."

    touch(qtbot, card.move_button)  # the move banner names the patient
    walk()
    in_dialog(walk, opened)
    touch(qtbot, board.panels["ABS"].title)  # destinations of an absence, box label title
    touch(qtbot, card_of(board, pk).move_button)
    in_dialog(walk, opened, lambda d: d.accept())
    touch(qtbot, board.panels["B2"].title)  # full: "Le box « Box &amp; 2 » est plein"
    touch(qtbot, board.move_banner.cancel_button)

    rx = task_row(board, pk, "RX")
    rx.open_state_menu()  # the states of a menu-mode task
    board.filter.open_menu(  # the responsables with their counts
        board.top_bar.filter_button,
        board.filter.choices(board.patients.values(), board.reference),
        lambda _code: None,
    )
    walk()
    rx.menu.close()  # type: ignore[union-attr]
    board.filter.menu.close()  # type: ignore[union-attr]

    board.inbox.rejected = list_rejected(board.inbox.inbox_dir / "rejected")
    in_dialog(walk, opened)
    board.show_rejected()  # the rejected files and why

    assert opened == [
        "HistoryDialog",
        "InfoDialog",
        "ResponsableDialog",
        "TextDialog",
        "ConfirmDialog",
        "DestinationDialog",
        "ErrorDialog",
        "InfoDialog",
    ]
    walk.check(
        LAST,
        FIRST,
        COMMENT,
        RESPONSABLE,
        BOX_1,
        BOX_2,
        ABSENCE,
        TASK_LABEL,
        TASK_TYPE_COMMENT,
        TASK_COMMENT,
        NOTE,
        STATE_CURRENT,
        STATE_OTHER,
        DESTINATION,
        OTHER_LAST,
        REJECTED_NAME,
        REJECTED_REASON,
        f"Historique — {LAST} {FIRST}",  # a window title
    )


def test_the_walk_catches_what_qt_would_interpret(qtbot: QtBot) -> None:
    """The check itself can fail: a label guessing rich text, a raw tooltip, a bare "&"."""
    label = QLabel(LAST)
    qtbot.addWidget(label)
    label.setToolTip(COMMENT)
    assert Piece("label", label.text(), label_shows(label)).damaged() == ["<b>X</b>"]
    tip = label.toolTip()
    assert Piece("tip", tip, tooltip_shows(tip)).damaged() == ["<img src=x>", "&amp;"]
    assert (
        Piece("tip", plain_tooltip(COMMENT), tooltip_shows(plain_tooltip(COMMENT))).damaged() == []
    )
    assert mnemonic_shows(FIRST) == "Marie [*] amp;"
    assert mnemonic_shows(FIRST.replace("&", "&&")) == FIRST


def test_ui_code_sets_texts_qt_would_interpret_only_through_ui_plain() -> None:
    """New code cannot forget: labels, tooltips, menu actions and window titles are made
    by ``ui/plain.py`` only (a button's text goes through it too, checked by the walk)."""
    ui = Path(__file__).resolve().parents[1] / "ui"
    direct = re.compile(
        r"\bQLabel\(|\.setToolTip\(|\.addAction\(|\.setWindowTitle\((?!window_title\()"
    )
    offenders = [
        f"{path.relative_to(ui.parent)}:{n}: {line.strip()}"
        for path in sorted(ui.rglob("*.py"))
        if path.name != "plain.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if direct.search(line)
    ]
    assert offenders == []
