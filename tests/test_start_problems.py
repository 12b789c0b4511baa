"""Why the board could not start, in words (synoptic/start_problems.py): pure, no Qt."""

from __future__ import annotations

from pathlib import Path

import pymysql
import pytest
from sqlalchemy.exc import OperationalError, ProgrammingError

from synoptic.command_context import SchemaMissingError, UsageError
from synoptic.config import ConfigError, load_config
from synoptic.start_problems import describe_start_failure


def test_an_invalid_value_names_the_file_the_key_and_what_is_expected() -> None:
    err = ConfigError("/etc/synoptux.ini", "Affichage", "Couleur_Fond", "pinkish", "une couleur")
    problem = describe_start_failure(err)
    assert (problem.kind, problem.title) == ("config", "Configuration invalide")
    assert problem.what == (
        "Le fichier /etc/synoptux.ini, section [Affichage], a une valeur refusée : "
        "Couleur_Fond = « pinkish »."
    )
    assert problem.fix == "Corrigez-la dans ce fichier : attendu une couleur."
    assert problem.detail == str(err)


def test_a_database_synoptux_cannot_open(tmp_path: Path) -> None:
    ini = tmp_path / "synoptux.ini"
    ini.write_text("[Connexion]\nURL=postgresql://synoptux:secret@db/synoptux\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(ini)
    problem = describe_start_failure(info.value)
    assert (problem.kind, problem.title) == ("config", "Configuration invalide")
    assert problem.what == (
        f"Le fichier {ini}, section [Connexion], a une valeur refusée : "
        "URL = « postgresql://synoptux:***@db/synoptux »."
    )
    assert problem.fix.startswith(
        "Corrigez-la dans ce fichier : attendu une base SQLite ou MariaDB/MySQL avec le "
        "pilote PyMySQL, les seules que Synoptux prend en charge et teste (le moteur "
        "« postgresql » n'est pas pris en charge), par exemple sqlite:///"
    )
    assert "secret" not in problem.log_line()


def test_a_db_option_is_not_called_a_file() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(None, db_url_override="mssql+pyodbc://sa:secret@db/synoptux")
    problem = describe_start_failure(info.value)
    assert problem.what == ("L'option --db de la ligne de commande a une valeur refusée : "
                            "« mssql+pyodbc://sa:***@db/synoptux ».")
    assert problem.fix.startswith("Corrigez-la : attendu une base SQLite ou MariaDB/MySQL")
    assert "le moteur « mssql » n'est pas pris en charge" in problem.fix


def test_a_missing_file() -> None:
    from synoptic.config import MissingConfigFile

    problem = describe_start_failure(MissingConfigFile("/x.ini"))
    assert problem.what == "Le fichier de configuration /x.ini n'existe pas."
    assert problem.fix == ("Créez-le (« synoptux init-config /x.ini » écrit les valeurs par "
                           "défaut) ou corrigez --config ou SYNOPTUX_CONFIG.")


def test_an_unreadable_file() -> None:
    problem = describe_start_failure(ConfigError("/x.ini", "", "", "", "un fichier existant"))
    assert problem.what == "Le fichier de configuration /x.ini ne peut pas être lu."
    assert problem.fix == "Attendu un fichier existant."


def test_an_unreachable_server() -> None:
    err = OperationalError("SELECT 1", {}, pymysql.err.OperationalError(2003, "Can't connect"))
    problem = describe_start_failure(err, "mysql+pymysql://u:***@h/b")
    assert (problem.kind, problem.title) == ("database", "Base de données : serveur injoignable")
    assert problem.what == (
        "Le tableau ne peut pas lire sa base de données (mysql+pymysql://u:***@h/b)."
    )
    assert problem.fix.startswith("Vérifiez que le serveur") and problem.fix.endswith(".")
    assert problem.detail == "(2003) Can't connect"
    assert "serveur injoignable" in problem.log_line() and "(2003)" in problem.log_line()


def test_a_schema_missing() -> None:
    problem = describe_start_failure(SchemaMissingError("sans schéma", "mysql://h/b"))
    assert (problem.kind, problem.title) == ("schema", "Base de données non initialisée")
    assert "synoptux init-db" in problem.fix and "mysql://h/b" in problem.what
    err = ProgrammingError("SELECT", {}, pymysql.err.ProgrammingError(1146, "no table"))
    assert describe_start_failure(err).kind == "schema"


def test_anything_else_is_still_said() -> None:
    problem = describe_start_failure(RuntimeError("boom"))
    assert (problem.kind, problem.title, problem.detail) == ("other", "Erreur au démarrage", "boom")
    assert describe_start_failure(UsageError("--db absent")).kind == "config"
