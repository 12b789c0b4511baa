"""The figures as JSON and as a CSV file a French Excel opens as it is.

JSON: the issue's key names at the top level, in its order; two figures it names without a
key get ``present_by_hour`` and ``occupancy_by_box_type``.  Minutes are rounded to 0.1,
shares (0-1) to 0.001.  CSV: UTF-8 with a BOM, ``;`` between cells, decimal comma, dates as
``dd/mm/yyyy hh:mm``, and any text that a spreadsheet would take for a formula (starting
with = + - @, a tab or a carriage return) preceded by an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from synoptic.stats.figures import Durations, Figures, Occupancy, TaskFigures
from synoptic.stats.percentiles import Summary

JSON_KEYS = ("arrivals", "exits", "exits_by_destination", "waiting_minutes", "stay_minutes",
             "stays_over_4h", "census_peak", "present_by_hour", "occupancy_by_box_type",
             "tasks", "tension")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | datetime | None


def iso_minute(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M")


def share(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def percent(value: float | None) -> float | None:
    """A share 0-1 as a percentage, for the tables people read (the JSON keeps 0-1)."""
    return None if value is None else round(value * 100, 1)


def percent_text(value: float | None) -> str | None:
    """``percent`` written the French way: ``12,5 %``."""
    shown = percent(value)
    return None if shown is None else french_percent(shown)


def french_percent(value: float) -> str:
    """A percentage as a French reader writes it: ``12,5 %``."""
    return f"{value:g} %".replace(".", ",")


def durations_json(d: Durations) -> dict[str, Any]:
    """Overall, by hour of arrival ("0".."23") and by ISO day of week ("1" Monday.."7")."""
    return {**d.overall.as_json(),
            "by_hour": {str(h): s.as_json() for h, s in enumerate(d.by_hour)},
            "by_weekday": {str(i + 1): s.as_json() for i, s in enumerate(d.by_weekday)}}


def tasks_json(tasks: dict[str, TaskFigures]) -> dict[str, Any]:
    return {code: {"count": t.count, "duration_minutes": t.duration.as_json(),
                   "delay_minutes": t.delay.as_json()} for code, t in tasks.items()}


def occupancy_json(o: Occupancy) -> dict[str, Any]:
    return {"capacity": o.capacity, "peak": o.peak, "at": iso_minute(o.peak_at),
            "hourly": o.hourly.as_json(), "hours_at_capacity": o.hours_at_capacity}


def figures_json(f: Figures) -> dict[str, Any]:
    return {
        "arrivals": f.arrivals,
        "exits": f.exits,
        "exits_by_destination": dict(f.exits_by_destination),
        "waiting_minutes": durations_json(f.waiting),
        "stay_minutes": durations_json(f.stay),
        "stays_over_4h": share(f.stays_over_4h),
        "census_peak": {"patients": f.census.peak, "at": iso_minute(f.census.peak_at)},
        "present_by_hour": [{"at": iso_minute(h), "patients": n} for h, n in f.census.hours],
        "occupancy_by_box_type": {o.kind.value: occupancy_json(o) for o in f.occupancy},
        "tasks": tasks_json(f.tasks),
        "tension": {"threshold": f.tension_threshold, "hours": len(f.tension_hours),
                    "at": [iso_minute(h) for h in f.tension_hours],
                    "tasks": tasks_json(f.tension_tasks)},
    }


def json_text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------------------ CSV


def csv_cell(value: Cell) -> str:
    """One cell for a French spreadsheet (numbers with a decimal comma, formulas defused)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",") or "0"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def row(*cells: Cell) -> list[Cell]:
    return list(cells)


def summary_cells(s: Summary) -> list[Cell]:
    return [_minutes(s.median), _minutes(s.p90), s.n]


def task_rows(tasks: dict[str, TaskFigures], labels: dict[str, str]) -> list[list[Cell]]:
    rows: list[list[Cell]] = [["Tâche", "Libellé", "Nombre", "Durée médiane (min)",
                               "Durée 90e centile (min)", "Durées connues",
                               "Retard médian (min)", "Retard 90e centile (min)",
                               "Retards connus"]]
    for code, t in tasks.items():
        rows.append([code, labels.get(code, code), t.count, *summary_cells(t.duration),
                     *summary_cells(t.delay)])
    return rows


STAYS_OVER_4H = "Part des séjours de plus de 4 h (%)"


def headline_rows(f: Figures) -> list[list[Cell]]:
    """The key figures, the two durations and the exits by destination."""
    return [
        ["Indicateur", "Valeur"],
        ["Arrivées", f.arrivals],
        ["Sorties", f.exits],
        [STAYS_OVER_4H, percent(f.stays_over_4h)],
        ["Pic de patients présents", f.census.peak],
        ["Heure du pic", f.census.peak_at],
        ["Seuil de tension (patients présents)", f.tension_threshold],
        ["Heures en tension", len(f.tension_hours)],
        [],
        ["Durée (minutes)", "Médiane", "90e centile", "Patients"],
        ["Attente (entrée → premier box de soins)", *summary_cells(f.waiting.overall)],
        ["Séjour (entrée → sortie)", *summary_cells(f.stay.overall)],
        [],
        ["Destination", "Sorties"],
        *(row(name, count) for name, count in f.exits_by_destination.items()),
    ]


def figures_rows(f: Figures) -> list[list[Cell]]:
    """Every table of the report, one after the other, separated by an empty row."""
    labels = dict(f.task_labels)
    tense = set(f.tension_hours)
    rows: list[list[Cell]] = [
        ["Statistiques des urgences", f"du {f.period.first:%d/%m/%Y}",
         f"au {f.period.last:%d/%m/%Y}"],
        [],
        *headline_rows(f),
        [],
        ["Heure d'arrivée", "Arrivées", "Attente médiane", "Attente 90e centile",
         "Attentes", "Séjour médian", "Séjour 90e centile", "Séjours"],
        *([f"{h} h", f.arrivals_by_hour[h], *summary_cells(f.waiting.by_hour[h]),
           *summary_cells(f.stay.by_hour[h])] for h in range(24)),
        [],
        ["Jour d'arrivée", "Attente médiane", "Attente 90e centile", "Attentes",
         "Séjour médian", "Séjour 90e centile", "Séjours"],
        *([WEEKDAYS[d], *summary_cells(f.waiting.by_weekday[d]),
           *summary_cells(f.stay.by_weekday[d])] for d in range(7)),
        [],
        ["Type de box", "Capacité", "Pic", "Heure du pic", "Médiane horaire",
         "90e centile horaire", "Heures à capacité"],
        *([o.kind.value, o.capacity, o.peak, o.peak_at, o.hourly.median, o.hourly.p90,
           o.hours_at_capacity] for o in f.occupancy),
        [],
        ["Tâches commencées dans la période (un premier état donné)"],
        *task_rows(f.tasks, labels),
        [],
        ["Tâches commencées pendant les heures en tension"],
        *task_rows(f.tension_tasks, labels),
        [],
        ["Heure", "Patients présents (au plus)", "En tension"],
        *(row(h, n, "oui" if h in tense else "non") for h, n in f.census.hours),
    ]
    return rows


@contextmanager
def replacing(path: Path, suffix: str = "") -> Iterator[Path]:
    """A temporary file beside ``path`` to write an export into; renamed over ``path`` when
    the block ends (a reader or a crash never sees half a file), removed on any error.  The
    export gets the permissions of a file the user creates (``mkstemp`` makes it readable
    by its owner only: the account that collects the observatory's reports could not read
    it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, new_file_mode())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, text: str, *, bom: bool = False) -> None:
    """Write ``text`` in UTF-8 (with a BOM for Excel) as :func:`replacing` does."""
    with replacing(path) as temporary, temporary.open(
            "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        out.write(text)


def new_file_mode() -> int:
    """``0o666`` less the process's umask, read from ``/proc`` (setting the umask to read it
    would change it for every thread meanwhile); ``0o644`` where ``/proc`` has no umask."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o644


def write_json(f: Figures, path: Path) -> None:
    write_atomically(path, json_text(figures_json(f)))


def write_csv(f: Figures, path: Path) -> None:
    write_atomically(path, csv_text(figures_rows(f)), bom=True)
