"""Where synoptux.ini is, the default file shipped in the package, and safe writes.

The default file, every key with its default value and a French comment, exists once:
``synoptic/defaults/synoptux.ini``, package data read through importlib.resources, so an
installed (non-editable) copy finds it too. ``synoptux init-config`` writes it out; the user's
file is created from it on first run.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from synoptic.config.database import APP_NAME
from synoptic.config.settings import MissingConfigFile

__all__ = [
    "CONFIG_ENV_VAR",
    "CONFIG_FILE_NAME",
    "default_ini_bytes",
    "default_ini_text",
    "exposed_password",
    "resolve_config_path",
    "user_config_path",
    "write_atomically",
    "write_default_config",
]

CONFIG_FILE_NAME = "synoptux.ini"
CONFIG_ENV_VAR = "SYNOPTUX_CONFIG"


@cache
def default_ini_bytes() -> bytes:
    """The default synoptux.ini (UTF-8), as shipped in the package."""
    return (resources.files("synoptic") / "defaults" / CONFIG_FILE_NAME).read_bytes()


def default_ini_text() -> str:
    return default_ini_bytes().decode("utf-8")


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / CONFIG_FILE_NAME


def resolve_config_path(
    explicit: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Path:
    """--config FILE, else $SYNOPTUX_CONFIG, else ./synoptux.ini, else the user's file.

    A file named explicitly (option or variable) must exist. The user's file is created from
    the default file on first run.
    """
    env = os.environ if environ is None else environ
    base = Path.cwd() if cwd is None else cwd
    for named in (explicit, env.get(CONFIG_ENV_VAR) or None):
        if named is None or str(named) == "":
            continue
        candidate = Path(named).expanduser()
        if not candidate.is_absolute():
            candidate = base / candidate
        if not candidate.is_file():
            raise MissingConfigFile(candidate)
        return candidate
    local = base / CONFIG_FILE_NAME
    if local.is_file():
        return local
    user = user_config_path()
    if not user.is_file():
        try:
            write_default_config(user)
        except FileExistsError:  # another instance created it meanwhile
            pass
    return user


def write_default_config(path: Path, *, replace: bool = False) -> None:
    """Write the default file to ``path``, creating its folder.

    Raises ``FileExistsError`` when ``path`` exists, unless ``replace``: the file is then
    replaced atomically (its permissions kept).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if replace and path.exists():
        write_atomically(path, default_ini_bytes())
        return
    with open(path, "xb") as out:
        out.write(default_ini_bytes())


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` in one step (a reader sees the old or the new file)."""
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def exposed_password(path: Path | None, urls: Iterable[str]) -> str | None:
    """A French warning when the ini file at ``path`` holds a database password (in one of
    ``urls``, those read from the file) and every account of the machine may read it
    (POSIX modes); else None.  Read by its group (640) is the advised set-up: no warning."""
    if path is None or os.name != "posix":
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if not mode & stat.S_IROTH:
        return None
    for url in urls:
        try:
            password = make_url(url).password if url else None
        except (ArgumentError, ValueError):
            password = None
        if password:
            return (
                f"ce fichier contient le mot de passe de la base et tous les comptes de ce "
                f"poste peuvent le lire (droits {stat.S_IMODE(mode):o}) : « chmod 640 {path} » "
                "avec le groupe des comptes qui lancent le tableau et « synoptux watch », ou "
                "600 pour son seul propriétaire"
            )
    return None
