"""[Connexion] and [Connexion_MedinTux]: the database URLs, MedinTux's legacy line included."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import platformdirs
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from synoptic.config.ini import IniFile, RawValue
from synoptic.config.settings import ConfigError, DatabaseSettings
from synoptic.db_messages import safe_url
from synoptic.db_urls import BARE_AT_EXPECTED, has_bare_at, mask_password, unsupported_reason

__all__ = ["APP_NAME", "DB_OPTION", "default_database_url", "read_database"]

APP_NAME = "synoptux"
DB_OPTION = "l'option --db"  # the "file" of a ConfigError about --db URL

_PREFIX_RE = re.compile(r"[A-Za-z0-9_]*")
_EXAMPLES = (
    "par exemple sqlite:///chemin/synoptux.sqlite ou "
    "mysql+pymysql://utilisateur:motdepasse@serveur:3306/base"
)
_URL = f"une URL SQLAlchemy valide, {_EXAMPLES}"
_SUPPORTED = (
    "une base SQLite ou MariaDB/MySQL avec le pilote PyMySQL, les seules que Synoptux "
    "prend en charge et teste"
)


def default_database_url() -> str:
    """SQLite file in the user's data folder (the folder is created)."""
    folder = Path(platformdirs.user_data_dir(APP_NAME))
    folder.mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + (folder / "synoptux.sqlite").as_posix()


def _url_problem(text: str) -> str | None:
    """What is expected instead of ``text``; ``None`` when Synoptux can open it."""
    if has_bare_at(text):
        return BARE_AT_EXPECTED
    try:
        make_url(text)
    except (ArgumentError, ValueError):
        return _URL
    reason = unsupported_reason(text)  # postgresql://, a driver not installed
    return None if reason is None else f"{_SUPPORTED} ({reason}), {_EXAMPLES}"


def _shown(url: str) -> str:
    """``url`` as a message shows it: without its password, even when it does not parse
    (``mysql://u:secret@h:port/b``)."""
    try:
        return safe_url(url)  # masks a password written with a bare "@" too
    except (ArgumentError, ValueError):
        return mask_password(url)


def _legacy_shown(text: str) -> str:
    """A ``Parametres`` line as an error message may show it: its password field (the
    fourth) masked."""
    fields = text.split(",")
    if len(fields) > 3 and fields[3].strip():
        fields[3] = " *** "
    return ",".join(fields)


def _legacy_url(ini: IniFile, raw: RawValue, base: Path) -> str:
    """Url from MedinTux's 'Parametres = QMYSQL3 , base , user , pwd , host , port'."""
    fields = [f.strip() for f in raw.text.split(",")]
    fields += [""] * (6 - len(fields))

    def fail(expected: str) -> ConfigError:
        return ConfigError(ini.file, raw.section, raw.key, _legacy_shown(raw.text), expected)

    driver = fields[0].upper()
    if driver in ("QSQLITE", "QSQLITE3"):
        if not fields[1]:
            raise fail("QSQLITE suivi du chemin du fichier SQLite")
        if fields[1] == ":memory:":
            return "sqlite://"
        path = Path(fields[1]).expanduser()
        return "sqlite:///" + (path if path.is_absolute() else base / path).as_posix()
    if driver not in ("QMYSQL3", "QMYSQL"):
        raise fail("un pilote QMYSQL3 ou QSQLITE en premier champ")
    name, user, password, host, port = fields[1:6]
    if not name:
        raise fail("le nom de la base en deuxième champ (QMYSQL3 , base , ...)")
    if port and not re.fullmatch(r"[0-9]+", port):
        raise fail("un numéro de port en sixième champ")
    credentials = ""
    if user:
        credentials = quote(user, safe="")
        if password:
            credentials += ":" + quote(password, safe="")
        credentials += "@"
    host_part = (host or "localhost") + ":" + (port or "3306")
    return f"mysql+pymysql://{credentials}{host_part}/{quote(name, safe='')}?charset=utf8mb4"


def _connection_url(ini: IniFile, sections: tuple[str, ...], base: Path) -> str:
    """Validated URL of one connection section; "" when not configured."""
    raw = ini.get(sections, "URL")
    if raw is not None and raw.text:
        expected = _url_problem(raw.text)
        if expected is not None:
            raise ConfigError(ini.file, raw.section, raw.key, _shown(raw.text), expected)
        return raw.text
    legacy = ini.get(sections, "Parametres")
    if legacy is not None and legacy.text:
        return _legacy_url(ini, legacy, base)
    return ""


def read_database(ini: IniFile, base: Path, db_url_override: str | None) -> DatabaseSettings:
    """The board's database (or ``--db``), its table prefix and the host's record database."""
    main = ("Connexion", "Connexion_SynopTux")
    if db_url_override is not None:
        url = db_url_override.strip()
        expected = _url_problem(url)
        if expected is not None:
            raise ConfigError(DB_OPTION, "Connexion", "URL", _shown(url), expected)
    else:
        url = _connection_url(ini, main, base) or default_database_url()
    raw_prefix = ini.get(main, "Prefixe_Tables")
    prefix = "synopt_" if raw_prefix is None else raw_prefix.text
    if raw_prefix is not None and not _PREFIX_RE.fullmatch(prefix):
        raise ini.fail(raw_prefix, "uniquement des lettres non accentuées, des chiffres et _")
    host_url = _connection_url(ini, ("Connexion_MedinTux",), base)
    return DatabaseSettings(url=url, table_prefix=prefix, host_url=host_url)
