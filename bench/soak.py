"""Soak: the board for hours at department scale, with a host, an inbox and a finger.

    .venv/bin/python bench/soak.py --minutes 30
    .venv/bin/python bench/soak.py --minutes 10 --db mysql+pymysql://root@127.0.0.1:3306
    .venv/bin/python bench/soak.py --minutes 3 --warmup 1 --patients 150 --tasks 8 --late 200

Set-up: a database of its own (a SQLite file in a temporary folder; with ``--db`` a MariaDB
server URL, a uniquely named database created there and dropped at the end), the reference
data, ``--patients`` patients of ``--tasks`` tasks each, ``--late`` of them late (planned
start passed), spread over the boxes as on a busy day.  Then three processes:

* the board (``bench/soak_board.py``): ``synoptux board`` itself, offscreen, with its inbox
  watcher on a temporary inbox, a touch every ``--action-interval`` s (5), a stall meter;
* the host (``bench/soak_host.py``): plain SQL, one change a second (UPDATE a comment,
  INSERT a patient, DELETE the oldest added ones);
* this one: an entry file into the inbox every ``--inbox-interval`` s (10), the table.

Every minute one row: RSS (MB), Python objects (``gc.get_objects``), widgets
(``QApplication.allWidgets``), references to ``None``, the longest stall of the event loop in
that minute (ms), touches done, host changes and entry files ingested in that minute, then
what the board showed of them so far (host comments, host patients, inbox patients).  At the
end: medians, what the board showed against what was written, the verdict.

Exit status 1 (a message says which):

* **crash**: the board process died (a ``Fatal Python error: none_dealloc`` abort is named);
* **steady growth**, judged on the rows from the end of ``--warmup`` (2 minutes) on, when
  there are at least five (a run of 7 minutes or more): a least-squares slope above the
  threshold *and* a rise in at least 3 steps out of 4 (RSS 1 MB/min, objects 2,000/min,
  widgets 20/min); for ``None``: a fall of more than 1,000 references a minute (slope),
  falling in 3 steps out of 4.  Shorter runs are reported "non jugée" for growth: the first
  minutes fill caches (RSS rose ~5 MB/min over minutes 1-3, then ~0.4 MB/min to minute 10);
* **stuck board**: it showed less than 90 % of the host's comments, the host's patients or
  the entry files, or it did not see a soak patient leave, or a touch failed.

Stalls are reported, not judged (a noisy shared machine would fail runs for nothing).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from scratch import drop_database, mariadb_database

from synoptic.config import DEFAULT_INI_TEXT
from synoptic.services import BoardServices, NewTask
from synoptic.store.db import open_store
from synoptic.store.seed import create_or_upgrade

HERE = Path(__file__).resolve().parent
WALL = {"name": "mur", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96, "dpr": 1}
# metric, threshold per minute (a fall for None), rising is bad
GROWTH = {"rss_mb": 1.0, "objects": 2000.0, "widgets": 20.0}
NONE_FALL = 1000.0
SEEN_RATIO = 0.9
MIN_JUDGED = 5  # rows after the warm-up needed to judge growth
QUIET_S = 15.0  # no host change nor entry file in the last seconds: the board catches up
BOARD_LOG = Path(tempfile.gettempdir()) / "synoptux-soak-board.log"
TASK_CODES = ("ECG", "BIO", "RX", "PERF", "SCAN", "SUT", "AVIS", "BU", "ECHO", "ANTALG")
COLUMNS = (
    ("min", "minute"),
    ("RSS Mo", "rss_mb"),
    ("objets", "objects"),
    ("widgets", "widgets"),
    ("réf. None", "none_refs"),
    ("pause max ms", "stall_ms"),
    ("touchers", "d_actions"),
    ("écritures hôte", "d_host"),
    ("fichiers intégrés", "d_files"),
    ("vus: comm. hôte", "comments_seen"),
    ("patients hôte", "host_patients_seen"),
    ("entrées", "entries_seen"),
)


# ---------------------------------------------------------------------- set-up


def boxes_for(patients: int) -> list[str]:
    """A busy day: care boxes full but B6 and UHCD (two of four: room for moves), five
    absent, ten gone out (recently: not purged), the rest waiting."""
    fixed = ["B1", "B2", "B3", "B4", "B5", "DECH", "UHCD", "UHCD"]
    fixed += ["ABS"] * 5 + ["SORT"] * 10
    fixed = fixed[:patients]
    return fixed + ["ATT"] * (patients - len(fixed))


def seed(url: str, patients: int, tasks: int, late: int) -> None:
    store = open_store(url)
    try:
        create_or_upgrade(store)
        services = BoardServices(store, "soak")
        now = datetime.now().replace(microsecond=0)
        late_left = late
        for i, box in enumerate(boxes_for(patients)):
            # Late tasks spread over the patients, the first ones getting one more.
            late_here = min(tasks, late // patients + (i < late % patients), late_left)
            late_left -= late_here
            new = [
                NewTask(
                    TASK_CODES[(i + t) % len(TASK_CODES)],
                    priority=t + 1,
                    planned_start=now - timedelta(minutes=10 + t) if t < late_here else None,
                )
                for t in range(tasks)
            ]
            landing = "ATT" if box in ("ABS", "SORT") else box
            pk = services.admit(
                box_code=landing,
                last_name=f"PATIENT{i:03d}",
                first_name="Soak",
                responsable=("MARTIN", "BERNARD", "PETIT", "DUBOIS", "IAO")[i % 5],
                comment=f"Motif {i}",
                guid=f"soak-seed-{i}",
                now=now - timedelta(minutes=30 + i),
                tasks=new,
                allow_over_capacity=True,
            ).patient_pk
            if box == "ABS":
                services.move(pk, box, now=now, destination="Scanner")
            elif box == "SORT":
                services.move(pk, box, now=now, destination="Retour domicile")
    finally:
        store.dispose()


def write_config(folder: Path, url: str, inbox: Path) -> Path:
    text = DEFAULT_INI_TEXT
    for key, value in {"Mode_Affichage": "Fenetre", "Dossier_Entrees": str(inbox)}.items():
        assert f"\n{key}=" in text, key
        text = text.replace(f"\n{key}=", f"\n{key}={value}\n;", 1)
    ini = folder / "synoptux.ini"
    ini.write_text(text, encoding="utf-8")
    return ini


def entry_file(inbox: Path, n: int) -> None:
    """An entry file as the host writes one: NAME.tmp, then renamed to NAME.txt."""
    body = (
        f"[Entree]\r\nNom_Patient=ENTREE{n:04d}\r\nPrenom_Patient=Fichier\r\n"
        f"GUID_Patient=soak-entree-{n}\r\nCode_Responsable=MARTIN\r\nCode_Box=ATT\r\n"
        f"Commentaire=Arrivé par fichier\r\n"
        f"[Tache_1]\r\nCode_Tache=ECG\r\nPriorite=1\r\n"
        f"[Tache_2]\r\nCode_Tache=BIO\r\nPriorite=2\r\nCommentaire=NFS, iono\r\n"
    )
    temporary = inbox / f"soak_{n:04d}.tmp"
    temporary.write_text(body, encoding="cp1252")
    temporary.rename(inbox / f"soak_{n:04d}.txt")


# ---------------------------------------------------------------------- processes


@dataclass
class Run:
    rows: list[dict[str, float]] = field(default_factory=list)
    start: dict[str, float] = field(default_factory=dict)
    end: dict[str, float] = field(default_factory=dict)
    host: dict[str, int] = field(default_factory=lambda: {"update": 0, "insert": 0, "delete": 0})
    files_dropped: int = 0
    board_status: int | None = None
    board_stderr: str = ""


def reader(stream, lines: queue.Queue[tuple[str, str]], tag: str) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        lines.put((tag, line))
    lines.put((tag, ""))


def files_ingested(inbox: Path) -> int:
    return sum(1 for _ in (inbox / "processed").glob("*/*.txt"))


def soak(args: argparse.Namespace, url: str, folder: Path) -> Run:
    inbox = folder / "inbox"
    inbox.mkdir()
    ini = write_config(folder, url, inbox)
    run = Run()
    # A 1920x1080 wall (the offscreen default is 800x800: touches below it would miss).
    screen = folder / "screen.json"
    screen.write_text(json.dumps({"screens": [WALL]}), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}", PYTHONUNBUFFERED="1")
    stderr_path = BOARD_LOG
    lines: queue.Queue[tuple[str, str]] = queue.Queue()
    with open(stderr_path, "w") as board_err:
        board = subprocess.Popen(
            [sys.executable, str(HERE / "soak_board.py"), "--config", str(ini), "--db", url,
             "--minutes", str(args.minutes), "--action-interval", str(args.action_interval)],
            stdout=subprocess.PIPE, stderr=board_err, text=True, env=env,
        )  # fmt: skip
        threading.Thread(target=reader, args=(board.stdout, lines, "board"), daemon=True).start()
        host: subprocess.Popen[str] | None = None
        next_file = None
        files_until = 0.0
        quiet_after = max(10.0, args.minutes * 60 - QUIET_S)
        previous = {"actions": 0, "host": 0, "files": 0}
        try:
            while True:
                try:
                    tag, line = lines.get(timeout=0.2)
                except queue.Empty:
                    tag, line = "", ""
                if tag == "board" and not line:
                    break  # the board's output closed: it ended, or died
                if tag == "host" and line:
                    change = json.loads(line)
                    run.host[change["kind"]] += change["rows"]
                if tag == "board" and line.startswith("SOAK "):
                    record = json.loads(line[5:])
                    if record.get("ready"):
                        run.start = record
                        host = subprocess.Popen(
                            [sys.executable, str(HERE / "soak_host.py"), "--db", url,
                             "--seconds", str(quiet_after), "--interval", "1"],
                            stdout=subprocess.PIPE, text=True,
                        )  # fmt: skip
                        threading.Thread(
                            target=reader, args=(host.stdout, lines, "host"), daemon=True
                        ).start()
                        next_file = time.monotonic() + 1
                        files_until = time.monotonic() + quiet_after
                        print_header(run.start)
                    elif record.get("end"):
                        run.end = record
                    elif "minute" in record:
                        host_total = sum(run.host.values())
                        files = files_ingested(inbox)
                        record["d_actions"] = record["actions"] - previous["actions"]
                        record["d_host"] = host_total - previous["host"]
                        record["d_files"] = files - previous["files"]
                        previous = {"actions": record["actions"], "host": host_total,
                                    "files": files}  # fmt: skip
                        run.rows.append(record)
                        print_row(record)
                if next_file is not None and files_until > time.monotonic() >= next_file:
                    run.files_dropped += 1
                    entry_file(inbox, run.files_dropped)
                    next_file += args.inbox_interval
            run.board_status = board.wait(timeout=120)
        finally:
            if board.poll() is None:
                board.kill()
                board.wait()
            if host is not None:
                host.terminate()
                host.wait(timeout=30)
            while not lines.empty():  # the host's last lines
                tag, line = lines.get()
                if tag == "host" and line:
                    change = json.loads(line)
                    run.host[change["kind"]] += change["rows"]
    run.board_stderr = stderr_path.read_text(errors="replace")
    run.end.setdefault("files_ingested", files_ingested(inbox))
    return run


# ---------------------------------------------------------------------- the table


def cell(value: object) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    if isinstance(value, float):
        value = int(value)
    return f"{value:,}".replace(",", " ") if isinstance(value, int) else str(value)


def print_header(start: dict[str, float]) -> None:
    print(
        f"Tableau prêt : {start['patients']} patients, {start['late']} tâches en retard, "
        f"{start['blinking']} éléments clignotants, {start['widgets']} widgets, "
        f"RSS {start['rss_mb']} Mo, réf. None {start['none_refs']}\n",
        flush=True,
    )
    print("| " + " | ".join(title for title, _ in COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS), flush=True)


def print_row(record: dict[str, float]) -> None:
    print("| " + " | ".join(cell(record[key]) for _, key in COLUMNS) + " |", flush=True)


def median(rows: list[dict[str, float]], key: str) -> float:
    value = statistics.median(float(r[key]) for r in rows)
    return value if key == "rss_mb" else round(value)


def slope(values: list[float]) -> float:
    """Least-squares slope per sample (a sample a minute: per minute)."""
    n = len(values)
    mean_x, mean_y = (n - 1) / 2, statistics.fmean(values)
    num = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    return num / sum((x - mean_x) ** 2 for x in range(n))


def growth_verdicts(rows: list[dict[str, float]], warmup: int) -> list[str] | None:
    """What grows steadily after the warm-up (``None``: too few rows to judge)."""
    judged = [r for r in rows if r["minute"] >= warmup]
    if len(judged) < MIN_JUDGED:
        return None
    found = []
    steps = len(judged) - 1
    for key, limit in GROWTH.items():
        values = [float(r[key]) for r in judged]
        rises = sum(b > a for a, b in itertools.pairwise(values))
        per_min = slope(values)
        if per_min > limit and rises * 4 >= steps * 3:
            found.append(f"{key} croît de {per_min:.1f}/min ({rises} hausses sur {steps})")
    refs = [float(r["none_refs"]) for r in judged]
    falls = sum(b < a for a, b in itertools.pairwise(refs))
    if slope(refs) < -NONE_FALL and falls * 4 >= steps * 3:
        found.append(f"les références à None baissent de {-slope(refs):.0f}/min")
    return found


def verdict(run: Run, args: argparse.Namespace) -> int:
    failures: list[str] = []
    rows = run.rows
    if run.board_status != 0:
        stderr = run.board_stderr
        cause = "Fatal Python error: none_dealloc" if "none_dealloc" in stderr else None
        cause = cause or f"statut de sortie {run.board_status}"
        print("\nDernières lignes d'erreur du tableau :\n" + "\n".join(stderr.splitlines()[-15:]))
        failures.append(f"PLANTAGE du tableau après {len(rows)} minute(s) : {cause}")
    if run.board_stderr.strip():
        print(f"\n(sortie d'erreur du tableau : {BOARD_LOG})")
    if rows:
        print("\nMédianes : " + ", ".join(
            f"{title} {cell(median(rows, key))}"
            for title, key in COLUMNS[1:9]
        ))  # fmt: skip
    end = run.end or (rows[-1] if rows else {})
    shown = [
        ("commentaires de l'hôte", end.get("comments_seen", 0), run.host["update"]),
        ("patients de l'hôte", end.get("host_patients_seen", 0), run.host["insert"]),
        ("fichiers d'entrée", end.get("entries_seen", 0), run.files_dropped),
    ]
    print("\nVu sur le tableau / écrit :")
    for what, seen, written in shown:
        print(f"  {what} : {seen} / {written}")
        if written and seen < SEEN_RATIO * written:
            failures.append(f"tableau figé ? {what} : {seen} vus sur {written}")
    print(f"  départs de patients ajoutés : {end.get('departures_seen', 0)} "
          f"(hôte : {run.host['delete']} supprimés)")  # fmt: skip
    if run.host["delete"] and not end.get("departures_seen"):
        failures.append("tableau figé ? aucun départ vu")
    if end.get("action_errors"):
        failures.append(f"{end['action_errors']} touche(s) en échec (voir la sortie d'erreur)")
    growth = growth_verdicts(rows, args.warmup)
    if growth is None:
        print(
            f"\nCroissance : non jugée (moins de {MIN_JUDGED} relevés après {args.warmup} min "
            "de chauffe)"
        )
    else:
        print(f"\nCroissance après {args.warmup} min : " + ("; ".join(growth) or "aucune"))
        failures += [f"croissance continue : {g}" for g in growth]
    if failures:
        print("\nÉCHEC :\n  " + "\n  ".join(failures))
        return 1
    print("\nRÉUSSI")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--db", help="serveur MariaDB/MySQL (défaut : fichier SQLite temporaire)")
    parser.add_argument("--patients", type=int, default=150)
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--late", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=2, help="minutes non jugées (croissance)")
    parser.add_argument("--action-interval", type=float, default=5.0)
    parser.add_argument("--inbox-interval", type=float, default=10.0)
    args = parser.parse_args(argv)
    if args.late > args.patients * args.tasks:
        parser.error("--late dépasse le nombre de tâches")
    with tempfile.TemporaryDirectory(prefix="synoptux-soak-") as tmp:
        folder = Path(tmp)
        database = None
        if args.db:
            created = mariadb_database(args.db)
            if created is None:
                return 2
            url, database = created
        else:
            url = f"sqlite:///{folder / 'soak.sqlite'}"
        try:
            started = time.monotonic()
            seed(url, args.patients, args.tasks, args.late)
            backend = "MariaDB" if database else "SQLite"
            print(f"Endurance {args.minutes:g} min sur {backend} : "
                  f"base préparée en {time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
            run = soak(args, url, folder)
        finally:
            if database is not None:
                drop_database(args.db, database)
    return verdict(run, args)


if __name__ == "__main__":
    sys.exit(main())
