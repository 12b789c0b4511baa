"""A task's information, shown on a touch on the task: its details, its note, the host
record's text and its note file.

The host record (``EN_PrimKey_blob``, read from MedinTux's database) is read in a worker
thread (:class:`ui.live.Background`): the window opens at once with "Chargement…", and the
text replaces it when the read ends (a queued signal brings it to the GUI thread), so a
slow or unreachable host database never freezes the board.

The note file (``Nom_Fichier_Note`` of an entry file) is opened with its reader
(``Nom_Lecteur_Note``, which must be on ``Programmes_Autorises``, see
:mod:`synoptic.launch_policy`) only from the window's "Ouvrir le document" button, never
by a mere look at the task, and only when its name is an absolute path that cannot pass
for an option of the reader (:func:`note_file_refusal`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from PySide6.QtWidgets import QWidget

from synoptic.error_text import first_line
from synoptic.errors import SynoptuxError
from synoptic.launch_policy import LaunchRefused, note_file_refusal
from synoptic.views import PatientView, Reference, TaskView
from ui.context import UiContext
from ui.dialogs.info import LiveText
from ui.live import Background

log = logging.getLogger(__name__)

LOADING = "Chargement…"
OPEN_DOCUMENT = "Ouvrir le document"


class InfoHooks(Protocol):
    """What the task information needs from the board."""

    @property
    def reference(self) -> Reference: ...
    @property
    def background(self) -> Background: ...
    def display_name(self, view: PatientView) -> str: ...
    def dialog_parent(self) -> QWidget: ...


class TaskInformation:
    def __init__(self, ctx: UiContext, board: InfoHooks) -> None:
        self.ctx = ctx
        self.board = board

    def show(self, p: PatientView, task: TaskView) -> None:
        """The task's details and information: its note, the host record's text (read in
        the background, "Chargement…" meanwhile) and its note file, opened only by the
        dialog's "Ouvrir le document" button."""
        ref = self.board.reference
        task_type = ref.task_types.get(task.code)
        label = task_type.label if task_type else task.code
        head = [task_info_text(task, ref)]
        if task.note.strip():
            head += ["", task.note.strip()]
        tail: list[str] = []
        action_label: str | None = None
        action: Callable[[], None] | None = None
        if task.note_file:
            refusal = note_file_refusal(task.note_file)
            if refusal is not None:
                tail += ["", refusal]
            elif not task.note_reader:
                tail += ["", f"Document : {task.note_file.strip()} (aucun lecteur indiqué)"]
            elif (reader_refused := self.ctx.launcher.refusal(task.note_reader)) is not None:
                tail += [
                    "",
                    f"Document : {task.note_file.strip()}",
                    f"Lecteur : {reader_refused} Le document ne peut pas être ouvert.",
                ]
            else:
                tail += ["", f"Document : {task.note_file.strip()}"]
                action_label = OPEN_DOCUMENT
                action = functools.partial(self.open_note_file, task)

        def compose(host: str | None) -> str:
            return "\n".join(head + (["", host] if host else []) + tail)

        text = LiveText(compose(None))
        if task.blob_key:
            self._read_host_record(task.blob_key, lambda host: text.set_text(compose(host)))
        who = self.board.display_name(p)  # as the board names it (synoptic.display)
        title = f"{label} — {who}"
        self.ctx.dialogs.show_info(
            self.board.dialog_parent(), title, text, action_label=action_label, action=action
        )

    def open_note_file(self, task: TaskView) -> None:
        """ "Ouvrir le document": the note file with its reader, if both are acceptable."""
        refusal = note_file_refusal(task.note_file)
        try:
            if refusal is not None:
                raise LaunchRefused(refusal)
            self.ctx.launcher.launch(task.note_reader, [task.note_file.strip()])
        except SynoptuxError as err:
            self.ctx.dialogs.show_error(self.board.dialog_parent(), err.message)

    def _read_host_record(self, blob_key: int, show: Callable[[str], None]) -> None:
        """The host record's text, read in a worker thread; ``show`` gets it (GUI thread)."""
        reads = self.ctx.reads
        if not reads.has_host_records:  # a sentence saying so, no database read
            show(reads.host_record_text(blob_key))
            return
        show(f"{LOADING} (texte du dossier n° {blob_key})")

        def failed(err: BaseException) -> None:
            log.warning("texte du dossier MedinTux %s illisible : %s", blob_key, err)
            show(f"Texte du dossier n° {blob_key} illisible (base MedinTux : {first_line(err)})")

        self.board.background.submit(lambda: reads.host_record_text(blob_key), show, failed)


def _hm(value: object) -> str:
    if not isinstance(value, datetime):
        return "—"
    return value.strftime("%d/%m %H:%M")


def task_info_text(task: TaskView, ref: Reference) -> str:
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
