"""The daily summary for the regional emergency observatory (seed 004): one day's figures
as a JSON and a CSV file whose names carry the date, and the days still to write.

``synoptux watch`` writes yesterday's after midnight into ``[Statistiques]
Dossier_Rapports``; after a stop it catches up the days missed since the newest summary in
the folder (each day written once: a day whose two files are there is never written again).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from synoptic.stats.figures import Figures
from synoptic.stats.reports import (
    Cell,
    csv_text,
    headline_rows,
    iso_minute,
    json_text,
    row,
    share,
    task_rows,
    write_atomically,
)

FILE_PREFIX = "synoptux-resume-"
MAX_CATCH_UP_DAYS = 31


def daily_paths(folder: Path, day: date) -> tuple[Path, Path]:
    """``synoptux-resume-AAAA-MM-JJ.json`` and ``.csv`` in ``folder``."""
    stem = f"{FILE_PREFIX}{day.isoformat()}"
    return folder / f"{stem}.json", folder / f"{stem}.csv"


def daily_json(f: Figures) -> dict[str, Any]:
    return {
        "date": f.period.first.isoformat(),
        "arrivals": f.arrivals,
        "arrivals_by_hour": {str(h): n for h, n in enumerate(f.arrivals_by_hour)},
        "exits": f.exits,
        "exits_by_destination": dict(f.exits_by_destination),
        "waiting_minutes": f.waiting.overall.as_json(),
        "stay_minutes": f.stay.overall.as_json(),
        "stays_over_4h": share(f.stays_over_4h),
        "census_peak": {"patients": f.census.peak, "at": iso_minute(f.census.peak_at)},
        "tension": {"threshold": f.tension_threshold, "hours": len(f.tension_hours)},
        "tasks": {code: {"label": f.task_labels.get(code, code), "count": t.count,
                         "duration_minutes": t.duration.as_json()}
                  for code, t in f.tasks.items()},
    }


def daily_rows(f: Figures) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        ["Résumé quotidien des urgences", f"{f.period.first:%d/%m/%Y}"],
        [],
        *headline_rows(f),
        [],
        ["Heure d'arrivée", "Arrivées"],
        *(row(f"{h} h", n) for h, n in enumerate(f.arrivals_by_hour)),
        [],
        *task_rows(f.tasks, dict(f.task_labels)),
    ]
    return rows


def write_daily(f: Figures, folder: Path) -> tuple[Path, Path]:
    """Write the day's two files (the figures of a one-day period); returns their paths."""
    if f.period.first != f.period.last:
        raise ValueError("a daily summary is the figures of one day")
    json_path, csv_path = daily_paths(folder, f.period.first)
    write_atomically(json_path, json_text(daily_json(f)))
    write_atomically(csv_path, csv_text(daily_rows(f)), bom=True)
    return json_path, csv_path


def _written_days(folder: Path) -> set[date]:
    """Days with at least one summary file in ``folder``."""
    days = set()
    for path in folder.glob(f"{FILE_PREFIX}*.*"):
        try:
            days.add(date.fromisoformat(path.stem[len(FILE_PREFIX):]))
        except ValueError:
            continue
    return days


def missing_days(folder: Path, today: date, max_days: int = MAX_CATCH_UP_DAYS) -> list[date]:
    """Past days whose summary is still to write, oldest first: from the newest day with a
    summary in ``folder`` (itself again when one of its two files is missing) to yesterday,
    at most the last ``max_days``; only yesterday when the folder has none yet."""
    yesterday = today - timedelta(days=1)
    written = {d for d in _written_days(folder) if d <= yesterday} if folder.is_dir() else set()
    if not written:
        return [yesterday]
    start = max(max(written), yesterday - timedelta(days=max_days - 1))
    days = [start + timedelta(days=i) for i in range((yesterday - start).days + 1)]
    return [d for d in days if not all(p.is_file() for p in daily_paths(folder, d))]
