"""The settings read from synoptux.ini: frozen dataclasses, and the error a bad value raises.

No Qt import here: this module belongs to the core.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

__all__ = [
    "COMMENT_MAX_LENGTH",
    "DEFAULT_CONFIRMED_DESTINATIONS",
    "DEFAULT_PRESET_COMMENTS",
    "PROFILES",
    "AdministrationSettings",
    "Config",
    "ConfigError",
    "DatabaseSettings",
    "DisplaySettings",
    "InterfaceSettings",
    "MissingConfigFile",
    "Position",
    "TimerSettings",
    "TouchChoices",
]

Position = tuple[int, int, int, int]


class ConfigError(Exception):
    """An invalid configuration value; ``str()`` is one French line naming all five fields."""

    def __init__(self, file: Path | str, section: str, key: str, value: str, expected: str):
        self.file = str(file)
        self.section = section
        self.key = key
        self.value = value
        self.expected = expected
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"Configuration invalide dans {self.file}"
        if self.section:
            text += f", section [{self.section}]"
        if self.key:
            # Keep the message on one line even for a multi-line (continued) value.
            shown = self.value.replace("\r", "\\r").replace("\n", "\\n")
            text += f", clé {self.key} = « {shown} »"
        return f"{text} : attendu {self.expected}"

    def __str__(self) -> str:
        return self._message()

    def __reduce__(self) -> tuple[Callable[..., ConfigError], tuple[str, ...]]:
        # The default pickling would call __init__ with the message only.
        return (type(self), (self.file, self.section, self.key, self.value, self.expected))


class MissingConfigFile(ConfigError):
    """The ini file named by --config or SYNOPTUX_CONFIG does not exist."""

    def __init__(self, file: Path | str) -> None:
        super().__init__(file, "", "", "", "un fichier existant")

    def _message(self) -> str:
        return (
            f"Fichier de configuration introuvable : {self.file} (« synoptux init-config "
            f"{self.file} » en écrit un avec les valeurs par défaut)"
        )

    def __reduce__(self) -> tuple[Callable[..., ConfigError], tuple[str, ...]]:
        return (type(self), (self.file,))


@dataclass(frozen=True)
class DatabaseSettings:
    url: str
    table_prefix: str = "synopt_"
    host_url: str = ""


@dataclass(frozen=True)
class InterfaceSettings:
    inbox_dir: Path = Path("inbox")
    default_box: str = "ATT"
    annex_button: bool = False
    # Kept so that a 2.16 file loads; unused: the board has its own touch time picker.
    calendar_path: str = ""
    confirm_definitive_exit: bool = True
    allowed_programs: tuple[str, ...] = ()
    screen_name: str = ""
    processed_retention_days: int = 30
    # Which screen shows the board: "" = the primary one, "2" = the second, or a name
    # ("HDMI-1"); see synoptic.screens.
    screen: str = ""
    # What this screen offers (PROFILES): "public", "soins" or "administration".
    profile: str = "soins"


@dataclass(frozen=True)
class DisplaySettings:
    mode: str = "Cadre"
    scale: float = 1.0
    box_width: int = 300
    box_height: int = 400
    font_size: int = 14
    alarm_color: str = "#ff0000"
    board_background: str = "#2b2b2b"
    anonymous_label: str = "Patient"
    hide_names_by_default: bool = False


# [Interface] Profil: a public screen (read-only, names masked, no menu), a care screen (the
# daily actions), an administration screen (the daily actions and the administration menu).
PROFILES = ("public", "soins", "administration")


@dataclass(frozen=True)
class AdministrationSettings:
    """[Administration]: the administrator password's salted hash ("" = none set)."""

    password_hash: str = ""


@dataclass(frozen=True)
class TimerSettings:
    inbox_check_s: float = 10.0
    blink_s: float = 1.0
    alarm_check_s: float = 10.0
    exit_purge_delay_min: int = 1440
    max_lifetime_s: int = 259200


@dataclass(frozen=True)
class StatisticsSettings:
    """[Statistiques]: the tension threshold (None: the Soins boxes' capacity) and the folder
    of the regional daily summaries (None: ``watch`` writes none)."""

    tension_threshold: int | None = None
    reports_dir: Path | None = None


# Comments a nurse sets with one touch (EC_Commentaire holds 45 characters).
DEFAULT_PRESET_COMMENTS = (
    "Attente avis spécialiste",
    "À jeun",
    "Attente brancardier",
    "Attente résultats bio",
    "Attente imagerie",
    "Attente lit d'hospitalisation",
    "Attente transport",
    "Surveillance",
)
DEFAULT_CONFIRMED_DESTINATIONS = ("Décès", "Décédé", "DCD")
# The width of EC_Commentaire (synoptic.store.models.COMMENT_LENGTH; a test keeps them equal):
# the comment dialog never cuts a longer comment a host wrote.
COMMENT_MAX_LENGTH = 255


@dataclass(frozen=True)
class TouchChoices:
    """[Destinations] and [Commentaires]: what the touch dialogs offer (ui/dialogs)."""

    destination_order: tuple[str, ...] = ()
    confirmed_destinations: tuple[str, ...] = DEFAULT_CONFIRMED_DESTINATIONS
    preset_comments: tuple[str, ...] = DEFAULT_PRESET_COMMENTS


def _empty_positions() -> Mapping[str, Position]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Config:
    path: Path | None
    database: DatabaseSettings
    interface: InterfaceSettings = field(default_factory=InterfaceSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    timers: TimerSettings = field(default_factory=TimerSettings)
    positions: Mapping[str, Position] = field(default_factory=_empty_positions)
    choices: TouchChoices = field(default_factory=TouchChoices)
    statistics: StatisticsSettings = field(default_factory=StatisticsSettings)
    administration: AdministrationSettings = field(default_factory=AdministrationSettings)
