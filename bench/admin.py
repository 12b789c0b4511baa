"""Administration benchmark: what an administrator's touch costs, and the reference import.

    .venv/bin/python bench/admin.py                                  # SQLite
    .venv/bin/python bench/admin.py --db mysql+pymysql://root@127.0.0.1:3306 --runs 9

On a department of ``--patients`` patients (``synoptic.department``), medians over
``--runs`` of:

- hash / verify: one PIN's scrypt hash, and its check;
- unlock: the keypad checking a person's PIN and writing its history row;
- edit: one reference change (a box renamed), with its board checks, history and audit rows;
- seen: the commit of that change to another screen's feed reporting ``reference_changed``
  (one poll: a screen polling every second sees it within 1 s plus this);
- export / import: the whole reference data to JSON, and a changed copy of it imported into
  a new database (one transaction, every change audited). With ``--db`` and the original
  2.16 dump beside the repository (``../shared/reference``), the import is that of the 2.16
  reference data (17 boxes, 18 states, 55 task types, 27 destinations) instead.
With ``--db`` a MariaDB/MySQL server URL (no database name), databases of their own are
created and dropped.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from scratch import drop_database, mariadb_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NOW = datetime(2026, 11, 21, 14, 0, 0)


def median_ms(action: Callable[[int], Any], runs: int) -> float:
    times = []
    for run in range(runs):
        start = time.perf_counter()
        action(run)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@contextmanager
def database(server: str | None, folder: Path) -> Iterator[str]:
    if server is None:
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    created = mariadb_database(server)
    if created is None:
        raise RuntimeError(f"MariaDB injoignable : {server}")
    url, name = created
    try:
        yield url
    finally:
        drop_database(server, name)


def legacy_document(url: str) -> dict[str, Any] | None:
    """The export of the original 2.16 dump loaded into ``url`` (MariaDB), if it is there."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import LEGACY_DIR, LEGACY_DUMPS, load_legacy_dump

    from synoptic.reference_io import export_reference
    from synoptic.store.db import open_store, upgrade_schema

    dump = LEGACY_DUMPS["2.16"]
    if not (LEGACY_DIR / dump.name).is_file():
        return None
    load_legacy_dump(url, dump)
    store = open_store(url)
    upgrade_schema(store)
    document = export_reference(store, now=NOW)
    store.dispose()
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="MariaDB/MySQL server URL (default: SQLite files)")
    parser.add_argument("--patients", type=int, default=150)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    from synoptic.department import seed_department
    from synoptic.feed import ChangeFeed
    from synoptic.people_admin import PeopleAdmin
    from synoptic.permissions import DISCHARGE
    from synoptic.reference_admin import ReferenceAdmin
    from synoptic.reference_io import export_reference, import_reference, validate_document
    from synoptic.reference_rules import Kind
    from synoptic.security import Keypad, hash_secret, verify_secret
    from synoptic.services import BoardServices
    from synoptic.store.db import open_store
    from synoptic.store.seed import create_or_upgrade

    figures: dict[str, float] = {}
    stored = hash_secret("2468")
    figures["hash"] = median_ms(lambda _: hash_secret("2468"), args.runs)
    figures["verify"] = median_ms(lambda _: verify_secret("2468", stored), args.runs)
    with tempfile.TemporaryDirectory() as folder, \
            database(args.db, Path(folder)) as url, database(args.db, Path(folder)) as other:
        store = open_store(url)
        create_or_upgrade(store)
        seed_department(BoardServices(store, "bench"), NOW, patients=args.patients)
        PeopleAdmin(store, "bench").create_person(
            {"code": "MM", "name": "Dr Moreau", "role_code": "medecin"}, "2468", now=NOW)
        keypad = Keypad(store, "bench")
        figures["unlock"] = median_ms(
            lambda _: keypad.unlock("MM", "2468", DISCHARGE, now=NOW), args.runs)
        admin = ReferenceAdmin(store, "MM")
        figures["edit"] = median_ms(
            lambda run: admin.rename(Kind.BOX, "B3", f"Box 3 ({run})", now=NOW), args.runs)
        feed = ChangeFeed(store)
        revision = feed.changes_since(0).revision
        seen = []
        for run in range(args.runs):
            admin.rename(Kind.BOX, "B4", f"Box 4 ({run})", now=NOW)
            start = time.perf_counter()
            result = feed.changes_since(revision)
            seen.append((time.perf_counter() - start) * 1000)
            assert result.reference_changed
            revision = result.revision
        figures["seen"] = statistics.median(seen)
        figures["export"] = median_ms(lambda _: export_reference(store, now=NOW), args.runs)
        document = (legacy_document(other) if args.db else None) or export_reference(
            store, now=NOW)
        store.dispose()
        copies = []
        for run in range(max(1, args.runs // 3)):
            with database(args.db, Path(folder)) as target_url:
                target = open_store(target_url)
                create_or_upgrade(target)
                data = validate_document(document)
                start = time.perf_counter()
                lines = import_reference(target, data, actor="bench", now=NOW)
                copies.append((time.perf_counter() - start) * 1000)
                target.dispose()
        figures["import"] = statistics.median(copies)
    backend = "MariaDB" if args.db else "SQLite"
    print(f"admin bench, {backend}, {args.patients} patients, {args.runs} runs (medians, ms); "
          f"import: {len(lines)} changes")
    for name, value in figures.items():
        print(f"{name:>8} {value:9.1f}")


if __name__ == "__main__":
    main()
