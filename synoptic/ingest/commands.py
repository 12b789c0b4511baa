"""``synoptux ingest`` and ``synoptux watch``: the inbox from the command line, headless.

``synoptic.cli`` declares the options and calls these; they live here so that the CLI module
stays a table of commands.
"""

from __future__ import annotations

import logging
import logging.handlers
import signal
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from sqlalchemy import inspect

from synoptic.errors import SynoptuxError
from synoptic.feed import prune_changes
from synoptic.ingest.inbox import InboxProcessor, IngestResult, Outcome, TransientError
from synoptic.ingest.names import display_name
from synoptic.ingest.watcher import InboxWatcher, PeriodicJob
from synoptic.services import BoardServices
from synoptic.store.db import Store
from synoptic.store.feed_schema import feed_tables

if TYPE_CHECKING:
    from synoptic.cli import Context

__all__ = ["default_log_path", "ingest", "watch"]

log = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s : %(message)s"
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 5
# How long `synoptux ingest` waits at most for files still being written.
INGEST_WAIT_S = 10.0
PROCESSED_PURGE_S = 3600.0


def default_log_path() -> Path:
    return Path(platformdirs.user_log_dir("synoptux")) / "synoptux.log"


def ingest(ctx: Context, paths: Sequence[str], stability_delay_s: float) -> int:
    """Process the given files, or the inbox once; one line per file; 1 if any rejected."""
    logging.basicConfig(level=logging.ERROR, format="synoptux : %(message)s")
    try:
        require_feed_schema(ctx.store)
        failures = 0
        with _processor(ctx, ctx.services(), stability_delay_s) as processor:
            if paths:
                for raw in paths:
                    failures += _ingest_one(processor, Path(raw))
            else:
                deadline = time.monotonic() + max(INGEST_WAIT_S, 4 * stability_delay_s)
                while True:
                    result = processor.run_pass()
                    for item in result.results:
                        failures += _report(item)
                    if not result.waiting:
                        break
                    if time.monotonic() > deadline:
                        print(
                            f"{result.waiting} fichier(s) encore en cours d'écriture : "
                            "laissé(s) pour un prochain passage",
                            flush=True,
                        )
                        break
                    time.sleep(min(0.1, max(0.01, stability_delay_s / 4)))
        return 1 if failures else 0
    except TransientError as err:
        print(
            f"synoptux : base de données indisponible, fichier remis en attente : {err}",
            file=sys.stderr,
        )
        return 1
    finally:
        ctx.close()


def _ingest_one(processor: InboxProcessor, path: Path) -> int:
    if not path.is_file():
        print(f"INTROUVABLE {display_name(str(path))}", flush=True)
        return 1
    item = processor.ingest_path(path)
    if item is None:
        print(f"IGNORÉ   {display_name(path.name)} : pris par un autre processus", flush=True)
        return 0
    return _report(item)


def _report(item: IngestResult) -> int:
    print(item.line(), flush=True)
    return 1 if item.outcome is Outcome.REJECTED else 0


def watch(
    ctx: Context,
    *,
    stability_delay_s: float = 0.5,
    rescan_s: float | None = None,
    purge_interval_s: float = 60.0,
    log_file: str | None = None,
) -> int:
    """Watch the inbox and run the purges until SIGINT or SIGTERM."""
    log_path = Path(log_file) if log_file else default_log_path()
    _setup_logging(log_path)
    try:
        require_feed_schema(ctx.store)
        cfg = ctx.config
        services = ctx.services()
        processor = _processor(ctx, services, stability_delay_s)

        def purge_board() -> None:
            result = services.purge(
                now=datetime.now().replace(microsecond=0),
                exit_delay_min=cfg.timers.exit_purge_delay_min,
                max_lifetime_s=cfg.timers.max_lifetime_s,
            )
            if result.exits_removed or result.lifetime_removed:
                log.info(
                    "Purge : %d sortie(s) retirée(s), %d patient(s) sorti(s) d'office",
                    len(result.exits_removed),
                    len(result.lifetime_removed),
                )

        jobs = [
            PeriodicJob("purge des sorties", purge_interval_s, purge_board),
            PeriodicJob(
                "purge du journal des changements",
                purge_interval_s,
                lambda: prune_changes(ctx.store),
                first_delay_s=purge_interval_s / 2,
            ),
            PeriodicJob("purge des fichiers traités", PROCESSED_PURGE_S, processor.purge_processed),
        ]
        watcher = InboxWatcher(processor, rescan_s=rescan_s or cfg.timers.inbox_check_s, jobs=jobs)

        def on_signal(signum: int, _frame: object) -> None:
            log.info(
                "Signal %s reçu : arrêt après le fichier en cours", signal.Signals(signum).name
            )
            watcher.stop(timeout=0)

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        log.info(
            "synoptux watch démarré : dossier %s, base %s, journal %s",
            cfg.interface.inbox_dir,
            _safe_url(ctx.store),
            log_path,
        )
        try:
            with processor:
                watcher.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        log.info("synoptux watch arrêté")
        return 0
    finally:
        ctx.close()


def require_feed_schema(store: Store) -> None:
    """Refuse to run on a database without the change feed's tables (init-db not run)."""
    tables = feed_tables(store.models.prefix)
    inspector = inspect(store.engine)
    missing = [
        t.name for t in (tables.changes, tables.ingest_log) if not inspector.has_table(t.name)
    ]
    if missing:
        raise SynoptuxError(
            f"La base n'a pas encore les tables {', '.join(missing)} : "
            "lancez d'abord « synoptux init-db »."
        )


def _processor(ctx: Context, services: BoardServices, stability_delay_s: float) -> InboxProcessor:
    cfg = ctx.config.interface
    return InboxProcessor(
        services,
        cfg.inbox_dir,
        cfg.default_box,
        retention_days=cfg.processed_retention_days,
        stability_delay_s=stability_delay_s,
    )


def _setup_logging(path: Path) -> None:
    formatter = logging.Formatter(LOG_FORMAT)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(formatter)
    root.addHandler(stderr)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            path,
            maxBytes=LOG_MAX_BYTES,
            backupCount=LOG_BACKUPS,
            encoding="utf-8",
            errors="backslashreplace",  # a file name that is not UTF-8 must not lose the line
        )
    except OSError as err:
        log.warning("Journal %s impossible à ouvrir (%s) : sortie d'erreur seulement", path, err)
    else:
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    for noisy in ("sqlalchemy", "watchdog"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _safe_url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=True)
