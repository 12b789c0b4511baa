"""synoptux.ini -> :class:`~synoptic.config.settings.Config`: every section, every value checked.

Every value is validated here, once, so that the board never starts with a period of 0 (2.16
crashed on it) or a colour it cannot draw. Errors name the file, section, key, value and what
was expected, in French.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from synoptic.config import values as v
from synoptic.config.database import read_database
from synoptic.config.ini import IniFile
from synoptic.config.positions import read_positions
from synoptic.config.settings import (
    COMMENT_MAX_LENGTH,
    AdministrationSettings,
    Config,
    ConfigError,
    DisplaySettings,
    InterfaceSettings,
    MissingConfigFile,
    StatisticsSettings,
    TimerSettings,
    TouchChoices,
)
from synoptic.decoding import decode_text
from synoptic.screens import SCREEN_EXPECTED, parse_screen_setting

__all__ = [
    "ADMIN_PASSWORD_KEY",
    "ADMIN_SECTION",
    "DISPLAY_KEYS",
    "INTERFACE_KEYS",
    "STATISTICS_KEYS",
    "TIMER_KEYS",
    "config_from_text",
    "load_config",
]

ADMIN_SECTION = "Administration"
ADMIN_PASSWORD_KEY = "Mot_de_passe_admin"


@dataclass(frozen=True)
class Key:
    """One ini key of a settings section: where it goes and how it is checked."""

    name: str
    attr: str
    convert: Callable[[str], object | None]
    expected: str = ""


INTERFACE_KEYS = (
    Key("Dossier_Entrees", "inbox_dir", v.user_path),
    Key("Code_Box_Par_Defaut", "default_box", v.plain_text),
    Key("Bouton_Acces_DrTux", "annex_button", v.boolean, v.BOOL_EXPECTED),
    Key("Chemin_du_calendrier", "calendar_path", v.plain_text),
    Key("Confirmation_Sortie_Definitive", "confirm_definitive_exit", v.boolean, v.BOOL_EXPECTED),
    Key(
        "Programmes_Autorises",
        "allowed_programs",
        v.programs,
        "des chemins absolus ou des noms de programmes, séparés par ; ou |",
    ),
    Key("Nom_Ecran", "screen_name", v.plain_text),
    Key(
        "Jours_Conservation_Entrees_Traitees",
        "processed_retention_days",
        v.int_at_least(1),
        "un nombre entier de jours supérieur ou égal à 1",
    ),
    Key("Ecran", "screen", parse_screen_setting, SCREEN_EXPECTED),
    Key("Profil", "profile", v.profile, v.PROFILE_EXPECTED),
)
_PIXELS = "un nombre entier de pixels supérieur à 0"
DISPLAY_KEYS = (
    Key("Mode_Affichage", "mode", v.display_mode, "Fenetre ou Cadre"),
    Key("Echelle", "scale", v.scale, "un nombre de 0.5 à 4"),
    Key("Largeur_Box", "box_width", v.int_at_least(1), _PIXELS),
    Key("Hauteur_Box", "box_height", v.int_at_least(1), _PIXELS),
    Key("Taille_Police", "font_size", v.int_at_least(1), "une taille entière supérieure à 0"),
    Key("Couleur_Alarme", "alarm_color", v.colour, v.COLOUR),
    Key("Couleur_Fond", "board_background", v.colour, v.COLOUR),
    Key("Libelle_Anonyme", "anonymous_label", v.plain_text),
    Key("Noms_Masques_Par_Defaut", "hide_names_by_default", v.boolean, v.BOOL_EXPECTED),
)
TIMER_KEYS = (
    Key("Periodicite_controle_des_entrees", "inbox_check_s", v.period, v.PERIOD_EXPECTED),
    Key("Periodicite_clignotement_en_secondes", "blink_s", v.period, v.PERIOD_EXPECTED),
    Key("Periodicite_controle_alarme_en_secondes", "alarm_check_s", v.period, v.PERIOD_EXPECTED),
    Key(
        "Delai_avant_suppression_des_sorties_en_mn",
        "exit_purge_delay_min",
        v.int_at_least(0),
        "un nombre entier de minutes supérieur ou égal à 0",
    ),
    Key(
        "Duree_vie_max_avant_sortie_forcee_en_secondes",
        "max_lifetime_s",
        v.int_at_least(0),
        "un nombre entier de secondes supérieur ou égal à 0 (0 = jamais)",
    ),
)

STATISTICS_KEYS = (
    Key("Seuil_Tension", "tension_threshold", v.int_at_least(1),
        "un nombre entier de patients supérieur ou égal à 1 (vide = capacité des box de soins)"),
    Key("Dossier_Rapports", "reports_dir", v.user_path),
)

_S = TypeVar("_S", InterfaceSettings, DisplaySettings, TimerSettings, StatisticsSettings)


def _read_section(ini: IniFile, section: str, keys: tuple[Key, ...], defaults: _S) -> _S:
    """Defaults overridden by the section's non-empty values, each one checked."""
    values: dict[str, Any] = {}
    for key in keys:
        raw = ini.get((section,), key.name)
        if raw is None or raw.text == "":
            continue
        value = key.convert(raw.text)
        if value is None:
            raise ini.fail(raw, key.expected)
        values[key.attr] = value
    return replace(defaults, **values)


def _interface(ini: IniFile, base: Path) -> InterfaceSettings:
    settings = _read_section(ini, "Interface", INTERFACE_KEYS, InterfaceSettings())
    if settings.inbox_dir.is_absolute():
        return settings
    return replace(settings, inbox_dir=base / settings.inbox_dir)


def _statistics(ini: IniFile, base: Path) -> StatisticsSettings:
    settings = _read_section(ini, "Statistiques", STATISTICS_KEYS, StatisticsSettings())
    folder = settings.reports_dir
    if folder is None or folder.is_absolute():
        return settings
    return replace(settings, reports_dir=base / folder)


def _choices(ini: IniFile) -> TouchChoices:
    """[Destinations] Ordre, Confirmation and [Commentaires] Predefinis."""
    values: dict[str, tuple[str, ...]] = {}
    for section, key, attr in (
        ("Destinations", "Ordre", "destination_order"),
        ("Destinations", "Confirmation", "confirmed_destinations"),
        ("Commentaires", "Predefinis", "preset_comments"),
    ):
        raw = ini.get((section,), key)
        items = v.text_list(raw.text) if raw is not None else ()
        if raw is None or not items:
            continue
        if attr == "preset_comments" and any(len(i) > COMMENT_MAX_LENGTH for i in items):
            raise ini.fail(
                raw, f"des commentaires de {COMMENT_MAX_LENGTH} caractères au plus, séparés par ;"
            )
        values[attr] = items
    return replace(TouchChoices(), **values)


def _administration(ini: IniFile) -> AdministrationSettings:
    raw = ini.get((ADMIN_SECTION,), ADMIN_PASSWORD_KEY)
    if raw is None or raw.text == "":
        return AdministrationSettings()
    if v.password_hash(raw.text) is None:
        # The value is not shown: it may be the password itself, typed in clear.
        raise ConfigError(ini.file, raw.section, raw.key, "(masqué)", v.PASSWORD_HASH_EXPECTED)
    return AdministrationSettings(password_hash=raw.text)


def load_config(path: Path | str | None, db_url_override: str | None = None) -> Config:
    """Read and validate the ini file; None gives the defaults (relative paths from cwd)."""
    if path is None:
        return _config(IniFile("(valeurs par défaut)", ""), None, Path.cwd(), db_url_override)
    file_path = Path(path).expanduser().absolute()
    try:
        data = file_path.read_bytes()
    except FileNotFoundError as exc:
        raise MissingConfigFile(file_path) from exc
    except OSError as exc:
        raise ConfigError(file_path, "", "", "", f"un fichier lisible ({exc})") from exc
    return config_from_text(decode_text(data).text, file_path, db_url_override)


def config_from_text(text: str, path: Path, db_url_override: str | None = None) -> Config:
    """What :func:`load_config` would give if the file at ``path`` held ``text``: the
    settings form checks a candidate file by the rules of start-up before writing it."""
    file_path = Path(path).expanduser().absolute()
    return _config(IniFile(str(file_path), text), file_path, file_path.parent, db_url_override)


def _config(ini: IniFile, file_path: Path | None, base: Path,
            db_url_override: str | None) -> Config:
    return Config(
        path=file_path,
        database=read_database(ini, base, db_url_override),
        interface=_interface(ini, base),
        display=_read_section(ini, "Affichage", DISPLAY_KEYS, DisplaySettings()),
        timers=_read_section(ini, "Timer", TIMER_KEYS, TimerSettings()),
        positions=read_positions(ini),
        choices=_choices(ini),
        statistics=_statistics(ini, base),
        administration=_administration(ini),
    )
