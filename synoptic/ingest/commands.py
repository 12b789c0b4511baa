"""``synoptux ingest`` and ``synoptux watch``: the inbox from the command line, headless.

``synoptic.cli`` declares the options and calls these; they live here so that the CLI module
stays a table of commands.
"""

from __future__ import annotations

import logging
import logging.handlers
import signal
import sys
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import platformdirs
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from synoptic.command_context import Context
from synoptic.db_messages import french_database_error, safe_url
from synoptic.errors import SynoptuxError
from synoptic.ingest.backoff import RetryBackoff
from synoptic.ingest.inbox import InboxProcessor, IngestResult, Outcome, TransientError
from synoptic.ingest.names import display_name
from synoptic.ingest.wiring import InboxRunner, inbox_processor, inbox_runner, purge_board
from synoptic.store.db import SCHEMA_VERSION, Store, current_version
from synoptic.store.feed_schema import feed_tables
from synoptic.transient import is_transient

__all__ = ["SchemaProblem", "default_log_path", "ingest", "require_feed_schema", "watch"]

log = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s : %(message)s"
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 5
# How long `synoptux ingest` waits at most for files still being written.
INGEST_WAIT_S = 10.0


def default_log_path() -> Path:
    return Path(platformdirs.user_log_dir("synoptux")) / "synoptux.log"


def ingest(ctx: Context, paths: Sequence[str], stability_delay_s: float) -> int:
    """Process the given files, or the inbox once; one line per file; 1 if any rejected."""
    logging.basicConfig(level=logging.ERROR, format="synoptux : %(message)s")
    try:
        require_feed_schema(ctx.store)
        failures = 0
        processor = inbox_processor(
            ctx.services(), ctx.config.interface, stability_delay_s=stability_delay_s
        )
        with processor:
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
        what = "installation à corriger" if err.installation else "base de données indisponible"
        print(
            f"synoptux : {what}, fichier remis en attente : {err}",
            file=sys.stderr,
        )
        return 1
    finally:
        ctx.close()


def _ingest_one(processor: InboxProcessor, path: Path) -> int:
    if not path.is_file():
        why = "c'est un dossier (sans FICHIER, ingest traite le dossier des entrées)" \
            if path.is_dir() else "aucun fichier à ce chemin"
        print(f"INTROUVABLE {display_name(str(path))} : {why}", flush=True)
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
    """Watch the inbox and run the purges until SIGINT or SIGTERM.

    A database unreachable at start, or not installed yet (no schema, an older one), is
    waited for, with the inbox's backoff and one log line, rather than an exit: a service
    manager restarting it would log it again every few seconds, or give up.
    """
    log_path = Path(log_file) if log_file else default_log_path()
    _setup_logging(log_path)
    stopping = threading.Event()
    runner: InboxRunner | None = None

    def on_signal(signum: int, _frame: object) -> None:
        log.info("Signal %s reçu : arrêt après le fichier en cours", signal.Signals(signum).name)
        stopping.set()
        if runner is not None:
            runner.watcher.stop(timeout=0)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        cfg = ctx.config
        if not wait_for_database(ctx.store, cfg.timers.inbox_check_s, stopping):
            log.info("synoptux watch arrêté avant que la base soit prête")
            return 0
        services = ctx.services()

        def purge() -> None:
            result = purge_board(services, cfg.timers, datetime.now().replace(microsecond=0))
            if result.exits_removed or result.lifetime_removed:
                log.info(
                    "Purge : %d sortie(s) retirée(s), %d patient(s) sorti(s) d'office",
                    len(result.exits_removed),
                    len(result.lifetime_removed),
                )

        runner = inbox_runner(
            cfg,
            services,
            board_purge=purge,
            stability_delay_s=stability_delay_s,
            rescan_s=rescan_s,
            jobs_interval_s=purge_interval_s,
            daily_reports=True,
        )
        if stopping.is_set():
            runner.watcher.stop(timeout=0)
        log.info(
            "synoptux watch démarré : dossier %s, base %s, journal %s",
            cfg.interface.inbox_dir,
            safe_url(ctx.store.engine.url),
            log_path,
        )
        runner.run()
        log.info("synoptux watch arrêté")
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        ctx.close()


class SchemaProblem(SynoptuxError):
    """The database has no schema, or an older one than this program's: ``init-db``."""


def require_feed_schema(store: Store) -> None:
    """Refuse to run on a database without the change feed's tables or with a schema older
    than the program's (init-db not run since an upgrade): on a version 1 schema names
    longer than 45 characters would be refused and GUIDs merged by case on MariaDB."""
    tables = feed_tables(store.models.prefix)
    inspector = inspect(store.engine)
    missing = [
        t.name for t in (tables.changes, tables.ingest_log) if not inspector.has_table(t.name)
    ]
    if missing:
        raise SchemaProblem(
            f"La base n'a pas encore les tables {', '.join(missing)} : "
            "lancez d'abord « synoptux init-db »."
        )
    version = current_version(store)
    if version is None or version < SCHEMA_VERSION:
        raise SchemaProblem(
            f"La base n'a pas le schéma de Synoptux (version {version or 'absente'}, "
            f"attendue {SCHEMA_VERSION}) : lancez « synoptux init-db »."
        )


def wait_for_database(store: Store, retry_s: float, stopping: threading.Event) -> bool:
    """Wait until the database answers and has the current schema; False when stopped first.

    An unreachable, locked or refusing server (:func:`synoptic.transient.is_transient`) and
    a missing or older schema (an installation problem: ``init-db``) are retried with the
    inbox's backoff, the log getting one line when the wait starts and one when it ends.
    Another error (a bug) is raised."""
    backoff = RetryBackoff(max(0.05, retry_s))
    while not stopping.is_set():
        now = time.monotonic()
        try:
            require_feed_schema(store)
        except SchemaProblem as err:
            line = backoff.failed(now, err.message.rstrip("."), installation=True)
        except SQLAlchemyError as err:
            if not is_transient(err):
                raise
            line = backoff.failed(now, french_database_error(err))
        else:
            line = backoff.succeeded(time.monotonic())
            if line:
                log.warning("%s", line)
            return True
        if line:
            log.error("%s", line)
        stopping.wait(backoff.delay())
    return False


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


