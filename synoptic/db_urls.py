"""Which database URLs Synoptux opens: SQLite, and MariaDB/MySQL through PyMySQL.

Those are the back-ends it supports and tests (its triggers and migrations are written for
them). The configuration refuses any other URL, and one whose driver is not installed,
when it is read (``synoptic.config.database``): a clear French line instead of the
``ModuleNotFoundError`` SQLAlchemy would raise when the engine is made. Pure: nothing is
connected; only the driver's module is imported, as the engine would.
"""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

__all__ = [
    "BARE_AT_EXPECTED",
    "SUPPORTED_BACKENDS",
    "has_bare_at",
    "mask_password",
    "normalize_url",
    "unsupported_reason",
]

SUPPORTED_BACKENDS = ("sqlite", "mysql", "mariadb")
BARE_AT_EXPECTED = (
    "un mot de passe et un nom d'utilisateur sans « @ » tel quel : écrivez-le %40 dans "
    "l'URL (encodage URL : %40 pour @, %3A pour :, %2F pour /, %23 pour #, %25 pour %)"
)


def has_bare_at(text: str) -> bool:
    """A server URL holding more than one "@" (the password's or the user's not written
    %40): SQLAlchemy ends the password at the first one and takes what follows for the
    host, and shows it in its messages.  A database name or an option with an "@" is
    refused too: rarer than a password with one, and the URL reads the same."""
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.split("+")[0].lower() not in ("mysql", "mariadb"):
        return False  # a SQLite path may hold an @
    return rest.count("@") > 1


def mask_password(text: str) -> str:
    """``text`` with everything up to its last "@" but the user replaced by ``***``,
    whether it parses or not: ``mysql://u:p@ss@h/b`` gives ``mysql://u:***@h/b``; with
    an "@" in what looks like the user, ``mysql://***@h/b``."""
    scheme, sep, rest = text.partition("://")
    if not sep or "@" not in rest:
        return text
    credentials, host = rest.rsplit("@", 1)
    user, colon, _password = credentials.partition(":")
    if "@" in user or "/" in user:
        return f"{scheme}://***@{host}"
    return f"{scheme}://{user}:***@{host}" if colon else text  # a user without password


def normalize_url(url: str | URL) -> URL:
    """PyMySQL for ``mysql://`` URLs and utf8mb4 on every MySQL connection."""
    parsed = make_url(url)
    if parsed.get_backend_name() in ("mysql", "mariadb"):
        if parsed.get_driver_name() in ("", "mysqldb", "mysqlconnector"):
            parsed = parsed.set(drivername=f"{parsed.get_backend_name()}+pymysql")
        if "charset" not in parsed.query:
            parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed


def unsupported_reason(url: str | URL) -> str | None:
    """Why Synoptux cannot open ``url`` (a URL that parses), in a few French words:
    a back-end other than SQLite or MariaDB/MySQL, or a driver that is not installed
    (``postgresql://``: « le moteur « postgresql » n'est pas pris en charge »).
    ``None`` when the engine can be made."""
    parsed = normalize_url(url)
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        return f"le moteur « {backend} » n'est pas pris en charge"
    try:
        dialect = parsed.get_dialect()
    except ArgumentError:  # NoSuchModuleError: mysql+nothing://
        return f"le pilote « {parsed.get_driver_name()} » est inconnu"
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        missing = f"module Python « {exc.name} » introuvable" if exc.name else str(exc)
        return f"le pilote « {dialect.driver} » n'est pas installé : {missing}"
    return None
