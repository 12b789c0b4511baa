"""The global history window on the hand-made day of ``archive_support``: the list, the
filters, search as you type, more rows, the CSV export and a masked screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from archive_support import CARE, NOON, RECEPTION, Day, make_day
from ui_admin_support import click
from ui_support import BoardEnv

from ui.history_filters import FilterChooser
from ui.history_window import HistoryWindow, open_history, screen_is_masked

NAMES = ("ALPHA", "Anne", "BRAVO", "Bruno", "CHARLIE", "Claire")


@pytest.fixture
def day(env: BoardEnv) -> Day:
    env.clock.now = NOON  # "Aujourd'hui": the day
    return make_day(env.store)


@pytest.fixture
def open_window(qtbot: Any, env: BoardEnv, day: Day, tmp_path: Path) -> Iterator[Any]:
    made: list[HistoryWindow] = []

    def make(masked: bool = False) -> HistoryWindow:
        w = HistoryWindow(env.context(), masked=masked, folder=tmp_path)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        answered(qtbot, w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.background.wait()


def answered(qtbot: Any, w: HistoryWindow) -> None:
    qtbot.waitUntil(lambda: not w.busy and not w.debounce.isActive(), timeout=10000)


def column(w: HistoryWindow, title: str) -> list[str]:
    from ui.history_window import COLUMNS

    return [row[COLUMNS.index(title)] for row in w.texts()]


def test_every_action_of_the_day_newest_first(open_window: Any) -> None:
    w = open_window()
    rows = w.texts()
    assert len(rows) == 16
    # Boxes by the names the board gives them, not their codes (SORT, ATT).
    assert rows[0] == ["21/11/2026 11:30", "Sortie", "Sorties", "BRAVO Bruno", "",
                       "", "sortie définitive", CARE]
    assert rows[-1][:4] == ["21/11/2026 08:00", "Entrée", "Salle d'attente", "ALPHA Anne"]
    assert "=1+1 CHARLIE rappelée" in column(w, "Commentaire")  # as written: plain text
    assert w.status.text() == "16 lignes le 21/11/2026."
    assert not w.more_button.isVisible()


def test_filters_narrow_the_list(qtbot: Any, open_window: Any) -> None:
    w = open_window()
    w.actions_filter.set_values(["in"])
    answered(qtbot, w)
    assert column(w, "Action") == ["Entrée"] * 3
    assert w.actions_filter.text() == "Actions : Entrées"
    w.actions_filter.set_values(["in", "move"])
    w.boxes_filter.set_values(["SORT"])
    answered(qtbot, w)
    assert column(w, "Date") == ["21/11/2026 11:00", "21/11/2026 10:00"]
    w.actions_filter.set_values([])
    w.boxes_filter.set_values([])
    w.actors_filter.set_values([RECEPTION])
    answered(qtbot, w)
    assert set(column(w, "Acteur")) == {RECEPTION} and len(w.texts()) == 6
    assert w.actors_filter.options == [(RECEPTION, RECEPTION), (CARE, CARE)]
    assert {"ATT", "B1", "SORT"} <= dict(w.boxes_filter.options).keys()
    click(qtbot, w.picker.presets.buttons["yesterday"])
    answered(qtbot, w)
    assert w.texts() == [] and w.status.text() == "Aucune ligne le 20/11/2026."


def test_a_chooser_of_chips(qtbot: Any) -> None:
    from ui.metrics import Metrics

    chooser = FilterChooser(Metrics(), "Box", [("B1", "Box 1"), ("B2", "Box 2")], ["B2"])
    qtbot.addWidget(chooser)
    assert chooser.values() == ["B2"]
    click_target = chooser.chips.buttons["B1"]
    chooser.show()
    click(qtbot, click_target)
    assert chooser.values() == ["B1", "B2"]
    everything = next(b for b in chooser.findChildren(type(click_target))
                      if b.objectName() == "FilterAll")
    click(qtbot, everything)
    assert chooser.values() == []


def test_search_as_you_type_on_the_screen_keyboard(qtbot: Any, open_window: Any) -> None:
    w = open_window()
    click(qtbot, w.keyboard_button)
    assert w.keyboard.isVisible() and not w.picker.isVisible()
    asked = w.asked
    for char in "bru":
        click(qtbot, w.keyboard.key(char))
    assert w.search_field.text() == "Bru"
    assert w.debounce.isActive() and w.asked == asked  # typing: nothing asked yet
    answered(qtbot, w)
    assert w.asked == asked + 1  # one question for the three letters
    assert set(column(w, "Patient")) == {"BRAVO Bruno"} and len(w.texts()) == 7
    click(qtbot, w.keyboard.backspace)
    click(qtbot, w.keyboard.backspace)
    click(qtbot, w.keyboard.backspace)
    click(qtbot, w.keyboard.key("c"))
    click(qtbot, w.keyboard.key("l"))
    answered(qtbot, w)
    assert set(column(w, "Patient")) == {"CHARLIE Claire"}


def test_older_rows_a_page_at_a_time(qtbot: Any, open_window: Any) -> None:
    w = open_window()
    w.search.page_size = 6
    w.reload()
    answered(qtbot, w)
    assert len(w.texts()) == 6 and w.more_button.isVisible()
    assert "d'autres, plus anciennes, suivent" in w.status.text()
    click(qtbot, w.more_button)
    answered(qtbot, w)
    click(qtbot, w.more_button)
    answered(qtbot, w)
    assert len(w.texts()) == 16 and not w.more_button.isVisible()
    dates = column(w, "Date")
    assert dates == sorted(dates, key=lambda d: (d[6:10], d[3:5], d[:2], d[11:]),
                           reverse=True)


def test_csv_export_of_the_filter(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    w = open_window()
    w.search.page_size = 2  # the export takes every row, not the page shown
    w.actors_filter.set_values([RECEPTION])
    answered(qtbot, w)
    click(qtbot, w.export.buttons["csv"])
    path = tmp_path / "historique_2026-11-21_2026-11-21.csv"
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    assert len(lines) == 1 + 6 + 1
    assert lines[0].startswith("Date;Action;Box;Patient;")
    assert lines[1].startswith("21/11/2026 09:05;Commentaire;ATT;CHARLIE Claire;")
    assert "'=1+1 CHARLIE rappelée" in lines[1]
    assert w.export.message.text() == f"6 ligne(s) exportée(s) : {path}"


def test_a_masked_screen_shows_and_exports_no_name(qtbot: Any, open_window: Any,
                                                   tmp_path: Path) -> None:
    w = open_window(masked=True)
    shown = " ".join(" ".join(row) for row in w.texts())
    assert len(w.texts()) == 16
    assert not any(name in shown for name in NAMES)
    assert set(column(w, "Patient")) == {"Patient AL. A.", "Patient BR. B.", "Patient CH. C."}
    click(qtbot, w.export.buttons["csv"])
    text = (tmp_path / "historique_2026-11-21_2026-11-21.csv").read_bytes().decode("utf-8-sig")
    assert "Patient CH. C." in text and not any(name in text for name in NAMES)
    w.search_field.setText("bravo")  # a name typed finds nobody: it would tell who came
    answered(qtbot, w)
    assert w.texts() == []
    assert w.status.text().startswith("Écran masqué : pas de recherche par nom")
    assert w.search_field.placeholderText() == "N° de patient (écran masqué)"


def test_the_screen_tells_whether_it_is_masked(qtbot: Any, env: BoardEnv) -> None:
    from PySide6.QtWidgets import QWidget

    class Board(QWidget):
        screen_masked = True

    board = Board()
    qtbot.addWidget(board)
    ctx = env.context()
    assert screen_is_masked(board, ctx) is True
    assert screen_is_masked(None, ctx) is False
    env.configure(interface={"profile": "public"})
    assert screen_is_masked(None, env.context()) is True


def test_open_history_follows_the_board(qtbot: Any, env: BoardEnv, day: Day,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[HistoryWindow] = []

    def shown(self: HistoryWindow) -> int:
        opened.append(self)
        answered(qtbot, self)
        assert self.texts()[0][3] == "Patient BR. B."
        self.accept()
        return 0

    monkeypatch.setattr(HistoryWindow, "exec", shown)
    board = env.board(qtbot)
    board.wall.names.screen_masked = True
    assert open_history(board, env.context()) is None
    assert opened[0].masked is True and opened[0].closed
    opened[0].background.wait()


def test_an_answer_after_closing_is_dropped(qtbot: Any, open_window: Any) -> None:
    w = open_window()
    w.search_field.setText("bru")
    w.reject()
    assert w.closed and not w.debounce.isActive()
    w.reload()  # an answer that arrives after the window closed
    w.background.wait()
    qtbot.wait(50)
    assert len(w.texts()) == 16  # nothing shown into a closed window
