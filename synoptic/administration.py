"""What the administration windows need, as one object and without a session.

The UI never opens a session nor names the store (``tests/test_architecture.py``): the
composition root builds :class:`AdminTools` from the board's services
(:meth:`AdminTools.of`), one per screen, so that its :class:`~synoptic.security.Keypad`
(the five-tries lock) lives as long as the screen, whoever opens the menu. Every write
goes through :class:`~synoptic.reference_admin.ReferenceAdmin` and
:class:`~synoptic.people_admin.PeopleAdmin` (one transaction each, audited); after a
person unlocks with their PIN, :meth:`AdminTools.acting_as` names them in the history.

The administrator password (``[Administration] Mot_de_passe_admin``) is read from the ini
file when it is checked, so a new one (``synoptux set-admin-password``) counts at once;
wrong passwords count on the same keypad lock as wrong PINs, and every try is in the
history, as the PINs' are.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from synoptic.config import ADMIN_PASSWORD_KEY, ADMIN_SECTION, Config, ConfigError
from synoptic.config.ini import IniFile
from synoptic.decoding import decode_text
from synoptic.people_admin import PeopleAdmin, write_permissions
from synoptic.permissions import EDIT_REFERENCE, MANAGE_ACCESS
from synoptic.reference_admin import ReferenceAdmin
from synoptic.reference_rules import Kind
from synoptic.security import (
    LOCK_AFTER_FAILURES,
    UNLOCK,
    UNLOCK_FAILED,
    Keypad,
    KeypadLockedError,
    Person,
    WrongPinError,
    load_permissions,
    verify_secret,
)
from synoptic.services import BoardServices
from synoptic.store.db import Store
from synoptic.store.models import COMMENT_LENGTH

__all__ = ["ADMIN_ACTIONS", "AdminTools", "WrongPasswordError"]

# What opens the administration menu: a role allowed one of these (the menu then shows
# what that role may do); the password opens everything.
ADMIN_ACTIONS = (MANAGE_ACCESS, EDIT_REFERENCE)
PASSWORD_ACTOR_NOTE = "Mot de passe administrateur"


class WrongPasswordError(WrongPinError):
    def __init__(self, tries_left: int) -> None:
        super().__init__(tries_left, "Mot de passe")


@dataclass(frozen=True)
class AdminTools:
    """The editors, the keypad and the administrator password of one screen."""

    store: Store
    actor: str
    keypad: Keypad
    ini_path: Path | None
    fallback_hash: str = ""  # the hash read at start, when the file cannot be read again

    @classmethod
    def of(cls, services: BoardServices, config: Config, *,
           clock: Callable[[], float] = time.monotonic) -> AdminTools:
        """The screen's tools: its database and actor (``services``), its ini file."""
        keypad = Keypad(services.store, services.actor, clock=clock)
        return cls(services.store, services.actor, keypad, config.path,
                   config.administration.password_hash)

    def acting_as(self, actor: str) -> AdminTools:
        """The same tools (and keypad) writing in the name of ``actor``."""
        return replace(self, actor=actor)

    @property
    def reference(self) -> ReferenceAdmin:
        return ReferenceAdmin(self.store, self.actor)

    @property
    def people(self) -> PeopleAdmin:
        return PeopleAdmin(self.store, self.actor)

    # ------------------------------------------------------------------ who may unlock

    def pins_set(self) -> frozenset[str]:
        """Codes of the persons who have a PIN (never the PIN nor its hash)."""
        user = self.store.models.User
        with self.store.read() as session:
            return frozenset(session.scalars(
                select(user.code).where(user.pin_hash.is_not(None), user.pin_hash != "")))

    def unlockers(self, actions: tuple[str, ...]) -> list[Person]:
        """Active persons with a PIN whose role may do one of ``actions``, by name."""
        table = load_permissions(self.store)
        pins = self.pins_set()
        people = [Person(r["code"], r["name"], r["role_code"])
                  for r in self.reference.records(Kind.USER).values() if r["active"]
                  and r["code"] in pins and any(table.may(r["role_code"], a) for a in actions)]
        return sorted(people, key=lambda p: (p.name.casefold(), p.code))

    def allowed_actions(self, role: str) -> frozenset[str]:
        return load_permissions(self.store).actions_of(role)

    def unlock(self, person_code: str, pin: str, action: str, *, now: datetime) -> Person:
        """The keypad's :meth:`~synoptic.security.Keypad.unlock` (history, lock)."""
        return self.keypad.unlock(person_code, pin, action, now=now)

    def set_permissions(self, table: Mapping[str, Iterable[str]], *, now: datetime) -> list[str]:
        """What each role of ``table`` may do from now on, in one transaction (each role
        changed audited); returns the roles changed."""
        with self.store.write() as session:
            return [role for role, actions in table.items()
                    if write_permissions(session, self.store.models, role, actions,
                                         actor=self.actor, now=now)]

    # ------------------------------------------------------------------ the password

    def password_hash(self) -> str:
        """The ini's hash now ("" when none is set)."""
        if self.ini_path is None:
            return self.fallback_hash
        try:
            text = decode_text(self.ini_path.read_bytes()).text
            raw = IniFile(str(self.ini_path), text).get((ADMIN_SECTION,), ADMIN_PASSWORD_KEY)
        except (OSError, ConfigError):
            return self.fallback_hash
        return raw.text if raw is not None else ""

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash())

    def check_password(self, password: str, *, now: datetime) -> None:
        """Pass, or raise :class:`KeypadLockedError` / :class:`WrongPasswordError`; each
        try is in the history (``UNLOCK`` / ``UNLOCK_FAILED``, in the screen's name)."""
        seconds = self.keypad.locked_for()
        if seconds:
            raise KeypadLockedError(seconds)
        stored = self.password_hash()
        right = bool(stored) and verify_secret(password, stored)
        left = LOCK_AFTER_FAILURES
        if right:
            self.keypad.count_success()
            comment = f"{PASSWORD_ACTOR_NOTE} : menu d'administration ouvert"
        else:
            left = self.keypad.count_failure()
            comment = f"{PASSWORD_ACTOR_NOTE} erroné" + ("" if left else " ; clavier verrouillé")
        with self.store.write() as session:
            session.add(self.store.models.History(
                action=UNLOCK if right else UNLOCK_FAILED, date=now, actor=self.actor[:45],
                comment=comment[:COMMENT_LENGTH]))
        if not right:
            raise WrongPasswordError(left)
