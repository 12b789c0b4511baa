"""Board benchmark: a big department on the wall, offscreen, with the figures that matter.

    .venv/bin/python bench/board.py                                  # SQLite, 150 patients
    .venv/bin/python bench/board.py --patients 40 --runs 5
    .venv/bin/python bench/board.py --db mysql+pymysql://root@127.0.0.1:3306

The department (``synoptic.department``: 24 boxes) holds ``--patients`` patients with
``--tasks`` tasks each, one task in six late (150 x 8: 200 late tasks).  Each run is a
fresh process (``--child``) that measures, at 1920x1080:

- build: the board window built, shown and painted for the first time;
- change: one patient changed by a service and applied to the board (as after a feed
  poll), up to its repaint;
- blink: one tick of the blink timer, repaint included;
- touch: a press and release on a patient's first state button (the opened card when the
  board has a glance card) up to the repaint of its effect; open: a touch on a glance card
  up to the opened card painted (only when the board has one);
- rss: resident memory after the first paint;
and the parent times the whole ``synoptux screenshot`` command, start to PNG.  Figures are
medians over the runs (change, blink and touch: medians of several repetitions per run).
With ``--db`` a MariaDB/MySQL server URL (no database name), a database of its own is
created and dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from scratch import drop_database, mariadb_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NOW = datetime(2026, 11, 21, 14, 0, 0)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def prepare(url: str, patients: int, tasks: int) -> None:
    from synoptic.department import seed_department
    from synoptic.services import BoardServices
    from synoptic.store.db import open_store
    from synoptic.store.seed import create_or_upgrade

    store = open_store(url)
    create_or_upgrade(store)
    seed_department(
        BoardServices(store, "bench"),
        NOW,
        patients=patients,
        tasks_per_patient=tasks,
        late_every=6 if tasks >= 6 else 3,
    )
    store.dispose()


def _ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def child(url: str, repeat: int) -> dict[str, float]:
    """One run in this process; the figures as a dict (ms, MB)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from synoptic.config import load_config
    from synoptic.reads import BoardReads
    from synoptic.services import BoardServices
    from synoptic.store.db import open_store
    from ui.app import create_application
    from ui.board import BoardWindow
    from ui.context import build_context

    create_application()
    store = open_store(url)
    config = load_config(None, db_url_override=url)
    services = BoardServices(store, "bench")
    ctx = build_context(config, BoardReads(store), services, clock=lambda: NOW)

    def settle() -> None:
        for _ in range(3):
            QApplication.processEvents()

    board: BoardWindow | None = None

    def build() -> None:
        nonlocal board
        board = BoardWindow(ctx, live=False, timers=False, inbox=False)
        board.resize(1920, 1080)
        board.show()
        settle()

    figures: dict[str, float] = {"build": _ms(build)}
    figures["rss"] = rss_mb()
    assert board is not None
    b = board

    # One changed patient, as a feed poll brings it: the service writes, the board applies.
    pks = sorted(b.patients)
    changes = []
    for i in range(repeat):
        pk = pks[(i * 7) % len(pks)]
        view = b.patients[pk]
        services.set_comment(pk, f"Commentaire {i}", now=NOW, expected_revision=view.revision)
        from synoptic.store import queries

        with store.read() as session:
            fresh = list(queries.load_patients(session, store.models, pks=[pk]))
        changes.append(_ms(lambda fresh=fresh: (b.put_patients(fresh, []), settle())))
    figures["change"] = statistics.median(changes)

    b.check_alarms()
    settle()
    figures["blink"] = statistics.median(
        _ms(lambda: (b.blinker.tick(), settle())) for _ in range(repeat)
    )

    # A touch on a state button (type B); a glance board opens the card first.
    opens: list[float] = []
    touches: list[float] = []
    for i in range(repeat):
        target = _state_button(b, pks, i, opens, settle)
        if target is None:
            break
        # click(): press and release as a finger does (QTest's synthetic press would wait
        # for the box's kinetic scroller to give it back).
        touches.append(_ms(lambda target=target: (target.click(), settle())))
        close = getattr(b, "close_card", None)
        if callable(close):
            close()
            settle()
    figures["touch"] = statistics.median(touches) if touches else float("nan")
    figures["open"] = statistics.median(opens) if opens else float("nan")
    figures["late"] = float(b.wall.late_total)
    b.shutdown()
    store.dispose()
    return figures


def _state_button(board, pks, i, opens, settle):  # type: ignore[no-untyped-def]
    """A not-current state button of some patient, the card opened first when needed."""
    for pk in pks[i * 5 :] + pks[: i * 5]:
        view = board.patients[pk]
        panel = board.panels.get(view.box_code)
        if panel is None or pk not in panel.cards or not panel.cards[pk].isVisible():
            continue
        glance = panel.cards[pk]
        card = glance
        if hasattr(board, "open_card"):
            start = time.perf_counter()
            board.open_card(pk)
            settle()
            opens.append((time.perf_counter() - start) * 1000)
            card = board.open_card_panel.card
            if card is None:
                continue
        for row in card.task_rows:
            for code, button in row.state_buttons.items():
                if code != row.task.state_code and button.isVisible():
                    return button
        if hasattr(board, "close_card"):
            board.close_card()
            settle()
    return None


def screenshot_seconds(url: str) -> float:
    # The code of this checkout (not whatever the installed ``synoptux`` points to).
    command = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from ui.main import main; " + (
        "sys.exit(main(sys.argv[1:]))"
    )
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", command, "--db", url, "screenshot", f"{folder}/b.png"]
            + ["--size", "1920x1080"],
            check=True,
            capture_output=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        return time.perf_counter() - start


def render_png(args: argparse.Namespace) -> int:
    """The department as ``synoptux screenshot`` renders a board (docs/ pictures)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from synoptic.config import load_config
    from synoptic.reads import BoardReads
    from synoptic.services import BoardServices
    from synoptic.store.db import open_store
    from ui.app import create_application, parse_size, render_board
    from ui.context import build_context

    create_application()
    with tempfile.TemporaryDirectory(prefix="synoptux-bench-board-") as folder:
        url = f"sqlite:///{folder}/board.sqlite"
        prepare(url, args.patients, args.tasks)
        store = open_store(url)
        config = load_config(None, db_url_override=url)
        services = BoardServices(store, "bench")
        ctx = build_context(config, BoardReads(store), services, clock=lambda: NOW)
        render_board(ctx, parse_size(args.size), Path(args.png))
        store.dispose()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="MariaDB/MySQL server URL (default: SQLite)")
    parser.add_argument("--patients", type=int, default=150)
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--png", help="only render the department to this PNG (--size)")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.repeat)))
        return 0
    if args.png:
        return render_png(args)

    folder = tempfile.TemporaryDirectory(prefix="synoptux-bench-board-")
    drop: Callable[[], None] = folder.cleanup
    if args.db:
        server = args.db
        created = mariadb_database(server)
        if created is None:
            folder.cleanup()
            raise RuntimeError(f"MariaDB injoignable : {server}")
        url, name = created

        def drop() -> None:
            drop_database(server, name)
            folder.cleanup()
    else:
        url = f"sqlite:///{folder.name}/board.sqlite"
    try:
        prepare(url, args.patients, args.tasks)
        runs = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, __file__, "--child", url, "--repeat", str(args.repeat)],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        shots = [screenshot_seconds(url) for _ in range(args.runs)]
    finally:
        drop()

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    backend = "MariaDB" if args.db else "SQLite"
    print(
        f"{backend}, {args.patients} patients x {args.tasks} tasks "
        f"({med('late'):.0f} late), 1920x1080, median of {args.runs} runs"
    )
    print(
        "| build + first paint | one change | blink tick | touch | open card | RSS | command to PNG |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {med('build'):.0f} ms | {med('change'):.1f} ms | {med('blink'):.1f} ms "
        f"| {med('touch'):.1f} ms | {med('open'):.1f} ms | {med('rss'):.0f} MB "
        f"| {statistics.median(shots):.2f} s |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
