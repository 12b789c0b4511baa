"""synoptux.ini -> frozen settings dataclasses.

The file keeps the section and key names of the original Synoptux (MedinTux, 2.16) so that an
existing installation's file still loads. Unlike Qt 4's QSettings, sections and keys are matched
case-insensitively: 2.16 wrote box positions under ``Positions_fenetres`` and read them from
``Positions_Fenetres``, which lost them on case-sensitive systems. Every value is validated here,
once, so that the board never starts with a period of 0 (2.16 crashed on it) or a colour it
cannot draw. Errors name the file, section, key, value and what was expected, in French.

No Qt import here: this module belongs to the core.
"""

from __future__ import annotations

import codecs
import configparser
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from types import MappingProxyType
from typing import Any, TypeVar
from urllib.parse import quote, unquote

import platformdirs
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from synoptic.colours import COLOUR_EXPECTED, normalise_colour
from synoptic.screens import SCREEN_EXPECTED, parse_screen_setting

__all__ = [
    "DEFAULT_INI_TEXT",
    "Config",
    "ConfigError",
    "DatabaseSettings",
    "DisplaySettings",
    "InterfaceSettings",
    "TimerSettings",
    "TouchChoices",
    "default_database_url",
    "load_config",
    "resolve_config_path",
    "save_positions",
    "user_config_path",
]

APP_NAME = "synoptux"
CONFIG_FILE_NAME = "synoptux.ini"
CONFIG_ENV_VAR = "SYNOPTUX_CONFIG"
POSITIONS_SECTION = "Positions_fenetres"

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

    def __reduce__(self) -> tuple[type[ConfigError], tuple[str, str, str, str, str]]:
        # The default pickling would call __init__ with the message only.
        return (type(self), (self.file, self.section, self.key, self.value, self.expected))


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


@dataclass(frozen=True)
class TimerSettings:
    inbox_check_s: float = 10.0
    blink_s: float = 1.0
    alarm_check_s: float = 10.0
    exit_purge_delay_min: int = 1440
    max_lifetime_s: int = 259200


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


# --------------------------------------------------------------------------- default file

DEFAULT_INI_TEXT = """\
; synoptux.ini : configuration de Synoptux
; -----------------------------------------------------------------------------
; Recherche du fichier au démarrage : option --config FICHIER, sinon variable
; d'environnement SYNOPTUX_CONFIG, sinon synoptux.ini dans le dossier courant,
; sinon le fichier de l'utilisateur (créé avec ce contenu au premier lancement).
;
; - Sections et clés : majuscules et minuscules indifférentes.
; - Clé absente ou valeur vide : la valeur par défaut (celle écrite ici) est prise,
;   sauf pour Prefixe_Tables où une valeur vide signifie « aucun préfixe ».
; - Clés inconnues : ignorées (les anciennes clés de Synoptux 2.16 ne gênent pas).
; - Oui/non : OUI ou NON (oui/non, 1/0, true/false, yes/no sont aussi acceptés).
; - Nombres décimaux : point ou virgule (0.5 ou 0,5).
; - Encodage : UTF-8 (avec ou sans BOM) ou Latin-1.
; - Commentaires : lignes commençant par ; ou #.
; Une valeur invalide empêche le démarrage avec un message qui cite la section,
; la clé, la valeur et ce qui est attendu.

[Connexion]
; Base de données de Synoptux (tables synopt_box, synopt_encours, ...).
; URL SQLAlchemy ; vide = base SQLite locale, dans le dossier de données de
; l'utilisateur (synoptux.sqlite). Exemples :
;   URL=mysql+pymysql://synoptux:motdepasse@serveur:3306/synoptux?charset=utf8mb4
;   URL=sqlite:////var/lib/synoptux/synoptux.sqlite
; L'ancienne ligne de MedinTux est acceptée quand URL est vide :
;   Parametres = QMYSQL3 , base , utilisateur , motdepasse , hote , port
;   Parametres = QSQLITE , chemin/du/fichier.sqlite
; L'ancien nom de section [Connexion_SynopTux] est aussi accepté.
; L'option --db URL de la ligne de commande remplace cette valeur.
URL=
; Préfixe des noms de tables : lettres non accentuées, chiffres et _ (vide = aucun).
Prefixe_Tables=synopt_

[Connexion_MedinTux]
; Connexion facultative à la base du dossier patient (MedinTux) : URL SQLAlchemy,
; ou ancienne ligne Parametres = QMYSQL3 , ... ; vide = aucune connexion.
URL=

[Interface]
; Dossier où le logiciel hôte dépose les fichiers d'entrée de patients (*.txt).
; Un chemin relatif est relatif au dossier de ce fichier synoptux.ini.
Dossier_Entrees=inbox
; Box où sont placés les patients dont le fichier d'entrée ne précise pas de box.
Code_Box_Par_Defaut=ATT
; OUI pour afficher sur chaque patient le bouton qui lance le programme annexe
; (dossier patient, DrTux...). Seuls les programmes de Programmes_Autorises sont lancés.
Bouton_Acces_DrTux=NON
; Conservé pour compatibilité, inutilisé : le tableau a son propre sélecteur
; d'heure tactile.
Chemin_du_calendrier=
; OUI pour demander une confirmation avant la sortie définitive d'un patient.
Confirmation_Sortie_Definitive=OUI
; Programmes qu'un fichier d'entrée a le droit de faire lancer (bouton annexe,
; lecteur de note) : chemins absolus ou noms de programmes, séparés par ; ou |
; Vide = aucun programme ne peut être lancé.
; Exemple : Programmes_Autorises=/opt/medintux/drtux|firefox
Programmes_Autorises=
; Nom de cet écran, enregistré comme auteur des actions dans l'historique ;
; vide = nom de l'ordinateur.
Nom_Ecran=
; Nombre de jours de conservation des fichiers d'entrée déjà traités (au moins 1).
Jours_Conservation_Entrees_Traitees=30
; Écran du tableau quand l'ordinateur en a plusieurs : vide = l'écran principal ;
; un numéro (1 = le premier, 2 = le deuxième...) ou le nom de la sortie vidéo
; (HDMI-1, DP-2... : voir « xrandr --listmonitors »). Écran absent : l'écran principal.
Ecran=

[Affichage]
; Cadre : box sans bordure, à la position enregistrée ; Fenetre : box déplaçables
; et redimensionnables, pour préparer la disposition.
Mode_Affichage=Cadre
; Facteur d'agrandissement des éléments tactiles (boutons, textes), de 0.5 à 4.
Echelle=1.0
; Taille d'un box à son premier affichage, en pixels.
Largeur_Box=300
Hauteur_Box=400
; Taille des caractères, en points.
Taille_Police=14
; Couleurs : #rgb, #rrggbb, #aarrggbb ou un nom de couleur SVG (red, orange,
; darkslategray...).
; Couleur de clignotement d'une tâche en retard quand la tâche n'en définit pas.
Couleur_Alarme=#ff0000
; Couleur du fond du tableau.
Couleur_Fond=#2b2b2b
; Texte affiché à la place du nom quand les noms sont masqués.
Libelle_Anonyme=Patient
; OUI pour masquer les noms des patients au démarrage (écran visible du public).
Noms_Masques_Par_Defaut=NON

[Timer]
; Secondes entre deux contrôles des fichiers d'entrée et de la base (plus de 0).
Periodicite_controle_des_entrees=10
; Secondes entre deux clignotements d'une tâche ou d'un patient en retard (plus de 0).
Periodicite_clignotement_en_secondes=1
; Secondes entre deux contrôles des retards (plus de 0).
Periodicite_controle_alarme_en_secondes=10
; Minutes avant qu'un patient placé dans un box de sortie soit retiré (1440 = 24 h).
Delai_avant_suppression_des_sorties_en_mn=1440
; Secondes de présence au-delà desquelles un patient est sorti d'office
; (259200 = 72 h ; 0 = jamais).
Duree_vie_max_avant_sortie_forcee_en_secondes=259200

[Destinations]
; Ordre des destinations proposées à l'entrée dans un box d'absence ou de sortie,
; séparées par ; ou | (une par ligne aussi, lignes suivantes indentées). Les
; destinations citées viennent d'abord, dans cet ordre ; les autres suivent dans
; leur ordre de création, celles qui demandent une confirmation en dernier.
; Vide = ordre de création. Exemple : Ordre=Retour domicile;UHCD;Hospitalisation médecine
Ordre=
; Destinations qui demandent une confirmation : celles dont le libellé commence par
; l'un de ces mots (majuscules et accents indifférents), séparés par ; ou |
Confirmation=Décès;Décédé;DCD

[Commentaires]
; Commentaires prédéfinis proposés en gros boutons dans la fenêtre de commentaire,
; séparés par ; ou | (ou un par ligne, lignes suivantes indentées) ; 255 caractères
; au plus chacun.
Predefinis=Attente avis spécialiste;À jeun;Attente brancardier;Attente résultats bio;Attente imagerie;Attente lit d'hospitalisation;Attente transport;Surveillance

; Positions des box, écrites par le menu « Enregistrer les positions » :
; une ligne par code de box, CODE=x,y,largeur,hauteur (en pixels).
; Exemple : RX THO=10,20,300,400
[Positions_fenetres]
"""


# --------------------------------------------------------------------------- default paths


def default_database_url() -> str:
    """SQLite file in the user's data folder (the folder is created)."""
    folder = Path(platformdirs.user_data_dir(APP_NAME))
    folder.mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + (folder / "synoptux.sqlite").as_posix()


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / CONFIG_FILE_NAME


def resolve_config_path(
    explicit: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Path:
    """--config FILE, else $SYNOPTUX_CONFIG, else ./synoptux.ini, else the user's file.

    A file named explicitly (option or variable) must exist. The user's file is created from
    DEFAULT_INI_TEXT on first run.
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
            raise ConfigError(candidate, "", "", "", "un fichier existant")
        return candidate
    local = base / CONFIG_FILE_NAME
    if local.is_file():
        return local
    user = user_config_path()
    if not user.is_file():
        user.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(user, "x", encoding="utf-8", newline="\n") as out:
                out.write(DEFAULT_INI_TEXT)
        except FileExistsError:  # another instance created it meanwhile
            pass
    return user


# --------------------------------------------------------------------------- reading


def _decode(data: bytes) -> tuple[str, str]:
    """Text and codec of an ini file: UTF-8 (BOM or not), else Windows-1252, else Latin-1."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return text, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


@dataclass(frozen=True)
class _Raw:
    """One value as written in the file (section and key in the file's own spelling)."""

    section: str
    key: str
    text: str


class _Ini:
    """Case-insensitive view of a parsed ini file."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        parser = configparser.ConfigParser(
            interpolation=None, strict=False, default_section="\x00no default section\x00"
        )
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        normalised = text.replace("\r\n", "\n").replace("\r", "\n")
        try:
            parser.read_string(normalised, source=file)
        except configparser.MissingSectionHeaderError as exc:
            raise ConfigError(
                file, "", "", "", f"un en-tête de section [Nom] avant la ligne {exc.lineno}"
            ) from exc
        except configparser.ParsingError as exc:
            lineno, line = exc.errors[0]
            raise ConfigError(
                file,
                "",
                "",
                "",
                f"des lignes « clé = valeur », « [section] » ou des commentaires "
                f"(ligne {lineno} : {line})",
            ) from exc
        # section (lower case) -> key (lower case) -> value; later spellings override.
        self._values: dict[str, dict[str, _Raw]] = {}
        # positions keep the key's own spelling: box codes are case-sensitive.
        self.positions: list[_Raw] = []
        for section in parser.sections():
            items = parser[section]
            if section.lower() == POSITIONS_SECTION.lower():
                self.positions.extend(_Raw(section, k, v or "") for k, v in items.items())
                continue
            bucket = self._values.setdefault(section.lower(), {})
            for key, value in items.items():
                bucket[key.lower()] = _Raw(section, key, value or "")

    def get(self, sections: tuple[str, ...], key: str) -> _Raw | None:
        """Value of key in the first of sections (aliases) that holds it, unwrapped."""
        for section in sections:
            raw = self._values.get(section.lower(), {}).get(key.lower())
            if raw is not None:
                return _Raw(raw.section, raw.key, _unquote_value(raw.text))
        return None

    def fail(self, raw: _Raw, expected: str) -> ConfigError:
        return ConfigError(self.file, raw.section, raw.key, raw.text, expected)


def _unquote_value(text: str) -> str:
    # QSettings (2.16) wrote values holding commas or semicolons between double quotes.
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].strip()
    return text


# --------------------------------------------------------------------------- converters

_INT_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_PREFIX_RE = re.compile(r"[A-Za-z0-9_]*")
_POSITION_RE = re.compile(r"\s*([+-]?[0-9]+)\s*,\s*([+-]?[0-9]+)\s*,\s*([0-9]+)\s*,\s*([0-9]+)\s*")
_LEGACY_POINT_RE = re.compile(r"@(Point|Size)\(\s*(-?[0-9]+)\s+(-?[0-9]+)\s*\)")
_TRUE = frozenset({"oui", "1", "true", "yes"})
_FALSE = frozenset({"non", "0", "false", "no"})


def _to_int(text: str) -> int | None:
    return int(text) if _INT_RE.fullmatch(text) else None


def _to_decimal(text: str) -> float | None:
    if not _DECIMAL_RE.fullmatch(text):
        return None
    value = float(text.replace(",", "."))
    return value if math.isfinite(value) else None


def _int_at_least(minimum: int) -> Callable[[str], int | None]:
    def convert(text: str) -> int | None:
        value = _to_int(text)
        return value if value is not None and value >= minimum else None

    return convert


def _period(text: str) -> float | None:
    value = _to_decimal(text)
    return value if value is not None and value > 0 else None


def _scale(text: str) -> float | None:
    value = _to_decimal(text)
    return value if value is not None and 0.5 <= value <= 4.0 else None


def _boolean(text: str) -> bool | None:
    folded = text.lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return None


def _colour(text: str) -> str | None:
    return normalise_colour(text)


def _display_mode(text: str) -> str | None:
    # "Fenêtre" written with its accent by a French user is accepted too.
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return {"fenetre": "Fenetre", "cadre": "Cadre"}.get(folded)


def _text(text: str) -> str | None:
    return text


def _programs(text: str) -> tuple[str, ...] | None:
    entries = tuple(p.strip() for p in re.split(r"[;|]", text) if p.strip())
    for entry in entries:
        has_separator = "/" in entry or "\\" in entry
        absolute = PurePosixPath(entry).is_absolute() or PureWindowsPath(entry).is_absolute()
        if has_separator and not absolute:
            return None
    return entries


_BOOL = "OUI ou NON"
_PERIOD = "un nombre de secondes supérieur à 0"
_COLOUR = COLOUR_EXPECTED
_URL = (
    "une URL SQLAlchemy valide, par exemple sqlite:///chemin/synoptux.sqlite ou "
    "mysql+pymysql://utilisateur:motdepasse@serveur:3306/base"
)


# --------------------------------------------------------------------------- database


def _check_url(text: str) -> str | None:
    try:
        make_url(text).get_dialect()  # also catches an unknown back-end ("mysq://")
    except (ArgumentError, ValueError):
        return None
    return text


def _legacy_url(ini: _Ini, raw: _Raw, base: Path) -> str:
    """Url from MedinTux's 'Parametres = QMYSQL3 , base , user , pwd , host , port'."""
    fields = [f.strip() for f in raw.text.split(",")]
    fields += [""] * (6 - len(fields))
    driver = fields[0].upper()
    if driver in ("QSQLITE", "QSQLITE3"):
        if not fields[1]:
            raise ini.fail(raw, "QSQLITE suivi du chemin du fichier SQLite")
        if fields[1] == ":memory:":
            return "sqlite://"
        path = Path(fields[1]).expanduser()
        return "sqlite:///" + (path if path.is_absolute() else base / path).as_posix()
    if driver not in ("QMYSQL3", "QMYSQL"):
        raise ini.fail(raw, "un pilote QMYSQL3 ou QSQLITE en premier champ")
    name, user, password, host, port = fields[1:6]
    if not name:
        raise ini.fail(raw, "le nom de la base en deuxième champ (QMYSQL3 , base , ...)")
    if port and not re.fullmatch(r"[0-9]+", port):
        raise ini.fail(raw, "un numéro de port en sixième champ")
    credentials = ""
    if user:
        credentials = quote(user, safe="")
        if password:
            credentials += ":" + quote(password, safe="")
        credentials += "@"
    host_part = (host or "localhost") + ":" + (port or "3306")
    return f"mysql+pymysql://{credentials}{host_part}/{quote(name, safe='')}?charset=utf8mb4"


def _connection_url(ini: _Ini, sections: tuple[str, ...], base: Path) -> str:
    """Validated URL of one connection section; "" when not configured."""
    raw = ini.get(sections, "URL")
    if raw is not None and raw.text:
        if _check_url(raw.text) is None:
            raise ini.fail(raw, _URL)
        return raw.text
    legacy = ini.get(sections, "Parametres")
    if legacy is not None and legacy.text:
        return _legacy_url(ini, legacy, base)
    return ""


def _database(ini: _Ini, base: Path, db_url_override: str | None) -> DatabaseSettings:
    main = ("Connexion", "Connexion_SynopTux")
    if db_url_override is not None:
        url = db_url_override.strip()
        if _check_url(url) is None:
            raise ConfigError("l'option --db", "Connexion", "URL", db_url_override, _URL)
    else:
        url = _connection_url(ini, main, base) or default_database_url()
    raw_prefix = ini.get(main, "Prefixe_Tables")
    prefix = "synopt_" if raw_prefix is None else raw_prefix.text
    if raw_prefix is not None and not _PREFIX_RE.fullmatch(prefix):
        raise ini.fail(raw_prefix, "uniquement des lettres non accentuées, des chiffres et _")
    host_url = _connection_url(ini, ("Connexion_MedinTux",), base)
    return DatabaseSettings(url=url, table_prefix=prefix, host_url=host_url)


# --------------------------------------------------------------------------- sections


@dataclass(frozen=True)
class _Key:
    """One ini key of a settings section: where it goes and how it is checked."""

    name: str
    attr: str
    convert: Callable[[str], object | None]
    expected: str = ""


def _path(text: str) -> Path:
    return Path(text).expanduser()


_INTERFACE_KEYS = (
    _Key("Dossier_Entrees", "inbox_dir", _path),
    _Key("Code_Box_Par_Defaut", "default_box", _text),
    _Key("Bouton_Acces_DrTux", "annex_button", _boolean, _BOOL),
    _Key("Chemin_du_calendrier", "calendar_path", _text),
    _Key("Confirmation_Sortie_Definitive", "confirm_definitive_exit", _boolean, _BOOL),
    _Key(
        "Programmes_Autorises",
        "allowed_programs",
        _programs,
        "des chemins absolus ou des noms de programmes, séparés par ; ou |",
    ),
    _Key("Nom_Ecran", "screen_name", _text),
    _Key(
        "Jours_Conservation_Entrees_Traitees",
        "processed_retention_days",
        _int_at_least(1),
        "un nombre entier de jours supérieur ou égal à 1",
    ),
    _Key("Ecran", "screen", parse_screen_setting, SCREEN_EXPECTED),
)
_PIXELS = "un nombre entier de pixels supérieur à 0"
_DISPLAY_KEYS = (
    _Key("Mode_Affichage", "mode", _display_mode, "Fenetre ou Cadre"),
    _Key("Echelle", "scale", _scale, "un nombre de 0.5 à 4"),
    _Key("Largeur_Box", "box_width", _int_at_least(1), _PIXELS),
    _Key("Hauteur_Box", "box_height", _int_at_least(1), _PIXELS),
    _Key("Taille_Police", "font_size", _int_at_least(1), "une taille entière supérieure à 0"),
    _Key("Couleur_Alarme", "alarm_color", _colour, _COLOUR),
    _Key("Couleur_Fond", "board_background", _colour, _COLOUR),
    _Key("Libelle_Anonyme", "anonymous_label", _text),
    _Key("Noms_Masques_Par_Defaut", "hide_names_by_default", _boolean, _BOOL),
)
_TIMER_KEYS = (
    _Key("Periodicite_controle_des_entrees", "inbox_check_s", _period, _PERIOD),
    _Key("Periodicite_clignotement_en_secondes", "blink_s", _period, _PERIOD),
    _Key("Periodicite_controle_alarme_en_secondes", "alarm_check_s", _period, _PERIOD),
    _Key(
        "Delai_avant_suppression_des_sorties_en_mn",
        "exit_purge_delay_min",
        _int_at_least(0),
        "un nombre entier de minutes supérieur ou égal à 0",
    ),
    _Key(
        "Duree_vie_max_avant_sortie_forcee_en_secondes",
        "max_lifetime_s",
        _int_at_least(0),
        "un nombre entier de secondes supérieur ou égal à 0 (0 = jamais)",
    ),
)

_S = TypeVar("_S", InterfaceSettings, DisplaySettings, TimerSettings)


def _read_section(ini: _Ini, section: str, keys: tuple[_Key, ...], defaults: _S) -> _S:
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


def _interface(ini: _Ini, base: Path) -> InterfaceSettings:
    settings = _read_section(ini, "Interface", _INTERFACE_KEYS, InterfaceSettings())
    if settings.inbox_dir.is_absolute():
        return settings
    return replace(settings, inbox_dir=base / settings.inbox_dir)


def _text_list(text: str) -> tuple[str, ...]:
    """Items separated by ``;``, ``|`` or line breaks, blank ones dropped."""
    return tuple(p.strip() for p in re.split(r"[;|\n]", text) if p.strip())


def _choices(ini: _Ini) -> TouchChoices:
    """[Destinations] Ordre, Confirmation and [Commentaires] Predefinis."""
    values: dict[str, tuple[str, ...]] = {}
    for section, key, attr in (
        ("Destinations", "Ordre", "destination_order"),
        ("Destinations", "Confirmation", "confirmed_destinations"),
        ("Commentaires", "Predefinis", "preset_comments"),
    ):
        raw = ini.get((section,), key)
        items = _text_list(raw.text) if raw is not None else ()
        if raw is None or not items:
            continue
        if attr == "preset_comments" and any(len(i) > COMMENT_MAX_LENGTH for i in items):
            raise ini.fail(
                raw, f"des commentaires de {COMMENT_MAX_LENGTH} caractères au plus, séparés par ;"
            )
        values[attr] = items
    return replace(TouchChoices(), **values)


# Defaults of 2.16 for a box with only one of its two legacy keys.
_LEGACY_POS = (100, 100)
_LEGACY_SIZE = (250, 350)


def _positions(ini: _Ini) -> Mapping[str, Position]:
    """Box code -> (x, y, w, h); also reads 2.16's Pos_CODE=@Point(x y), Size_CODE=@Size(w h)."""
    result: dict[str, Position] = {}
    legacy: dict[str, dict[str, tuple[int, int]]] = {}
    for raw in ini.positions:
        text = _unquote_value(raw.text)
        old = _LEGACY_POINT_RE.fullmatch(text)
        kind = old.group(1) if old else ""
        if old and raw.key.startswith("Pos_" if kind == "Point" else "Size_"):
            # QSettings percent-encoded spaces and other characters in keys.
            code = unquote(raw.key.split("_", 1)[1])
            pair = (int(old.group(2)), int(old.group(3)))
            if kind == "Size" and min(pair) <= 0:
                raise ini.fail(raw, "une taille @Size(largeur hauteur) supérieure à 0")
            legacy.setdefault(code, {})[kind] = pair
            continue
        match = _POSITION_RE.fullmatch(text)
        if match is None or int(match.group(3)) <= 0 or int(match.group(4)) <= 0:
            raise ini.fail(
                raw, "x,y,largeur,hauteur en pixels entiers (largeur et hauteur supérieures à 0)"
            )
        x, y, w, h = (int(g) for g in match.groups())
        result[raw.key] = (x, y, w, h)
    for code, parts in legacy.items():
        if code not in result:  # a line in the new format wins over the old pair
            result[code] = parts.get("Point", _LEGACY_POS) + parts.get("Size", _LEGACY_SIZE)
    return MappingProxyType(result)


def load_config(path: Path | str | None, db_url_override: str | None = None) -> Config:
    """Read and validate the ini file; None gives the defaults (relative paths from cwd)."""
    if path is None:
        ini = _Ini("(valeurs par défaut)", "")
        file_path: Path | None = None
        base = Path.cwd()
    else:
        file_path = Path(path).expanduser().absolute()
        try:
            data = file_path.read_bytes()
        except FileNotFoundError as exc:
            raise ConfigError(file_path, "", "", "", "un fichier existant") from exc
        except OSError as exc:
            raise ConfigError(file_path, "", "", "", f"un fichier lisible ({exc})") from exc
        ini = _Ini(str(file_path), _decode(data)[0])
        base = file_path.parent
    return Config(
        path=file_path,
        database=_database(ini, base, db_url_override),
        interface=_interface(ini, base),
        display=_read_section(ini, "Affichage", _DISPLAY_KEYS, DisplaySettings()),
        timers=_read_section(ini, "Timer", _TIMER_KEYS, TimerSettings()),
        positions=_positions(ini),
        choices=_choices(ini),
    )


# --------------------------------------------------------------------------- saving positions

_SECTION_RE = re.compile(r"\[(?P<header>.+)\]")  # what configparser takes as a header
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_BAD_CODE_RE = re.compile(r"[=:\r\n]|^[#;\[]|^\s|\s$")


def _is_header(line: str) -> str | None:
    stripped = line.strip()
    if stripped.startswith(("#", ";")):
        return None
    match = _SECTION_RE.match(stripped)
    return match.group("header") if match else None


def _is_option(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("#", ";"))


def _position_lines(positions: Mapping[str, Position], eol: str) -> list[str]:
    lines = []
    for code, values in positions.items():
        if not code or _BAD_CODE_RE.search(code):
            raise ValueError(f"Code de box impossible à enregistrer dans le fichier ini : {code!r}")
        if len(values) != 4 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in values
        ):
            raise ValueError(f"Position du box {code!r} : quatre entiers attendus, reçu {values!r}")
        x, y, w, h = values
        if w <= 0 or h <= 0:
            raise ValueError(f"Position du box {code!r} : largeur et hauteur doivent être > 0")
        lines.append(f"{code}={x},{y},{w},{h}{eol}")
    return lines


def save_positions(path: Path, positions: Mapping[str, Position]) -> None:
    """Rewrite only the [Positions_fenetres] section, keeping every other byte of the file.

    Any spelling of the section is replaced by one section spelled ``Positions_fenetres``, at
    the place of the first one (appended when absent). Comment and blank lines before the first
    and after the last key of the old section stay, so the next section's comments are kept.
    The file's encoding (BOM included) and line endings are kept; the write is atomic.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    text, encoding = _decode(data)
    first_end = re.search(r"\r\n|\r|\n", text)
    eol = first_end.group(0) if first_end else os.linesep
    new_entries = _position_lines(positions, eol)

    lines = _LINE_RE.findall(text)
    out: list[str] = []
    written = False
    index = 0
    while index < len(lines):
        header = _is_header(lines[index])
        if header is None or header.lower() != POSITIONS_SECTION.lower():
            out.append(lines[index])
            index += 1
            continue
        end = index + 1
        while end < len(lines) and _is_header(lines[end]) is None:
            end += 1
        body = lines[index + 1 : end]
        option_rows = [i for i, line in enumerate(body) if _is_option(line)]
        if option_rows:
            head, tail = body[: option_rows[0]], body[option_rows[-1] + 1 :]
        else:  # empty section: entries go right after its leading comment lines
            cut = next((i for i, line in enumerate(body) if not line.strip()), len(body))
            head, tail = body[:cut], body[cut:]
        if not written:
            out.append(f"[{POSITIONS_SECTION}]{_line_end(lines[index], eol)}")
            out.extend(head)
            out.extend(new_entries)
            written = True
        else:
            out.extend(head)
        out.extend(tail)
        index = end
    if not written:
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += eol
        if out and out[-1].strip():
            out.append(eol)
        out.append(f"[{POSITIONS_SECTION}]{eol}")
        out.extend(new_entries)
    try:
        encoded = "".join(out).encode(encoding)
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"Code de box impossible à écrire dans l'encodage du fichier {path} ({encoding})"
        ) from exc
    _write_atomically(path, encoded)


def _line_end(line: str, default: str) -> str:
    stripped = line.rstrip("\r\n")
    return line[len(stripped) :] or default


def _write_atomically(path: Path, data: bytes) -> None:
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
