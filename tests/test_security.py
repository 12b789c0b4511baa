"""Secrets, PINs, the keypad's lock, permissions and the administrator password."""

from __future__ import annotations

import codecs
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import NOW
from sqlalchemy import select

from synoptic import audit
from synoptic.admin_password import (
    ADMIN_KEY,
    check_admin_password,
    write_admin_password,
)
from synoptic.errors import InvalidValueError
from synoptic.people_admin import PeopleAdmin
from synoptic.permissions import (
    ACTIONS,
    ADMIN,
    DEFAULT_PERMISSIONS,
    DELETE_TASK,
    DISCHARGE,
    EDIT_REFERENCE,
    PermissionTable,
)
from synoptic.reference_rules import Kind
from synoptic.security import (
    Keypad,
    KeypadLockedError,
    NotPermittedError,
    Person,
    WrongPinError,
    check_pin_format,
    hash_secret,
    load_permissions,
    verify_secret,
)
from synoptic.store.db import Store

FAST = (2**4, 8, 1)  # a cheap cost for tests that only need a hash


def test_hashes_are_salted_slow_and_verified() -> None:
    first, second = hash_secret("1234"), hash_secret("1234")
    assert first != second  # a salt per hash
    scheme, n, r, p, _salt, _key = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert "1234" not in first
    assert verify_secret("1234", first) and verify_secret("1234", second)
    assert not verify_secret("1235", first)
    cheap = hash_secret("motdepasse", cost=FAST)
    assert verify_secret("motdepasse", cheap) and not verify_secret("", cheap)


@pytest.mark.parametrize("stored", [
    None, "", "1234", "md5$x", "scrypt$16384$8$1$c2Fs$", "scrypt$3$8$1$c2Fs$a2V5",
    "scrypt$2097152$8$1$c2Fs$a2V5", "scrypt$16384$8$1$pas-du-base64$a2V5",
    "scrypt$16384$64$1$c2Fs$a2V5",
])
def test_malformed_or_too_costly_hashes_never_verify(stored: str | None) -> None:
    assert not verify_secret("1234", stored)


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", " 1234", "", "１２３４"])
def test_pin_format(pin: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        check_pin_format(pin)
    assert str(refused.value) == "Le code PIN doit compter de 4 à 8 chiffres."


def test_permission_table() -> None:
    table = PermissionTable.defaults()
    assert table.may("medecin", DISCHARGE) and table.may("infirmier", DELETE_TASK)
    assert not table.may("infirmier", EDIT_REFERENCE)
    assert not table.may("secretariat", DISCHARGE) and not table.may("inconnu", DISCHARGE)
    empty = PermissionTable.of([])
    assert all(empty.may(ADMIN, action) for action in ACTIONS)  # never locked out
    assert empty.actions_of(ADMIN) == frozenset(ACTIONS)


def test_new_databases_get_the_default_permissions(store: Store) -> None:
    assert load_permissions(store) == PermissionTable.defaults()
    people = PeopleAdmin(store, "chef")
    assert people.permissions()["infirmier"] == DEFAULT_PERMISSIONS["infirmier"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def people(store: Store) -> PeopleAdmin:
    admin = PeopleAdmin(store, "chef")
    admin.create_person({"code": "ID", "name": "Isabelle Durand", "role_code": "infirmier"},
                        "2468", now=NOW)
    admin.create_person({"code": "MM", "name": "Dr Moreau", "role_code": "medecin"}, "1357",
                        now=NOW)
    return admin


def unlock_history(store: Store) -> list[tuple[str | None, str | None, str | None]]:
    h = store.models.History
    with store.read() as s:
        return [tuple(r) for r in s.execute(
            select(h.action, h.actor, h.comment).where(h.action.like("UNLOCK%")).order_by(h.pk))]


def test_the_keypad_unlocks_for_an_allowed_role(people: PeopleAdmin, store: Store) -> None:
    keypad = Keypad(store, "ecran-accueil")
    assert keypad.unlock("ID", "2468", DELETE_TASK, now=NOW) == Person("ID", "Isabelle Durand",
                                                                      "infirmier")
    with pytest.raises(NotPermittedError) as refused:
        keypad.unlock("ID", "2468", EDIT_REFERENCE, now=NOW)
    assert str(refused.value) == ("Isabelle Durand (Infirmier) n'a pas le droit de modifier les "
                                  "données de base (box, états, tâches...).")
    assert unlock_history(store) == [
        ("UNLOCK", "ID", "supprimer une tâche (Infirmier)"),
        ("UNLOCK_REFUSED", "ID", ("modifier les données de base (box, états, tâches...) "
                                 "(Infirmier)")),
    ]


def test_five_wrong_pins_lock_the_keypad_for_a_minute(people: PeopleAdmin,
                                                      store: Store) -> None:
    clock = Clock()
    keypad = Keypad(store, "ecran-accueil", clock=clock)
    messages = []
    for _ in range(5):
        with pytest.raises(WrongPinError) as wrong:
            keypad.unlock("MM", "0000", DISCHARGE, now=NOW)
        messages.append(str(wrong.value))
    assert messages[0] == "Code PIN incorrect. Encore 4 essai(s) avant le verrouillage du clavier."
    assert messages[4] == ("Code PIN incorrect. Clavier verrouillé pendant 60 secondes après 5 "
                           "essais erronés.")
    assert keypad.locked_for() == 60
    clock.now += 45.5
    with pytest.raises(KeypadLockedError) as locked:  # even the right PIN waits
        keypad.unlock("MM", "1357", DISCHARGE, now=NOW)
    assert str(locked.value) == ("Clavier verrouillé après 5 essais erronés : réessayez dans "
                                 "15 s.")
    clock.now += 15
    assert keypad.locked_for() == 0
    assert keypad.unlock("MM", "1357", DISCHARGE, now=NOW + timedelta(minutes=1)).code == "MM"
    rows = unlock_history(store)
    assert [r[0] for r in rows] == ["UNLOCK_FAILED"] * 5 + ["UNLOCK"]
    assert rows[0] == ("UNLOCK_FAILED", "ecran-accueil",
                       "PIN erroné pour « MM » (sortir définitivement un patient)")
    assert rows[4][2] == ("PIN erroné pour « MM » (sortir définitivement un patient) ; clavier "
                          "verrouillé")
    assert rows[5] == ("UNLOCK", "MM", "sortir définitivement un patient (Médecin)")


def test_unknown_inactive_or_pinless_persons_never_unlock(people: PeopleAdmin,
                                                          store: Store) -> None:
    from synoptic.reference_admin import ReferenceAdmin

    ReferenceAdmin(store, "chef").set_active(Kind.USER, "ID", False, now=NOW)
    people.set_pin("MM", None, now=NOW)
    keypad = Keypad(store, "ecran")
    for code, pin in (("ID", "2468"), ("MM", "1357"), ("XX", "1357"), ("", "1357")):
        with pytest.raises(WrongPinError):
            keypad.unlock(code, pin, DISCHARGE, now=NOW)
    assert [r[0] for r in unlock_history(store)] == ["UNLOCK_FAILED"] * 4


def test_pins_and_permissions_are_audited_never_in_clear(people: PeopleAdmin,
                                                          store: Store) -> None:
    people.set_pin("ID", "97531", now=NOW)
    with store.read() as s:
        stored = s.get(store.models.User, "ID")
        assert stored is not None and stored.pin_hash and verify_secret("97531", stored.pin_hash)
        entries = audit.audit_trail(s, store.models, entity="utilisateurs", key="ID")
    assert [e.summary for e in entries] == [
        "Code PIN attribué : la personne « Isabelle Durand »",
        "Code PIN attribué : la personne « Isabelle Durand »",
        "Ajout : la personne « Isabelle Durand »",
    ]
    assert (entries[0].before or {})["pin"] == "défini"
    assert all("97531" not in str(e) and "scrypt" not in str(e) for e in entries)
    with pytest.raises(InvalidValueError):
        people.set_pin("ID", "12", now=NOW)

    assert people.set_permissions("infirmier", [DELETE_TASK, EDIT_REFERENCE], now=NOW)
    assert not people.set_permissions("infirmier", [EDIT_REFERENCE, DELETE_TASK], now=NOW)
    assert load_permissions(store).may("infirmier", EDIT_REFERENCE)
    assert not load_permissions(store).may("infirmier", DISCHARGE)
    with store.read() as s:
        (change,) = audit.audit_trail(s, store.models, entity="permissions")
    assert change.summary == "Modification : droits du rôle « Infirmier »"
    assert change.before == {"actions": sorted(DEFAULT_PERMISSIONS["infirmier"])}
    for role, actions, message in (
        (ADMIN, [], "Le rôle administrateur a toujours tous les droits : ils ne se modifient pas."),
        ("chef", [], "Rôle inconnu : « chef »."),
        ("medecin", ["voler"], "Action inconnue : « voler »."),
    ):
        with pytest.raises(InvalidValueError) as refused:
            people.set_permissions(role, actions, now=NOW)
        assert str(refused.value) == message


@pytest.mark.parametrize(("password", "confirmation", "message"), [
    ("", "", "Le mot de passe administrateur est vide."),
    ("secret-long", "secret-lonG", "Les deux saisies du mot de passe ne correspondent pas."),
    ("court", "court", "Le mot de passe administrateur doit compter au moins 8 caractères."),
    (" espace devant", " espace devant", ("Le mot de passe administrateur ne peut ni commencer "
     "ni finir par un espace, ni contenir de caractère de contrôle.")),
])
def test_admin_password_rules(password: str, confirmation: str, message: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        check_admin_password(password, confirmation)
    assert str(refused.value) == message


def test_the_admin_password_hash_replaces_only_its_line(tmp_path: Path) -> None:
    ini = tmp_path / "synoptux.ini"
    original = ("; réglages du service\r\n[Interface]\r\nNom_Ecran=accueil\r\n\r\n"
                "[ADMINISTRATION]\r\n; le mot de passe\r\nmot_de_passe_ADMIN = ancien\r\n"
                "Cle_Inconnue=garde\r\n\r\n[Timer]\r\nPeriodicite_clignotement_en_secondes=1\r\n")
    ini.write_bytes(codecs.BOM_UTF8 + original.encode("utf-8"))
    line = write_admin_password(ini, "un mot de passe")
    data = ini.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    text = data[3:].decode("utf-8")
    assert text == original.replace("mot_de_passe_ADMIN = ancien", line)
    value = line.split("=", 1)[1]
    assert line.startswith(f"{ADMIN_KEY}=scrypt$") and verify_secret("un mot de passe", value)
    assert "un mot de passe" not in text


def test_the_admin_password_section_is_added_when_missing(tmp_path: Path) -> None:
    ini = tmp_path / "synoptux.ini"
    ini.write_bytes("[Interface]\nNom_Ecran=salle Été".encode("latin-1"))  # 2.16, no last EOL
    line = write_admin_password(ini, "un mot de passe")
    assert ini.read_bytes().decode("latin-1") == (
        f"[Interface]\nNom_Ecran=salle Été\n\n[Administration]\n{line}\n")
    fresh = tmp_path / "neuf.ini"
    write_admin_password(fresh, "un mot de passe")
    assert fresh.read_text().startswith("[Administration]\nMot_de_passe_admin=scrypt$")
    assert fresh.stat().st_mode & 0o077 == 0  # a new file is the owner's only
    # a section already there without the key gets it after its last line
    ini.write_text("[Administration]\n; rien\n\n[Autre]\nx=1\n")
    line = write_admin_password(ini, "un mot de passe")
    assert ini.read_text() == f"[Administration]\n; rien\n{line}\n\n[Autre]\nx=1\n"
