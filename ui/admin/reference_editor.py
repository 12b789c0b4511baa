"""The editor of one kind of reference data: its records as big buttons on the left, the
form of the one touched on the right, "Enregistrer" / "Supprimer" under it.

Every change is one call of :class:`synoptic.reference_admin.ReferenceAdmin` (one
transaction, audited; every screen sees it through the change feed). What the core
refuses is shown in French: a refused value under its field, anything else (a duplicate,
a board that would break, the database out of reach) at the top of the form. A deletion
the core refuses because the board uses the record offers "Désactiver" or "Renommer".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from synoptic.administration import AdminTools
from synoptic.db_errors import DatabaseFailure
from synoptic.db_messages import french_database_error
from synoptic.errors import SynoptuxError
from synoptic.reference_admin import InUseError
from synoptic.reference_rules import Kind, Record, ValidationError, display_name, fields_of
from ui.admin.dialogs import AdminDialogsLike
from ui.admin.look import message_label, say
from ui.admin.record_form import RecordForm
from ui.dialogs.base import OK_NAME, dialog_button
from ui.dialogs.button_grid import wrap_label
from ui.dialogs.touch_list import TouchList
from ui.metrics import Metrics
from ui.plain import set_button_text, set_plain_tooltip
from ui.widgets import make_kinetic, set_prop

__all__ = ["ReferenceEditor", "failure_text", "record_text"]

DEACTIVATE, RENAME = "deactivate", "rename"


def failure_text(err: BaseException) -> str:
    """A refusal of the core, or a database failure, in French."""
    if isinstance(err, SynoptuxError):
        return str(err)
    return french_database_error(err)


def fit_text(button: QPushButton, text: str, width: int, point_size: int) -> None:
    """``text`` on the button, on two lines when one is too wide, elided past two; the
    button no wider than ``width`` (a long label must not widen the list)."""
    font = QFont(button.font())
    font.setPointSize(point_size)  # the style sheet's size, not yet applied
    font.setBold(True)  # the record shown is in bold: measure the wider
    metrics = QFontMetrics(font)
    lines = wrap_label(text, metrics, width).split("\n")
    set_button_text(button, "\n".join(
        metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines[:2]))
    button.setMinimumWidth(0)
    # As wide as the list, whatever its text asks for (no list wider than its column).
    button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    set_plain_tooltip(button, text)


def record_text(kind: Kind, record: Record) -> str:
    """How a record is listed (its label, then what tells it from the others)."""
    if kind is Kind.DESTINATION:
        text = f"{record['label']} — {record['exit_type']}"
    elif kind is Kind.PRESET_COMMENT:
        text = str(record["text"])
    elif kind is Kind.BOX:
        text = f"{record['label']} ({record['code']}) — {record['type']}"
    else:
        text = f"{record[kind.label_field]} ({record['code']})"
    return text + ("" if record.get("active", True) else " (inactif)")


class ReferenceEditor(QWidget):
    def __init__(self, metrics: Metrics, kind: Kind, admin: AdminTools,
                 dialogs: AdminDialogsLike, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.setObjectName("ReferenceEditor")
        self.metrics = metrics
        self.kind = kind
        self.admin = admin
        self.dialogs = dialogs
        self.clock = clock
        self.records: dict[str, Record] = {}
        self.key: str | None = None  # the record shown; None: a new one
        self.dirty = False

        row = QHBoxLayout(self)
        row.setSpacing(metrics.spacing * 3)
        left = QVBoxLayout()
        self.new_button = dialog_button(metrics, "+ Nouveau", "NewRecord")
        self.new_button.clicked.connect(self.new)
        left.addWidget(self.new_button)
        self.list = TouchList(metrics)
        left.addWidget(self.list, 1)
        self.left = QWidget()
        self.left.setLayout(left)
        self.left.setFixedWidth(metrics.px(380))
        self.list_width = metrics.px(380) - metrics.px(90)  # margins, scroll bar, padding
        row.addWidget(self.left)

        right = QVBoxLayout()
        self.message = message_label()
        right.addWidget(self.message)
        self.form_area = QScrollArea()
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.form_area.setWidgetResizable(True)
        make_kinetic(self.form_area)
        self.states = self._states()
        self.form = self._new_form()
        right.addWidget(self.form_area, 1)
        self.actions_row = QHBoxLayout()
        self.actions_row.setSpacing(metrics.spacing * 3)
        self.save_button = dialog_button(metrics, "Enregistrer", OK_NAME)
        self.save_button.clicked.connect(self.save)
        self.delete_button = dialog_button(metrics, "Supprimer", "DangerButton")
        self.delete_button.clicked.connect(self.delete)
        self.revert_button = dialog_button(metrics, "Annuler les modifications", "RevertButton")
        self.revert_button.clicked.connect(lambda: self.show_record(self.key))
        for button in (self.save_button, self.delete_button, self.revert_button):
            self.actions_row.addWidget(button)
        right.addLayout(self.actions_row)
        row.addLayout(right, 1)
        self.reload()

    def _new_form(self) -> RecordForm:
        form = RecordForm(self.metrics, self.kind, ask_text=self._ask_text,
                          ask_colour=self._ask_colour, states=self.states)
        form.changed.connect(self._edited)
        self.form_area.setWidget(form)  # the old form, if any, is deleted
        return form

    def refresh(self) -> None:
        """Shown again (another tab may have changed the states): read again, unless the
        form holds unsaved changes."""
        if self.dirty:
            return
        states = self._states()
        if states != self.states:
            self.states = states
            self.form = self._new_form()
        self.reload()

    # ------------------------------------------------------------------ reading

    def _states(self) -> list[tuple[str, str, bool]]:
        if self.kind is not Kind.TASK_TYPE:
            return []
        return [(r["code"], r["label"] or r["code"], r["active"])
                for r in self._read(Kind.STATE).values()]

    def _read(self, kind: Kind) -> dict[str, Record]:
        try:
            return self.admin.reference.records(kind)
        except DatabaseFailure as err:
            say(self.message, failure_text(err))
            return {}

    def reload(self, select: str | None = None) -> None:
        """Read the records again and show ``select`` (else the one shown, else the first)."""
        self.records = self._read(self.kind)
        old = self.list
        self.list = TouchList(self.metrics)
        for key, record in self.records.items():
            button = self.list.add_button("", "RecordButton")
            fit_text(button, self.describe(record), self.list_width, self.metrics.font_pt)
            button.setCheckable(True)
            button.setProperty("key", key)
            set_prop(button, "inactive", not record.get("active", True))
            button.clicked.connect(lambda _=False, k=key: self.open(k))
        layout = self.left.layout()
        assert layout is not None
        layout.replaceWidget(old, self.list)
        if self.left.isVisible():
            self.list.show()  # now, not at the next event loop
        old.hide()  # out of the layout, but still drawn until deleted
        old.deleteLater()
        wanted = select if select is not None else self.key
        if wanted not in self.records:
            wanted = next(iter(self.records), None)
        self.show_record(wanted)

    def describe(self, record: Record) -> str:
        return record_text(self.kind, record)

    def button_of(self, key: str) -> QPushButton:
        return next(b for b in self.list.buttons if b.property("key") == key)

    # ------------------------------------------------------------------ showing

    def open(self, key: str | None) -> None:
        """A touch on a record (or "Nouveau"): unsaved changes are kept unless dropped."""
        if self.dirty and key != self.key and not self.dialogs.confirm(
                self, "Modifications non enregistrées",
                "Les modifications de cette fiche ne sont pas enregistrées. Les abandonner ?",
                yes_text="Abandonner", no_text="Continuer la saisie"):
            self._check_current()
            return
        say(self.message, "")
        self.show_record(key)

    def new(self) -> None:
        self.open(None)

    def show_record(self, key: str | None) -> None:
        self.key = key if key in self.records else None
        self.form.set_record(self.records.get(self.key) if self.key is not None else None)
        self.delete_button.setEnabled(self.key is not None)
        self.revert_button.setEnabled(False)
        self.dirty = False
        self._check_current()

    def _check_current(self) -> None:
        for button in self.list.buttons:
            button.setChecked(button.property("key") == self.key)

    def _edited(self) -> None:
        self.dirty = True
        self.revert_button.setEnabled(True)

    # ------------------------------------------------------------------ changes

    def create_record(self, values: Record, now: datetime) -> str:
        return self.admin.reference.create(self.kind, values, now=now)

    def save(self) -> bool:
        """Create or update the record shown; True when the core took it."""
        values = self.form.values()
        try:
            if self.key is None:
                key = self.create_record(values, self.clock())
                text = f"Ajouté : {display_name(self.kind, values)}."
            else:
                key = self.key
                changed = self.admin.reference.update(self.kind, key, values, now=self.clock())
                text = "Enregistré." if changed else "Aucune modification à enregistrer."
        except ValidationError as refused:
            others = self.form.show_problems(refused.problems)
            say(self.message, " ".join(others) or "Corrigez les champs signalés en rouge.")
            return False
        except (SynoptuxError, DatabaseFailure) as err:
            self.form.show_problems(())
            say(self.message, failure_text(err))
            return False
        self.dirty = False
        self.reload(select=key)
        say(self.message, text, "ok")
        return True

    def delete(self) -> None:
        if self.key is None:
            return
        key, record = self.key, self.records[self.key]
        name = display_name(self.kind, record)
        if not self.dialogs.confirm(self, "Supprimer", f"Supprimer {name} ?",
                                    yes_text="Supprimer", no_text="Annuler"):
            return
        try:
            self.admin.reference.delete(self.kind, key, now=self.clock())
        except InUseError as in_use:
            self._offer_instead(key, record, in_use)
            return
        except (SynoptuxError, DatabaseFailure) as err:
            say(self.message, failure_text(err))
            return
        self.dirty = False
        self.reload()
        say(self.message, f"Supprimé : {name}.", "ok")

    def _offer_instead(self, key: str, record: Record, in_use: InUseError) -> None:
        """The core refused the deletion: offer what it offers instead."""
        options = [(RENAME, "Renommer")]
        if self.kind.has_active and record.get("active", True):
            options.insert(0, (DEACTIVATE, "Désactiver"))
        say(self.message, str(in_use))
        choice = self.dialogs.choose(self, "Suppression impossible", str(in_use), options)
        try:
            if choice == DEACTIVATE:
                self.admin.reference.set_active(self.kind, key, False, now=self.clock())
                done = f"Désactivé : {display_name(self.kind, record)}."
            elif choice == RENAME:
                field = next(f for f in fields_of(self.kind) if f.name == self.kind.label_field)
                label = self.dialogs.edit_text(self, f"Nouveau {field.label.lower()}",
                                               str(record[field.name]), field.max_length)
                if label is None:
                    return
                self.admin.reference.rename(self.kind, key, label, now=self.clock())
                done = f"Renommé : {display_name(self.kind, {field.name: label})}."
            else:
                return
        except ValidationError as refused:
            say(self.message, str(refused))
            return
        except (SynoptuxError, DatabaseFailure) as err:
            say(self.message, failure_text(err))
            return
        self.dirty = False
        self.reload(select=key)
        say(self.message, done, "ok")

    # ------------------------------------------------------------------ questions

    def _ask_text(self, parent: QWidget, title: str, initial: str, max_length: int) -> Any:
        return self.dialogs.edit_text(parent, title, initial, max_length)

    def _ask_colour(self, parent: QWidget, title: str, current: str) -> Any:
        return self.dialogs.pick_colour(parent, title, current)
