"""The ``synoptux`` command's headless sub-commands: exit codes, init-db, status, check-config.

Every test works in tmp_path: HOME and the XDG folders point there and the ini file is
passed with ``--config`` (or SYNOPTUX_CONFIG), so the user's real configuration and data
are never read or written.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from test_architecture import core_files

from synoptic import __version__
from synoptic.config import default_ini_bytes, load_config
from synoptic.domain import is_late
from synoptic.store.db import SCHEMA_VERSION
from ui import main as ui_main


@dataclass(frozen=True)
class Env:
    tmp: Path
    ini: Path
    db_url: str

    @property
    def argv(self) -> list[str]:
        return ["--config", str(self.ini), "--db", self.db_url]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
                "XDG_STATE_HOME"):
        folder = tmp_path / var.lower()
        folder.mkdir()
        monkeypatch.setenv(var, str(folder))
    monkeypatch.delenv("SYNOPTUX_CONFIG", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # no synoptux.ini from the repository's folder
    ini = tmp_path / "synoptux.ini"
    ini.write_text("[Interface]\nNom_Ecran=poste-test\n", encoding="utf-8")
    return Env(tmp_path, ini, f"sqlite:///{tmp_path / 'board.sqlite'}")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``synoptux ARGV`` in-process: (exit status, stdout, stderr)."""
    try:
        code = ui_main.main(list(argv))
    except SystemExit as exit_:  # argparse: --help, --version, usage errors
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"synoptux {__version__}"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for word in ("init-db", "check-config", "status", "board", "--config", "--db"):
        assert word in out


def test_unknown_subcommand_is_a_usage_error(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *env.argv, "frobnicate")
    assert code == 2
    assert "commande inconnue « frobnicate »" in err and "init-db" in err
    assert "invalid choice" not in err and "usage:" not in err
    assert out == ""


def test_help_and_usage_errors_are_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--help")
    assert out.startswith("utilisation : synoptux") and "afficher cette aide" in out
    code, _, err = run(capsys, "status", "--bogus")
    assert code == 2 and "argument(s) non reconnu(s) : --bogus" in err


def test_a_database_without_tables_says_to_run_init_db(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite3.connect(env.tmp / "board.sqlite").close()  # an empty SQLite file
    code, _, err = run(capsys, *env.argv, "status")
    assert code == 1
    assert "base non initialisée" in err and "synoptux init-db" in err


@pytest.mark.parametrize("command", ["status", "check-config"])
def test_read_only_commands_create_no_empty_sqlite_file(
    env: Env, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    db = env.tmp / "board.sqlite"
    code, _, err = run(capsys, *env.argv, command)
    assert code == 1
    assert f"le fichier {db} n'existe pas" in err and "synoptux init-db" in err
    assert not db.exists()
    assert sorted(p.name for p in env.tmp.iterdir() if p.is_file()) == ["synoptux.ini"]


def test_invalid_colour_is_refused_naming_key_and_value(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    env.ini.write_text("[Affichage]\nCouleur_Fond=pinkish\n", encoding="utf-8")
    code, _, err = run(capsys, *env.argv, "check-config")
    assert code == 2
    assert "Couleur_Fond = « pinkish »" in err and str(env.ini) in err
    assert "#aarrggbb" in err and "nom de couleur SVG" in err
    env.ini.write_text(
        "[Affichage]\nCouleur_Fond=DarkSlateGray\nCouleur_Alarme=#80ff0000\n", encoding="utf-8"
    )
    assert run(capsys, *env.argv, "init-db")[0] == 0
    assert run(capsys, *env.argv, "check-config")[0] == 0


def test_database_errors_are_worded_in_french(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    closed_port = "mysql+pymysql://root@127.0.0.1:1/x"
    for command in ("status", "check-config"):
        code, _, err = run(capsys, "--config", str(env.ini), "--db", closed_port, command)
        assert code == 1
        assert "serveur injoignable" in err and "(2003)" in err, err


def test_bad_ini_value_is_a_usage_error(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    """Facts, failure 14: a period of 0 crashed 2.16; here it is refused at start."""
    env.ini.write_text("[Timer]\nPeriodicite_clignotement_en_secondes=0\n", encoding="utf-8")
    for command in ("status", "check-config", "init-db"):
        code, _, err = run(capsys, *env.argv, command)
        assert code == 2, command
        assert "Periodicite_clignotement_en_secondes" in err
        assert "Configuration invalide" in err
    assert not (env.tmp / "board.sqlite").exists()  # refused before touching the database


def test_missing_config_file_is_a_usage_error(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--config", str(env.tmp / "absent.ini"), "status")
    assert code == 2
    assert "absent.ini" in err


def test_unreachable_database_is_a_runtime_error(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("status", "check-config", "init-db"):
        code, _, err = run(capsys, "--config", str(env.ini), "--db",
                           "mysql+pymysql://root@127.0.0.1:1/x", command)
        assert code == 1, command
        assert "base de données" in err


def test_password_is_never_printed(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("check-config", "status"):
        code, out, err = run(capsys, "--config", str(env.ini), "--db",
                             "mysql+pymysql://root:s3cr3t-pw@127.0.0.1:1/x", command)
        assert code == 1
        assert "s3cr3t-pw" not in out + err


def test_a_database_synoptux_cannot_open_is_a_configuration_error(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    """No ModuleNotFoundError (psycopg, pyodbc) nor NoSuchModuleError traceback: one French
    line naming the URL (password masked), why, and what Synoptux supports; exit status 2."""
    cases = [
        (["--db", "postgresql://synoptux:s3cr3t@db/synoptux"],
         "« postgresql://synoptux:***@db/synoptux »", "le moteur « postgresql »"),
        (["--db", "mysql+nothing://synoptux:s3cr3t@db/synoptux"],
         "« mysql+nothing://synoptux:***@db/synoptux »", "le pilote « nothing » est inconnu"),
    ]
    ini = env.tmp / "mssql.ini"
    ini.write_text("[Connexion]\nURL=mssql+pyodbc://sa:s3cr3t@db/synoptux\n", encoding="utf-8")
    cases.append(([], "« mssql+pyodbc://sa:***@db/synoptux »", "le moteur « mssql »"))
    for extra, shown, reason in cases:
        config = str(ini) if not extra else str(env.ini)
        for command in ("status", "check-config", "init-db", "ingest"):
            code, out, err = run(capsys, "--config", config, *extra, command)
            assert code == 2, (extra, command, err)
            assert err.startswith("synoptux : Configuration invalide dans ") and shown in err
            assert reason in err
            assert "SQLite ou MariaDB/MySQL avec le pilote PyMySQL" in err
            assert "Traceback" not in err and "s3cr3t" not in out + err
            assert err.count("\n") == 1


def test_status_reports_patients_in_unknown_boxes(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, *env.argv, "init-db")[0] == 0
    with sqlite3.connect(env.tmp / "board.sqlite") as conn:  # a host macro's typo
        conn.execute("INSERT INTO synopt_encours (EC_CodeBox,EC_NomPatient,EC_HeureEntree) "
                     "VALUES ('ZZ','PERDU','2026-11-21 13:05:00')")
    code, out, _ = run(capsys, *env.argv, "status", "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["patients_in_unknown_boxes"]) == 1
    assert sum(box["count"] for box in data["boxes"]) == 0
    code, out, _ = run(capsys, *env.argv, "status")
    assert code == 0
    assert "Patients dans un box inconnu" in out


def test_init_db_demo_then_status(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *env.argv, "init-db", "--demo")
    assert code == 0
    assert "Base neuve" in out
    assert "12 patient(s) de démonstration" in out
    assert re.search(r"Hier, \d+ patients venus et repartis", out)  # for the statistics

    code, out, _ = run(capsys, *env.argv, "status")
    assert code == 0
    assert out.startswith("Tableau au")
    assert sum(1 for line in out.splitlines() if line.startswith("  • ")) == 12
    assert "⚠ EN RETARD" in out
    assert "L'HERMITTE Anne" in out
    # As the board shows them: the responsable's name, and since when a patient is out.
    lines = {line.split(" — ")[0]: line for line in out.splitlines() if line.startswith("  • ")}
    assert " — Dr Martin — Douleur thoracique " in lines["  • MOREAU Paul"]
    assert re.search(r"→ Retour domicile \(sortie \d\d/\d\d \d\d:\d\d\)$",
                     lines["  • PERRIN Claire"])
    assert re.search(r"→ Scanner \(depuis \d\d/\d\d \d\d:\d\d\)$",
                     lines["  • CHEVALIER Pierre"])
    # A task: its state, then when it is planned, each said in words.
    tasks = [line.strip() for line in out.splitlines() if line.startswith("      - ")]
    assert any(re.fullmatch(r"- ECG : Terminé — prévue de \d\d/\d\d \d\d:\d\d à "
                            r"\d\d/\d\d \d\d:\d\d", t) for t in tasks), tasks
    assert any(re.fullmatch(r"- Radiographie : Non commencée — prévue à \d\d/\d\d "
                            r"\d\d:\d\d  ⚠ EN RETARD", t) for t in tasks), tasks
    assert "- Bandelette urinaire : Non commencée" in tasks

    code, out, _ = run(capsys, *env.argv, "status", "--json")
    assert code == 0
    data = json.loads(out)
    check_status_json(data)


def check_status_json(data: dict) -> None:
    patients = [p for box in data["boxes"] for p in box["patients"]]
    assert len(patients) == 12
    assert all(box["count"] == len(box["patients"]) for box in data["boxes"])
    assert data["patients_in_unknown_boxes"] == []
    now = datetime.fromisoformat(data["generated_at"])
    flags = []
    for patient in patients:
        for task in patient["tasks"]:
            times = {k: datetime.fromisoformat(task[k]) if task[k] else None
                     for k in ("planned_start", "planned_end", "started_at", "ended_at")}
            flags.append(task["late"])
            assert task["late"] == is_late(_Times(**times), now), task
    assert any(flags) and not all(flags)
    assert data["late_tasks"] == sum(flags)
    by_box = {box["code"]: box for box in data["boxes"]}
    assert [p["destination"] for p in by_box["SORT"]["patients"]] == ["Retour domicile"] * 2
    assert all(p["folded"] for p in by_box["SORT"]["patients"])
    assert {(p["responsable"], p["responsable_name"]) for p in patients} >= {
        ("MARTIN", "Dr Martin"), ("BERNARD", "Dr Bernard")}


@dataclass(frozen=True)
class _Times:
    planned_start: datetime | None
    planned_end: datetime | None
    started_at: datetime | None
    ended_at: datetime | None


def test_init_db_says_one_line_per_kind_of_change(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    """About sixty "déclencheur … créé" lines hid the closing one; -v still lists them."""
    code, out, _ = run(capsys, *env.argv, "init-db")
    assert code == 0
    lines = out.splitlines()
    assert [line for line in lines if not line.startswith("- ")] == [
        "Base neuve : boxes, états, tâches, responsables et destinations créés.",
        f"Base : {env.db_url}",
    ]
    changes = [line for line in lines if line.startswith("- ")]
    assert len(changes) == 4, changes
    assert re.fullmatch(r"- \d+ tables créées", changes[0])
    assert re.fullmatch(r"- \d+ déclencheurs créés", changes[1])
    assert changes[2:] == ["- rôles et droits par défaut créés (4 rôles)",
                           f"- version du schéma {SCHEMA_VERSION} enregistrée"]
    (env.tmp / "board.sqlite").unlink()
    code, out, _ = run(capsys, *env.argv, "init-db", "--verbose")
    assert code == 0
    assert "- table synopt_box créée" in out and "- déclencheur synopt_trg1_box_i créé" in out
    assert len(out.splitlines()) > 50


def test_schema_changes_are_counted_by_kind_and_deed() -> None:
    from synoptic.schema_changes import summarize_changes

    assert summarize_changes([
        "table synopt_box convertie en InnoDB",
        "table synopt_etats convertie en InnoDB",
        "colonne synopt_encours.EC_Revision ajoutée",
        "index ix_a créé", "index ix_b créé",
        "colonne synopt_encours.EC_NomPatient élargie à 100 caractères",
        "colonne synopt_encours.EC_Prenom élargie à 100 caractères",
        "colonne synopt_encours.EC_Commentaire élargie à 255 caractères",
        "déclencheur t1 supprimé (ancienne version)",
        "déclencheur t1 créé",
        "rôles et droits par défaut créés (4 rôles)",
        "colonne synopt_encours.EC_GUID comparée exactement (utf8mb4_bin)",
    ]) == [
        "2 tables converties en InnoDB",
        "1 colonne ajoutée",
        "2 index créés",
        "2 colonnes élargies à 100 caractères",
        "1 colonne élargie à 255 caractères",
        "1 déclencheur supprimé (ancienne version)",
        "1 déclencheur créé",
        "rôles et droits par défaut créés (4 rôles)",
        "1 colonne comparée exactement (utf8mb4_bin)",
    ]
    assert summarize_changes([]) == []


def test_init_db_twice_and_demo_again(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, *env.argv, "init-db")[0] == 0
    code, out, _ = run(capsys, *env.argv, "init-db")
    assert code == 0
    assert "déjà à jour" in out
    assert run(capsys, *env.argv, "init-db", "--demo")[0] == 0
    code, out, _ = run(capsys, *env.argv, "init-db", "--demo")
    assert code == 0
    assert "0 patient(s)" in out
    code, out, _ = run(capsys, *env.argv, "status", "--json")
    assert len([p for b in json.loads(out)["boxes"] for p in b["patients"]]) == 12


def test_check_config(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    sqlite3.connect(env.tmp / "board.sqlite").close()  # an empty SQLite file
    code, out, _ = run(capsys, *env.argv, "check-config")
    assert code == 1  # the database has no schema yet
    assert "init-db" in out
    assert run(capsys, *env.argv, "init-db")[0] == 0
    code, out, _ = run(capsys, *env.argv, "check-config")
    assert code == 0
    assert f"Configuration : {env.ini}" in out
    assert f"Connexion à la base : OK (schéma version {SCHEMA_VERSION})" in out
    assert "Écran du tableau : écran principal" in out
    assert "attention : ce fichier contient le mot de passe" not in out  # SQLite: none


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
def test_check_config_points_out_a_password_others_may_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ini = tmp_path / "synoptux.ini"
    ini.write_text("[Connexion]\nURL=mysql+pymysql://u:secret@127.0.0.1:1/b\n", encoding="utf-8")
    ini.chmod(0o644)
    code, out, _ = run(capsys, "--config", str(ini), "check-config")
    assert code == 1  # nothing answers on port 1
    assert f"attention : ce fichier contient le mot de passe de la base et tous les comptes" \
        f" de ce poste peuvent le lire (droits 644) : « chmod 640 {ini} »" in out
    assert "secret" not in out
    # A password given with --db is not in the file: no warning about the file.
    ini.write_text("[Connexion]\nURL=sqlite:///x.sqlite\n", encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(ini), "--db",
                       "mysql+pymysql://u:secret@127.0.0.1:1/b", "check-config")
    assert "attention : ce fichier contient" not in out


def test_config_from_environment_variable(
    env: Env, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = env.tmp / "from-ini.sqlite"
    env.ini.write_text(f"[Connexion]\nURL=sqlite:///{db}\n", encoding="utf-8")
    monkeypatch.setenv("SYNOPTUX_CONFIG", str(env.ini))
    assert run(capsys, "init-db")[0] == 0
    assert db.is_file()
    code, out, _ = run(capsys, "check-config")
    assert code == 0
    assert f"Configuration : {env.ini}" in out


def test_the_installed_command(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    """The console script itself, in a child process."""
    assert run(capsys, *env.argv, "init-db", "--demo")[0] == 0
    script = Path(sys.executable).parent / "synoptux"
    assert script.is_file(), f"{script} missing: pip install -e '.[test]'"
    child = subprocess.run(
        [str(script), *env.argv, "status", "--json"],
        capture_output=True, text=True, encoding="utf-8", env=dict(os.environ),
        cwd=env.tmp, timeout=120, check=False,
    )
    assert child.returncode == 0, child.stderr
    check_status_json(json.loads(child.stdout))
    bad = subprocess.run([str(script), *env.argv, "frobnicate"], capture_output=True,
                         text=True, env=dict(os.environ), timeout=120, check=False)
    assert bad.returncode == 2


def test_the_board_creates_the_embedded_sqlite_database_on_first_start(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    from synoptic.cli import prepare_board_database
    from synoptic.command_context import Context

    ctx = Context(load_config(env.ini, db_url_override=env.db_url))
    try:
        done = prepare_board_database(ctx)
        assert any("créé" in line for line in done)
        assert prepare_board_database(ctx) == []  # second start: nothing to do
    finally:
        ctx.close()
    code, out, _ = run(capsys, *env.argv, "status")
    assert code == 0 and "Salle d'attente" in out


def test_the_board_refuses_a_shared_server_without_the_schema(mariadb_database: str) -> None:
    from synoptic.cli import prepare_board_database
    from synoptic.command_context import Context, UsageError

    ctx = Context(load_config(None, db_url_override=mariadb_database))
    try:
        with pytest.raises(UsageError, match="synoptux init-db"):
            prepare_board_database(ctx)
    finally:
        ctx.close()


def test_ingest_words_a_locked_database_in_french(
    env: Env, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from synoptic.services import BoardServices

    inbox = env.tmp / "inbox"
    env.ini.write_text(f"[Interface]\nDossier_Entrees={inbox}\n", encoding="utf-8")
    assert run(capsys, *env.argv, "init-db")[0] == 0
    inbox.mkdir(exist_ok=True)
    (inbox / "attente.txt").write_bytes(b"[Entree]\nNom_Patient=ATTENTE\n")

    def locked(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(BoardServices, "admit", locked)
    code, _out, err = run(capsys, *env.argv, "ingest", "--stability-delay", "0")
    assert code == 1
    assert "fichier remis en attente : base verrouillée" in err, err
    assert "(détail : database is locked)" in err, err
    assert (inbox / "attente.txt").is_file()


# ----------------------------------------------------------------------- init-config


def test_init_config_writes_the_default_file_where_the_board_finds_it(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "init-config")
    target = env.tmp / "work" / "synoptux.ini"
    assert (code, err) == (0, "")
    assert out == "Configuration par défaut écrite : synoptux.ini\n"
    assert target.read_bytes() == default_ini_bytes()
    _, out, _ = run(capsys, "--db", env.db_url, "check-config")
    assert f"Configuration : {target}\n" in out


def test_init_config_never_replaces_a_file_unless_forced(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    before = env.ini.read_bytes()
    code, out, err = run(capsys, "init-config", str(env.ini))
    assert code == 2 and out == ""
    assert err == f"synoptux : {env.ini} existe déjà (--force pour le remplacer)\n"
    assert env.ini.read_bytes() == before
    code, out, _ = run(capsys, "init-config", "--force", str(env.ini))
    assert code == 0 and env.ini.read_bytes() == default_ini_bytes()


def test_init_config_writes_the_file_config_names(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    target = env.tmp / "etc" / "synoptux" / "synoptux.ini"
    code, out, _ = run(capsys, "--config", str(target), "init-config")
    assert code == 0 and out == f"Configuration par défaut écrite : {target}\n"
    assert target.read_bytes() == default_ini_bytes()
    assert not (env.tmp / "work" / "synoptux.ini").exists()


# ----------------------------------------------------------------------- layering


def test_no_core_module_imports_the_cli_back() -> None:
    """``synoptic.cli`` is the core's top: what its commands run with comes from
    ``synoptic.command_context``, so ``ingest.commands`` and the others need not import it."""
    offenders = []
    for path in core_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):  # nested and TYPE_CHECKING imports too
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if "synoptic.cli" in names and path.name != "cli.py":
                offenders.append(f"{path.relative_to(path.parents[1])}:{node.lineno}")
    assert offenders == []
