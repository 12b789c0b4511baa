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
from datetime import datetime
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from synoptic.config import COMMENT_MAX_LENGTH
from synoptic.db_errors import DatabaseFailure, is_outage
from synoptic.display import hide_name_in
from synoptic.errors import SynoptuxError
from synoptic.permissions import CHANGE_RESPONSABLE, DELETE_TASK, DISCHARGE
from synoptic.services import BoardServices
from synoptic.views import PatientView, TaskView
from ui.context import UiContext
from ui.live import database_error_message
from ui.profile import ScreenProfile
from ui.protected import require_permission
from ui.task_info import InfoHooks, TaskInformation

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


class BoardHooks(InfoHooks, Protocol):
    """What the actions need from the board (the task information's needs, and these)."""

    @property
    def offline(self) -> bool: ...
    def refresh_patients(self, pks: list[int]) -> None: ...
    def report_outage(self, error: BaseException) -> None: ...
    def interaction(self) -> AbstractContextManager[None]: ...
    def name_hidden(self, view: PatientView) -> bool: ...


P = ParamSpec("P")
R = TypeVar("R")


Method = Callable[Concatenate["Actions", P], R]


def interaction(method: Method[P, R]) -> Method[P, R]:
    """One touch, from the tap to the last dialog closed: the board holds back live
    updates meanwhile.  A dialog runs a nested event loop; a card rebuilt by the feed in
    that loop would be deleted under the very button whose click is still being handled."""

    @functools.wraps(method)
    def wrapper(self: Actions, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.board.interaction():
            return method(self, *args, **kwargs)

    return wrapper


class Actions:
    def __init__(self, ctx: UiContext, board: BoardHooks) -> None:
        self.ctx = ctx
        self.board = board
        self.task_info = TaskInformation(ctx, board)
        self.read_only = ScreenProfile.of(ctx.config).read_only

    # -------------------------------------------------------------- plumbing

    @property
    def services(self) -> BoardServices:
        return self.ctx.services

    def signed(self, action: str) -> BoardServices | None:
        """The services in the name of whoever may do ``action`` here (their PIN asked
        when the department set up roles: ``ui.protected``), or None: do nothing."""
        actor = require_permission(self.ctx, self.board.dialog_parent(), action)
        return None if actor is None else self.services.as_user(actor)

    def shown_name(self, p: PatientView) -> str:
        """The patient as the board shows it: on a masked screen, never the full name
        (dialog titles, confirmations, messages: see synoptic.display)."""
        return self.board.display_name(p)

    def write(
        self,
        p: PatientView,
        change: Callable[..., object],
        *args: object,
        revision: int | None = None,
        **options: object,
    ) -> bool:
        """One write of a touch: ``change(p.pk, *args, now=…, expected_revision=…,
        **options)``, a service method.  The revision expected is the one the screen
        showed: the patient's, or ``revision`` (a task's) when given."""
        expected = p.revision if revision is None else revision
        return self.run(
            p.pk,
            lambda: change(
                p.pk, *args, now=self.ctx.clock(), expected_revision=expected, **options
            ),
            patient=p,
        )

    def run(
        self, pk: int | None, call: Callable[[], object], *, patient: PatientView | None = None
    ) -> bool:
        """Run one service call for patient ``pk``; True when it was applied.  A refusal
        naming ``patient`` names it as the board shows it."""
        parent = self.board.dialog_parent()
        if self.read_only:  # a public screen never writes (it offers no action either)
            return False
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
            outage = is_outage(err)
            if outage:
                log.warning("base de données injoignable pendant une action : %s", err)
            else:
                log.error("erreur de base de données pendant une action : %s", err)
            self.ctx.dialogs.show_error(parent, self._failure_message(err))
            if not outage:  # the database is there: show the patient as it is now
                self._refresh(pk)
            return False
        self._refresh(pk)
        return True

    def _failure_message(self, err: BaseException) -> str:
        """What to tell after a database failure; an outage also raises the banner."""
        if is_outage(err):
            self.board.report_outage(err)
            return OFFLINE_MESSAGE
        return database_error_message(err)

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

    # -------------------------------------------------------------- patient

    @interaction
    def set_hidden(self, p: PatientView, hidden: bool) -> bool:
        return self.write(p, self.services.set_hidden, hidden)

    @interaction
    def set_folded(self, p: PatientView, folded: bool) -> bool:
        return self.write(p, self.services.set_folded, folded)

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
        services = self.signed(CHANGE_RESPONSABLE)
        return services is not None and self.write(p, services.set_responsable, code)

    @interaction
    def edit_comment(self, p: PatientView) -> bool:
        text = self.ctx.dialogs.edit_text(
            self.board.dialog_parent(),
            f"Commentaire — {self.shown_name(p)}",
            p.comment,
            COMMENT_MAX_LENGTH,
            presets=self.board.reference.preset_comments
            or self.ctx.config.choices.preset_comments,
        )
        if text is None or text.strip() == p.comment:
            return False
        return self.write(p, self.services.set_comment, text)

    @interaction
    def change_exit_time(self, p: PatientView) -> bool:
        initial = p.moved_at or self.ctx.clock()
        when = self.ctx.dialogs.pick_time(
            self.board.dialog_parent(), f"Heure de sortie — {self.shown_name(p)}", initial
        )
        if when is None or when == p.moved_at:
            return False
        return self.write(p, self.services.set_exit_time, when)

    @interaction
    def show_history(self, p: PatientView) -> None:
        try:
            rows = self.ctx.reads.history(p.pk)
        except DatabaseFailure as err:
            self.ctx.dialogs.show_error(self.board.dialog_parent(), self._failure_message(err))
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
        self, p: PatientView, box_code: str, destination: str | None, exit_time: datetime | None
    ) -> bool:
        return self.write(
            p, self.services.move, box_code, destination=destination, exit_time=exit_time
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
        services = self.signed(DISCHARGE)
        return services is not None and self.write(p, services.discharge)

    # -------------------------------------------------------------- tasks

    @interaction
    def set_task_state(self, p: PatientView, task: TaskView, state_code: str) -> bool:
        if state_code == task.state_code:
            return False
        return self.write(
            p, self.services.set_task_state, task.num, state_code, revision=task.revision
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
        services = self.signed(DELETE_TASK)
        return services is not None and self.write(
            p, services.delete_task, task.num, revision=task.revision
        )

    @interaction
    def show_task_info(self, p: PatientView, task: TaskView) -> None:
        """The task's details and information (see ui.task_info)."""
        self.task_info.show(p, task)

    def open_note_file(self, task: TaskView) -> None:
        """ "Ouvrir le document" (see ui.task_info)."""
        self.task_info.open_note_file(task)
