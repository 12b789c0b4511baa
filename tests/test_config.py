"""synoptux.ini reading, validation, file lookup and saving of box positions."""

from __future__ import annotations

import codecs
import fnmatch
import importlib.util
import os
import pickle
import stat
import subprocess
import tomllib
from pathlib import Path

import platformdirs
import pytest

from synoptic.config import (
    DEFAULT_INI_TEXT,
    Config,
    ConfigError,
    DatabaseSettings,
    DisplaySettings,
    InterfaceSettings,
    TimerSettings,
    default_database_url,
    default_ini_bytes,
    load_config,
    resolve_config_path,
    save_positions,
    user_config_path,
    write_default_config,
)
from synoptic.config.reading import DISPLAY_KEYS, INTERFACE_KEYS, TIMER_KEYS

REPO = Path(__file__).resolve().parents[1]
# The one default file, package data (pyproject.toml: [tool.setuptools.package-data]).
DEFAULT_INI = REPO / "synoptic" / "defaults" / "synoptux.ini"


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep platformdirs' folders inside tmp_path."""
    home = tmp_path / "home"
    monkeypatch.setattr(
        platformdirs, "user_data_dir", lambda *a, **k: str(home / "data" / "synoptux")
    )
    monkeypatch.setattr(
        platformdirs, "user_config_dir", lambda *a, **k: str(home / "config" / "synoptux")
    )
    monkeypatch.delenv("SYNOPTUX_CONFIG", raising=False)
    return home


def write_ini(folder: Path, text: str, name: str = "synoptux.ini") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def expected_defaults(path: Path | None, base: Path) -> Config:
    return Config(
        path=path,
        database=DatabaseSettings(url=default_database_url()),
        interface=InterfaceSettings(inbox_dir=base / "inbox"),
        display=DisplaySettings(),
        timers=TimerSettings(),
        positions={},
    )


# ----------------------------------------------------------------------------- ConfigError


def test_config_error_message_names_file_section_key_value_and_expectation() -> None:
    err = ConfigError(
        "/x/synoptux.ini",
        "Timer",
        "Periodicite_clignotement_en_secondes",
        "0",
        "un nombre de secondes supérieur à 0",
    )
    assert str(err) == (
        "Configuration invalide dans /x/synoptux.ini, section [Timer], "
        "clé Periodicite_clignotement_en_secondes = « 0 » : "
        "attendu un nombre de secondes supérieur à 0"
    )
    assert (err.file, err.section, err.key, err.value) == (
        "/x/synoptux.ini",
        "Timer",
        "Periodicite_clignotement_en_secondes",
        "0",
    )


def test_config_error_is_one_line_and_picklable() -> None:
    err = ConfigError(Path("/x.ini"), "S", "K", "a\nb", "quelque chose")
    assert "\n" not in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err)


def test_config_error_without_section_or_key() -> None:
    err = ConfigError("/nowhere.ini", "", "", "", "un fichier existant")
    assert str(err) == "Configuration invalide dans /nowhere.ini : attendu un fichier existant"


# ----------------------------------------------------------------------------- defaults


def test_default_database_url_is_sqlite_in_user_data_dir(user_dirs: Path) -> None:
    url = default_database_url()
    folder = user_dirs / "data" / "synoptux"
    assert url == "sqlite:///" + (folder / "synoptux.sqlite").as_posix()
    assert folder.is_dir()


def test_user_config_path(user_dirs: Path) -> None:
    assert user_config_path() == user_dirs / "config" / "synoptux" / "synoptux.ini"


def test_load_config_none_gives_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(None) == expected_defaults(None, tmp_path)


def test_the_default_file_loads_and_equals_the_defaults() -> None:
    cfg = load_config(DEFAULT_INI)
    assert cfg == expected_defaults(DEFAULT_INI, DEFAULT_INI.parent)


def test_the_default_text_is_the_packaged_file_read_through_importlib() -> None:
    assert default_ini_bytes() == DEFAULT_INI.read_bytes()
    assert DEFAULT_INI_TEXT.encode("utf-8") == DEFAULT_INI.read_bytes()
    assert DEFAULT_INI_TEXT.startswith("; synoptux.ini : configuration de Synoptux\n")


def test_the_repository_keeps_no_second_copy_of_the_default_file() -> None:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode("utf-8").split("\0")
    first_line = DEFAULT_INI_TEXT.splitlines()[0].encode("utf-8")
    copies = [
        name for name in tracked
        if name and (REPO / name).is_file() and (REPO / name).read_bytes().startswith(first_line)
    ]
    assert copies == ["synoptic/defaults/synoptux.ini"]


def test_the_default_file_is_declared_package_data() -> None:
    """``pip install .`` (not editable) ships the file that default_ini_bytes() reads."""
    with open(REPO / "pyproject.toml", "rb") as toml:
        patterns = tomllib.load(toml)["tool"]["setuptools"]["package-data"]["synoptic"]
    assert any(fnmatch.fnmatch("defaults/synoptux.ini", p) for p in patterns)


def test_write_default_config_writes_the_file_and_never_overwrites_by_surprise(
    tmp_path: Path,
) -> None:
    target = tmp_path / "etc" / "synoptux" / "synoptux.ini"
    write_default_config(target)
    assert target.read_bytes() == DEFAULT_INI.read_bytes()
    target.write_text("[Timer]\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_default_config(target)
    assert target.read_text(encoding="utf-8") == "[Timer]\n"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_write_default_config_replaces_keeping_the_permissions(tmp_path: Path) -> None:
    target = write_ini(tmp_path, "[Timer]\n")
    target.chmod(0o640)
    write_default_config(target, replace=True)
    assert target.read_bytes() == DEFAULT_INI.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["synoptux.ini"]


def test_every_setting_key_is_written_in_the_default_file() -> None:
    text = DEFAULT_INI_TEXT.lower()
    keys = INTERFACE_KEYS + DISPLAY_KEYS + TIMER_KEYS
    for key in keys:
        assert f"\n{key.name.lower()}=" in text, key.name
    for line in ("\nurl=", "\nprefixe_tables=", "[positions_fenetres]", "[connexion_medintux]"):
        assert line in text


def test_missing_keys_take_defaults_and_unknown_keys_are_ignored(tmp_path: Path) -> None:
    path = write_ini(
        tmp_path,
        "[Affichage]\nCouleur_Patients=#123456\nTitre_Application=Urgences\n"
        "[Inconnue]\nx=y\n[Timer]\nPeriodicite_clignotement_en_secondes=\n",
    )
    assert load_config(path) == expected_defaults(path, tmp_path)


# ----------------------------------------------------------------------------- lookup


def test_resolve_explicit_file(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "", "mine.ini")
    assert resolve_config_path(path, environ={}, cwd=tmp_path / "elsewhere") == path
    assert resolve_config_path("mine.ini", environ={}, cwd=tmp_path) == path


def test_resolve_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolve_config_path(tmp_path / "absent.ini", environ={}, cwd=tmp_path)
    assert info.value.expected == "un fichier existant"
    absent = tmp_path / "absent.ini"
    assert str(info.value) == (f"Fichier de configuration introuvable : {absent} (« synoptux "
                               f"init-config {absent} » en écrit un avec les valeurs par défaut)")
    import pickle

    again = pickle.loads(pickle.dumps(info.value))  # as it crosses a process boundary
    assert type(again) is type(info.value) and str(again) == str(info.value)


def test_resolve_environment_variable(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "", "env.ini")
    write_ini(tmp_path, "")  # ./synoptux.ini loses against the variable
    assert resolve_config_path(None, environ={"SYNOPTUX_CONFIG": str(path)}, cwd=tmp_path) == path
    with pytest.raises(ConfigError):
        resolve_config_path(None, environ={"SYNOPTUX_CONFIG": str(tmp_path / "no.ini")})


def test_resolve_explicit_wins_over_environment(tmp_path: Path) -> None:
    explicit = write_ini(tmp_path, "", "a.ini")
    env = write_ini(tmp_path, "", "b.ini")
    got = resolve_config_path(explicit, environ={"SYNOPTUX_CONFIG": str(env)}, cwd=tmp_path)
    assert got == explicit


def test_resolve_file_in_working_directory(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "")
    assert resolve_config_path(None, environ={}, cwd=tmp_path) == path


def test_resolve_creates_user_file_on_first_run(tmp_path: Path, user_dirs: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    got = resolve_config_path(None, environ={}, cwd=empty)
    assert got == user_config_path()
    assert got.read_text(encoding="utf-8") == DEFAULT_INI_TEXT
    got.write_text("[Timer]\n", encoding="utf-8")
    assert resolve_config_path(None, environ={}, cwd=empty) == got
    assert got.read_text(encoding="utf-8") == "[Timer]\n"  # never overwritten


# ----------------------------------------------------------------------------- reading


def test_sections_and_keys_are_case_insensitive(tmp_path: Path) -> None:
    path = write_ini(
        tmp_path,
        "[timer]\nPERIODICITE_CLIGNOTEMENT_EN_SECONDES=2\n"
        "[AFFICHAGE]\nmode_affichage=fenetre\n"
        "[Positions_Fenetres]\nB1=1,2,3,4\n",
    )
    cfg = load_config(path)
    assert cfg.timers.blink_s == 2.0
    assert cfg.display.mode == "Fenetre"
    assert dict(cfg.positions) == {"B1": (1, 2, 3, 4)}


def test_all_values_read(tmp_path: Path) -> None:
    path = write_ini(
        tmp_path,
        "[Connexion]\nURL=sqlite:///x.sqlite\nPrefixe_Tables=\n"
        "[Connexion_MedinTux]\nURL=mysql+pymysql://u:p@h:3306/DrTuxTest\n"
        "[Interface]\nDossier_Entrees=/var/spool/synoptux\nCode_Box_Par_Defaut=SAS\n"
        "Bouton_Acces_DrTux=oui\nChemin_du_calendrier=../calendrier\n"
        "Confirmation_Sortie_Definitive=0\n"
        "Programmes_Autorises=/opt/drtux/bin/drtux ; firefox|C:\\MedinTux\\drtux.exe\n"
        "Nom_Ecran=Accueil\nJours_Conservation_Entrees_Traitees=7\nEcran= HDMI-2 \n"
        "[Affichage]\nMode_Affichage=CADRE\nEchelle=1,5\nLargeur_Box=250\nHauteur_Box=350\n"
        "Taille_Police=18\nCouleur_Alarme=Orange\nCouleur_Fond=#ABC\nLibelle_Anonyme=X\n"
        "Noms_Masques_Par_Defaut=yes\n"
        "[Timer]\nPeriodicite_controle_des_entrees=0,5\nPeriodicite_clignotement_en_secondes=.5\n"
        "Periodicite_controle_alarme_en_secondes=30\n"
        "Delai_avant_suppression_des_sorties_en_mn=0\n"
        "Duree_vie_max_avant_sortie_forcee_en_secondes=0\n",
    )
    cfg = load_config(path)
    assert cfg.database == DatabaseSettings(
        url="sqlite:///x.sqlite",
        table_prefix="",
        host_url="mysql+pymysql://u:p@h:3306/DrTuxTest",
    )
    assert cfg.interface == InterfaceSettings(
        inbox_dir=Path("/var/spool/synoptux"),
        default_box="SAS",
        annex_button=True,
        calendar_path="../calendrier",
        confirm_definitive_exit=False,
        allowed_programs=("/opt/drtux/bin/drtux", "firefox", "C:\\MedinTux\\drtux.exe"),
        screen_name="Accueil",
        processed_retention_days=7,
        screen="HDMI-2",
    )
    assert cfg.display == DisplaySettings(
        mode="Cadre",
        scale=1.5,
        box_width=250,
        box_height=350,
        font_size=18,
        alarm_color="orange",
        board_background="#abc",
        anonymous_label="X",
        hide_names_by_default=True,
    )
    assert cfg.timers == TimerSettings(0.5, 0.5, 30.0, 0, 0)


def test_relative_inbox_is_relative_to_the_ini_folder(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "[Interface]\nDossier_Entrees=../entrees\n")
    assert load_config(path).interface.inbox_dir == tmp_path / ".." / "entrees"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("OUI", True), ("Non", False), ("1", True), ("0", False), ("TRUE", True), ("no", False)],
)
def test_booleans(tmp_path: Path, text: str, expected: bool) -> None:
    path = write_ini(tmp_path, f"[Affichage]\nNoms_Masques_Par_Defaut={text}\n")
    assert load_config(path).display.hide_names_by_default is expected


@pytest.mark.parametrize(
    ("text", "expected"), [("fenetre", "Fenetre"), ("Fenêtre", "Fenetre"), ("cAdRe", "Cadre")]
)
def test_display_mode_is_normalised(tmp_path: Path, text: str, expected: str) -> None:
    path = write_ini(tmp_path, f"[Affichage]\nMode_Affichage={text}\n")
    assert load_config(path).display.mode == expected


def test_latin1_file_with_accents(tmp_path: Path) -> None:
    text = (
        "; Fichier écrit par Synoptux 2.16 (accents : é è ê à ç)\r\n"
        "[Interface]\r\nNom_Ecran=Salle d'accueil pédiatrique\r\n"
        "Dossier_Entrees=entrées\r\n"
        "[Affichage]\r\nLibelle_Anonyme=Patient anonymisé\r\n"
    )
    path = tmp_path / "synoptux.ini"
    path.write_bytes(text.encode("latin-1"))
    cfg = load_config(path)
    assert cfg.interface.screen_name == "Salle d'accueil pédiatrique"
    assert cfg.interface.inbox_dir == tmp_path / "entrées"
    assert cfg.display.anonymous_label == "Patient anonymisé"


def test_utf8_bom_file(tmp_path: Path) -> None:
    path = tmp_path / "synoptux.ini"
    path.write_bytes(codecs.BOM_UTF8 + b"[Timer]\nPeriodicite_controle_des_entrees=3\n")
    assert load_config(path).timers.inbox_check_s == 3.0


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_file_with_bom_from_windows_notepad(tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    path = tmp_path / "synoptux.ini"
    path.write_bytes(bom + "[Affichage]\r\nLibelle_Anonyme=Anonymisé\r\n".encode(codec))
    assert load_config(path).display.anonymous_label == "Anonymisé"


def test_a_utf8_bom_before_latin1_text_does_not_break_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "synoptux.ini"
    path.write_bytes(codecs.BOM_UTF8 + "[Interface]\nNom_Ecran=Accueil pédiatrie\n".encode("latin-1"))
    assert load_config(path).interface.screen_name == "Accueil pédiatrie"


def test_windows_1252_characters_keep_their_meaning_beside_undefined_bytes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "synoptux.ini"
    # 0x81 is undefined in Windows-1252: it must not turn the whole file into Latin-1.
    path.write_bytes(b"; \x81\n[Affichage]\nLibelle_Anonyme=\x9cdeme \x80\n")
    assert load_config(path).display.anonymous_label == "œdeme €"


def test_crlf_file(tmp_path: Path) -> None:
    path = tmp_path / "synoptux.ini"
    path.write_bytes(b"[Affichage]\r\nLargeur_Box=320\r\nCouleur_Fond=#000000\r\n")
    cfg = load_config(path)
    assert cfg.display.box_width == 320
    assert cfg.display.board_background == "#000000"


def test_quoted_value_from_qsettings_is_unwrapped(tmp_path: Path) -> None:
    path = write_ini(tmp_path, '[Interface]\nProgrammes_Autorises="/a/b;/c/d"\n')
    assert load_config(path).interface.allowed_programs == ("/a/b", "/c/d")


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Fichier de configuration introuvable : "):
        load_config(tmp_path / "absent.ini")


@pytest.mark.parametrize("text", ["Largeur_Box=3\n", "[Affichage]\nLargeur_Box 3\n"])
def test_unparsable_file_is_a_config_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write_ini(tmp_path, text))
    assert "ligne" in str(info.value)


# ----------------------------------------------------------------------------- validation

INVALID = [
    ("Timer", "Periodicite_clignotement_en_secondes", "0", "supérieur à 0"),
    ("Timer", "Periodicite_controle_alarme_en_secondes", "0", "supérieur à 0"),
    ("Timer", "Periodicite_controle_des_entrees", "-1", "supérieur à 0"),
    ("Timer", "Periodicite_controle_des_entrees", "dix", "nombre de secondes"),
    ("Timer", "Periodicite_clignotement_en_secondes", "1 s", "nombre de secondes"),
    ("Timer", "Periodicite_clignotement_en_secondes", "nan", "nombre de secondes"),
    ("Timer", "Delai_avant_suppression_des_sorties_en_mn", "-5", "minutes"),
    ("Timer", "Delai_avant_suppression_des_sorties_en_mn", "1,5", "entier"),
    ("Timer", "Duree_vie_max_avant_sortie_forcee_en_secondes", "72h", "entier"),
    ("Affichage", "Mode_Affichage", "Plein", "Fenetre ou Cadre"),
    ("Affichage", "Echelle", "0,4", "0.5 à 4"),
    ("Affichage", "Echelle", "4.1", "0.5 à 4"),
    ("Affichage", "Echelle", "grand", "0.5 à 4"),
    ("Affichage", "Largeur_Box", "0", "pixels"),
    ("Affichage", "Hauteur_Box", "abc", "pixels"),
    ("Affichage", "Taille_Police", "12pt", "entière"),
    ("Affichage", "Couleur_Alarme", "#ff00", "#rrggbb"),
    ("Affichage", "Couleur_Fond", "rgb(0,0,0)", "#rrggbb"),
    ("Affichage", "Couleur_Fond", "pinkish", "nom de couleur SVG"),
    ("Affichage", "Couleur_Alarme", "#ff00000", "#aarrggbb"),
    ("Affichage", "Couleur_Alarme", "light blue", "nom de couleur SVG"),
    ("Interface", "Ecran", "0", "numéro d'écran à partir de 1"),
    ("Interface", "Ecran", "-2", "numéro d'écran à partir de 1"),
    ("Affichage", "Noms_Masques_Par_Defaut", "peut-être", "OUI ou NON"),
    ("Interface", "Bouton_Acces_DrTux", "O", "OUI ou NON"),
    ("Interface", "Confirmation_Sortie_Definitive", "si", "OUI ou NON"),
    ("Interface", "Jours_Conservation_Entrees_Traitees", "0", "jours"),
    ("Interface", "Programmes_Autorises", "bin/drtux", "chemins absolus"),
    ("Connexion", "URL", "pas une url", "URL SQLAlchemy"),
    ("Connexion", "URL", "mysq://u@h/b", "le moteur « mysq » n'est pas pris en charge"),
    ("Connexion", "Prefixe_Tables", "synopt-", "chiffres et _"),
    ("Connexion", "Prefixe_Tables", "sé_", "chiffres et _"),
    ("Connexion_MedinTux", "URL", "://", "URL SQLAlchemy"),
    ("Connexion", "Parametres", "QODBC3 , base , u , p , h , 1", "QMYSQL3 ou QSQLITE"),
    ("Connexion", "Parametres", "QMYSQL3 , base , u , p , h , port", "port"),
    ("Connexion", "Parametres", "QMYSQL3 , , u , p , h , 1", "nom de la base"),
    ("Positions_fenetres", "B1", "1,2,3", "x,y,largeur,hauteur"),
    ("Positions_fenetres", "B1", "1,2,0,4", "x,y,largeur,hauteur"),
    ("Positions_Fenetres", "RX THO", "a,b,c,d", "x,y,largeur,hauteur"),
]


@pytest.mark.parametrize(("section", "key", "value", "expected"), INVALID)
def test_invalid_value_raises_config_error(
    tmp_path: Path, section: str, key: str, value: str, expected: str
) -> None:
    path = write_ini(tmp_path, f"; commentaire\n[{section}]\n{key} = {value}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    err = info.value
    # A Parametres line is shown with its password field (the fourth) masked.
    shown = value.replace(" , p , ", " , *** , ") if key == "Parametres" else value
    assert (err.file, err.section, err.key, err.value) == (str(path), section, key, shown)
    assert expected in err.expected
    message = str(err)
    for part in (str(path), f"[{section}]", key, f"« {shown} »", err.expected):
        assert part in message
    assert key != "Parametres" or " p " not in message


def test_a_bad_parametres_line_never_shows_its_password(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "[Connexion]\nParametres = QMYSQL3 , , root , S3cr&t!, db , 3306\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "S3cr&t!" not in str(info.value)
    assert "QMYSQL3 , , root , *** , db , 3306" in str(info.value)


# A URL Synoptux cannot open: refused when the file is read (exit status 2, the board's
# start screen), never a ModuleNotFoundError when the engine is made; the password masked.
UNSUPPORTED_URLS = [
    ("postgresql://synoptux:secret@db/synoptux", "postgresql://synoptux:***@db/synoptux",
     "le moteur « postgresql » n'est pas pris en charge"),
    ("mssql+pyodbc://synoptux:secret@db/synoptux", "mssql+pyodbc://synoptux:***@db/synoptux",
     "le moteur « mssql » n'est pas pris en charge"),
    ("mysql+nothing://synoptux:secret@db/synoptux", "mysql+nothing://synoptux:***@db/synoptux",
     "le pilote « nothing » est inconnu"),
    ("mysql+mariadbconnector://synoptux:secret@db/b", "mysql+mariadbconnector://synoptux:***@db/b",
     "le pilote « mariadbconnector » n'est pas installé : module Python « mariadb » introuvable"),
]


@pytest.mark.parametrize(("url", "shown", "reason"), UNSUPPORTED_URLS)
@pytest.mark.parametrize("section", ["Connexion", "Connexion_MedinTux", "--db"])
def test_a_database_synoptux_cannot_open_is_refused_when_the_file_is_read(
    tmp_path: Path, url: str, shown: str, reason: str, section: str
) -> None:
    if "mariadbconnector" in url and importlib.util.find_spec("mariadb") is not None:
        pytest.skip("the MariaDB Connector/Python is installed here")
    if section == "--db":
        path = write_ini(tmp_path, "[Interface]\nNom_Ecran=poste\n")
        with pytest.raises(ConfigError) as info:
            load_config(path, db_url_override=url)
        assert info.value.file == "l'option --db"
    else:
        path = write_ini(tmp_path, f"[{section}]\nURL = {url}\n")
        with pytest.raises(ConfigError) as info:
            load_config(path)
        assert (info.value.file, info.value.section) == (str(path), section)
    err = info.value
    assert (err.key, err.value) == ("URL", shown)
    assert err.expected.startswith(
        "une base SQLite ou MariaDB/MySQL avec le pilote PyMySQL, les seules que Synoptux "
        f"prend en charge et teste ({reason}), par exemple sqlite:///"
    )
    assert "secret" not in str(err) and f"« {shown} »" in str(err)


def test_a_url_that_does_not_parse_is_shown_without_its_password(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "[Connexion]\nURL = mysql+pymysql://u:secret@db:port/b\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.value == "mysql+pymysql://u:***@db:port/b"
    assert "URL SQLAlchemy valide" in info.value.expected and "secret" not in str(info.value)


def test_the_supported_databases_are_accepted(tmp_path: Path) -> None:
    for url in ("sqlite://", f"sqlite:///{tmp_path / 'b.sqlite'}", "mysql://u:p@db/b",
                "mariadb://u@db/b", "mysql+pymysql://u@db:3306/b?charset=utf8mb4",
                "mysql+mysqlconnector://u@db/b"):  # the engine makes PyMySQL of the last
        assert load_config(None, db_url_override=url).database.url == url


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("#ABC", "#abc"),
        ("#2B2B2B", "#2b2b2b"),
        ("#80FF0000", "#80ff0000"),
        ("#fff000fff", "#fff000fff"),
        ("DarkSlateGray", "darkslategray"),
        ("grey", "grey"),
        ("transparent", "transparent"),
    ],
)
def test_colours_qt_draws_are_accepted(tmp_path: Path, text: str, stored: str) -> None:
    path = write_ini(tmp_path, f"[Affichage]\nCouleur_Fond={text}\nCouleur_Alarme={text}\n")
    display = load_config(path).display
    assert (display.board_background, display.alarm_color) == (stored, stored)


def test_the_colour_names_are_those_qt_knows() -> None:
    """The core's list (it cannot import Qt) is Qt's own list of SVG names."""
    from PySide6.QtGui import QColor

    from synoptic.colours import SVG_COLOUR_NAMES, normalise_colour

    assert {n.lower() for n in QColor.colorNames()} == SVG_COLOUR_NAMES | {"transparent"}
    valid = ("#abc", "#80ff0000", "#123456789", "#123456789abc", "navy", "transparent")
    for text in (*valid, "pinkish", "#abcd", "rgb(0,0,0)", "#ggg"):
        assert (normalise_colour(text) is not None) == QColor.isValidColorName(text), text
    # QColor reads "light blue", a style sheet does not: the board puts it in its sheet.
    assert normalise_colour("light blue") is None


@pytest.mark.parametrize(("text", "stored"), [("2", "2"), ("+1", "1"), ("DP-1", "DP-1")])
def test_screen_setting(tmp_path: Path, text: str, stored: str) -> None:
    path = write_ini(tmp_path, f"[Interface]\nEcran={text}\n")
    assert load_config(path).interface.screen == stored


# ----------------------------------------------------------------------------- database


def test_legacy_mysql_parameters_become_a_pymysql_url(tmp_path: Path) -> None:
    path = write_ini(
        tmp_path,
        "[Connexion]\nURL=\nParametres = QMYSQL3 , DrTuxTest , root , p@ss:w/rd , serveur , \n",
    )
    assert load_config(path).database.url == (
        "mysql+pymysql://root:p%40ss%3Aw%2Frd@serveur:3306/DrTuxTest?charset=utf8mb4"
    )


def test_legacy_parameters_with_port_and_alias_section(tmp_path: Path) -> None:
    path = write_ini(
        tmp_path,
        "[Connexion_SynopTux]\nParametres = QMYSQL3 , synoptux , user , , 10.0.0.2 , 3307\n",
    )
    url = load_config(path).database.url
    assert url == "mysql+pymysql://user@10.0.0.2:3307/synoptux?charset=utf8mb4"


def test_legacy_sqlite_parameters(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "[Connexion]\nParametres = QSQLITE , data/board.sqlite\n")
    url = load_config(path).database.url
    assert url == "sqlite:///" + (tmp_path / "data" / "board.sqlite").as_posix()


def test_url_wins_over_legacy_parameters(tmp_path: Path) -> None:
    path = write_ini(
        tmp_path, "[Connexion]\nURL=sqlite://\nParametres = QMYSQL3 , b , u , p , h , 1\n"
    )
    assert load_config(path).database.url == "sqlite://"


def test_connexion_section_wins_over_alias(tmp_path: Path) -> None:
    path = write_ini(
        tmp_path, "[Connexion_SynopTux]\nURL=sqlite:///old.db\n[Connexion]\nURL=sqlite:///new.db\n"
    )
    assert load_config(path).database.url == "sqlite:///new.db"


def test_host_record_connection_from_legacy_parameters(tmp_path: Path) -> None:
    path = write_ini(
        tmp_path, "[Connexion_MedinTux]\nParametres = QMYSQL3 , DrTuxTest , root , , localhost ,\n"
    )
    cfg = load_config(path)
    assert cfg.database.host_url == (
        "mysql+pymysql://root@localhost:3306/DrTuxTest?charset=utf8mb4"
    )


def test_db_override_replaces_the_url(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "[Connexion]\nURL=sqlite:///file.db\nPrefixe_Tables=st_\n")
    cfg = load_config(path, db_url_override="mysql+pymysql://u:p@h/base")
    assert cfg.database.url == "mysql+pymysql://u:p@h/base"
    assert cfg.database.table_prefix == "st_"


def test_db_override_ignores_a_broken_file_connection(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "[Connexion]\nURL=n'importe quoi\n")
    assert load_config(path, db_url_override="sqlite://").database.url == "sqlite://"


def test_invalid_db_override_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write_ini(tmp_path, ""), db_url_override="mysql//")
    assert "--db" in str(info.value)
    assert "« mysql// »" in str(info.value)


# ----------------------------------------------------------------------------- positions


def test_positions_with_spaces_and_negative_coordinates(tmp_path: Path) -> None:
    path = write_ini(
        tmp_path, "[Positions_fenetres]\nRX THO = 10 , 20 , 300 , 400\nS1=-5,0,250,350\n"
    )
    assert dict(load_config(path).positions) == {
        "RX THO": (10, 20, 300, 400),
        "S1": (-5, 0, 250, 350),
    }


def test_positions_are_read_only(tmp_path: Path) -> None:
    cfg = load_config(write_ini(tmp_path, "[Positions_fenetres]\nB1=1,2,3,4\n"))
    with pytest.raises(TypeError):
        cfg.positions["B2"] = (1, 2, 3, 4)  # type: ignore[index]


def test_legacy_qsettings_positions_are_read(tmp_path: Path) -> None:
    path = write_ini(
        tmp_path,
        "[Positions_Fenetres]\nPos_S1=@Point(10 20)\nSize_S1=@Size(300 400)\n"
        "Pos_RX%20THO=@Point(5 6)\nSize_ATT=@Size(200 100)\n",
    )
    assert dict(load_config(path).positions) == {
        "S1": (10, 20, 300, 400),
        "RX THO": (5, 6, 250, 350),
        "ATT": (100, 100, 200, 100),
    }


def test_save_then_load_round_trip(tmp_path: Path) -> None:
    path = write_ini(tmp_path, DEFAULT_INI_TEXT)
    positions = {"ATT": (0, 0, 300, 400), "RX THO": (310, -20, 250, 350), "b1": (1, 2, 3, 4)}
    save_positions(path, positions)
    assert dict(load_config(path).positions) == positions
    save_positions(path, {"S1": (5, 5, 5, 5)})
    assert dict(load_config(path).positions) == {"S1": (5, 5, 5, 5)}


def test_save_keeps_every_other_line(tmp_path: Path) -> None:
    before = (
        "; en-tête\n[Timer]\n; les périodes\nPeriodicite_clignotement_en_secondes = 2\n\n"
        "[Positions_fenetres]\n; x,y,l,h\nOLD=1,1,1,1\n; milieu\nOLD2=2,2,2,2\n\n"
        "; commentaire de la section suivante\n[Affichage]\nLargeur_Box=200\n"
    )
    path = write_ini(tmp_path, before)
    save_positions(path, {"B1": (1, 2, 3, 4)})
    assert path.read_text(encoding="utf-8") == (
        "; en-tête\n[Timer]\n; les périodes\nPeriodicite_clignotement_en_secondes = 2\n\n"
        "[Positions_fenetres]\n; x,y,l,h\nB1=1,2,3,4\n\n"
        "; commentaire de la section suivante\n[Affichage]\nLargeur_Box=200\n"
    )
    cfg = load_config(path)
    assert cfg.timers.blink_s == 2.0
    assert cfg.display.box_width == 200


def test_save_replaces_legacy_spellings_with_one_section(tmp_path: Path) -> None:
    path = write_ini(
        tmp_path,
        "[Positions_Fenetres]\nPos_S1=@Point(1 1)\n[Timer]\n[POSITIONS_FENETRES]\nA=1,1,1,1\n",
    )
    save_positions(path, {"S1": (9, 8, 7, 6)})
    text = path.read_text(encoding="utf-8")
    assert text == "[Positions_fenetres]\nS1=9,8,7,6\n[Timer]\n"
    assert dict(load_config(path).positions) == {"S1": (9, 8, 7, 6)}


def test_save_appends_the_section_when_absent(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "[Timer]\nPeriodicite_controle_des_entrees=5")  # no final newline
    save_positions(path, {"B1": (1, 2, 3, 4)})
    assert path.read_text(encoding="utf-8") == (
        "[Timer]\nPeriodicite_controle_des_entrees=5\n\n[Positions_fenetres]\nB1=1,2,3,4\n"
    )


def test_save_creates_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "new.ini"
    save_positions(path, {"B1": (1, 2, 3, 4)})
    assert dict(load_config(path).positions) == {"B1": (1, 2, 3, 4)}


def test_save_keeps_latin1_encoding_and_crlf(tmp_path: Path) -> None:
    before = "; réglages de l'accueil\r\n[Affichage]\r\nLibelle_Anonyme=Anonymisé\r\n"
    path = tmp_path / "synoptux.ini"
    path.write_bytes(before.encode("latin-1"))
    save_positions(path, {"SALLE É": (1, 2, 3, 4)})
    data = path.read_bytes()
    assert data == (before + "\r\n[Positions_fenetres]\r\nSALLE É=1,2,3,4\r\n").encode("latin-1")
    cfg = load_config(path)
    assert cfg.display.anonymous_label == "Anonymisé"
    assert dict(cfg.positions) == {"SALLE É": (1, 2, 3, 4)}


def test_save_keeps_the_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "synoptux.ini"
    path.write_bytes(codecs.BOM_UTF8 + b"[Positions_fenetres]\nB1=1,1,1,1\n")
    save_positions(path, {"B2": (2, 2, 2, 2)})
    assert path.read_bytes() == codecs.BOM_UTF8 + b"[Positions_fenetres]\nB2=2,2,2,2\n"


def test_save_keeps_a_utf16_file_utf16_with_its_bom(tmp_path: Path) -> None:
    before = "[Affichage]\r\nLibelle_Anonyme=Anonymisé\r\n"
    path = tmp_path / "synoptux.ini"
    path.write_bytes(codecs.BOM_UTF16_BE + before.encode("utf-16-be"))
    save_positions(path, {"SALLE É": (1, 2, 3, 4)})
    after = before + "\r\n[Positions_fenetres]\r\nSALLE É=1,2,3,4\r\n"
    assert path.read_bytes() == codecs.BOM_UTF16_BE + after.encode("utf-16-be")


def test_save_keeps_every_byte_of_a_windows_1252_file_with_undefined_bytes(
    tmp_path: Path,
) -> None:
    before = b"; \x81\x8d \x80 \x9c \xe9\n[Affichage]\nLibelle_Anonyme=\x80\n"
    path = tmp_path / "synoptux.ini"
    path.write_bytes(before)
    save_positions(path, {"\u0152IL": (1, 2, 3, 4)})  # Œ: 0x8C in Windows-1252
    assert path.read_bytes() == before + b"\n[Positions_fenetres]\n\x8cIL=1,2,3,4\n"


def test_save_refuses_a_code_the_file_encoding_cannot_hold(tmp_path: Path) -> None:
    before = b"[Affichage]\nLibelle_Anonyme=Anonymis\xe9\n"
    path = tmp_path / "synoptux.ini"
    path.write_bytes(before)
    with pytest.raises(ValueError, match="encodage du fichier"):
        save_positions(path, {"BOX \u4e00": (1, 2, 3, 4)})
    assert path.read_bytes() == before


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_save_is_atomic_and_keeps_permissions(tmp_path: Path) -> None:
    path = write_ini(tmp_path, "[Timer]\n")
    path.chmod(0o640)
    save_positions(path, {"B1": (1, 2, 3, 4)})
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["synoptux.ini"]


@pytest.mark.parametrize(
    "positions",
    [
        {"B=1": (1, 2, 3, 4)},
        {"[B1]": (1, 2, 3, 4)},
        {" B1": (1, 2, 3, 4)},
        {"": (1, 2, 3, 4)},
        {"B1": (1, 2, 0, 4)},
        {"B1": (1, 2, 3)},
        {"B1": (1.5, 2, 3, 4)},
    ],
)
def test_save_refuses_bad_positions_and_leaves_the_file(
    tmp_path: Path, positions: dict[str, tuple[int, int, int, int]]
) -> None:
    path = write_ini(tmp_path, "[Positions_fenetres]\nB1=1,1,1,1\n")
    with pytest.raises(ValueError):
        save_positions(path, positions)
    assert path.read_text(encoding="utf-8") == "[Positions_fenetres]\nB1=1,1,1,1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["synoptux.ini"]


def test_statistics_section(tmp_path: Path) -> None:
    defaults = load_config(write_ini(tmp_path, "")).statistics
    assert (defaults.tension_threshold, defaults.reports_dir) == (None, None)
    cfg = load_config(write_ini(tmp_path, "[Statistiques]\nSeuil_Tension=12\n"
                                          "Dossier_Rapports=rapports\n"))
    assert cfg.statistics.tension_threshold == 12
    assert cfg.statistics.reports_dir == tmp_path / "rapports"
    with pytest.raises(ConfigError) as info:
        load_config(write_ini(tmp_path, "[Statistiques]\nSeuil_Tension=0\n"))
    assert "Seuil_Tension" in str(info.value)
    assert "supérieur ou égal à 1" in str(info.value)


@pytest.mark.parametrize("section", ["Connexion", "Connexion_MedinTux", "--db"])
def test_a_password_with_a_bare_at_is_refused_and_never_shown(
    tmp_path: Path, section: str
) -> None:
    """Written as typed, "p@ss#w%rd" made SQLAlchemy connect to the host "ss#w%rd@..." and
    show it in every message, the wall's start screen included."""
    url = "mysql+pymysql://synoptux:p@ss#w%rd@db:3306/synoptux?charset=utf8mb4"
    if section == "--db":
        with pytest.raises(ConfigError) as info:
            load_config(write_ini(tmp_path, "[Interface]\n"), db_url_override=url)
    else:
        with pytest.raises(ConfigError) as info:
            load_config(write_ini(tmp_path, f"[{section}]\nURL = {url}\n"))
    err = info.value
    assert err.value == "mysql+pymysql://synoptux:***@db:3306/synoptux?charset=utf8mb4"
    assert "ss#w" not in str(err) and "%40" in err.expected
    encoded = "mysql+pymysql://synoptux:p%40ss%23w%25rd@db:3306/synoptux"
    path = write_ini(tmp_path, f"[Connexion]\nURL = {encoded}\n", "encoded.ini")
    assert load_config(path).database.url == encoded  # written %40: accepted as it is
    with pytest.raises(ConfigError) as info:  # the "@" after a "?": refused all the same
        load_config(write_ini(tmp_path, "[Connexion]\nURL = mysql+pymysql://u:p@ss?w@h/b\n",
                              "query.ini"))
    assert "ss" not in info.value.value
    assert load_config(write_ini(  # a SQLite path may hold an @
        tmp_path, "[Connexion]\nURL = sqlite:////srv/a@b/x.sqlite\n", "sqlite.ini",
    )).database.url == "sqlite:////srv/a@b/x.sqlite"


def test_messages_never_show_a_password_written_with_a_bare_at() -> None:
    from synoptic.db_messages import safe_url

    assert safe_url("mysql+pymysql://u:p@ss@h/b") == "mysql+pymysql://u:***@h/b"
    assert safe_url("mysql+pymysql://u:secret@h/b") == "mysql+pymysql://u:***@h/b"
    # An "@" after a "?" in the password, a user holding one: nothing of the password shows.
    assert safe_url("mysql+pymysql://u:p@ss?w@host/db") == "mysql+pymysql://u:***@host/db"
    assert safe_url("mysql+pymysql://u@x:pw@host/db") == "mysql+pymysql://***@host/db"
    # A SQLite path as written: "/srv/hélène" read "/srv/h%C3%A9l%C3%A8ne" in every message.
    for path in ("sqlite:////srv/hélène/a@b x.sqlite", "sqlite:///relatif.sqlite", "sqlite://"):
        assert safe_url(path) == path


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
def test_an_ini_holding_a_password_that_others_may_read_is_pointed_out(tmp_path: Path) -> None:
    from synoptic.config import exposed_password

    path = write_ini(tmp_path, "[Connexion]\nURL = mysql+pymysql://u:secret@h/b\n")
    with_password = ("mysql+pymysql://u:secret@h/b", "")
    path.chmod(0o644)
    warning = exposed_password(path, with_password)
    assert warning is not None and "tous les comptes" in warning and "chmod 640" in warning
    assert "secret" not in warning
    path.chmod(0o640)  # its group only: the set-up the warning advises
    assert exposed_password(path, with_password) is None
    path.chmod(0o600)
    assert exposed_password(path, with_password) is None  # the owner alone
    path.chmod(0o644)
    assert exposed_password(path, ("sqlite:////srv/x.sqlite", "")) is None  # no password
    assert exposed_password(path, ("mysql+pymysql://u@h/b", "")) is None
    assert exposed_password(None, with_password) is None  # the defaults: no file
