"""Who opens a protected window: a person's PIN on the pad, or the administrator password.

:class:`UnlockDialog` lists, as big buttons, the active persons with a PIN whose role may
do one of ``actions`` (and "Mot de passe administrateur" when the ini holds one); a touch
on a person shows the PIN pad. It drives :class:`synoptic.security.Keypad` through
:class:`synoptic.administration.AdminTools`: five wrong PINs or passwords lock it for a
minute, the pad is disabled and a countdown says how long is left; every try is in the
history. ``result_value()``: an :class:`~ui.admin.keypad.Access` naming who, or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from synoptic.admin_password import check_admin_password
from synoptic.administration import ADMIN_ACTIONS, AdminTools
from synoptic.errors import SynoptuxError
from synoptic.security import KeypadLockedError, Person
from ui.admin.keypad import ALL_ACTIONS, Access, PinPad
from ui.admin.look import message_label, say
from ui.dialogs.base import CANCEL_NAME, TouchDialog
from ui.dialogs.button_grid import ButtonGrid
from ui.keyboard import OnScreenKeyboard
from ui.metrics import Metrics
from ui.plain import plain_label

__all__ = ["NewPasswordDialog", "PasswordEntry", "UnlockDialog"]

PASSWORD_TEXT = "Mot de passe administrateur"


class PasswordEntry(QWidget):
    """A masked field and the on-screen keyboard ("OK" submits, "Annuler" cancels)."""

    submitted = Signal(str)
    cancelled = Signal()

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(metrics.spacing * 2)
        column.addWidget(plain_label(PASSWORD_TEXT, "FieldLabel"))
        self.field = QLineEdit()
        self.field.setObjectName("PasswordField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setMinimumHeight(metrics.touch)
        self.field.setMaxLength(128)
        column.addWidget(self.field)
        self.keyboard = OnScreenKeyboard(metrics, self.field, self)
        self.keyboard.accepted.connect(lambda: self.submitted.emit(self.field.text()))
        self.keyboard.rejected.connect(self.cancelled)
        self.field.returnPressed.connect(lambda: self.submitted.emit(self.field.text()))
        column.addWidget(self.keyboard)
        # No automatic capital in a password: it would change the secret typed. (Connected
        # after the keyboard's own slot, so this one has the last word.)
        self.field.textChanged.connect(self._lower)
        self.field.cursorPositionChanged.connect(self._lower)
        self._lower()

    def _lower(self, *_args: object) -> None:
        if not self.field.text():
            self.keyboard.shift.setChecked(False)


class UnlockDialog(TouchDialog):
    def __init__(self, metrics: Metrics, admin: AdminTools, clock: Callable[[], datetime],
                 parent: QWidget | None = None, *, actions: Sequence[str] = ADMIN_ACTIONS,
                 title: str = "Administration : identifiez-vous",
                 allow_password: bool = True) -> None:
        super().__init__(metrics, title, "UnlockDialog", parent)
        self.admin = admin
        self.clock = clock
        self.wanted = tuple(actions)
        self.access: Access | None = None
        self.person: Person | None = None
        self.message = message_label()
        self.body.addWidget(self.message)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages, 1)

        self.people = ButtonGrid(metrics)
        self.setMinimumWidth(metrics.px(900))
        self.person_buttons = {}
        for person in admin.unlockers(self.wanted):
            button = self.people.add_button(f"{person.name or person.code} "
                                            f"({person.role_label})", "UnlockPerson")
            button.clicked.connect(lambda _=False, p=person: self.choose(p))
            self.person_buttons[person.code] = button
        self.password_button = None
        if allow_password and admin.has_password:
            self.password_button = self.people.add_button(PASSWORD_TEXT, "UnlockPassword")
            self.password_button.clicked.connect(self.choose_password)
        self.people.arrange(metrics.px(860), metrics.px(480))
        people_page = QWidget()
        people_column = QVBoxLayout(people_page)
        people_column.setContentsMargins(0, 0, 0, 0)
        people_column.addWidget(self.people)
        people_column.addStretch(1)
        self.pages.addWidget(people_page)

        pin_page = QWidget()
        pin_column = QVBoxLayout(pin_page)
        self.who = plain_label("", "DialogPatient")
        pin_column.addWidget(self.who)
        self.pad = PinPad(metrics, pin_page)
        self.pad.submitted.connect(self._pin)
        pin_column.addWidget(self.pad)
        self.pages.addWidget(pin_page)

        self.password = PasswordEntry(metrics)
        self.password.submitted.connect(self._password)
        self.password.cancelled.connect(self.reject)
        self.pages.addWidget(self.password)

        self.back_button = self.button("← Autre personne", "UnlockBack")
        self.back_button.clicked.connect(self.back)
        self.cancel_button = self.button("Annuler", CANCEL_NAME)
        self.cancel_button.clicked.connect(self.reject)
        self.add_actions(self.back_button, self.cancel_button)
        self.back_button.hide()
        if not self.people.buttons:
            say(self.message, "Personne ne peut ouvrir cette fenêtre : aucune personne active "
                "avec un code PIN n'en a le droit" + (", et aucun mot de passe administrateur "
                "n'est défini (synoptux set-admin-password)." if allow_password else "."))
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self.show_lock)
        self.show_lock()

    # ------------------------------------------------------------------ pages

    def choose(self, person: Person) -> None:
        self.person = person
        self.who.setText(person.name or person.code)
        self.pad.clear()
        self.pages.setCurrentIndex(1)
        self.back_button.show()
        self.adjustSize()  # the pad may need more height than the list of persons

    def choose_password(self) -> None:
        self.person = None
        self.password.field.clear()
        self.password.field.setFocus()
        self.pages.setCurrentIndex(2)
        self.back_button.show()
        self.cancel_button.hide()  # the keyboard has its own "Annuler"
        self.adjustSize()

    def back(self) -> None:
        self.pages.setCurrentIndex(0)
        self.back_button.hide()
        self.cancel_button.show()
        say(self.message, "")
        self.show_lock()

    # ------------------------------------------------------------------ checks

    def show_lock(self) -> bool:
        """The countdown while the keypad is locked; True when locked."""
        seconds = self.admin.keypad.locked_for()
        self.pad.set_locked(bool(seconds))
        self.password.setEnabled(not seconds)
        if seconds:
            say(self.message, str(KeypadLockedError(seconds)))
            self.countdown.start()
        elif self.countdown.isActive():
            self.countdown.stop()
            say(self.message, "Clavier déverrouillé : vous pouvez réessayer.", "info")
        return bool(seconds)

    def _pin(self, pin: str) -> None:
        person = self.person
        assert person is not None
        self.pad.clear()
        allowed = self.admin.allowed_actions(person.role)
        action = next((a for a in self.wanted if a in allowed), self.wanted[0])
        try:
            unlocked = self.admin.unlock(person.code, pin, action, now=self.clock())
        except SynoptuxError as refused:
            say(self.message, str(refused))
            self.show_lock()
            return
        self._grant(Access(unlocked.code, unlocked, allowed))

    def _password(self, password: str) -> None:
        self.password.field.clear()
        try:
            self.admin.check_password(password, now=self.clock())
        except SynoptuxError as refused:
            say(self.message, str(refused))
            self.show_lock()
            return
        self._grant(Access(self.admin.actor, None, ALL_ACTIONS))

    def _grant(self, access: Access) -> None:
        self.access = access
        self.countdown.stop()
        self.accept()

    def result_value(self) -> Access | None:
        return self.access if self.result() == TouchDialog.DialogCode.Accepted else None


class NewPasswordDialog(TouchDialog):
    """A new administrator password typed twice and checked (``check_admin_password``);
    ``result_value()``: ``(password, confirmation)`` or ``None``."""

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(metrics, "Nouveau mot de passe administrateur", "NewPasswordDialog",
                         parent)
        self.step = plain_label("Nouveau mot de passe (8 caractères au moins)", "DialogText")
        self.body.addWidget(self.step)
        self.message = message_label()
        self.body.addWidget(self.message)
        self.entry = PasswordEntry(metrics, self)
        self.entry.submitted.connect(self._submitted)
        self.entry.cancelled.connect(self.reject)
        self.body.addWidget(self.entry)
        self.first: str | None = None
        self.answer: tuple[str, str] | None = None

    def _submitted(self, text: str) -> None:
        self.entry.field.clear()
        if self.first is None:
            self.first = text
            self.step.setText("Confirmez le mot de passe")
            say(self.message, "")
            return
        first, self.first = self.first, None
        try:
            check_admin_password(first, text)
        except SynoptuxError as refused:
            self.step.setText("Nouveau mot de passe (8 caractères au moins)")
            say(self.message, f"{refused} Recommencez.")
            return
        self.answer = (first, text)
        self.accept()

    def result_value(self) -> tuple[str, str] | None:
        return self.answer if self.result() == TouchDialog.DialogCode.Accepted else None
