"""Why the board could not start, in words for the wall: what is wrong, what to fix, the raw
detail.  The start-failure screen (``ui/start_screen.py``) shows it full screen and the log
gets it too.  Pure: no Qt; the caller passes the exception it caught.

Every case is retried by the screen (an administrator fixes the ini file or the server and
the board opens by itself); ``kind`` tells the log and the tests which case it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from synoptic.command_context import SchemaMissingError, UsageError
from synoptic.config import ConfigError, MissingConfigFile
from synoptic.config.database import DB_OPTION
from synoptic.db_messages import describe_database_error

__all__ = ["StartProblem", "describe_start_failure"]


@dataclass(frozen=True)
class StartProblem:
    kind: str  # "config", "database", "schema", "other"
    title: str  # a few words, the biggest line of the screen
    what: str  # what is wrong
    fix: str  # what to do about it
    detail: str  # the raw message, in small print

    def log_line(self) -> str:
        return f"{self.title} : {self.what} {self.fix} (détail : {self.detail})"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "»")) else text + "."


def _config_problem(err: ConfigError) -> StartProblem:
    if err.file == DB_OPTION:  # synoptux --db URL: no file to correct
        what = f"L'option --db de la ligne de commande a une valeur refusée : « {err.value} »."
        fix = f"Corrigez-la : attendu {err.expected}."
    elif err.key:
        what = (
            f"Le fichier {err.file}, section [{err.section}], a une valeur refusée : "
            f"{err.key} = « {err.value} »."
        )
        fix = f"Corrigez-la dans ce fichier : attendu {err.expected}."
    elif err.section:
        what = f"Le fichier {err.file}, section [{err.section}], a une valeur refusée."
        fix = f"Corrigez ce fichier : attendu {err.expected}."
    elif isinstance(err, MissingConfigFile):
        what = f"Le fichier de configuration {err.file} n'existe pas."
        fix = (f"Créez-le (« synoptux init-config {err.file} » écrit les valeurs par défaut) "
               "ou corrigez --config ou SYNOPTUX_CONFIG.")
    else:
        what = f"Le fichier de configuration {err.file} ne peut pas être lu."
        fix = f"Attendu {err.expected}."
    return StartProblem("config", "Configuration invalide", what, fix, str(err))


def describe_start_failure(err: BaseException, database: str = "") -> StartProblem:
    """``err`` stopped the start; ``database`` is the URL tried (without its password)."""
    if isinstance(err, ConfigError):
        return _config_problem(err)
    if isinstance(err, SchemaMissingError):
        return StartProblem(
            "schema",
            "Base de données non initialisée",
            f"La base {err.url} ne contient pas les tables de Synoptux.",
            "Lancez « synoptux init-db » (depuis ce poste ou un autre qui voit la base).",
            str(err),
        )
    if isinstance(err, SQLAlchemyError):
        problem = describe_database_error(err)
        kind = "schema" if problem.summary.startswith("base non initialisée") else "database"
        base = f" ({database})" if database else ""
        return StartProblem(
            kind,
            f"Base de données : {problem.summary}",
            f"Le tableau ne peut pas lire sa base de données{base}.",
            _sentence(problem.advice),
            problem.detail,
        )
    if isinstance(err, UsageError):
        return StartProblem(
            "config",
            "Configuration invalide",
            _sentence(str(err)),
            "Corrigez la configuration ou la ligne de commande.",
            str(err),
        )
    detail = str(err).strip() or type(err).__name__
    return StartProblem(
        "other",
        "Erreur au démarrage",
        f"Le tableau n'a pas pu démarrer ({type(err).__name__}).",
        "Prévenez l'administrateur : le détail est aussi dans le journal.",
        detail,
    )
