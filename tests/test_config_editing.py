"""synoptux.ini edited in place (synoptic.config.editing) and the keys the administration
added: [Interface] Profil and [Administration] Mot_de_passe_admin."""

from __future__ import annotations

import codecs
from pathlib import Path

import platformdirs
import pytest

from synoptic.admin_password import new_password_hash
from synoptic.config import (
    DEFAULT_INI_TEXT,
    ConfigError,
    IniDraft,
    documented_keys,
    load_config,
    set_ini_value,
)
from synoptic.errors import InvalidValueError
from synoptic.security import verify_secret


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "data"))


def test_every_key_of_the_default_file_has_its_meaning() -> None:
    docs = {(d.section, d.key): d for d in documented_keys()}
    assert docs[("Timer", "Periodicite_clignotement_en_secondes")].meaning == (
        "Secondes entre deux clignotements d'une tâche ou d'un patient en retard (plus de 0).")
    # a key without its own comment shares the one of the key before it
    assert docs[("Affichage", "Hauteur_Box")].meaning == docs[("Affichage", "Largeur_Box")].meaning
    assert docs[("Interface", "Profil")].default == "soins"
    assert "public" in docs[("Interface", "Profil")].meaning
    assert docs[("Administration", "Mot_de_passe_admin")].default == ""
    assert all(d.meaning for d in docs.values())
    # the file's head and the positions' comment belong to no key
    assert not any("Recherche du fichier" in d.meaning for d in docs.values())
    assert not any(d.section == "Positions_fenetres" for d in docs.values())


def test_profile_and_admin_password_are_read_and_checked(tmp_path: Path) -> None:
    ini = tmp_path / "synoptux.ini"
    ini.write_text(DEFAULT_INI_TEXT, encoding="utf-8")
    config = load_config(ini)
    assert config.interface.profile == "soins"
    assert config.administration.password_hash == ""
    stored = new_password_hash("un long secret", "un long secret")
    ini.write_text("[Interface]\nProfil=Public\n[ADMINISTRATION]\nmot_de_passe_admin="
                   + stored + "\n", encoding="utf-8")
    config = load_config(ini)
    assert config.interface.profile == "public"
    assert verify_secret("un long secret", config.administration.password_hash)
    ini.write_text("[Interface]\nProfil=accueil\n", encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        load_config(ini)
    assert str(bad.value).endswith("clé Profil = « accueil » : attendu public, soins ou "
                                   "administration")
    ini.write_text("[Administration]\nMot_de_passe_admin=motdepasse\n", encoding="utf-8")
    with pytest.raises(ConfigError) as clear:
        load_config(ini)
    assert "motdepasse" not in str(clear.value)  # a password typed in clear is not shown
    assert "clé Mot_de_passe_admin = « (masqué) » : attendu l'empreinte" in str(clear.value)


def test_a_value_replaces_its_line_and_its_continuations_only() -> None:
    text = ("; tête\r\n[Commentaires]\r\n; les commentaires\r\nPredefinis=A;B\r\n  C\r\n"
            "  ; un commentaire indenté\r\nInconnue=garde\r\n[Timer]\r\nX=1")
    changed = set_ini_value(text, "commentaires", "PREDEFINIS", "Surveillance")
    assert changed == text.replace("Predefinis=A;B\r\n  C\r\n", "PREDEFINIS=Surveillance\r\n")
    added = set_ini_value(text, "Timer", "Y", " 2 ")
    assert added == text + "\r\nY=2\r\n"
    section = set_ini_value("[A]\nx=1\n", "Interface", "Profil", "public")
    assert section == "[A]\nx=1\n\n[Interface]\nProfil=public\n"
    with pytest.raises(InvalidValueError):
        set_ini_value(text, "Timer", "X", "1\n[Connexion]")


def test_a_draft_is_checked_by_the_startup_rules_then_written_keeping_the_rest(
    tmp_path: Path,
) -> None:
    ini = tmp_path / "synoptux.ini"
    original = ("; réglages\r\n[Timer]\r\nPeriodicite_clignotement_en_secondes=1\r\n"
                "Cle_216=garde\r\n")
    ini.write_bytes(codecs.BOM_UTF8 + original.encode("utf-8"))
    draft = IniDraft(ini)
    assert draft.value("timer", "periodicite_clignotement_en_secondes") == "1"
    assert draft.value("Interface", "Profil") is None
    draft.set("Timer", "Periodicite_clignotement_en_secondes", "0")
    with pytest.raises(ConfigError) as refused:
        draft.save()
    assert "Periodicite_clignotement_en_secondes = « 0 » : attendu un nombre de secondes" in str(
        refused.value)
    assert ini.read_bytes() == codecs.BOM_UTF8 + original.encode("utf-8")  # nothing written
    draft.set("Timer", "Periodicite_clignotement_en_secondes", "2")
    draft.set("Interface", "Profil", "administration")
    config = draft.save()
    assert config.timers.blink_s == 2.0 and config.interface.profile == "administration"
    assert ini.read_bytes() == codecs.BOM_UTF8 + (
        "; réglages\r\n[Timer]\r\nPeriodicite_clignotement_en_secondes=2\r\nCle_216=garde\r\n"
        "\r\n[Interface]\r\nProfil=administration\r\n").encode()
    assert not draft.changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "synoptux.ini"]


def test_the_raw_text_keeps_the_files_line_ends_and_encoding(tmp_path: Path) -> None:
    ini = tmp_path / "synoptux.ini"
    ini.write_bytes("[Interface]\r\nNom_Ecran=Accueil Été\r\n".encode("cp1252"))
    draft = IniDraft(ini)
    draft.replace_text("[Interface]\nNom_Ecran=Salle d'été\n; à garder\n")
    draft.save()
    assert ini.read_bytes() == "[Interface]\r\nNom_Ecran=Salle d'été\r\n; à garder\r\n".encode(
        "cp1252")
    draft.replace_text("[Interface]\nNom_Ecran=中\n")
    with pytest.raises(ConfigError) as refused:
        draft.save()
    assert "encodage du fichier (cp1252)" in str(refused.value)
    draft.replace_text("Nom_Ecran=sans section\n")
    with pytest.raises(ConfigError) as no_header:
        draft.save()
    assert "un en-tête de section [Nom] avant la ligne 1" in str(no_header.value)


def test_a_file_changed_elsewhere_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    ini = tmp_path / "synoptux.ini"
    ini.write_text("[Interface]\nNom_Ecran=a\n", encoding="utf-8")
    draft = IniDraft(ini)
    draft.set("Interface", "Nom_Ecran", "b")
    ini.write_text("[Interface]\nNom_Ecran=a\n[Positions_fenetres]\nB1=1,2,3,4\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError) as stale:
        draft.save()
    assert "modifié ailleurs" in str(stale.value)
    assert "B1=1,2,3,4" in ini.read_text(encoding="utf-8")
    draft.reload()
    assert draft.value("Interface", "Nom_Ecran") == "a" and not draft.changed
