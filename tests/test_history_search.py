"""The global history's search (synoptic.history_search): order, filters, name search,
pages, CSV export and masking, on SQLite and MariaDB, over the hand-made day of
``archive_support``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from archive_support import CARE, DAY, RECEPTION, at, make_day

from synoptic.history_search import CSV_HEADER, HistoryFilter, HistorySearch
from synoptic.services import PATIENT_IN, SET_PLACE, BoardServices
from synoptic.stats import Period
from synoptic.store.db import Store

ALL = 16  # history rows of the day


@pytest.fixture
def search(store: Store) -> HistorySearch:
    make_day(store)
    return HistorySearch(store, anonymous_label="Patient")


def listed(search: HistorySearch, masked: bool = False, **wanted: object) -> list[tuple[str, str]]:
    page = search.page(HistoryFilter(DAY, **wanted), masked=masked)  # type: ignore[arg-type]
    return [(e.date.strftime("%H:%M"), e.action) for e in page.entries]


def test_every_row_newest_first(search: HistorySearch) -> None:
    page = search.page(HistoryFilter(DAY), masked=False)
    assert len(page.entries) == ALL and not page.more
    keys = [(e.date, e.pk) for e in page.entries]
    assert keys == sorted(keys, reverse=True)
    first = page.entries[0]
    assert (first.action_label, first.patient, first.box_code, first.actor) == (
        "Sortie", "BRAVO Bruno", "SORT", CARE)


def test_the_period_bounds_the_rows(search: HistorySearch) -> None:
    assert search.page(HistoryFilter(Period(date(2026, 11, 22), date(2026, 11, 30))),
                       masked=False).entries == ()
    assert len(search.page(HistoryFilter(Period(date(2026, 11, 1), date(2026, 11, 21))),
                           masked=False).entries) == ALL


def test_filters_narrow_and_combine(search: HistorySearch) -> None:
    assert listed(search, actions=frozenset({PATIENT_IN})) == [
        ("09:00", PATIENT_IN), ("08:30", PATIENT_IN), ("08:00", PATIENT_IN)]
    assert listed(search, boxes=frozenset({"B1"})) == [
        ("09:15", "TASK_STATE"), ("08:45", "TASK_STATE"), ("08:20", SET_PLACE)]
    assert len(listed(search, actors=frozenset({RECEPTION}))) == 6
    assert listed(search, actors=frozenset({CARE}), actions=frozenset({SET_PLACE}),
                  boxes=frozenset({"SORT"})) == [("11:00", SET_PLACE), ("10:00", SET_PLACE)]
    assert len(listed(search, actions=frozenset({PATIENT_IN, SET_PLACE}))) == 6


def test_name_search_any_word_anywhere_in_either_name(search: HistorySearch) -> None:
    names = {e.patient for e in search.page(HistoryFilter(DAY, text="rav"),
                                            masked=False).entries}
    assert names == {"BRAVO Bruno"}
    assert {e.patient for e in search.page(HistoryFilter(DAY, text="claire"),
                                           masked=False).entries} == {"CHARLIE Claire"}
    assert search.page(HistoryFilter(DAY, text="alpha bruno"), masked=False).entries == ()
    assert len(listed(search, text="alpha anne")) == 7
    # LIKE's wildcards are searched as characters
    assert listed(search, text="%") == [] and listed(search, text="_") == []


def test_digits_search_the_patient_number(store: Store) -> None:
    day = make_day(store)
    search = HistorySearch(store)
    entries = search.page(HistoryFilter(DAY, text=str(day.alpha)), masked=False).entries
    assert {e.patient_key for e in entries} == {str(day.alpha)} and len(entries) == 7


def test_pages_follow_each_other_without_gap_or_repeat(search: HistorySearch) -> None:
    wanted = HistoryFilter(DAY)
    seen, after, pages = [], None, 0
    while True:
        page = search.page(wanted, masked=False, after=after, limit=3)
        seen += [e.pk for e in page.entries]
        pages += 1
        if not page.more:
            break
        after = page.next_after
    assert pages == 6 and len(seen) == ALL == len(set(seen))
    assert seen == [e.pk for e in search.page(wanted, masked=False).entries]


def test_actors_of_a_period(search: HistorySearch) -> None:
    assert search.actors(DAY) == (RECEPTION, CARE)
    assert search.actors(Period(date(2026, 12, 1), date(2026, 12, 1))) == ()


def test_masked_rows_name_nobody(store: Store) -> None:
    make_day(store)
    search = HistorySearch(store, anonymous_label="Anonyme")
    entries = search.page(HistoryFilter(DAY), masked=True).entries
    shown = " ".join(" ".join(str(c) for c in e.cells()) for e in entries)
    for name in ("ALPHA", "Anne", "BRAVO", "Bruno", "CHARLIE", "Claire"):
        assert name not in shown
    assert {e.patient for e in entries} == {"Anonyme AL. A.", "Anonyme BR. B.",
                                            "Anonyme CH. C."}
    comment = next(e.comment for e in entries if e.action == "SET_COMMENT")
    assert comment == "=1+1 Anonyme CH. C. rappelée"  # the row's own name hidden in its comment
    # a name typed on a masked screen finds nothing: it would tell who came
    assert search.page(HistoryFilter(DAY, text="bravo"), masked=True).entries == ()


def test_a_patient_masked_on_the_board_is_masked_everywhere(store: Store) -> None:
    day = make_day(store)
    BoardServices(store, CARE).set_hidden(day.charlie, True, now=at("09:10"))
    entries = HistorySearch(store).page(HistoryFilter(DAY), masked=False).entries
    shown = {e.patient for e in entries}
    assert shown == {"Patient CH. C.", "ALPHA Anne", "BRAVO Bruno"}
    assert all(e.patient == "Patient CH. C." for e in entries
               if e.patient_key == str(day.charlie))


def test_csv_export_of_a_filter(search: HistorySearch, tmp_path: Path) -> None:
    path = tmp_path / "historique.csv"
    count = search.export_csv(HistoryFilter(DAY, actors=frozenset({RECEPTION})), path,
                              masked=False)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert count == 6 and len(lines) == 1 + 6 + 1 and lines[-1] == ""
    assert lines[0] == ";".join(CSV_HEADER)
    assert lines[1].startswith("21/11/2026 09:05;Commentaire;ATT;CHARLIE Claire;")
    assert ";'=1+1 CHARLIE rappelée;" in lines[1]  # a formula is defused
    assert lines[-2].startswith("21/11/2026 08:00;Entrée;ATT;ALPHA Anne;")


def test_csv_export_of_a_masked_screen(search: HistorySearch, tmp_path: Path) -> None:
    path = tmp_path / "historique.csv"
    assert search.export_csv(HistoryFilter(DAY), path, masked=True) == ALL
    text = path.read_text(encoding="utf-8-sig")
    for name in ("Anne", "BRAVO", "Bruno", "CHARLIE", "Claire"):
        assert name not in text
    assert "Patient AL. A." in text


def test_export_reads_in_batches(search: HistorySearch, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("synoptic.history_search.EXPORT_BATCH", 5)
    path = tmp_path / "h.csv"
    assert search.export_csv(HistoryFilter(DAY), path, masked=False) == ALL
    assert len(path.read_bytes().decode("utf-8-sig").split("\r\n")) == ALL + 2
