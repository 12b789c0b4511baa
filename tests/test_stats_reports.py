"""Reports of the figures: JSON keys, a CSV a French Excel opens as is, the daily summary."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from test_stats_figures import BOXES, DAY, FLOW, NOW, TASKS, figures, row

from synoptic.stats.daily import daily_paths, missing_days, write_daily
from synoptic.stats.episodes import TaskEpisode, build_stays
from synoptic.stats.figures import compute_figures, mark_on_board
from synoptic.stats.reports import JSON_KEYS, csv_cell, figures_json, write_csv, write_json


def test_json_has_exactly_the_issue_keys_with_the_hand_computed_values(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    write_json(figures(), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert tuple(data) == JSON_KEYS
    assert (data["arrivals"], data["exits"]) == (6, 7)
    assert data["exits_by_destination"]["Retour domicile"] == 3
    waiting = data["waiting_minutes"]
    assert (waiting["median"], waiting["p90"], waiting["n"]) == (35.0, 43.5, 4)
    assert waiting["by_hour"]["8"] == {"median": 37.5, "p90": 43.5, "n": 2}
    assert waiting["by_weekday"]["1"]["n"] == 4 and waiting["by_weekday"]["7"]["n"] == 0
    assert (data["stay_minutes"]["median"], data["stay_minutes"]["p90"]) == (110.0, 228.0)
    assert data["stays_over_4h"] == 0.2
    assert data["census_peak"] == {"patients": 3, "at": "2026-11-16T09:10"}
    assert data["present_by_hour"][9] == {"at": "2026-11-16T09:00", "patients": 3}
    assert len(data["present_by_hour"]) == 24
    care = data["occupancy_by_box_type"]["Soins"]
    assert (care["capacity"], care["peak"], care["at"], care["hours_at_capacity"]) == (
        2, 2, "2026-11-16T09:00", 1)
    assert data["tasks"]["BIO"] == {
        "count": 3, "duration_minutes": {"median": 45.0, "p90": 57.0, "n": 2},
        "delay_minutes": {"median": 10.0, "p90": 10.0, "n": 1}}
    assert data["tension"]["threshold"] == 2 and data["tension"]["hours"] == 1
    assert data["tension"]["at"] == ["2026-11-16T09:00"]
    assert set(data["tension"]["tasks"]) == {"BIO", "RX"}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+33 6 12", "'+33 6 12"),
        ("-moins", "'-moins"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcaché", "'\tcaché"),
        ("\rretour", "'\rretour"),
        ("Retour domicile", "Retour domicile"),
        (43.5, "43,5"),
        (-15.0, "-15"),  # a number is a number, not a formula
        (0.2, "0,2"),
        (7, "7"),
        (None, ""),
        (datetime(2026, 11, 16, 9, 10), "16/11/2026 09:10"),
    ],
)
def test_csv_cells_for_a_french_excel(value: object, cell: str) -> None:
    assert csv_cell(value) == cell  # type: ignore[arg-type]


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_csv_report_opens_in_a_french_excel(tmp_path: Path) -> None:
    flow = [*FLOW, row("10", datetime(2026, 11, 16, 20, 0), "SET_PLACE", "SORT",
                       "=1+2 (saisie)")]
    box_types = {code: box.kind for code, box in BOXES.items()}
    f = compute_figures(mark_on_board(build_stays(flow, box_types), frozenset({"5"})),
                        TASKS, period=DAY, now=NOW, boxes=BOXES, task_labels={"BIO": "Biologie"})
    path = tmp_path / "stats.csv"
    write_csv(f, path)
    rows = read_csv(path)
    assert b"\r\n" in path.read_bytes()
    assert rows[0] == ["Statistiques des urgences", "du 16/11/2026", "au 16/11/2026"]
    cells: dict[str, list[str]] = {}
    for r in rows:
        if r:
            cells.setdefault(r[0], r[1:])  # the first table naming it (tension comes last)
    assert cells["Arrivées"] == ["6"]
    assert cells["Part des séjours de plus de 4 h (%)"] == ["20"]  # a share of 0.2
    title = rows.index(["Tâches commencées dans la période (un premier état donné)"])
    assert rows[title + 1][:3] == ["Tâche", "Libellé", "Nombre"]  # says which tasks count
    assert cells["Attente (entrée → premier box de soins)"] == ["35", "43,5", "4"]
    assert cells["Séjour (entrée → sortie)"] == ["110", "228", "5"]
    assert cells["'=1+2 (saisie)"] == ["1"]  # a destination typed as a formula: text
    assert cells["8 h"][:4] == ["2", "37,5", "43,5", "2"]
    assert cells["lundi"][:3] == ["35", "43,5", "4"]
    assert cells["BIO"] == ["Biologie", "3", "45", "57", "2", "10", "10", "1"]
    assert cells["RX"][5] == "-15"
    assert cells["16/11/2026 09:00"] == ["3", "oui"]


def test_daily_summary_files_carry_the_date(tmp_path: Path) -> None:
    json_path, csv_path = write_daily(figures(), tmp_path / "rapports")
    assert json_path.name == "synoptux-resume-2026-11-16.json"
    assert csv_path.name == "synoptux-resume-2026-11-16.csv"
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["date"] == "2026-11-16"
    assert data["arrivals_by_hour"]["8"] == 2 and sum(data["arrivals_by_hour"].values()) == 6
    assert data["exits_by_destination"]["Retour domicile"] == 3
    assert data["waiting_minutes"] == {"median": 35.0, "p90": 43.5, "n": 4}
    assert data["stay_minutes"] == {"median": 110.0, "p90": 228.0, "n": 5}
    assert (data["stays_over_4h"], data["census_peak"]["patients"]) == (0.2, 3)
    assert data["tension"] == {"threshold": 2, "hours": 1}
    assert data["tasks"]["BIO"]["label"] == "Biologie" and data["tasks"]["BIO"]["count"] == 3
    cells = {r[0]: r[1:] for r in read_csv(csv_path) if r}
    assert cells["Heures en tension"] == ["1"] and cells["23 h"] == ["1"]
    assert not list((tmp_path / "rapports").glob(".*"))  # no temporary file left


def test_a_daily_summary_is_one_day() -> None:
    week = compute_figures([], [], period=type(DAY)(date(2026, 11, 16), date(2026, 11, 22)),
                           now=NOW, boxes=BOXES)
    with pytest.raises(ValueError, match="one day"):
        write_daily(week, Path("unused"))


def written(folder: Path, *days: date, only_json: bool = False) -> None:
    folder.mkdir(exist_ok=True)
    for day in days:
        json_path, csv_path = daily_paths(folder, day)
        json_path.write_text("{}", encoding="utf-8")
        if not only_json:
            csv_path.write_text("", encoding="utf-8")


def test_missing_days_catch_up_after_a_stop_and_write_each_day_once(tmp_path: Path) -> None:
    today = date(2026, 11, 21)
    assert missing_days(tmp_path / "absent", today) == [date(2026, 11, 20)]
    assert missing_days(tmp_path, today) == [date(2026, 11, 20)]  # a new folder: yesterday
    written(tmp_path, date(2026, 11, 17))
    # stopped after the 17th's summary: the 18th, 19th and 20th
    assert missing_days(tmp_path, today) == [date(2026, 11, 18), date(2026, 11, 19),
                                             date(2026, 11, 20)]
    written(tmp_path, date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20))
    assert missing_days(tmp_path, today) == []  # never twice
    written(tmp_path, date(2026, 11, 21), only_json=True)  # a crash between the two files
    assert missing_days(tmp_path, date(2026, 11, 22)) == [date(2026, 11, 21)]
    assert missing_days(tmp_path, date(2027, 3, 1), max_days=5) == [
        date(2027, 2, d) for d in range(24, 29)]


def test_reports_say_nothing_is_known_rather_than_zero(tmp_path: Path) -> None:
    empty = compute_figures([], [TaskEpisode.between("BIO", NOW, None)], period=DAY, now=NOW,
                            boxes=BOXES)
    data = figures_json(empty)
    assert data["waiting_minutes"]["median"] is None and data["stays_over_4h"] is None
    assert data["census_peak"] == {"patients": 0, "at": None}


def test_a_share_reads_as_a_percentage() -> None:
    from synoptic.stats.reports import percent, percent_text

    assert (percent(0.125), percent_text(0.125)) == (12.5, "12,5 %")
    assert (percent(0.2), percent_text(0.2)) == (20.0, "20 %")
    assert percent(None) is None and percent_text(None) is None
