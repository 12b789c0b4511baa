"""Every figure of the statistics against a small department day computed by hand.

The day is Monday 16 November 2026.  Boxes: ATT (Attente, 20 places), B1 and B2 (Soins,
1 place each), ABS (Absence, 10), SORT (Sortie).  Patients (flow rows below):

    P1  in 08:00 ATT, 08:30 B1, 10:00 SORT "Retour domicile", exit corrected to 09:50,
        purged the next day                     wait 30, stay 110
    P2  in 08:15 ATT, 09:00 B2, 09:30 ABS, 10:30 B2, 13:15 SORT "Hospitalisation médecine"
                                                wait 45, stay 300 (over 4 h)
    P3  in 09:10 ATT, 11:00 SORT "Fugue"        no care, stay 110
    P4  in the day before 22:00 ATT, 01:00 B1, 02:00 SORT "Retour domicile"
                                                not an arrival; an exit; present 00:00-02:00
    P5  in 23:30 B2 (straight into care), still on the board
                                                wait 0, no stay; present 23:30-24:00
    P6  no entry row (a host's INSERT), 12:00 SORT "Retour domicile"
                                                an exit only
    P7  in 14:00 ATT, definitive exit 15:00 without a Sortie box
                                                exit "Non renseignée", stay 60
    P8  in 16:00 ATT, 16:20 SORT, back to B1 16:40 (exit undone), 18:00 SORT "UHCD"
                                                wait 40, stay 120
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synoptic.domain import BoxType
from synoptic.errors import InvalidValueError
from synoptic.stats.census import hourly_census
from synoptic.stats.episodes import FlowRow, TaskEpisode, build_stays, parse_exit_time
from synoptic.stats.figures import Figures, Period, compute_figures, mark_on_board, parse_day
from synoptic.stats.read import BoxInfo

DAY = Period(date(2026, 11, 16), date(2026, 11, 16))
NOW = datetime(2026, 11, 17, 8, 0)
BOXES = {
    "ATT": BoxInfo("ATT", "Salle d'attente", BoxType.WAITING, 20),
    "B1": BoxInfo("B1", "Box 1", BoxType.CARE, 1),
    "B2": BoxInfo("B2", "Box 2", BoxType.CARE, 1),
    "ABS": BoxInfo("ABS", "Absence", BoxType.ABSENCE, 10),
    "SORT": BoxInfo("SORT", "Sorties", BoxType.EXIT, 200),
}


def at(hhmm: str, day: int = 16) -> datetime:
    hours, mins = hhmm.split(":")
    return datetime(2026, 11, day, int(hours), int(mins))


def row(patient: str, when: datetime, action: str, box: str = "", comment: str = "") -> FlowRow:
    return FlowRow(patient, when, action, box, comment)


FLOW = [
    row("1", at("08:00"), "PATIENT_IN", "ATT", "Douleur"),
    row("1", at("08:30"), "SET_PLACE", "B1"),
    row("1", at("10:00"), "SET_PLACE", "SORT", "Retour domicile"),
    row("1", at("10:05"), "SET_EXIT_TIME", "SORT", "16/11/2026 09:50"),
    row("1", at("10:00", 17), "PATIENT_OUT", "SORT", "purge des sorties"),
    row("2", at("08:15"), "PATIENT_IN", "ATT"),
    row("2", at("09:00"), "SET_PLACE", "B2"),
    row("2", at("09:30"), "SET_PLACE", "ABS", "Scanner"),
    row("2", at("10:30"), "SET_PLACE", "B2"),
    row("2", at("13:15"), "SET_PLACE", "SORT", "Hospitalisation médecine"),
    row("3", at("09:10"), "PATIENT_IN", "ATT"),
    row("3", at("11:00"), "SET_PLACE", "SORT", "Fugue"),
    row("4", at("22:00", 15), "PATIENT_IN", "ATT"),
    row("4", at("01:00"), "SET_PLACE", "B1"),
    row("4", at("02:00"), "SET_PLACE", "SORT", "Retour domicile"),
    row("5", at("23:30"), "PATIENT_IN", "B2"),
    row("6", at("12:00"), "SET_PLACE", "SORT", "Retour domicile"),
    row("7", at("14:00"), "PATIENT_IN", "ATT"),
    row("7", at("15:00"), "PATIENT_OUT", "ATT", "sortie définitive"),
    row("8", at("16:00"), "PATIENT_IN", "ATT"),
    row("8", at("16:20"), "SET_PLACE", "SORT", "Retour domicile"),
    row("8", at("16:40"), "SET_PLACE", "B1"),
    row("8", at("18:00"), "SET_PLACE", "SORT", "UHCD"),
]

TASKS = [
    TaskEpisode.between("BIO", at("08:40"), at("09:40"), at("08:30")),  # 60 min, 10 min late
    TaskEpisode.between("BIO", at("09:20"), at("09:50")),  # 30 min
    TaskEpisode.between("BIO", at("10:05"), None),  # not ended: counted, no duration
    TaskEpisode.between("RX", at("09:30"), at("10:15"), at("09:45")),  # 45 min, 15 min early
    TaskEpisode.between("RX", at("23:00", 15), at("23:30", 15)),  # started the day before
]


def figures(threshold: int | None = None) -> Figures:
    box_types = {code: box.kind for code, box in BOXES.items()}
    stays = mark_on_board(build_stays(FLOW, box_types), frozenset({"5"}))
    return compute_figures(stays, TASKS, period=DAY, now=NOW, boxes=BOXES,
                           task_labels={"BIO": "Biologie"}, tension_threshold=threshold)


def test_arrivals_and_exits() -> None:
    f = figures()
    # P1, P2, P3, P5, P7, P8 entered on the day (P4 the day before, P6 has no entry row).
    assert f.arrivals == 6
    by_hour = [0] * 24
    by_hour[8], by_hour[9], by_hour[14], by_hour[16], by_hour[23] = 2, 1, 1, 1, 1
    assert f.arrivals_by_hour == tuple(by_hour)
    # P1 09:50 (its purge the next day is not a second exit), P2, P3, P4, P6, P7, P8.
    assert f.exits == 7
    assert f.exits_by_destination == {
        "Retour domicile": 3,  # P1, P4, P6
        "Fugue": 1,
        "Hospitalisation médecine": 1,
        "Non renseignée": 1,  # P7: out without a Sortie box
        "UHCD": 1,  # P8: its first Sortie move was undone
    }


def test_waiting_minutes() -> None:
    w = figures().waiting
    # P5 0, P1 30, P8 40, P2 45: median (30 + 40) / 2 = 35;
    # p90 rank 0.9 * 3 = 2.7 -> 40 + 0.7 * (45 - 40) = 43.5.
    assert (w.overall.median, w.overall.p90, w.overall.n) == (35.0, pytest.approx(43.5), 4)
    # arrivals at 8 h: P1 30, P2 45 -> median 37.5, p90 30 + 0.9 * 15 = 43.5
    assert (w.by_hour[8].median, w.by_hour[8].p90, w.by_hour[8].n) == (
        37.5, pytest.approx(43.5), 2)
    assert (w.by_hour[23].median, w.by_hour[23].n) == (0.0, 1)
    assert (w.by_hour[16].median, w.by_hour[16].n) == (40.0, 1)
    assert w.by_hour[9].n == 0 and w.by_hour[9].median is None  # P3 never reached care
    assert w.by_weekday[0] == w.overall  # Monday
    assert all(s.n == 0 for s in w.by_weekday[1:])


def test_stay_minutes_and_long_stays() -> None:
    f = figures()
    s = f.stay.overall
    # P7 60, P1 110, P3 110, P8 120, P2 300: median 110; p90 rank 3.6 -> 120 + 0.6 * 180 = 228
    assert (s.median, s.p90, s.n) == (110.0, pytest.approx(228.0), 5)
    assert f.stay.by_hour[8].n == 2 and f.stay.by_hour[8].median == 205.0  # (110 + 300) / 2
    assert f.stays_over_4h == pytest.approx(1 / 5)  # P2 only


def test_census_peak_and_patients_present_by_hour() -> None:
    c = figures().census
    # P1 [08:00, 09:50), P2 [08:15, 13:15), P3 [09:10, 11:00): three at 09:10.
    assert (c.peak, c.peak_at) == (3, at("09:10"))
    expected = [0] * 24
    # 0-1 h: P4 (until 02:00 exactly); 8 h: P1, P2; 9 h: P1, P2, P3; 10 h: P2, P3;
    # 11-13 h: P2 (P3 left at 11:00 exactly); 14 h: P7; 16-17 h: P8; 23 h: P5 (on the board).
    for hour, count in {0: 1, 1: 1, 8: 2, 9: 3, 10: 2, 11: 1, 12: 1, 13: 1, 14: 1, 16: 1,
                        17: 1, 23: 1}.items():
        expected[hour] = count
    assert [n for _, n in c.hours] == expected
    assert [h for h, _ in c.hours] == [at(f"{h:02d}:00") for h in range(24)]


def test_census_stops_at_now() -> None:
    box_types = {code: box.kind for code, box in BOXES.items()}
    stays = mark_on_board(build_stays(FLOW, box_types), frozenset({"5"}))
    f = compute_figures(stays, [], period=DAY, now=at("09:30"), boxes=BOXES)
    assert len(f.census.hours) == 10  # 00 h .. 09 h (09:00-09:30)
    assert f.census.hours[-1] == (at("09:00"), 3)


def test_occupancy_against_capacity_by_box_type() -> None:
    waiting, care, absence = figures().occupancy
    assert waiting.kind is BoxType.WAITING and waiting.capacity == 20
    # ATT: P1 [08:00, 08:30), P2 [08:15, 09:00), P4 [00:00, 01:00), P3 [09:10, 11:00),
    # P7 [14:00, 15:00), P8 [16:00, 16:20): two at 08:15.
    assert (waiting.peak, waiting.peak_at) == (2, at("08:15"))
    # hourly peaks: 1 at 0, 8->2, 9, 10, 14, 16 -> 1, eighteen 0s: median 0, p90 rank 20.7 -> 1
    assert (waiting.hourly.median, waiting.hourly.p90, waiting.hourly.n) == (0.0, 1.0, 24)
    assert waiting.hours_at_capacity == 0
    # Soins (2 places): P1 B1 [08:30, 09:50) (its corrected exit), P2 B2 [09:00, 09:30) and
    # [10:30, 13:15), P4 [01:00, 02:00), P5 [23:30, 24:00), P8 [16:40, 18:00).
    assert (care.capacity, care.peak, care.peak_at) == (2, 2, at("09:00"))
    assert care.hours_at_capacity == 1  # 9 h
    assert (absence.capacity, absence.peak, absence.peak_at) == (10, 1, at("09:30"))


def test_tasks_per_code() -> None:
    tasks = figures().tasks
    assert list(tasks) == ["BIO", "RX"]
    bio = tasks["BIO"]
    # three started on the day; durations 30 and 60: median 45, p90 30 + 0.9 * 30 = 57
    assert bio.count == 3
    assert (bio.duration.median, bio.duration.p90, bio.duration.n) == (45.0, 57.0, 2)
    assert (bio.delay.median, bio.delay.p90, bio.delay.n) == (10.0, 10.0, 1)
    rx = tasks["RX"]  # the one started the day before is not counted
    assert (rx.count, rx.duration.median, rx.delay.median) == (1, 45.0, -15.0)


def test_tension_hours_and_their_tasks() -> None:
    # Default threshold: the care places (2): only 9 h has more (3).
    f = figures()
    assert f.tension_threshold == 2
    assert f.tension_hours == (at("09:00"),)
    # started in 9 h: BIO 09:20 (30 min) and RX 09:30
    assert {c: t.count for c, t in f.tension_tasks.items()} == {"BIO": 1, "RX": 1}
    assert f.tension_tasks["BIO"].duration.median == 30.0
    # Threshold 1: 8, 9 and 10 h; every task of the day started in one of them.
    f = figures(threshold=1)
    assert f.tension_hours == (at("08:00"), at("09:00"), at("10:00"))
    assert f.tension_tasks == f.tasks


def test_no_activity_gives_empty_figures() -> None:
    f = compute_figures([], [], period=DAY, now=NOW, boxes=BOXES)
    assert (f.arrivals, f.exits, f.census.peak, f.census.peak_at) == (0, 0, 0, None)
    assert f.waiting.overall.median is None and f.stays_over_4h is None
    assert f.tasks == {} and f.tension_hours == ()


def test_a_freed_patient_key_reused_is_two_stays() -> None:
    flow = [
        row("9", at("08:00"), "PATIENT_IN", "ATT"),
        row("9", at("09:00"), "PATIENT_OUT", "ATT"),
        row("9", at("10:00"), "PATIENT_IN", "B1"),  # SQLite gave key 9 to a new patient
        row("9", at("11:00"), "SET_PLACE", "SORT", "UHCD"),
    ]
    stays = list(build_stays(flow, {c: b.kind for c, b in BOXES.items()}))
    assert [(s.entry, s.exit, s.first_care) for s in stays] == [
        (at("08:00"), at("09:00"), None), (at("10:00"), at("11:00"), at("10:00"))]


def test_period_and_day_parsing_say_what_is_wrong_in_french() -> None:
    assert parse_day("2026-11-16") == date(2026, 11, 16)
    with pytest.raises(InvalidValueError, match="Date invalide « 16/11/2026 » : attendu"):
        parse_day("16/11/2026")
    with pytest.raises(InvalidValueError, match="Période invalide"):
        Period(date(2026, 11, 17), date(2026, 11, 16))
    assert DAY.start == at("00:00") and DAY.stop == at("00:00", 17)


minutes_of_day = st.integers(min_value=-120, max_value=24 * 60 + 120)


@given(st.lists(st.tuples(minutes_of_day, st.integers(min_value=0, max_value=600)),
                max_size=25))
def test_census_matches_a_minute_by_minute_count(spans: list[tuple[int, int]]) -> None:
    """Property: the sweep agrees with counting, minute by minute, who is present."""
    base = DAY.start
    intervals = [(base + timedelta(minutes=a), base + timedelta(minutes=a + length))
                 for a, length in spans]
    census = hourly_census(intervals, DAY.start, DAY.stop)

    def present(minute: int) -> int:
        return sum(1 for a, length in spans if a <= minute < a + length)

    by_minute = [present(m) for m in range(24 * 60)]
    assert [n for _, n in census.hours] == [max(by_minute[h * 60:(h + 1) * 60])
                                             for h in range(24)]
    assert census.peak == max(by_minute)
    if census.peak:
        assert census.peak_at == base + timedelta(minutes=by_minute.index(census.peak))
    else:
        assert census.peak_at is None


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("16/11/2026 09:50", datetime(2026, 11, 16, 9, 50)),
        (" 01/02/2027 23:05 ", datetime(2027, 2, 1, 23, 5)),
        ("31/02/2026 09:50", None),
        ("16/11/2026 9:50", None),
        ("2026-11-16 09:50", None),
        ("16/11/2026 09h50", None),
        ("", None),
    ],
)
def test_exit_time_corrections_are_read_as_the_services_write_them(
    comment: str, expected: datetime | None
) -> None:
    assert parse_exit_time(comment) == expected
