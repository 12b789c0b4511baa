"""What a ``synoptux`` command runs with: its :class:`Context`, its errors and exit statuses.

Its own module so that the commands' implementations (``synoptic.ingest.commands``, the
board's start in ``ui``) depend on it without depending on ``synoptic.cli``, which imports
them: no import cycle.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from synoptic.config import Config, load_config, resolve_config_path
from synoptic.db_messages import missing_sqlite_file, missing_sqlite_file_problem
from synoptic.errors import SynoptuxError
from synoptic.services import BoardServices, resolve_actor
from synoptic.store.db import Store, open_store

__all__ = [
    "EXIT_OK",
    "EXIT_RUNTIME",
    "EXIT_USAGE",
    "Context",
    "SchemaMissingError",
    "UsageError",
    "load_context",
]

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad usage or configuration: exit status 2."""


class SchemaMissingError(UsageError):
    """A shared server without Synoptux's schema: an administrator runs ``init-db``."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


@dataclass
class Context:
    """What every command receives: the configuration and, on demand, the store."""

    config: Config
    long_statements: bool = False  # see make_engine
    _store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            db = self.config.database
            self._store = open_store(db.url, db.table_prefix,
                                     long_statements=self.long_statements)
        return self._store

    def services(self, user: str | None = None) -> BoardServices:
        return BoardServices(self.store, resolve_actor(user, self.config.interface.screen_name))

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()


def load_context(args: argparse.Namespace, *, long_statements: bool = False) -> Context:
    """The configuration the options name (``--config``, ``--db``), read and checked."""
    path = resolve_config_path(getattr(args, "config", None))
    config = load_config(path, db_url_override=getattr(args, "db", None))
    return Context(config, long_statements=long_statements)


class MissingDatabaseFile(SynoptuxError):
    """A read-only command on a SQLite file that does not exist: connecting would create
    an empty file, which the next command would take for a database."""


def require_existing_database(ctx: Context) -> None:
    """Raise :class:`MissingDatabaseFile` when the configured SQLite file is absent."""
    path = missing_sqlite_file(ctx.config.database.url)
    if path is not None:
        raise MissingDatabaseFile(missing_sqlite_file_problem(path).sentence())
