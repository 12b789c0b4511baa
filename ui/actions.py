"""Every touch action of the board, in one place: call the service, then show the result.

A widget never writes SQL: it calls one of these methods with the view it displayed.
Each method passes ``now=ctx.clock()`` and the revision the screen showed; on a refusal
(:class:`SynoptuxError`: conflict with another screen, full box, state not allowed...) it
shows the French message and the fresh state of that patient; the service's transaction
guarantees nothing was half-applied.  When the database cannot be reached the action is
refused with a message and the board's outage banner is raised; any other database error
(a statement refused: the database is there) is shown as such and the card refreshed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

from PySide6.QtWidgets import QWidget

from synoptic.config import COMMENT_MAX_LENGTH
from synoptic.db_errors import DatabaseFailure
from synoptic.display import hide_name_in
from synoptic.errors import SynoptuxError
from synoptic.views import PatientView, Reference, TaskView
from ui.context import UiContext
from ui.live import Background, database_error_message, is_outage
from ui.task_info import TaskInformation

log = logging.getLogger(__name__)

DEFINITIVE_EXIT = "Sortie définitive"
DEFINITIVE_EXIT_TEXT = (
    "Sortie définitive de {name} : le patient quitte le tableau, sa fiche et ses tâches "
    "disparaissent de tous les écrans. Son historique est conservé. "
    "Cette action ne peut pas être annulée."
)
OFFLINE_MESSAGE = (
    "Base de données injoignable : l'action n'est pas enregistrée. "
    "Le tableau se reconnecte automatiquement ; recommencez dans un instant."
)


class BoardHooks(Protocol):
    """What the actions need from the board."""

    @property
    def reference(self) -> Reference: ...
    @property
    def offline(self) -> bool: ...
    def refresh_patients(self, pks: list[int]) -> None: ...
    def report_outage(self, error: BaseException) -> None: ...
    def dialog_parent(self) -> QWidget: ...
    def interaction(self) -> AbstractContextManager[None]: ...
    def name_hidden(self, view: PatientView) -> bool: ...
    def display_name(self, view: PatientView) -> str: ...
    @property
    def background(self) -> Background: ...


F = TypeVar("F", bound=Callable[..., Any])


def interaction(method: F) -> F:
    """One touch, from the tap to the last dialog closed: the board holds back live
    updates meanwhile.  A dialog runs a nested event loop; a card rebuilt by the feed in
    that loop would be deleted under the very button whose click is still being handled."""

    @functools.wraps(method)
    def wrapper(self: Actions, *args: Any, **kwargs: Any) -> Any:
        with self.board.interaction():
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Actions:
    def __init__(self, ctx: UiContext, board: BoardHooks) -> None:
        self.ctx = ctx
        self.board = board
        self.task_info = TaskInformation(ctx, board)

    # -------------------------------------------------------------- plumbing

    def shown_name(self, p: PatientView) -> str:
        """The patient as the board shows it: on a masked screen, never the full name
        (dialog titles, confirmations, messages: see synoptic.display)."""
        return self.board.display_name(p)

    def run(
        self, pk: int | None, call: Callable[[], object], *, patient: PatientView | None = None
    ) -> bool:
        """Run one service call for patient ``pk``; True when it was applied.  A refusal
        naming ``patient`` names it as the board shows it."""
        parent = self.board.dialog_parent()
        if self.board.offline:
            self.ctx.dialogs.show_error(parent, OFFLINE_MESSAGE)
            return False
        try:
            call()
        except SynoptuxError as err:
            message = err.message
            if patient is not None and self.board.name_hidden(patient):
                message = hide_name_in(message, patient, self.shown_name(patient))
            self.ctx.dialogs.show_error(parent, message)
            self._refresh(pk)
            return False
        except DatabaseFailure as err:
            if is_outage(err):
                log.warning("base de données injoignable pendant une action : %s", err)
                self.board.report_outage(err)
                self.ctx.dialogs.show_error(parent, OFFLINE_MESSAGE)
                return False
            log.error("erreur de base de données pendant une action : %s", err)
            self.ctx.dialogs.show_error(parent, database_error_message(err))
            self._refresh(pk)
            return False
        self._refresh(pk)
        return True

    def _refresh(self, pk: int | None) -> None:
        if pk is None:
            return
        try:
            self.board.refresh_patients([pk])
        except DatabaseFailure as err:
            if is_outage(err):
                self.board.report_outage(err)
            else:
                log.error("patient %s non relu : %s", pk, err)

    @property
    def services(self):  # type: ignore[no-untyped-def]
        return self.ctx.services

    # -------------------------------------------------------------- patient

    @interaction
    def set_hidden(self, p: PatientView, hidden: bool) -> bool:
        return self.run(
            p.pk,
            lambda: self.services.set_hidden(
                p.pk, hidden, now=self.ctx.clock(), expected_revision=p.revision
            ),
            patient=p,
        )

    @interaction
    def set_folded(self, p: PatientView, folded: bool) -> bool:
        return self.run(
            p.pk,
            lambda: self.services.set_folded(
                p.pk, folded, now=self.ctx.clock(), expected_revision=p.revision
            ),
            patient=p,
        )

    @interaction
    def choose_responsable(self, p: PatientView) -> bool:
        choices = [
            r
            for r in self.board.reference.responsables.values()
            if r.active or r.code == p.responsable
        ]
        accepted, code = self.ctx.dialogs.choose_responsable(
            self.board.dialog_parent(), choices, p.responsable, patient=self.shown_name(p)
        )
        if not accepted or code == p.responsable:
            return False
        return self.run(
            p.pk,
            lambda: self.services.set_responsable(
                p.pk, code, now=self.ctx.clock(), expected_revision=p.revision
            ),
            patient=p,
        )

    @interaction
    def edit_comment(self, p: PatientView) -> bool:
        text = self.ctx.dialogs.edit_text(
            self.board.dialog_parent(),
            f"Commentaire — {self.shown_name(p)}",
            p.comment,
            COMMENT_MAX_LENGTH,
            presets=self.ctx.config.choices.preset_comments,
        )
        if text is None or text.strip() == p.comment:
            return False
        return self.run(
            p.pk,
            lambda: self.services.set_comment(
                p.pk, text, now=self.ctx.clock(), expected_revision=p.revision
            ),
            patient=p,
        )

    @interaction
    def change_exit_time(self, p: PatientView) -> bool:
        initial = p.moved_at or self.ctx.clock()
        when = self.ctx.dialogs.pick_time(
            self.board.dialog_parent(), f"Heure de sortie — {self.shown_name(p)}", initial
        )
        if when is None or when == p.moved_at:
            return False
        return self.run(
            p.pk,
            lambda: self.services.set_exit_time(
                p.pk, when, now=self.ctx.clock(), expected_revision=p.revision
            ),
            patient=p,
        )

    @interaction
    def show_history(self, p: PatientView) -> None:
        try:
            rows = self.ctx.reads.history(p.pk)
        except DatabaseFailure as err:
            if is_outage(err):
                self.board.report_outage(err)
                message = OFFLINE_MESSAGE
            else:
                message = database_error_message(err)
            self.ctx.dialogs.show_error(self.board.dialog_parent(), message)
            return
        title = f"Historique — {self.shown_name(p)}"
        self.ctx.dialogs.show_history(self.board.dialog_parent(), title, rows, self.board.reference)

    @interaction
    def launch_annex(self, p: PatientView) -> bool:
        try:
            self.ctx.launcher.launch(p.annex_program, p.annex_args)
        except SynoptuxError as err:
            self.ctx.dialogs.show_error(self.board.dialog_parent(), err.message)
            return False
        return True

    # -------------------------------------------------------------- moves

    @interaction
    def move(
        self, p: PatientView, box_code: str, destination: str | None, exit_time: object | None
    ) -> bool:
        return self.run(
            p.pk,
            lambda: self.services.move(
                p.pk,
                box_code,
                now=self.ctx.clock(),
                destination=destination,
                exit_time=exit_time,
                expected_revision=p.revision,
            ),
            patient=p,
        )

    @interaction
    def discharge(self, p: PatientView) -> bool:
        if self.ctx.config.interface.confirm_definitive_exit and not self.ctx.dialogs.confirm(
            self.board.dialog_parent(),
            DEFINITIVE_EXIT,
            DEFINITIVE_EXIT_TEXT.format(name=self.shown_name(p)),
            yes_text=DEFINITIVE_EXIT,
            no_text="Annuler",
        ):
            return False
        return self.run(
            p.pk,
            lambda: self.services.discharge(
                p.pk, now=self.ctx.clock(), expected_revision=p.revision
            ),
            patient=p,
        )

    # -------------------------------------------------------------- tasks

    @interaction
    def set_task_state(self, p: PatientView, task: TaskView, state_code: str) -> bool:
        if state_code == task.state_code:
            return False
        return self.run(
            p.pk,
            lambda: self.services.set_task_state(
                p.pk, task.num, state_code, now=self.ctx.clock(), expected_revision=task.revision
            ),
            patient=p,
        )

    @interaction
    def delete_task(self, p: PatientView, task: TaskView) -> bool:
        task_type = self.board.reference.task_types.get(task.code)
        label = task_type.label if task_type else task.code
        if not self.ctx.dialogs.confirm(
            self.board.dialog_parent(),
            "Supprimer la tâche",
            f"Supprimer la tâche « {label} » de {self.shown_name(p)} ?",
            yes_text="Supprimer",
            no_text="Annuler",
        ):
            return False
        return self.run(
            p.pk,
            lambda: self.services.delete_task(
                p.pk, task.num, now=self.ctx.clock(), expected_revision=task.revision
            ),
            patient=p,
        )

    @interaction
    def show_task_info(self, p: PatientView, task: TaskView) -> None:
        """The task's details and information (see ui.task_info)."""
        self.task_info.show(p, task)

    def open_note_file(self, task: TaskView) -> None:
        """ "Ouvrir le document" (see ui.task_info)."""
        self.task_info.open_note_file(task)
