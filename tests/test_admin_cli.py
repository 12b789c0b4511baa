"""The administration's sub-commands, run through ``synoptux``'s own entry point."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from synoptic import cli
from synoptic.security import verify_secret
from synoptic.store.db import open_store


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An ini naming a SQLite database made by ``init-db``."""
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    monkeypatch.delenv("SYNOPTUX_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    ini = tmp_path / "synoptux.ini"
    ini.write_text(f"; mon service\n[Connexion]\nURL=sqlite:///{tmp_path / 'b.sqlite'}\n",
                   encoding="utf-8")
    assert synoptux("init-db") == 0
    return ini


def synoptux(*argv: str) -> int:
    return cli.main(list(argv))


def test_reference_export_then_import(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    out = site.parent / "service.json"
    assert synoptux("reference", "export", str(out)) == 0
    assert capsys.readouterr().out == (
        f"Données de base exportées dans {out} : 5 état(s), 13 tâche(s), 11 box, "
        "5 responsable(s), 14 destination(s), 0 commentaire(s) prédéfini(s).\n")
    document = json.loads(out.read_text(encoding="utf-8"))
    assert synoptux("reference", "import", str(out)) == 0
    assert capsys.readouterr().out == "Aucun changement : la base est déjà conforme.\n"

    document["boxes"][0]["label"] = "Absence (scanner, bloc)"
    out.write_text(json.dumps(document), encoding="utf-8")
    assert synoptux("reference", "import", str(out), "--dry-run") == 0
    assert capsys.readouterr().out == (
        "- Modification : le box « Absence (scanner, bloc) » (libellé)\n"
        "Simulation : 1 changement(s) prévu(s), rien n'a été modifié.\n")
    assert synoptux("reference", "import", str(out)) == 0
    assert capsys.readouterr().out == (
        "- Modification : le box « Absence (scanner, bloc) » (libellé)\n"
        "1 changement(s) appliqué(s) en une seule transaction.\n")


def test_a_refused_file_lists_its_problems(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    bad = site.parent / "mauvais.json"
    bad.write_text(json.dumps({"format": "synoptux-reference", "version": 1,
                               "boxes": [{"code": "X", "type": "Soins"}]}), encoding="utf-8")
    assert synoptux("reference", "import", str(bad)) == 1
    assert capsys.readouterr().err == (
        f"synoptux : {bad} refusé, rien n'a été modifié :\n"
        "  - boxes n° 1 (« X ») : Libellé : obligatoire.\n")
    assert synoptux("reference", "import", str(site.parent / "absent.json")) == 1
    assert "Fichier introuvable" in capsys.readouterr().err


def test_import_medintux_without_its_table(site: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert synoptux("reference", "import-medintux", "--dry-run") == 1
    assert capsys.readouterr().err == ("synoptux : Pas de table « Personnes » de MedinTux dans "
                                       "cette base : aucun responsable à importer.\n")


def test_an_old_schema_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(f"sqlite:///{site.parent / 'b.sqlite'}")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE synopt_schema_version SET SV_Version = 2")
    store.dispose()
    capsys.readouterr()
    assert synoptux("reference", "export", str(site.parent / "x.json")) == 1
    assert capsys.readouterr().err == ("synoptux : Schéma de la base trop ancien (version 2, "
                                       "attendue 3) : lancez « synoptux init-db ».\n")


def test_set_admin_password(site: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("un secret\nun autre\n"))
    assert synoptux("set-admin-password") == 2
    assert capsys.readouterr().err == ("synoptux : Les deux saisies du mot de passe ne "
                                       "correspondent pas. Rien n'a été modifié.\n")
    assert "Administration" not in site.read_text(encoding="utf-8")

    monkeypatch.setattr("sys.stdin", io.StringIO("un secret\nun secret\n"))
    assert synoptux("--config", str(site), "set-admin-password") == 0
    assert capsys.readouterr().out == (
        "Mot de passe administrateur enregistré (empreinte scrypt salée, jamais en clair) dans "
        f"{site}, section [Administration], clé Mot_de_passe_admin.\n")
    text = site.read_text(encoding="utf-8")
    assert text.startswith("; mon service\n[Connexion]\n") and "un secret" not in text
    stored = text.split("Mot_de_passe_admin=", 1)[1].strip()
    assert verify_secret("un secret", stored)
    assert synoptux("check-config") == 0  # the ini still loads


def test_changes_name_the_system_user(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "mdupont")
    out = site.parent / "service.json"
    synoptux("reference", "export", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    document["states"][0]["label"] = "Prescrite"
    out.write_text(json.dumps(document), encoding="utf-8")
    assert synoptux("reference", "import", str(out)) == 0
    store = open_store(f"sqlite:///{site.parent / 'b.sqlite'}")
    h = store.models.History
    with store.read() as s:
        assert s.execute(select(h.actor, h.action)).all() == [("mdupont", "REF_CHANGE")]
    store.dispose()
