"""Secrets and the PIN keypad: salted slow hashes, PIN checks, the five-tries lock.

Hashes: ``hashlib.scrypt`` (standard library, OpenSSL), a random 16-byte salt per secret,
n=2**14, r=8, p=1 (16 MiB, about 50 ms here). scrypt rather than PBKDF2 because it is
memory-hard: guessing on a GPU or an ASIC costs memory as well as time, where PBKDF2 only
costs time and needs hundreds of thousands of iterations to be slow at all. A PIN has
few digits, so no hash makes a stolen database safe for long: the hash keeps PINs out of
clear text and slows guessing; the keypad's lock is what stops guessing on a screen.
Stored form: ``scrypt$n$r$p$salt$hash`` (salt and hash in base64), so the cost can rise
later without invalidating existing hashes.

The keypad (:class:`Keypad`, one per screen) checks a person's PIN for one protected action:
five wrong PINs in a row lock it for a minute (clock injected). Every failed and successful
unlock is written to the history (``UNLOCK_FAILED``, ``UNLOCK``), and so is a right PIN whose
role may not do the action (``UNLOCK_REFUSED``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from synoptic.errors import InvalidValueError, SynoptuxError
from synoptic.messages import quote_value
from synoptic.permissions import PermissionTable, action_label, role_label
from synoptic.store.db import Store
from synoptic.store.models import COMMENT_LENGTH, Models

__all__ = [
    "LOCK_AFTER_FAILURES",
    "LOCK_SECONDS",
    "Keypad",
    "KeypadLockedError",
    "NotPermittedError",
    "Person",
    "WrongPinError",
    "check_pin_format",
    "hash_secret",
    "load_permissions",
    "permission_table",
    "verify_secret",
]

UNLOCK = "UNLOCK"
UNLOCK_FAILED = "UNLOCK_FAILED"
UNLOCK_REFUSED = "UNLOCK_REFUSED"
LOCK_AFTER_FAILURES = 5
LOCK_SECONDS = 60

SCHEME = "scrypt"
COST = (2**14, 8, 1)  # n, r, p
_MAX_COST = (2**20, 32, 16)  # a stored hash asking for more is refused (a forged ini/DB row)
_SALT_BYTES = 16
_KEY_BYTES = 32
PIN_RE = re.compile(r"[0-9]{4,8}")  # ASCII digits: \d takes any script's


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * r * n + (1 << 20), dklen=_KEY_BYTES)


def hash_secret(secret: str, *, cost: tuple[int, int, int] = COST) -> str:
    """A salted scrypt hash of ``secret`` in the stored form (never the secret itself)."""
    n, r, p = cost
    salt = secrets.token_bytes(_SALT_BYTES)
    return f"{SCHEME}${n}${r}${p}${_b64(salt)}${_b64(_scrypt(secret, salt, n, r, p))}"


def verify_secret(secret: str, stored: str | None) -> bool:
    """True when ``secret`` matches ``stored``; False for a missing or malformed hash."""
    parts = (stored or "").split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return False
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return False
    if not (1 < n <= _MAX_COST[0] and n & (n - 1) == 0 and 0 < r <= _MAX_COST[1]
            and 0 < p <= _MAX_COST[2] and salt and expected):
        return False
    return hmac.compare_digest(_scrypt(secret, salt, n, r, p), expected)


def check_pin_format(pin: str) -> str:
    """The PIN if it has 4 to 8 digits, else :class:`InvalidValueError`."""
    if not PIN_RE.fullmatch(pin):
        raise InvalidValueError("Le code PIN doit compter de 4 à 8 chiffres.")
    return pin


@cache
def _dummy_hash() -> str:
    """Checked when the person is unknown or has no PIN, so a wrong name takes as long as a
    wrong PIN (the keypad does not tell by its speed which persons exist)."""
    return hash_secret(secrets.token_hex(8))


@dataclass(frozen=True)
class Person:
    code: str
    name: str
    role: str

    @property
    def role_label(self) -> str:
        return role_label(self.role)


class WrongPinError(SynoptuxError):
    """A wrong secret on the keypad: a PIN, or the administrator password (``what``)."""

    def __init__(self, tries_left: int, what: str = "Code PIN") -> None:
        if tries_left:
            message = (f"{what} incorrect. Encore {tries_left} essai(s) avant le verrouillage "
                       "du clavier.")
        else:
            message = (f"{what} incorrect. Clavier verrouillé pendant {LOCK_SECONDS} secondes "
                       f"après {LOCK_AFTER_FAILURES} essais erronés.")
        super().__init__(message)
        self.tries_left = tries_left


class KeypadLockedError(SynoptuxError):
    def __init__(self, seconds: int) -> None:
        super().__init__(f"Clavier verrouillé après {LOCK_AFTER_FAILURES} essais erronés : "
                         f"réessayez dans {seconds} s.")
        self.seconds = seconds


class NotPermittedError(SynoptuxError):
    def __init__(self, person: Person, action: str) -> None:
        super().__init__(f"{person.name or person.code} ({person.role_label}) n'a pas le droit "
                         f"de {action_label(action)}.")
        self.person = person
        self.action = action


def permission_table(session: Session, models: Models) -> PermissionTable:
    p = models.Permission
    return PermissionTable.of((role, action) for role, action in session.execute(
        select(p.role_code, p.action)))


def load_permissions(store: Store) -> PermissionTable:
    """The permission table as the database holds it now."""
    with store.read() as session:
        return permission_table(session, store.models)


class Keypad:
    """One screen's PIN keypad. ``actor``: who the history names for a failed try (the
    screen); ``clock``: monotonic seconds, for the lock (tests pass their own)."""

    def __init__(self, store: Store, actor: str, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._actor = actor
        self._clock = clock
        self._failures = 0
        self._locked_until: float | None = None

    def locked_for(self) -> int:
        """Seconds the keypad stays locked (0: it takes a PIN)."""
        if self._locked_until is None:
            return 0
        left = self._locked_until - self._clock()
        if left <= 0:
            self._locked_until = None
            return 0
        return math.ceil(left)

    def count_failure(self) -> int:
        """One more wrong secret (a PIN, or the administrator password the administration
        menu takes on this keypad); returns the tries left, 0 when it locks now."""
        self._failures += 1
        left = max(0, LOCK_AFTER_FAILURES - self._failures)
        if not left:
            self._failures = 0
            self._locked_until = self._clock() + LOCK_SECONDS
        return left

    def count_success(self) -> None:
        self._failures = 0

    def unlock(self, person_code: str, pin: str, action: str, *, now: datetime) -> Person:
        """The person whose PIN this is, if their role may do ``action``; else raises
        :class:`KeypadLockedError`, :class:`WrongPinError` or :class:`NotPermittedError`.
        The history gets one row in each case but the first (nothing is checked then)."""
        seconds = self.locked_for()
        if seconds:
            raise KeypadLockedError(seconds)
        m = self._store.models
        with self._store.write() as session:
            row = session.get(m.User, person_code) if person_code else None
            stored = row.pin_hash if row is not None and row.active else None
            right = verify_secret(pin, stored or _dummy_hash()) and bool(stored)
            if row is None or not right:
                left = self.count_failure()
                self._history(session, UNLOCK_FAILED, self._actor, now,
                              f"PIN erroné pour « {quote_value(person_code)} » "
                              f"({action_label(action)})"
                              + ("" if left else " ; clavier verrouillé"))
                error: SynoptuxError = WrongPinError(left)
            else:
                self.count_success()
                person = Person(row.code, row.name, row.role_code)
                allowed = permission_table(session, m).may(person.role, action)
                self._history(session, UNLOCK if allowed else UNLOCK_REFUSED, person.code, now,
                              f"{action_label(action)} ({person.role_label})")
                if allowed:
                    return person
                error = NotPermittedError(person, action)
        raise error  # after the commit: the history row stays

    def _history(self, session: Session, action: str, actor: str, now: datetime,
                 comment: str) -> None:
        session.add(self._store.models.History(
            action=action, date=now, actor=actor[:45], comment=comment[:COMMENT_LENGTH]))
