"""The persons who unlock protected actions: code, name, role, active, and their PIN.

Edited like the reference data (:class:`~ui.admin.reference_editor.ReferenceEditor` on
``Kind.USER``); the PIN is set apart, typed twice on the digit pad, and stored as a salted
hash by :class:`synoptic.people_admin.PeopleAdmin` (the list only says whether a person
has one).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from synoptic.administration import AdminTools
from synoptic.db_errors import DatabaseFailure
from synoptic.errors import SynoptuxError
from synoptic.permissions import role_label
from synoptic.reference_rules import Kind, Record, display_name
from ui.admin.dialogs import AdminDialogsLike
from ui.admin.look import say
from ui.admin.reference_editor import ReferenceEditor, failure_text
from ui.dialogs.base import dialog_button
from ui.metrics import Metrics

__all__ = ["PersonsEditor"]

NEW_PIN, REMOVE_PIN = "new", "remove"


class PersonsEditor(ReferenceEditor):
    def __init__(self, metrics: Metrics, admin: AdminTools, dialogs: AdminDialogsLike,
                 clock: Callable[[], datetime]) -> None:
        self.pins: frozenset[str] = frozenset()
        super().__init__(metrics, Kind.USER, admin, dialogs, clock)
        self.pin_button = dialog_button(metrics, "Code PIN…", "PinButton")
        self.pin_button.clicked.connect(self.change_pin)
        self.actions_row.insertWidget(1, self.pin_button)
        self.show_record(self.key)

    def reload(self, select: str | None = None) -> None:
        try:
            self.pins = self.admin.pins_set()
        except DatabaseFailure as err:
            say(self.message, failure_text(err))
        super().reload(select)

    def describe(self, record: Record) -> str:
        pin = "PIN ✓" if record["code"] in self.pins else "sans PIN"
        text = f"{record['name']} ({record['code']}) — {role_label(record['role_code'])}, {pin}"
        return text + ("" if record["active"] else " (inactif)")

    def show_record(self, key: str | None) -> None:
        super().show_record(key)
        if hasattr(self, "pin_button"):  # not yet during the first reload
            self.pin_button.setEnabled(self.key is not None)

    def create_record(self, values: Record, now: datetime) -> str:
        return self.admin.people.create_person(values, None, now=now)

    def change_pin(self) -> None:
        if self.key is None:
            return
        code, record = self.key, self.records[self.key]
        name = display_name(Kind.USER, record)
        choice = NEW_PIN
        if code in self.pins:
            choice = self.dialogs.choose(
                self, "Code PIN", f"{name[:1].upper()}{name[1:]} a un code PIN.",
                [(NEW_PIN, "Nouveau code PIN"), (REMOVE_PIN, "Retirer le code PIN")]) or ""
        pin: str | None = None
        if choice == NEW_PIN:
            pin = self.dialogs.new_pin(self, f"Code PIN de {record['name'] or code}")
            if pin is None:
                return
        elif choice != REMOVE_PIN:
            return
        try:
            self.admin.people.set_pin(code, pin, now=self.clock())
        except (SynoptuxError, DatabaseFailure) as err:
            say(self.message, failure_text(err))
            return
        self.reload(select=code)
        say(self.message, ("Code PIN enregistré" if pin else "Code PIN retiré")
            + f" : {name}.", "ok")
