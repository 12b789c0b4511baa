"""``synoptux stats`` and ``synoptux daily-report``: the handlers of synoptic.stats_cli, wired
into the headless parser as ``synoptic.cli`` will (``add_arguments``), run in-process."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import make_seeded_store

from synoptic import cli, stats_cli
from synoptic.command_context import EXIT_USAGE
from synoptic.services import BoardServices, NewTask
from synoptic.stats import Figures, Period
from ui import main as ui_main

DAY = "2026-11-20"


def at(hhmm: str, day: int = 20) -> datetime:
    hours, mins = hhmm.split(":")
    return datetime(2026, 11, day, int(hours), int(mins))


@pytest.fixture
def argv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """An ini and a SQLite board with one day of activity: two arrivals, one exit."""
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    monkeypatch.delenv("SYNOPTUX_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    ini = tmp_path / "synoptux.ini"
    ini.write_text("[Interface]\nNom_Ecran=poste-test\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'board.sqlite'}"
    store = make_seeded_store(url)
    services = BoardServices(store, "test")
    a = services.admit(box_code="ATT", last_name="ALPHA", now=at("08:00"),
                       tasks=[NewTask("ECG")])
    services.set_task_state(a.patient_pk, a.task_nums[0], "3EC", now=at("08:10"))
    services.set_task_state(a.patient_pk, a.task_nums[0], "4TE", now=at("08:25"))
    services.move(a.patient_pk, "B1", now=at("08:30"))
    services.move(a.patient_pk, "SORT", now=at("10:00"), destination="Retour domicile")
    services.admit(box_code="ATT", last_name="BRAVO", now=at("09:00"))
    store.dispose()
    return ["--config", str(ini), "--db", url]


def parser(pdf: bool = False) -> argparse.ArgumentParser:
    """The headless parser (``synoptic.cli``), or the board's, which can write PDF."""
    if pdf:
        return ui_main.build_parser()
    return cli.build_parser()[0]


def run(capsys: pytest.CaptureFixture[str], *args: str, pdf: bool = False
        ) -> tuple[int, str, str]:
    try:
        code = cli.run(list(args), parser(pdf))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_stats_json(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "novembre.json"
    code, out, err = run(capsys, *argv, "stats", "--from", DAY, "--to", DAY, "-o",
                         str(out_file))
    assert (code, err) == (0, "")
    assert f"Statistiques du 20/11/2026 au 20/11/2026 écrites dans {out_file} (json)." in out
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert (data["arrivals"], data["exits"]) == (2, 1)
    assert data["waiting_minutes"]["median"] == 30.0  # ALPHA: 08:00 -> B1 08:30
    assert data["stay_minutes"]["median"] == 120.0
    assert data["tasks"]["ECG"]["duration_minutes"]["median"] == 15.0


def test_stats_csv_from_the_extension_and_the_threshold_option(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "jour.csv"
    code, _, _ = run(capsys, *argv, "stats", "--from", DAY, "--to", DAY, "-o", str(out_file),
                     "--seuil", "1")
    assert code == 0
    text = out_file.read_bytes().decode("utf-8-sig")
    assert "Arrivées;2\r\n" in text
    assert "Seuil de tension (patients présents);1\r\n" in text
    assert "Heures en tension;1\r\n" in text  # two present from 09:00 to 10:00


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (("2026-11-31", DAY), "Date invalide « 2026-11-31 » : attendu AAAA-MM-JJ"),
        (("20/11/2026", DAY), "Date invalide « 20/11/2026 »"),
        (("2026-11-21", DAY), "Période invalide : le 20/11/2026 est avant le 21/11/2026."),
    ],
)
def test_bad_dates_are_a_usage_error_in_french(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    dates: tuple[str, str], message: str,
) -> None:
    code, _, err = run(capsys, *argv, "stats", "--from", dates[0], "--to", dates[1], "-o",
                       str(tmp_path / "x.json"))
    assert code == EXIT_USAGE
    assert message in err
    assert not (tmp_path / "x.json").exists()


def test_pdf_needs_the_interface_and_says_so(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *argv, "stats", "--from", DAY, "--to", DAY, "--format", "pdf",
                       "-o", str(tmp_path / "x.pdf"))
    assert code == EXIT_USAGE
    assert "Le format pdf est dessiné par l'interface" in err


def test_pdf_through_the_interface_writer(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "rapport.pdf"
    code, _, err = run(capsys, *argv, "stats", "--from", DAY, "--to", DAY, "-o",
                       str(out_file), pdf=True)
    assert (code, err) == (0, "")
    data = out_file.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 2
    assert not list(tmp_path.glob(".rapport.pdf*"))


def test_the_pdf_writer_gets_the_figures(argv: list[str], tmp_path: Path) -> None:
    seen: list[tuple[Figures, Path]] = []
    from synoptic.store.db import open_store

    store = open_store(argv[3])
    try:
        stats_cli.write_stats(store, Period(date(2026, 11, 20), date(2026, 11, 20)),
                              tmp_path / "r.pdf", "pdf", now=at("12:00", 21),
                              pdf_writer=lambda f, p: seen.append((f, p)))
    finally:
        store.dispose()
    assert [(f.arrivals, p.name) for f, p in seen] == [(2, "r.pdf")]


def test_daily_report_writes_the_two_dated_files(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "observatoire"
    code, out, err = run(capsys, *argv, "daily-report", DAY, "-o", str(folder))
    assert (code, err) == (0, "")
    assert "Résumé du 20/11/2026 écrit" in out
    data = json.loads((folder / "synoptux-resume-2026-11-20.json").read_text(encoding="utf-8"))
    assert data["arrivals_by_hour"]["8"] == 1 and data["arrivals_by_hour"]["9"] == 1
    assert data["exits_by_destination"] == {"Retour domicile": 1}
    assert (folder / "synoptux-resume-2026-11-20.csv").is_file()


def test_daily_report_without_a_folder_says_which_key(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *argv, "daily-report", DAY)
    assert code == EXIT_USAGE
    assert "[Statistiques] Dossier_Rapports" in err


def test_the_ini_statistics_section_is_used(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    # [Statistiques] Dossier_Rapports is relative to the ini's folder; Seuil_Tension=1 puts
    # every hour with a patient in tension.
    ini = tmp_path / "synoptux.ini"
    ini.write_text("[Interface]\nNom_Ecran=poste-test\n[Statistiques]\nSeuil_Tension=1\n"
                   "Dossier_Rapports=configured\n", encoding="utf-8")
    code, _, _ = run(capsys, *argv, "daily-report", DAY)
    assert code == 0
    data = json.loads((tmp_path / "configured" / "synoptux-resume-2026-11-20.json")
                      .read_text(encoding="utf-8"))
    assert data["tension"] == {"threshold": 1, "hours": 1}


def test_watch_catch_up_writes_each_missing_day_once(argv: list[str], tmp_path: Path) -> None:
    from synoptic.store.db import open_store

    store = open_store(argv[3])
    folder = tmp_path / "rapports"
    try:
        first = stats_cli.write_missing_daily_reports(store, folder, now=at("00:05", 21))
        again = stats_cli.write_missing_daily_reports(store, folder, now=at("06:00", 21))
        later = stats_cli.write_missing_daily_reports(store, folder, now=at("00:05", 23))
    finally:
        store.dispose()
    assert first == [date(2026, 11, 20)] and again == []
    assert later == [date(2026, 11, 21), date(2026, 11, 22)]
    assert len(list(folder.glob("synoptux-resume-*"))) == 6


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        ("rapport.xlsx", None, ("Format du fichier « rapport.xlsx » inconnu : donnez un fichier "
                               ".json, .csv ou .pdf, ou --format json|csv|pdf.")),
        ("rapport", None, "Format du fichier « rapport » inconnu"),
        ("rapport.csv", "json", ("Le fichier « rapport.csv » porte l'extension .csv mais le "
                                "format demandé est json")),
    ],
)
def test_a_file_name_that_disagrees_with_the_format_is_refused(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    name: str, fmt: str | None, message: str,
) -> None:
    """``-o rapport.xlsx`` used to get JSON under an Excel name."""
    asked = ["--format", fmt] if fmt else []
    code, _, err = run(capsys, *argv, "stats", "--from", DAY, "--to", DAY, *asked,
                       "-o", str(tmp_path / name))
    assert code == EXIT_USAGE
    assert message in err
    assert not (tmp_path / name).exists()


def test_an_explicit_format_names_a_file_without_extension(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *argv, "stats", "--from", DAY, "--to", DAY, "--format", "csv",
                       "-o", str(tmp_path / "rapport"))
    assert code == 0 and "(csv)" in out
    assert (tmp_path / "rapport").read_bytes().startswith(b"\xef\xbb\xbf")


def test_daily_report_of_a_day_not_over_is_refused(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A summary of today or of a mistyped future day would reach the observatory empty."""
    monkeypatch.setattr(stats_cli, "_now", lambda: datetime(2026, 11, 21, 9, 30))
    folder = tmp_path / "observatoire"
    for day in ("2026-11-21", "2027-11-20"):
        code, _, err = run(capsys, *argv, "daily-report", day, "-o", str(folder))
        assert code == EXIT_USAGE
        assert "n'est pas terminé : le résumé quotidien porte sur un jour passé " \
               "(le 20/11/2026 au plus tard)." in err
    assert not folder.exists()
    code, _, _ = run(capsys, *argv, "daily-report", DAY, "-o", str(folder))
    assert code == 0


def test_reports_are_readable_as_the_umask_allows(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The account collecting the observatory's reports must be able to read them: not the
    owner-only mode of a temporary file."""
    import os
    import stat

    previous = os.umask(0o022)
    try:
        folder = tmp_path / "observatoire"
        assert run(capsys, *argv, "daily-report", DAY, "-o", str(folder))[0] == 0
        assert run(capsys, *argv, "stats", "--from", DAY, "--to", DAY,
                   "-o", str(tmp_path / "p.csv"))[0] == 0
        os.umask(0o027)
        assert run(capsys, *argv, "stats", "--from", DAY, "--to", DAY,
                   "-o", str(tmp_path / "q.json"))[0] == 0
    finally:
        os.umask(previous)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode)
             for p in [*folder.iterdir(), tmp_path / "p.csv", tmp_path / "q.json"]}
    assert modes == {"synoptux-resume-2026-11-20.json": 0o644,
                     "synoptux-resume-2026-11-20.csv": 0o644, "p.csv": 0o644, "q.json": 0o640}
