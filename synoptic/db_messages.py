"""Database driver errors in French words: what happened, what to do, then the raw detail.

SQLAlchemy wraps the driver's exception (PyMySQL's ``(2003, "Can't connect...")``, the
``sqlite3`` module's ``unable to open database file``) in its own; the start-failure
screen, ``check-config``, ``status`` and the board's messages show a French sentence
first ("serveur injoignable", "accès refusé"...) and the driver's own words after, for
whoever has to look the error up.  Pure: no Qt, no connection; the caller passes the error.

Another module (the inbox's) decides whether an error is worth retrying; this one only
words it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from synoptic.db_urls import has_bare_at, mask_password

__all__ = [
    "DatabaseProblem",
    "Problem",
    "describe_database_error",
    "french_database_error",
    "missing_sqlite_file",
    "missing_sqlite_file_problem",
    "schema_missing_problem",
]


class Problem(Enum):
    UNREACHABLE = "serveur injoignable"
    ACCESS_DENIED = "accès refusé"
    DATABASE_DENIED = "base inconnue ou interdite à cet utilisateur"
    UNKNOWN_DATABASE = "base inconnue"
    CANNOT_OPEN_FILE = "fichier impossible à ouvrir"
    NOT_A_DATABASE = "fichier qui n'est pas une base SQLite"
    MISSING_FILE = "fichier de base absent"
    LOCKED = "base verrouillée"
    READ_ONLY = "base en lecture seule"
    SCHEMA_MISSING = "base non initialisée (tables absentes)"
    OTHER = "erreur de la base de données"


_ADVICE = {
    Problem.UNREACHABLE: (
        "vérifiez que le serveur de base de données est démarré, son nom ou son adresse et son "
        "port dans [Connexion] URL, et le réseau"
    ),
    Problem.ACCESS_DENIED: (
        "vérifiez l'utilisateur et le mot de passe de [Connexion] URL, et ses droits sur la base "
        "(GRANT ALL ON nom_de_la_base.* TO ...)"
    ),
    Problem.DATABASE_DENIED: (
        "le serveur a accepté l'utilisateur et son mot de passe, mais la base nommée dans "
        "[Connexion] URL n'existe pas ou cet utilisateur n'y a aucun droit (le serveur ne dit "
        "pas lequel) : vérifiez le nom de la base, puis ses droits (GRANT ALL ON "
        "nom_de_la_base.* TO ...) ; une base neuve se crée (CREATE DATABASE ...) avant "
        "« synoptux init-db »"
    ),
    Problem.UNKNOWN_DATABASE: (
        "créez la base sur le serveur (CREATE DATABASE ...) ou corrigez son nom dans "
        "[Connexion] URL, puis lancez « synoptux init-db »"
    ),
    Problem.CANNOT_OPEN_FILE: (
        "vérifiez le chemin du fichier dans [Connexion] URL, que son dossier existe et que "
        "l'utilisateur a le droit d'y lire et d'y écrire"
    ),
    Problem.NOT_A_DATABASE: "vérifiez le chemin du fichier dans [Connexion] URL",
    Problem.MISSING_FILE: "créez la base avec « synoptux init-db » (ou corrigez [Connexion] URL)",
    Problem.LOCKED: (
        "un autre programme garde la base occupée ; réessayez dans un instant, sinon "
        "cherchez le programme qui la bloque"
    ),
    Problem.READ_ONLY: "donnez à l'utilisateur le droit d'écrire le fichier et son dossier",
    Problem.SCHEMA_MISSING: "lancez « synoptux init-db »",
    Problem.OTHER: "voir le détail ci-dessous",
}

# MySQL / MariaDB client and server error numbers (PyMySQL's first argument).
_MYSQL_CODES = {
    2002: Problem.UNREACHABLE,  # can't connect through the local socket
    2003: Problem.UNREACHABLE,  # can't connect (refused, unknown host, timeout: PyMySQL)
    2005: Problem.UNREACHABLE,  # unknown server host
    2006: Problem.UNREACHABLE,  # server has gone away
    2013: Problem.UNREACHABLE,  # lost connection during query
    1044: Problem.DATABASE_DENIED,  # denied to the database: no grant, or no such database
    1045: Problem.ACCESS_DENIED,  # access denied for user (password)
    1142: Problem.ACCESS_DENIED,  # command denied to user for table
    1049: Problem.UNKNOWN_DATABASE,
    1205: Problem.LOCKED,  # lock wait timeout exceeded
    1146: Problem.SCHEMA_MISSING,  # table doesn't exist
}

# sqlite3 primary result codes (``sqlite_errorcode & 0xff``, Python 3.11+).
_SQLITE_CODES = {
    3: Problem.CANNOT_OPEN_FILE,  # SQLITE_PERM
    5: Problem.LOCKED,  # SQLITE_BUSY
    6: Problem.LOCKED,  # SQLITE_LOCKED
    8: Problem.READ_ONLY,  # SQLITE_READONLY
    14: Problem.CANNOT_OPEN_FILE,  # SQLITE_CANTOPEN
    26: Problem.NOT_A_DATABASE,  # SQLITE_NOTADB
}
_SQLITE_TEXTS = (
    ("unable to open database file", Problem.CANNOT_OPEN_FILE),
    ("database is locked", Problem.LOCKED),
    ("database table is locked", Problem.LOCKED),
    ("readonly database", Problem.READ_ONLY),
    ("file is not a database", Problem.NOT_A_DATABASE),
    ("no such table", Problem.SCHEMA_MISSING),
)


@dataclass(frozen=True)
class DatabaseProblem:
    """A database error in words: ``summary`` (French, short), ``advice`` (what to fix),
    ``detail`` (the driver's own message, unchanged)."""

    kind: Problem
    advice: str
    detail: str

    @property
    def summary(self) -> str:
        return self.kind.value

    def sentence(self) -> str:
        """One line: "serveur injoignable : vérifiez ... (détail : ...)"."""
        text = f"{self.summary} : {self.advice}"
        return f"{text} (détail : {self.detail})" if self.detail else text

    def __str__(self) -> str:
        return self.sentence()


def _driver_error(err: BaseException) -> BaseException:
    """The driver's exception under SQLAlchemy's wrapper (``err.orig``), else ``err``."""
    orig = getattr(err, "orig", None)
    return orig if isinstance(orig, BaseException) else err


def _detail(err: BaseException) -> str:
    args: tuple[object, ...] = tuple(getattr(err, "args", ()))
    if len(args) >= 2 and isinstance(args[0], int):  # PyMySQL: (code, message)
        text = f"({args[0]}) {args[1]}"
    else:
        text = str(err)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first or type(err).__name__


def _kind(driver: BaseException) -> Problem:
    args: tuple[object, ...] = tuple(getattr(driver, "args", ()))
    if args and isinstance(args[0], int) and args[0] in _MYSQL_CODES:
        return _MYSQL_CODES[args[0]]
    if isinstance(driver, sqlite3.Error):
        code = getattr(driver, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _SQLITE_CODES:
            return _SQLITE_CODES[code & 0xFF]
    text = str(driver).lower()
    for needle, kind in _SQLITE_TEXTS:
        if needle in text:
            return kind
    if isinstance(driver, (TimeoutError, ConnectionError)):
        return Problem.UNREACHABLE
    return Problem.OTHER


def describe_database_error(err: BaseException) -> DatabaseProblem:
    """What ``err`` (SQLAlchemy's, PyMySQL's, sqlite3's, a socket's) means, in French."""
    driver = _driver_error(err)
    kind = _kind(driver)
    return DatabaseProblem(kind, _ADVICE[kind], _detail(driver))


def french_database_error(err: BaseException) -> str:
    """``describe_database_error(err).sentence()``."""
    return describe_database_error(err).sentence()


def schema_missing_problem(detail: str = "") -> DatabaseProblem:
    return DatabaseProblem(Problem.SCHEMA_MISSING, _ADVICE[Problem.SCHEMA_MISSING], detail)


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite ``url`` when it does not exist (connecting would create it
    empty); ``None`` for an existing file, an in-memory database or another back-end."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None  # in memory, or a URI filename (its own rules)
    path = Path(database).expanduser()
    return None if path.exists() else path


def missing_sqlite_file_problem(path: Path) -> DatabaseProblem:
    return DatabaseProblem(
        Problem.MISSING_FILE,
        f"le fichier {path} n'existe pas ; créez la base avec « synoptux init-db » "
        "(ou corrigez [Connexion] URL)",
        "",
    )


def safe_url(url: str | URL) -> str:
    """``url`` without its password, for messages (all of it, even written with a bare
    "@" that SQLAlchemy would split it at)."""
    if isinstance(url, str) and has_bare_at(url):
        return mask_password(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":  # no password; a path as written (é, @, spaces)
        return f"{parsed.drivername}:///{parsed.database}" if parsed.database \
            else f"{parsed.drivername}://"
    return parsed.render_as_string(hide_password=True)
