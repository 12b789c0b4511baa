"""The statistics' sub-commands: ``synoptux stats`` and ``synoptux daily-report`` (no Qt).

    synoptux stats --from 2026-11-01 --to 2026-11-30 --format csv -o novembre.csv
    synoptux daily-report 2026-11-21 -o /srv/rapports

``add_arguments(subparsers)`` adds both to the headless parser.  The PDF is drawn by Qt
(``ui/stats_pdf.py``); the core never imports the UI, so the writer is handed in:
``add_arguments(subparsers, pdf_writer=...)``, or later with
``subparsers.choices["stats"].set_defaults(pdf_writer=...)`` (``ui.stats_commands``).

The tension threshold and the reports' folder come from ``[Statistiques] Seuil_Tension`` and
``[Statistiques] Dossier_Rapports`` once the configuration has them (read here as
``config.statistics.tension_threshold`` / ``.reports_dir``, absent: defaults); ``--seuil``
and ``-o`` override them.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from synoptic.config import Config
from synoptic.errors import InvalidValueError
from synoptic.stats import Figures, Period, compute_stats, parse_day
from synoptic.stats.daily import daily_paths, missing_days, write_daily
from synoptic.stats.reports import write_csv, write_json
from synoptic.store.db import Store

PdfWriter = Callable[[Figures, Path], None]
FORMATS = ("json", "csv", "pdf")
EXIT_OK = 0


class StatsUsageError(InvalidValueError):
    """A wrong date, period, format or folder: the command's usage (exit status 2)."""


def add_arguments(subparsers: Any, *, pdf_writer: PdfWriter | None = None) -> None:
    """Add ``stats`` and ``daily-report`` to an argparse sub-parsers object."""
    p = subparsers.add_parser("stats", help="statistiques d'une période (JSON, CSV ou PDF)")
    p.add_argument("--from", dest="date_from", required=True, metavar="AAAA-MM-JJ",
                   help="premier jour de la période (inclus)")
    p.add_argument("--to", dest="date_to", required=True, metavar="AAAA-MM-JJ",
                   help="dernier jour de la période (inclus)")
    p.add_argument("--format", choices=FORMATS, metavar="json|csv|pdf",
                   help="format du fichier (défaut : l'extension de -o, .json, .csv ou .pdf)")
    p.add_argument("-o", "--output", required=True, metavar="FICHIER", help="fichier à écrire")
    _threshold_argument(p)
    p.set_defaults(handler=cmd_stats, pdf_writer=pdf_writer)

    p = subparsers.add_parser(
        "daily-report", help="résumé quotidien pour l'observatoire régional (JSON et CSV)")
    p.add_argument("day", metavar="AAAA-MM-JJ", help="le jour résumé (un jour terminé)")
    p.add_argument("-o", "--output", metavar="DOSSIER",
                   help="dossier des rapports (défaut : [Statistiques] Dossier_Rapports)")
    _threshold_argument(p)
    p.set_defaults(handler=cmd_daily_report)


def _threshold_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seuil", type=int, metavar="PATIENTS",
                        help="seuil de tension : patients présents au-delà duquel une heure est "
                             "en tension (défaut : [Statistiques] Seuil_Tension, sinon la "
                             "capacité des box de soins)")


# ------------------------------------------------------------------------ the work


def output_format(path: Path, fmt: str | None) -> str:
    """The format asked, else the file's extension (.json, .csv, .pdf).  A file whose
    extension names another format, or an unknown extension without ``--format``, is
    refused: ``-o rapport.xlsx`` must not get JSON under an Excel name."""
    suffix = path.suffix.lower().lstrip(".")
    if fmt:
        if suffix in FORMATS and suffix != fmt:
            raise StatsUsageError(
                f"Le fichier « {path.name} » porte l'extension .{suffix} mais le format "
                f"demandé est {fmt} : changez l'un ou l'autre.")
        return fmt
    if suffix in FORMATS:
        return suffix
    raise StatsUsageError(
        f"Format du fichier « {path.name} » inconnu : donnez un fichier .json, .csv ou "
        ".pdf, ou --format json|csv|pdf.")


def finished_day(text: str, today: date) -> date:
    """A day (``AAAA-MM-JJ``) already over: a summary of today or of a day to come would
    be sent to the observatory incomplete or empty."""
    day = parse_day(text)
    if day >= today:
        raise StatsUsageError(
            f"Le {day:%d/%m/%Y} n'est pas terminé : le résumé quotidien porte sur un jour "
            f"passé (le {today - timedelta(days=1):%d/%m/%Y} au plus tard).")
    return day


def period_of(first: str, last: str) -> Period:
    try:
        return Period(parse_day(first), parse_day(last))
    except InvalidValueError as err:
        raise StatsUsageError(str(err)) from None


def write_stats(
    store: Store, period: Period, output: Path, fmt: str, *, now: datetime,
    tension_threshold: int | None = None, pdf_writer: PdfWriter | None = None,
) -> Figures:
    """Compute the period's figures and write them to ``output`` in ``fmt``."""
    if fmt not in FORMATS:
        raise StatsUsageError(f"Format inconnu « {fmt} » : json, csv ou pdf.")
    if fmt == "pdf" and pdf_writer is None:
        raise StatsUsageError(
            "Le format pdf est dessiné par l'interface (PySide6) : lancez la commande "
            "« synoptux » du poste du tableau, ou choisissez json ou csv.")
    figures = compute_stats(store, period, now=now, tension_threshold=tension_threshold)
    if fmt == "json":
        write_json(figures, output)
    elif fmt == "csv":
        write_csv(figures, output)
    else:
        assert pdf_writer is not None
        pdf_writer(figures, output)
    return figures


def write_daily_report(
    store: Store, day: date, folder: Path, *, now: datetime,
    tension_threshold: int | None = None,
) -> tuple[Path, Path]:
    """The day's summary files in ``folder`` (written again if they are there)."""
    figures = compute_stats(store, Period(day, day), now=now,
                            tension_threshold=tension_threshold)
    return write_daily(figures, folder)


def write_missing_daily_reports(
    store: Store, folder: Path, *, now: datetime, tension_threshold: int | None = None,
) -> list[date]:
    """For ``synoptux watch`` after midnight: write the past days still missing in
    ``folder`` (yesterday; after a stop, every day since the newest summary), oldest first;
    returns the days written by this call.

    Several watchers may share the folder: a day is written by the one that creates its
    claim file (``.synoptux-resume-AAAA-MM-JJ.en-cours``, exclusive creation), the others
    skip it; the claim is removed once the files are written, and taken over when older
    than :data:`STALE_CLAIM_S` (a watcher stopped while writing)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for day in missing_days(folder, now.date()):
        claim = folder / f".{daily_paths(folder, day)[0].stem}.en-cours"
        if not _claim(claim):
            continue
        try:
            if all(p.is_file() for p in daily_paths(folder, day)):
                continue  # written by another watcher since the folder was read
            write_daily_report(store, day, folder, now=now, tension_threshold=tension_threshold)
            written.append(day)
        finally:
            claim.unlink(missing_ok=True)
    return written


STALE_CLAIM_S = 900  # a day's figures take seconds: a claim this old was abandoned


def _claim(path: Path) -> bool:
    """Create ``path`` exclusively (True), else False while another writer holds it (its
    age by the files' own clock, not the injected one)."""
    for _attempt in range(2):
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return True
        except FileExistsError:
            try:
                age = time.time() - path.stat().st_mtime
            except FileNotFoundError:
                continue  # released meanwhile: try again
            if age < STALE_CLAIM_S:
                return False
            path.unlink(missing_ok=True)
    return False


# ------------------------------------------------------------------------ handlers


def statistics_settings(config: Config) -> tuple[int | None, Path | None]:
    """``[Statistiques]`` Seuil_Tension and Dossier_Rapports."""
    return config.statistics.tension_threshold, config.statistics.reports_dir


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def cmd_stats(args: argparse.Namespace) -> int:
    from synoptic.command_context import UsageError, load_context, require_existing_database

    ctx = load_context(args)
    try:
        require_existing_database(ctx)
        threshold, _ = statistics_settings(ctx.config)
        output = Path(args.output)
        try:
            fmt = output_format(output, args.format)
            period = period_of(args.date_from, args.date_to)
            write_stats(ctx.store, period, output, fmt, now=_now(),
                        tension_threshold=args.seuil if args.seuil is not None else threshold,
                        pdf_writer=getattr(args, "pdf_writer", None))
        except StatsUsageError as err:
            raise UsageError(str(err)) from None
        print(f"Statistiques du {period.first:%d/%m/%Y} au {period.last:%d/%m/%Y} "
              f"écrites dans {output} ({fmt}).")
        return EXIT_OK
    finally:
        ctx.close()


def cmd_daily_report(args: argparse.Namespace) -> int:
    from synoptic.command_context import UsageError, load_context, require_existing_database

    ctx = load_context(args)
    try:
        require_existing_database(ctx)
        threshold, configured = statistics_settings(ctx.config)
        try:
            day = finished_day(args.day, _now().date())
        except InvalidValueError as err:
            raise UsageError(str(err)) from None
        folder = Path(args.output) if args.output else configured
        if folder is None:
            raise UsageError("Dossier des rapports inconnu : donnez -o DOSSIER ou "
                             "[Statistiques] Dossier_Rapports dans synoptux.ini.")
        paths = write_daily_report(
            ctx.store, day, folder, now=_now(),
            tension_threshold=args.seuil if args.seuil is not None else threshold)
        print(f"Résumé du {day:%d/%m/%Y} écrit : {paths[0]} et {paths[1]}")
        return EXIT_OK
    finally:
        ctx.close()


__all__ = ["add_arguments", "cmd_daily_report", "cmd_stats", "output_format",
           "statistics_settings", "write_daily_report", "write_missing_daily_reports",
           "write_stats"]
