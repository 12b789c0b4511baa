"""The soak's board process: ``synoptux board`` itself, offscreen, with a finger and a stopwatch.

Run by ``bench/soak.py`` (a crash here, a ``none_dealloc`` abort included, is seen by the
parent as this process's exit status).  The board is started through the real entry point
(``ui.main.main([... "board"])``: configuration, database preparation, context, real dialogs,
live feed, inbox watcher, blink/alarm/purge timers); a :class:`Soak` object attached to the
window once the event loop runs adds:

* a 50 ms precise timer whose lateness is the event loop's stall (the sampler's own time,
  reading every Python object, is excused);
* every ``--action-interval`` seconds one touch on a real widget of the board
  (``QTest.mouseClick``, scrolled into view first), in turn: a state button, a state menu,
  fold/unfold, a comment typed in its dialog, a move between B6 and UHCD, a move asked to
  Absence then cancelled, a move to a full box (refused), the history, the task information,
  the responsable dialog, a task deletion answered "Non", the responsable filter and back, the
  names masked and shown again; dialogs are answered by touching their buttons, and each
  touch that changes data is checked on the board (a touch without effect is a failure);
* every second, what the cards show: the host's comments (``Hôte n°N``), its patients
  (``soak-hote-N``), the inbox's patients (``soak-entree-N``), and the soak patients that left;
* every minute one line ``SOAK {json}`` on standard output (RSS, Python objects, widgets,
  None's reference count, longest stall, counters), and ``SOAK {"end": ...}`` at the end.
"""

from __future__ import annotations

import argparse
import faulthandler
import gc
import json
import os
import sys
import time
import traceback
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from ui.board import BoardWindow
from ui.card import PatientCard

STALL_PERIOD_S = 0.05
PAGE = os.sysconf("SC_PAGE_SIZE")


BOARD_OPEN_TIMEOUT_S = 120.0


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 1e6


def emit(record: dict[str, object]) -> None:
    print("SOAK " + json.dumps(record), flush=True)


def click(widget: QWidget) -> None:
    """A touch: scrolled into view first (QTest touches the window, like a finger)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget)
        parent = parent.parentWidget()
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def check(done: bool, what: str) -> None:
    if not done:
        raise AssertionError(f"sans effet : {what}")


class Soak(QObject):
    def __init__(self, board: BoardWindow, minutes: float, action_interval_s: float) -> None:
        super().__init__(board)
        self.board = board
        self.minute = 0
        self.max_stall = 0.0
        self.excused = 0.0
        self.actions = 0
        self.action_errors = 0
        self.turn = 0
        self.acting = False
        self.comments_seen: set[str] = set()
        self.host_seen: set[str] = set()
        self.entries_seen: set[str] = set()
        self.present: set[int] = set()
        self.departures_seen = 0
        self.cycle: list[Callable[[], None]] = [
            self.touch_state_button,
            self.touch_state_menu,
            self.touch_fold,
            self.touch_comment,
            self.touch_move_between_care_boxes,
            self.touch_move_to_absence_cancelled,
            self.touch_move_to_full_box,
            self.touch_history,
            self.touch_task_info,
            self.touch_responsable,
            self.touch_delete_task_no,
            self.touch_filter,
            self.touch_names,
        ]
        self._last = time.monotonic()
        self._timers = []
        for interval_s, slot, precise in (
            (STALL_PERIOD_S, self.stall_tick, True),
            (60.0, self.sample, False),
            (1.0, self.look, False),
            (action_interval_s, self.act, False),
        ):
            timer = QTimer(self)
            timer.setInterval(round(interval_s * 1000))
            if precise:
                timer.setTimerType(Qt.TimerType.PreciseTimer)
            timer.timeout.connect(slot)
            timer.start()
            self._timers.append(timer)
        QTimer.singleShot(round(minutes * 60_000) + 500, self.finish)
        self.look()
        emit({"ready": True, **self.figures()})

    # ------------------------------------------------------------------ measures

    def stall_tick(self) -> None:
        now = time.monotonic()
        late = now - self._last - STALL_PERIOD_S - self.excused
        self._last, self.excused = now, 0.0
        self.max_stall = max(self.max_stall, late)

    def figures(self) -> dict[str, object]:
        board = self.board
        return {
            "rss_mb": round(rss_mb(), 1),
            "objects": len(gc.get_objects()),
            "widgets": len(QApplication.allWidgets()),
            "none_refs": sys.getrefcount(None),
            "patients": len(board.patients),
            "late": board.late_total,
            "blinking": board.blinker.count(),
            "actions": self.actions,
            "action_errors": self.action_errors,
            "comments_seen": len(self.comments_seen),
            "host_patients_seen": len(self.host_seen),
            "entries_seen": len(self.entries_seen),
            "departures_seen": self.departures_seen,
            "offline": board.offline,
        }

    def sample(self) -> None:
        started = time.monotonic()
        self.minute += 1
        record = {"minute": self.minute, "stall_ms": round(self.max_stall * 1000)}
        record.update(self.figures())
        self.max_stall = 0.0
        self.excused += time.monotonic() - started
        emit(record)

    def look(self) -> None:
        """What the cards show now (what a nurse would read on the wall)."""
        present = set()
        for panel in self.board.panels.values():
            for pk, card in panel.cards.items():
                comment = card.comment_button.fullText()
                if comment.startswith("Hôte n°"):
                    self.comments_seen.add(comment)
                guid = card.patient.guid
                if guid.startswith("soak-hote-"):
                    self.host_seen.add(guid)
                    present.add(pk)
                elif guid.startswith("soak-entree-"):
                    self.entries_seen.add(guid)
                    present.add(pk)
        self.departures_seen += len(self.present - present)
        self.present = present

    def finish(self) -> None:
        self.look()
        emit({"end": True, **self.figures()})
        for timer in self._timers:
            timer.stop()
        self.board.close()
        QApplication.instance().quit()

    # ------------------------------------------------------------------ touches

    def act(self) -> None:
        if self.acting:  # a dialog left open: its event loop runs this timer too
            dialog = QApplication.activeModalWidget()
            self.failed(f"dialogue resté ouvert : {dialog.objectName() if dialog else '?'}")
            if dialog is not None:
                dialog.reject()
            return
        action = self.cycle[self.turn % len(self.cycle)]
        self.turn += 1
        self.acting = True
        try:
            action()
            self.actions += 1
        except Exception:  # noqa: BLE001 - counted and shown; the soak goes on
            self.failed(f"action {action.__name__} en échec :\n{traceback.format_exc()}")
        finally:
            self.acting = False
            if self.board.moving is not None:
                click(self.board.move_banner.cancel_button)

    def failed(self, message: str) -> None:
        self.action_errors += 1
        print(message, file=sys.stderr, flush=True)

    def cards(self, box: str | None = None) -> list[PatientCard]:
        """Seeded patients' cards (the host and the inbox own the others), in a stable order."""
        found = [
            card
            for code, panel in self.board.panels.items()
            if box is None or code == box
            for card in panel.cards.values()
            if card.patient.guid.startswith("soak-seed-") and not card.patient.folded
        ]
        return sorted(found, key=lambda c: c.patient.pk)

    def pick(self, cards: list[PatientCard]) -> PatientCard:
        if not cards:
            raise LookupError("aucune carte à toucher")
        return cards[(self.turn * 7) % len(cards)]

    def answer(self, button: str, text: str | None = None, tries: int = 30) -> None:
        """Once a dialog is open (its own event loop runs), touch its ``button``."""

        def attempt(left: int) -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                if left:
                    QTimer.singleShot(100, lambda: attempt(left - 1))
                return
            if text is not None:
                dialog.findChild(QLineEdit).setText(text)
            click(dialog.findChild(QPushButton, button))

        QTimer.singleShot(150, lambda: attempt(tries))

    def state_of(self, pk: int, num: int) -> str | None:
        view = self.board.patients[pk]
        return next(t.state_code for t in view.tasks if t.num == num)

    def touch_state_button(self) -> None:
        rows = [r for c in self.cards() for r in c.task_rows if r.state_buttons]
        row = rows[(self.turn * 7) % len(rows)]
        code = "3EC" if row.task.state_code != "3EC" else "2DE"
        click(row.state_buttons[code])
        check(self.state_of(row.patient.pk, row.task.num) == code, "bouton d'état")

    def touch_state_menu(self) -> None:
        rows = [r for c in self.cards() for r in c.task_rows if r.menu_button is not None]
        row = rows[(self.turn * 7) % len(rows)]
        click(row.menu_button)
        menu = row.menu
        check(menu is not None and menu.isVisible(), "menu des états")
        wanted = "3EC" if row.task.state_code != "3EC" else "2DE"
        action = next(a for a in menu.actions() if a.data() == wanted)
        click_at = menu.actionGeometry(action).center()
        QTest.mouseClick(menu, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, click_at)
        check(self.state_of(row.patient.pk, row.task.num) == wanted, "choix dans le menu")

    def touch_fold(self) -> None:
        card = self.pick(self.cards("ATT"))
        click(card.fold_button)  # folded...
        pk = card.patient.pk
        folded = self.board.panels["ATT"].cards[pk]
        check(folded.patient.folded, "repli")
        click(folded.fold_button)  # ...and unfolded again (a new card each time)
        check(not self.board.patients[pk].folded, "dépli")

    def touch_comment(self) -> None:
        card = self.pick(self.cards("ATT"))
        self.answer("DialogOk", text=f"Touché {self.turn}")
        click(card.comment_button)
        check(self.board.patients[card.patient.pk].comment == f"Touché {self.turn}", "commentaire")

    def touch_move_between_care_boxes(self) -> None:
        """B6 (left empty by the seed) and UHCD (two of four) exchange a patient."""
        source, target = ("B6", "UHCD") if self.cards("B6") else ("UHCD", "B6")
        card = self.pick(self.cards(source))
        pk = card.patient.pk
        click(card.move_button)
        click(self.board.panels[target].title)
        check(pk in self.board.panels[target].cards, f"déplacement de {source} vers {target}")

    def touch_move_to_full_box(self) -> None:
        click(self.pick(self.cards("ATT")).move_button)
        self.answer("DialogOk")  # "box plein"
        click(self.board.panels["B1"].title)
        check(self.board.moving is not None, "toujours en déplacement après un refus")

    def touch_move_to_absence_cancelled(self) -> None:
        card = self.pick(self.cards("ATT"))
        click(card.move_button)
        self.answer("DialogCancel")
        click(self.board.panels["ABS"].title)

    def touch_history(self) -> None:
        self.answer("DialogClose")
        click(self.pick(self.cards()).history_button)

    def touch_task_info(self) -> None:
        rows = [r for c in self.cards() for r in c.task_rows]
        self.answer("DialogClose")
        click(rows[(self.turn * 7) % len(rows)].task_button)

    def touch_responsable(self) -> None:
        self.answer("DialogCancel")
        click(self.pick(self.cards()).responsable_button)

    def touch_delete_task_no(self) -> None:
        rows = [r for c in self.cards() for r in c.task_rows]
        self.answer("DialogCancel")
        click(rows[(self.turn * 7) % len(rows)].delete_button)

    def touch_filter(self) -> None:
        for index in (1, 0):  # a responsable, then everyone again
            click(self.board.top_bar.filter_button)
            menu = self.board.filter_menu
            action = menu.actions()[index]
            point = menu.actionGeometry(action).center()
            QTest.mouseClick(menu, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)

    def touch_names(self) -> None:
        click(self.board.top_bar.names_button)  # every name masked (every card rebuilt)...
        click(self.board.top_bar.names_button)  # ...and shown again


def attach(minutes: float, action_interval_s: float, waited_s: float = 0.0) -> None:
    """Once the board window is open (the start screen comes first and the board follows when
    the database is ready), the finger and the stopwatch are put on it."""
    boards = [w for w in QApplication.topLevelWidgets() if isinstance(w, BoardWindow)]
    if not boards and waited_s < BOARD_OPEN_TIMEOUT_S:
        QTimer.singleShot(200, lambda: attach(minutes, action_interval_s, waited_s + 0.2))
        return
    if len(boards) != 1:
        emit({"error": f"{len(boards)} tableau(x) ouvert(s) au lieu d'un"})
        QApplication.instance().exit(1)
        return
    board = boards[0]
    board.soak = Soak(board, minutes, action_interval_s)  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="tableau du banc d'endurance")
    parser.add_argument("--config", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--minutes", type=float, required=True)
    parser.add_argument("--action-interval", type=float, default=5.0)
    args = parser.parse_args(argv)
    faulthandler.enable()  # a fatal error prints the Python stack before the abort

    from ui import main as entry
    from ui.app import create_application

    create_application()
    QTimer.singleShot(0, lambda: attach(args.minutes, args.action_interval))
    return entry.main(["--config", args.config, "--db", args.db, "board", "--user", "soak"])


if __name__ == "__main__":
    sys.exit(main())
