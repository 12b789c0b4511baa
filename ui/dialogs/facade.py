"""``Dialogs``: the one object the board asks questions through.

Each method builds its dialog, runs it modally and returns a plain value, so board code
stays free of Qt dialog plumbing and board tests can replace the whole object by a fake.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QWidget

from synoptic.views import DestinationView, HistoryView, Reference, ResponsableView
from ui.dialogs.confirm import ConfirmDialog
from ui.dialogs.destination import DestinationChoice, DestinationDialog
from ui.dialogs.error import ErrorDialog
from ui.dialogs.history import HistoryDialog
from ui.dialogs.info import InfoDialog, LiveText
from ui.dialogs.late import LateTasksDialog
from ui.dialogs.responsable import ResponsableDialog
from ui.dialogs.text import TextDialog
from ui.dialogs.time_adjuster import Clock
from ui.dialogs.time_picker import TimePickerDialog
from ui.metrics import Metrics

_D = TypeVar("_D", bound=QDialog)


@contextmanager
def _running(dialog: _D) -> Iterator[_D]:
    """Run ``dialog`` modally, let the caller read it, then free it.

    A dialog parented to the board would otherwise live as long as the board: one more
    child per touch, all day long.
    """
    try:
        dialog.exec()
        yield dialog
    finally:
        dialog.deleteLater()


def _show(dialog: QDialog) -> None:
    """Run a dialog that answers nothing, then free it."""
    with _running(dialog):
        pass


class Dialogs:
    """One instance in the UI context.  ``clock`` feeds the "Maintenant" buttons."""

    def __init__(self, metrics: Metrics, *, clock: Clock = datetime.now) -> None:
        self.metrics = metrics
        self.clock = clock

    def choose_destination(
        self,
        parent: QWidget | None,
        box_label: str,
        destinations: Sequence[DestinationView],
        *,
        ask_exit_time: bool,
        now: datetime,
        patient: str = "",
        confirm_labels: Collection[str] = (),
    ) -> DestinationChoice | None:
        """``destinations`` in the order shown; ``confirm_labels`` ask to confirm;
        ``patient`` is the name as the board shows it (masked or not)."""
        dialog = DestinationDialog(
            self.metrics,
            box_label,
            destinations,
            ask_exit_time=ask_exit_time,
            now=now,
            parent=parent,
            clock=self.clock,
            patient=patient,
            confirm_labels=confirm_labels,
        )
        with _running(dialog):
            return dialog.result_value()

    def choose_responsable(
        self,
        parent: QWidget | None,
        responsables: Sequence[ResponsableView],
        current: str | None,
        *,
        patient: str = "",
    ) -> tuple[bool, str | None]:
        title = f"Responsable — {patient}" if patient else "Responsable"
        dialog = ResponsableDialog(self.metrics, responsables, current, parent, title=title)
        with _running(dialog):
            return dialog.result_value()

    def choose_late_task(
        self, parent: QWidget | None, rows: Sequence[tuple[int, str]]
    ) -> int | None:
        """The late tasks listed (patient key, text); the key of the one touched."""
        dialog = LateTasksDialog(self.metrics, rows, parent)
        with _running(dialog):
            return dialog.result_value()

    def confirm(
        self,
        parent: QWidget | None,
        title: str,
        text: str,
        *,
        yes_text: str = "Oui",
        no_text: str = "Non",
    ) -> bool:
        dialog = ConfirmDialog(
            self.metrics, title, text, parent, yes_text=yes_text, no_text=no_text
        )
        with _running(dialog):
            return dialog.result_value()

    def show_history(
        self,
        parent: QWidget | None,
        title: str,
        rows: Sequence[HistoryView],
        reference: Reference,
    ) -> None:
        _show(HistoryDialog(self.metrics, title, rows, reference, parent))

    def show_info(
        self,
        parent: QWidget | None,
        title: str,
        text: str | LiveText,
        *,
        action_label: str | None = None,
        action: Callable[[], None] | None = None,
    ) -> None:
        """The text (it may change while shown); with ``action_label`` and ``action``, a
        button that closes the window, then runs ``action``."""
        label = action_label if action is not None else None
        dialog = InfoDialog(self.metrics, title, text, parent, action_label=label)
        with _running(dialog):
            chosen = dialog.action_chosen
        if chosen and action is not None:
            action()

    def show_error(self, parent: QWidget | None, message: str) -> None:
        _show(ErrorDialog(self.metrics, message, parent))

    def pick_time(self, parent: QWidget | None, title: str, initial: datetime) -> datetime | None:
        dialog = TimePickerDialog(self.metrics, title, initial, parent, clock=self.clock)
        with _running(dialog):
            return dialog.result_value()

    def edit_text(
        self,
        parent: QWidget | None,
        title: str,
        initial: str,
        max_length: int,
        *,
        presets: Sequence[str] = (),
    ) -> str | None:
        """The text typed on the on-screen keyboard or set by a touch on a preset."""
        dialog = TextDialog(self.metrics, title, initial, max_length, parent, presets=presets)
        with _running(dialog):
            return dialog.result_value()
