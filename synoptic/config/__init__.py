"""synoptux.ini -> frozen settings dataclasses.

The file keeps the section and key names of the original Synoptux (MedinTux, 2.16) so that an
existing installation's file still loads. The package's modules:

- :mod:`~synoptic.config.settings`: the settings dataclasses and :class:`ConfigError`;
- :mod:`~synoptic.config.files`: where the file is (``--config``, ``SYNOPTUX_CONFIG``, the
  current folder, the user's), the default file (package data, one copy) and atomic writes;
- :mod:`~synoptic.config.ini`: the file's text as case-insensitive sections and keys;
- :mod:`~synoptic.config.values`: the value types (yes/no, numbers, colours...);
- :mod:`~synoptic.config.database`: the connection sections;
- :mod:`~synoptic.config.positions`: the boxes' saved positions, read and written back;
- :mod:`~synoptic.config.reading`: :func:`load_config`, every section checked;
- :mod:`~synoptic.config.editing`: the settings form's edits (:class:`IniDraft`), each key's
  meaning from the default file, a candidate checked by the start-up rules, atomic writes.

Import from this package, not from its modules. No Qt import here: this package belongs to
the core.
"""

from __future__ import annotations

from synoptic.config.database import APP_NAME, default_database_url
from synoptic.config.editing import (
    KEY_CHOICE,
    KEY_COLOUR,
    KEY_SECRET,
    KEY_TEXT,
    KEY_YES_NO,
    IniDraft,
    KeyDoc,
    documented_keys,
    set_ini_value,
)
from synoptic.config.files import (
    CONFIG_ENV_VAR,
    CONFIG_FILE_NAME,
    default_ini_bytes,
    default_ini_text,
    exposed_password,
    resolve_config_path,
    user_config_path,
    write_atomically,
    write_default_config,
)
from synoptic.config.ini import POSITIONS_SECTION
from synoptic.config.positions import save_positions
from synoptic.config.reading import (
    ADMIN_PASSWORD_KEY,
    ADMIN_SECTION,
    config_from_text,
    load_config,
)
from synoptic.config.settings import (
    COMMENT_MAX_LENGTH,
    DEFAULT_CONFIRMED_DESTINATIONS,
    DEFAULT_PRESET_COMMENTS,
    PROFILES,
    AdministrationSettings,
    Config,
    ConfigError,
    DatabaseSettings,
    DisplaySettings,
    InterfaceSettings,
    MissingConfigFile,
    Position,
    StatisticsSettings,
    TimerSettings,
    TouchChoices,
)

__all__ = [
    "ADMIN_PASSWORD_KEY",
    "ADMIN_SECTION",
    "APP_NAME",
    "COMMENT_MAX_LENGTH",
    "CONFIG_ENV_VAR",
    "CONFIG_FILE_NAME",
    "DEFAULT_CONFIRMED_DESTINATIONS",
    "DEFAULT_INI_TEXT",
    "DEFAULT_PRESET_COMMENTS",
    "KEY_CHOICE",
    "KEY_COLOUR",
    "KEY_SECRET",
    "KEY_TEXT",
    "KEY_YES_NO",
    "POSITIONS_SECTION",
    "PROFILES",
    "AdministrationSettings",
    "Config",
    "ConfigError",
    "DatabaseSettings",
    "DisplaySettings",
    "IniDraft",
    "InterfaceSettings",
    "KeyDoc",
    "MissingConfigFile",
    "Position",
    "StatisticsSettings",
    "TimerSettings",
    "TouchChoices",
    "config_from_text",
    "default_database_url",
    "default_ini_bytes",
    "default_ini_text",
    "documented_keys",
    "exposed_password",
    "load_config",
    "resolve_config_path",
    "save_positions",
    "set_ini_value",
    "user_config_path",
    "write_atomically",
    "write_default_config",
]

# The text of synoptic/defaults/synoptux.ini (kept for the callers that took the old constant).
DEFAULT_INI_TEXT = default_ini_text()
