"""The questions the administration windows ask, behind one object (tests fake it).

:class:`AdminDialogs` answers the board's questions through the board's dialogs
(``ctx.dialogs``: text on the on-screen keyboard, confirmation, error) and its own: a
colour, a choice among big buttons (what to do instead of a refused deletion), a new PIN
typed twice on the digit pad, a new administrator password typed twice, and the access
to the administration menu (a password or a PIN).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol, TypeVar

from PySide6.QtWidgets import QDialog, QWidget

from synoptic.administration import AdminTools
from ui.admin.colour_picker import ColourDialog
from ui.admin.keypad import Access, NewPinDialog
from ui.admin.look import add_admin_rules
from ui.admin.unlock import NewPasswordDialog, UnlockDialog
from ui.context import DialogsLike
from ui.dialogs.base import CANCEL_NAME, TouchDialog
from ui.metrics import Metrics

__all__ = ["AdminDialogs", "AdminDialogsLike", "ChoiceDialog", "running"]

_D = TypeVar("_D", bound=QDialog)


class AdminDialogsLike(Protocol):
    def edit_text(self, parent: QWidget | None, title: str, initial: str,
                  max_length: int) -> str | None: ...
    def confirm(self, parent: QWidget | None, title: str, text: str, *, yes_text: str = "Oui",
                no_text: str = "Non") -> bool: ...
    def show_error(self, parent: QWidget | None, message: str) -> None: ...
    def pick_colour(self, parent: QWidget | None, title: str, current: str) -> str | None: ...
    def choose(self, parent: QWidget | None, title: str, text: str,
               options: Sequence[tuple[str, str]]) -> str | None: ...
    def new_pin(self, parent: QWidget | None, title: str) -> str | None: ...
    def new_password(self, parent: QWidget) -> tuple[str, str] | None: ...
    def unlock(self, parent: QWidget | None, admin: AdminTools,
               clock: Callable[[], datetime]) -> Access | None: ...


@contextmanager
def running(dialog: _D) -> Iterator[_D]:
    """Run modally, let the caller read the answer, then free the dialog."""
    try:
        dialog.exec()
        yield dialog
    finally:
        dialog.deleteLater()


class ChoiceDialog(TouchDialog):
    """A question and one big button per ``(key, label)``, then "Annuler"."""

    def __init__(self, metrics: Metrics, title: str, text: str,
                 options: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(metrics, title, "ChoiceDialog", parent)
        self.setMinimumWidth(metrics.px(640))
        self.body.addWidget(self.text_label(text), 1)
        self.chosen: str | None = None
        self.option_buttons = []
        for key, label in options:
            button = self.button(label, "ChoiceOption")
            button.setProperty("key", key)
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            self.option_buttons.append(button)
        self.cancel_button = self.button("Annuler", CANCEL_NAME)
        self.cancel_button.clicked.connect(self.reject)
        self.add_actions(*self.option_buttons, self.cancel_button)

    def _choose(self, key: str) -> None:
        self.chosen = key
        self.accept()

    def result_value(self) -> str | None:
        return self.chosen if self.result() == TouchDialog.DialogCode.Accepted else None


class AdminDialogs:
    """The real dialogs: ``base`` is the board's (``ctx.dialogs``)."""

    def __init__(self, metrics: Metrics, base: DialogsLike) -> None:
        self.metrics = metrics
        self.base = base

    def _styled(self, dialog: _D) -> _D:
        add_admin_rules(dialog, self.metrics)
        return dialog

    def edit_text(self, parent: QWidget | None, title: str, initial: str,
                  max_length: int) -> str | None:
        return self.base.edit_text(parent, title, initial, max_length)

    def confirm(self, parent: QWidget | None, title: str, text: str, *, yes_text: str = "Oui",
                no_text: str = "Non") -> bool:
        return self.base.confirm(parent, title, text, yes_text=yes_text, no_text=no_text)

    def show_error(self, parent: QWidget | None, message: str) -> None:
        self.base.show_error(parent, message)

    def pick_colour(self, parent: QWidget | None, title: str, current: str) -> str | None:
        dialog = ColourDialog(self.metrics, title, current, self.edit_text, parent)
        with running(self._styled(dialog)):
            return dialog.result_value()

    def choose(self, parent: QWidget | None, title: str, text: str,
               options: Sequence[tuple[str, str]]) -> str | None:
        with running(ChoiceDialog(self.metrics, title, text, options, parent)) as dialog:
            return dialog.result_value()

    def new_pin(self, parent: QWidget | None, title: str) -> str | None:
        with running(self._styled(NewPinDialog(self.metrics, title, parent))) as dialog:
            return dialog.result_value()

    def new_password(self, parent: QWidget) -> tuple[str, str] | None:
        with running(self._styled(NewPasswordDialog(self.metrics, parent))) as dialog:
            return dialog.result_value()

    def unlock(self, parent: QWidget | None, admin: AdminTools,
               clock: Callable[[], datetime]) -> Access | None:
        dialog = UnlockDialog(self.metrics, admin, clock, parent)
        with running(self._styled(dialog)):
            return dialog.result_value()
