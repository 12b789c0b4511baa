"""Every touch action of the board, in one place: call the service, then show the result.

A widget never writes SQL: it calls one of these methods with the view it displayed.
Each method passes ``now=ctx.clock()`` and the revision the screen showed; on a refusal
(:class:`SynoptuxError`: conflict with another screen, full box, state not allowed...) it
shows the French message and the fresh state of that patient; the service's transaction
guarantees nothing was half-applied.  When the database cannot be reached the action is
refused with a message and the board's outage banner is raised.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

from PySide6.QtWidgets import QWidget
from sqlalchemy.exc import SQLAlchemyError

from synoptic.errors import SynoptuxError
from synoptic.store import queries
from synoptic.store.queries import PatientView, Reference
from ui.context import UiContext

log = logging.getLogger(__name__)

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

    # -------------------------------------------------------------- plumbing

    def run(self, pk: int | None, call: Callable[[], object]) -> bool:
        """Run one service call for patient ``pk``; True when it was applied."""
        parent = self.board.dialog_parent()
        if self.board.offline:
            self.ctx.dialogs.show_error(parent, OFFLINE_MESSAGE)
            return False
        try:
            call()
        except SynoptuxError as err:
            self.ctx.dialogs.show_error(parent, err.message)
            self._refresh(pk)
            return False
        except SQLAlchemyError as err:
            log.warning("database error during an action: %s", err)
            self.board.report_outage(err)
            self.ctx.dialogs.show_error(parent, OFFLINE_MESSAGE)
            return False
        self._refresh(pk)
        return True

    def _refresh(self, pk: int | None) -> None:
        if pk is None:
            return
        try:
            self.board.refresh_patients([pk])
        except SQLAlchemyError as err:
            self.board.report_outage(err)

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
        )

    @interaction
    def set_folded(self, p: PatientView, folded: bool) -> bool:
        return self.run(
            p.pk,
            lambda: self.services.set_folded(
                p.pk, folded, now=self.ctx.clock(), expected_revision=p.revision
            ),
        )

    @interaction
    def choose_responsable(self, p: PatientView) -> bool:
        choices = [
            r
            for r in self.board.reference.responsables.values()
            if r.active or r.code == p.responsable
        ]
        accepted, code = self.ctx.dialogs.choose_responsable(
            self.board.dialog_parent(), choices, p.responsable
        )
        if not accepted or code == p.responsable:
            return False
        return self.run(
            p.pk,
            lambda: self.services.set_responsable(
                p.pk, code, now=self.ctx.clock(), expected_revision=p.revision
            ),
        )

    @interaction
    def edit_comment(self, p: PatientView) -> bool:
        text = self.ctx.dialogs.edit_text(
            self.board.dialog_parent(), f"Commentaire — {p.last_name}", p.comment, 45
        )
        if text is None or text.strip() == p.comment:
            return False
        return self.run(
            p.pk,
            lambda: self.services.set_comment(
                p.pk, text, now=self.ctx.clock(), expected_revision=p.revision
            ),
        )

    @interaction
    def change_exit_time(self, p: PatientView) -> bool:
        initial = p.moved_at or self.ctx.clock()
        when = self.ctx.dialogs.pick_time(
            self.board.dialog_parent(), f"Heure de sortie — {p.last_name}", initial
        )
        if when is None or when == p.moved_at:
            return False
        return self.run(
            p.pk,
            lambda: self.services.set_exit_time(
                p.pk, when, now=self.ctx.clock(), expected_revision=p.revision
            ),
        )

    @interaction
    def show_history(self, p: PatientView) -> None:
        try:
            with self.ctx.store.read() as session:
                rows = queries.patient_history(session, self.ctx.store.models, p.pk)
        except SQLAlchemyError as err:
            self.board.report_outage(err)
            self.ctx.dialogs.show_error(self.board.dialog_parent(), OFFLINE_MESSAGE)
            return
        title = f"Historique — {p.last_name} {p.first_name}".strip()
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
        )

    @interaction
    def discharge(self, p: PatientView) -> bool:
        if self.ctx.config.interface.confirm_definitive_exit:
            name = f"{p.last_name} {p.first_name}".strip()
            if not self.ctx.dialogs.confirm(
                self.board.dialog_parent(),
                "Sortie définitive",
                f"Sortie définitive de {name} : le patient quitte le tableau "
                "(son historique est conservé). Confirmer ?",
            ):
                return False
        return self.run(
            p.pk,
            lambda: self.services.discharge(
                p.pk, now=self.ctx.clock(), expected_revision=p.revision
            ),
        )

    # -------------------------------------------------------------- tasks

    @interaction
    def set_task_state(self, p: PatientView, task: queries.TaskView, state_code: str) -> bool:
        if state_code == task.state_code:
            return False
        return self.run(
            p.pk,
            lambda: self.services.set_task_state(
                p.pk, task.num, state_code, now=self.ctx.clock(), expected_revision=task.revision
            ),
        )

    @interaction
    def delete_task(self, p: PatientView, task: queries.TaskView) -> bool:
        task_type = self.board.reference.task_types.get(task.code)
        label = task_type.label if task_type else task.code
        if not self.ctx.dialogs.confirm(
            self.board.dialog_parent(),
            "Supprimer la tâche",
            f"Supprimer la tâche « {label} » de {p.last_name} {p.first_name} ?".replace("  ", " "),
        ):
            return False
        return self.run(
            p.pk,
            lambda: self.services.delete_task(
                p.pk, task.num, now=self.ctx.clock(), expected_revision=task.revision
            ),
        )

    @interaction
    def show_task_info(self, p: PatientView, task: queries.TaskView) -> None:
        """The task's details and information (note, host record text, note file)."""
        ref = self.board.reference
        task_type = ref.task_types.get(task.code)
        label = task_type.label if task_type else task.code
        lines = [task_info_text(task, ref)]
        if task.note.strip():
            lines += ["", task.note.strip()]
        if task.blob_key:
            lines += ["", self.host_record_text(task.blob_key)]
        if task.note_file:
            if task.note_reader:
                try:
                    self.ctx.launcher.launch(task.note_reader, [task.note_file])
                    lines += ["", f"Document ouvert : {task.note_file}"]
                except SynoptuxError as err:
                    lines += ["", f"Document : {task.note_file}", err.message]
            else:
                lines += ["", f"Document : {task.note_file} (aucun lecteur indiqué)"]
        title = f"{label} — {p.last_name} {p.first_name}".strip()
        self.ctx.dialogs.show_info(self.board.dialog_parent(), title, "\n".join(lines))

    def host_record_text(self, blob_key: int) -> str:
        reader = self.ctx.host_records
        if reader is None:
            return f"Texte du dossier n° {blob_key} (connexion MedinTux non configurée)"
        try:
            return reader.text(blob_key)
        except Exception as err:  # noqa: BLE001 - any failure of the optional host database
            log.warning("host record %s: %s", blob_key, err)
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            return f"Texte du dossier n° {blob_key} illisible (base MedinTux : {first})"


def _hm(value: object) -> str:
    from datetime import datetime

    if not isinstance(value, datetime):
        return "—"
    return value.strftime("%d/%m %H:%M")


def task_info_text(task: queries.TaskView, ref: Reference) -> str:
    task_type = ref.task_types.get(task.code)
    state = ref.states.get(task.state_code or "")
    parts = []
    if task.comment:
        parts.append(task.comment)
    parts.append(
        f"État : {state.label if state else 'non commencée'}"
        + (f" (par {task.actor})" if task.actor else "")
    )
    if task.planned_start or task.planned_end:
        parts.append(f"Prévue : début {_hm(task.planned_start)}, fin {_hm(task.planned_end)}")
    if task.started_at or task.ended_at:
        parts.append(f"Réalisée : début {_hm(task.started_at)}, fin {_hm(task.ended_at)}")
    if task.priority is not None:
        parts.append(f"Priorité {task.priority}")
    if task_type is None:
        parts.append(f"Code de tâche inconnu « {task.code} » : aucun état possible.")
    elif task_type.comment:
        parts.append(task_type.comment)
    return "\n".join(parts)
