"""The soak's board process: ``synoptux board`` itself, offscreen, with a finger and a stopwatch.

Run by ``bench/soak.py`` (a crash here, a ``none_dealloc`` abort included, is seen by the
parent as this process's exit status).  The board is started through the real entry point
(``ui.main.main([... "board"])``: configuration, database preparation, context, real dialogs,
live feed, inbox watcher, blink/alarm/purge timers); a :class:`Soak` object attached to the
window once the event loop runs adds:

* a 50 ms precise timer whose lateness is the event loop's stall (the sampler's own time,
  reading every Python object, is excused);
* every ``--action-interval`` seconds one touch (``QTest.mouseClick``, scrolled into view
  first): a glance card touched at the point its own hit-test gives
  (``GlanceCard.touch_point``, a task's chip when the touch is about a task; the card must be
  what lies under that point) opens the large card, then in turn: a state button, a state
  menu, fold/unfold, a comment typed on the on-screen keyboard (after a preset every other
  time), a move between B6 and UHCD, a move asked to Absence then cancelled, a move to a full
  box (refused), the history, the task information, the responsable dialog, a task deletion
  answered "Non"; the responsable filter and back, the names masked and shown again with the
  card open (no full name painted, the opened card named as its glance card), "Masquer le nom
  (tous les écrans)" answered "Non".  Dialogs are answered by touching their buttons, and
  each touch that changes data is checked in the board's view and on the glance card (a
  touch without effect is a failure);
* every second, what the glance cards hold: the host's comments (``Hôte n°N``), its patients
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
from collections import Counter
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QPushButton,
    QScrollArea,
    QWidget,
)

from ui.board import BoardWindow
from ui.card import PatientCard
from ui.dialogs.text import PRESET_NAME
from ui.glance import GlanceCard
from ui.keyboard import OnScreenKeyboard
from ui.task_row import TaskRow

STALL_PERIOD_S = 0.05
PAGE = os.sysconf("SC_PAGE_SIZE")


BOARD_OPEN_TIMEOUT_S = 120.0
TYPES = os.environ.get("SYNOPTUX_SOAK_TYPES") == "1"  # opt-in: growing types, on stderr


def owner_of(obj: object, skip: object) -> str:
    """Who holds ``obj``, in a few words: an attribute, a dict key or a container's type."""
    found = []
    for ref in gc.get_referrers(obj)[:6]:
        if ref is skip or type(ref).__name__ == "frame":
            continue
        if isinstance(ref, dict):
            key = next((repr(k)[:40] for k, v in ref.items() if v is obj), "?")
            holders = [
                type(h).__qualname__
                for h in gc.get_referrers(ref)[:4]
                if getattr(h, "__dict__", None) is ref
            ]
            found.append(f"dict[{key}]<-{holders or len(ref)}")
        elif isinstance(ref, (list, set, tuple)):
            found.append(f"{type(ref).__name__}(len {len(ref)})")
        else:
            found.append(type(ref).__qualname__)
    return ", ".join(found)


def safe_repr(obj: object) -> str:
    try:
        return repr(obj)[:80]
    except RuntimeError:  # a Qt wrapper whose C++ object is gone
        return f"<{type(obj).__qualname__}: C++ object deleted>"


class TypeCounter:
    def __init__(self) -> None:
        self.last = self.count()

    @staticmethod
    def count() -> Counter[str]:
        return Counter(type(o).__qualname__ for o in gc.get_objects())

    def report(self, minute: int) -> None:
        now = self.count()
        delta = now - self.last  # positive deltas only
        self.last = now
        top = delta.most_common(15)
        print(
            f"TYPES minute {minute}: " + ", ".join(f"{t} +{n}" for t, n in top),
            file=sys.stderr,
            flush=True,
        )
        for name, _ in top[:6]:
            samples = [o for o in gc.get_objects() if type(o).__qualname__ == name][-3:]
            for obj in samples:
                print(
                    f"  {name} {safe_repr(obj)} <- {owner_of(obj, samples)}",
                    file=sys.stderr,
                    flush=True,
                )
            samples.clear()


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


def scroll_to(widget: QWidget, point: QPoint) -> None:
    """``point`` of ``widget`` brought into sight in every scroll area around it (the box's
    list, then the board), innermost first."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None:
            x, y = widget.mapTo(parent.widget(), point).toTuple()
            parent.ensureVisible(x, y, 8, 8)
        parent = parent.parentWidget()


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
            self.touch_mask_everywhere_no,
        ]
        self._last = time.monotonic()
        self.types = TypeCounter() if TYPES else None
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
            "late": board.wall.late_total,
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
        emit(record)
        if self.types is not None:
            try:
                self.types.report(self.minute)
            except Exception:  # noqa: BLE001 - a diagnostic never stops the soak's figures
                traceback.print_exc()
        self.excused += time.monotonic() - started

    def look(self) -> None:
        """What the cards show now (what a nurse would read on the wall)."""
        present = set()
        for panel in self.board.panels.values():
            for pk, card in panel.cards.items():
                comment = card.patient.comment  # the glance's data (Absence paints where)
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
            if self.board.mover.moving is not None:
                click(self.board.move_banner.cancel_button)
            if self.board.open_card_panel.card is not None:
                click(self.board.open_card_panel.close_button)  # back to the board

    def failed(self, message: str) -> None:
        self.action_errors += 1
        print(message, file=sys.stderr, flush=True)

    def glances(self, box: str | None = None) -> list[GlanceCard]:
        """Seeded patients' glance cards (the host and the inbox own the others), in a stable
        order."""
        found = [
            card
            for code, panel in self.board.panels.items()
            if box is None or code == box
            for card in panel.cards.values()
            if card.patient.guid.startswith("soak-seed-") and not card.patient.folded
        ]
        return sorted(found, key=lambda c: c.patient.pk)

    def pick(self, cards: list[GlanceCard]) -> GlanceCard:
        if not cards:
            raise LookupError("aucune carte à toucher")
        return cards[(self.turn * 7) % len(cards)]

    def glance(self, pk: int) -> GlanceCard:
        """The patient's glance card as the board shows it now."""
        return self.board.panels[self.board.patients[pk].box_code].cards[pk]

    def open(self, glance: GlanceCard, task_num: int = 0) -> PatientCard:
        """A touch on the glance card (on a task's chip when ``task_num``), at the point its own
        hit-test gives: the large card opens."""
        pk = glance.patient.pk
        point = glance.touch_point(task_num)
        check(glance.task_at(point) == task_num, "point touché hors de la puce")
        scroll_to(glance, point)
        under = self.board.childAt(glance.mapTo(self.board, point))
        check(under is glance, f"carte sous le doigt ({type(under).__name__} à la place)")
        QTest.mouseClick(glance, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
        card = self.board.open_card_panel.card
        check(card is not None and card.patient.pk == pk, "carte ouverte au toucher")
        assert card is not None
        return card

    def opened(self) -> PatientCard:
        card = self.board.open_card_panel.card
        check(card is not None, "carte ouverte")
        assert card is not None
        return card

    def answer(
        self, button: str, text: str | None = None, tries: int = 30, preset: bool = False
    ) -> None:
        """Once a dialog is open (its own event loop runs), touch its ``button``; ``text`` is
        typed first on the on-screen keyboard (after a preset when ``preset``)."""

        def attempt(left: int) -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                if left:
                    QTimer.singleShot(100, lambda: attempt(left - 1))
                return
            if text is not None:
                type_on_keyboard(dialog, text, preset)
            click(dialog.findChild(QPushButton, button))

        QTimer.singleShot(150, lambda: attempt(tries))

    def state_of(self, pk: int, num: int) -> str | None:
        view = self.board.patients[pk]
        return next(t.state_code for t in view.tasks if t.num == num)

    def chip_state(self, pk: int, num: int) -> str | None:
        """The state the glance card paints for task ``num``."""
        return next(c.task.state_code for c in self.glance(pk).chips if c.task.num == num)

    def task_to_touch(self, with_menu: bool | None = None) -> tuple[GlanceCard, int]:
        """A seeded patient's task (its chip is touched): one with state buttons, or with a
        state menu when ``with_menu``."""
        wanted = self.ctx_state_buttons()
        found = []
        for glance in self.glances():
            for chip in glance.shown_chips():
                by_buttons = chip.task.code in wanted
                if with_menu is None or with_menu != by_buttons:
                    found.append((glance, chip.task.num))
        if not found:
            raise LookupError("aucune tâche à toucher")
        return found[(self.turn * 7) % len(found)]

    def ctx_state_buttons(self) -> set[str]:
        """Task types whose row shows state buttons (the others have a state menu)."""
        ref = self.board.reference
        return {
            code
            for code, t in ref.task_types.items()
            if t.button_mode == "B" and ref.allowed_states(code)
        }

    def row_of(self, card: PatientCard, num: int) -> TaskRow:
        return next(r for r in card.task_rows if r.task.num == num)

    def touch_state_button(self) -> None:
        glance, num = self.task_to_touch(with_menu=False)
        pk = glance.patient.pk
        row = self.row_of(self.open(glance, num), num)
        code = "3EC" if row.task.state_code != "3EC" else "2DE"
        click(row.state_buttons[code])
        check(self.state_of(pk, num) == code == self.chip_state(pk, num), "bouton d'état")

    def touch_state_menu(self) -> None:
        glance, num = self.task_to_touch(with_menu=True)
        pk = glance.patient.pk
        row = self.row_of(self.open(glance, num), num)
        check(row.menu_button is not None, "bouton du menu des états")
        click(row.menu_button)
        menu = row.menu
        check(menu is not None and menu.isVisible(), "menu des états")
        wanted = "3EC" if row.task.state_code != "3EC" else "2DE"
        action = next(a for a in menu.actions() if a.data() == wanted)
        click_at = menu.actionGeometry(action).center()
        QTest.mouseClick(menu, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, click_at)
        check(self.state_of(pk, num) == wanted == self.chip_state(pk, num), "choix dans le menu")

    def touch_fold(self) -> None:
        glance = self.pick(self.glances("ATT"))
        pk = glance.patient.pk
        click(self.open(glance).fold_button)  # folded...
        check(self.board.patients[pk].folded and self.glance(pk).folded, "repli")
        click(self.opened().fold_button)  # ...and unfolded again (the card opened stays)
        check(not self.board.patients[pk].folded and not self.glance(pk).folded, "dépli")

    def touch_comment(self) -> None:
        glance = self.pick(self.glances("ATT"))
        pk = glance.patient.pk
        card = self.open(glance)
        preset = bool(self.board.ctx.config.choices.preset_comments) and self.turn % 2 == 0
        self.answer("DialogOk", text=f"touché {self.turn}", preset=preset)
        click(card.comment_button)
        comment = self.board.patients[pk].comment
        typed = comment.endswith(f"ouché {self.turn}")
        check(typed and self.glance(pk).detail_text() == comment, "commentaire")

    def touch_move_between_care_boxes(self) -> None:
        """B6 (left empty by the seed) and UHCD (two of four) exchange a patient."""
        source, target = ("B6", "UHCD") if self.glances("B6") else ("UHCD", "B6")
        glance = self.pick(self.glances(source))
        pk = glance.patient.pk
        click(self.open(glance).move_button)  # the opened card gives way to the boxes
        board = self.board
        check(board.open_card_panel.card is None and board.mover.moving is not None, "déplacer")
        click(self.board.panels[target].title)
        check(pk in self.board.panels[target].cards, f"déplacement de {source} vers {target}")

    def touch_move_to_full_box(self) -> None:
        click(self.open(self.pick(self.glances("ATT"))).move_button)
        self.answer("DialogOk")  # "box plein"
        click(self.board.panels["B1"].title)
        check(self.board.mover.moving is not None, "toujours en déplacement après un refus")

    def touch_move_to_absence_cancelled(self) -> None:
        glance = self.pick(self.glances("ATT"))
        pk = glance.patient.pk
        click(self.open(glance).move_button)
        self.answer("DialogCancel")
        click(self.board.panels["ABS"].title)
        check(self.board.patients[pk].box_code == "ATT", "absence annulée")

    def touch_history(self) -> None:
        card = self.open(self.pick(self.glances()))
        self.answer("DialogClose")
        click(card.history_button)

    def touch_task_info(self) -> None:
        glance, num = self.task_to_touch()
        row = self.row_of(self.open(glance, num), num)
        self.answer("DialogClose")
        click(row.task_button)

    def touch_responsable(self) -> None:
        card = self.open(self.pick(self.glances()))
        self.answer("DialogCancel")
        click(card.responsable_button)

    def touch_delete_task_no(self) -> None:
        glance, num = self.task_to_touch()
        pk = glance.patient.pk
        row = self.row_of(self.open(glance, num), num)
        self.answer("DialogCancel")
        click(row.delete_button)
        check(any(t.num == num for t in self.board.patients[pk].tasks), "tâche gardée (« Non »)")

    def touch_filter(self) -> None:
        for index in (1, 0):  # a responsable, then everyone again
            click(self.board.top_bar.filter_button)
            menu = self.board.filter.menu
            action = menu.actions()[index]
            point = menu.actionGeometry(action).center()
            QTest.mouseClick(menu, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
        check(all(c.isVisibleTo(c.parentWidget()) for c in self.glances()), "filtre levé")

    def touch_names(self) -> None:
        glance = self.pick(self.glances())
        pk = glance.patient.pk
        card = self.open(glance)
        click(self.board.top_bar.names_button)  # every name masked (in place)...
        leaks = [
            c.painted_name()
            for p in self.board.panels.values()
            for c in p.cards.values()
            if len(c.patient.last_name) > 3 and c.patient.last_name in c.painted_name()
        ]
        check(not leaks, f"noms masqués ({len(leaks)} encore en clair)")
        check(self.board.open_card_panel.card is card, "carte ouverte gardée")
        check(card.name_button.fullText() == self.glance(pk).full_name(), "même nom masqué")
        click(self.board.top_bar.names_button)  # ...and shown again
        view = self.board.patients[pk]
        shown = self.glance(pk).full_name()
        check(shown == f"{view.last_name} {view.first_name}".strip(), "noms affichés")
        check(card.name_button.fullText() == shown, "nom affiché dans la carte ouverte")

    def touch_mask_everywhere_no(self) -> None:
        glance = self.pick(self.glances())
        pk = glance.patient.pk
        self.open(glance)
        self.answer("DialogCancel")  # "Non"
        click(self.board.open_card_panel.mask_button)
        check(not self.board.patients[pk].hidden, "« Masquer le nom (tous les écrans) » : Non")


def type_on_keyboard(dialog: QWidget, text: str, preset: bool) -> None:
    """Clear the field, touch a preset when asked, then touch the keys of ``text``."""
    click(dialog.findChild(QPushButton, "DialogClear"))
    if preset:
        buttons = dialog.findChildren(QPushButton, PRESET_NAME)
        if buttons:
            click(buttons[0])
            click(dialog.findChild(QPushButton, "KeyboardSpace"))
    keyboard = dialog.findChild(OnScreenKeyboard)
    for char in text:
        click(keyboard.space if char == " " else keyboard.keys[char.lower()])


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
