"""One patient: name, first name, comment, responsable, times, and the patient's tasks.

A card is built from one immutable :class:`PatientView` and never edited in place: when the
patient changes, the box puts a new card in its place (only that card is rebuilt).
Lateness changes with time, not with data, so :meth:`update_time` recomputes it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import QDrag, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from synoptic.display import full_name
from synoptic.domain import BoxType, counts_as_late, late_minutes
from synoptic.views import PatientView, Reference
from ui.actions import Actions
from ui.context import UiContext
from ui.plain import plain_label, set_plain_tooltip
from ui.task_row import TaskRow
from ui.widgets import ElideButton, set_prop, touch_button

PATIENT_MIME = "application/x-synoptux-patient"


def format_time(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "—"
    if value.date() == now.date():
        return value.strftime("%H:%M")
    return value.strftime("%d/%m %H:%M")


def format_duration(start: datetime | None, end: datetime) -> str:
    if start is None:
        return ""
    minutes = max(0, int((end - start).total_seconds() // 60))
    hours, mins = divmod(minutes, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return f"{days} j {hours} h"
    return f"{hours} h {mins:02d}" if hours else f"{mins} min"


class MoveButton(QPushButton):
    """Touch: choose this patient for a move.  Press and drag: carry the card onto a box."""

    def __init__(self, pk: int, interaction: Callable[[], AbstractContextManager[None]]) -> None:
        super().__init__("⇄")
        self.pk = pk
        self._interaction = interaction  # the drag runs a nested event loop: hold updates
        self._press: QPoint | None = None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if (
            self._press is not None
            and event.buttons() & Qt.MouseButton.LeftButton
            and (event.position().toPoint() - self._press).manhattanLength()
            >= QApplication.startDragDistance()
        ):
            self._press = None
            self.setDown(False)
            drag = QDrag(self)
            mime = QMimeData()
            mime.setData(PATIENT_MIME, str(self.pk).encode())
            drag.setMimeData(mime)
            card = self.parentWidget()
            while card is not None and not isinstance(card, PatientCard):
                card = card.parentWidget()
            if card is not None:
                drag.setPixmap(card.grab().scaledToWidth(max(1, card.width() // 2)))
            with self._interaction():
                drag.exec(Qt.DropAction.MoveAction)
            return
        super().mouseMoveEvent(event)


class PatientCard(QFrame):
    """The opened card: every field of one patient, and every action on it."""

    move_requested = Signal(object)  # PatientView
    name_touched = Signal(int)  # patient key: a masked name touched (show it on this screen)

    def __init__(
        self,
        ctx: UiContext,
        actions: Actions,
        patient: PatientView,
        reference: Reference,
        *,
        box_type: BoxType,
        screen_masked: bool,
        name: str,
        interaction: Callable[[], AbstractContextManager[None]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PatientCard")
        self.ctx = ctx
        self.touch_actions = actions
        self.patient = patient
        self.box_type = box_type
        # The name as the board shows it (synoptic.display): the glance card's, masked or not.
        self.screen_masked = screen_masked
        self.name = name
        self.hidden_name = name != full_name(patient)
        self.setProperty("folded", patient.folded)
        self.setProperty("hiddenName", self.hidden_name)
        self.setProperty("late", False)
        self.setProperty("moving", False)
        self.setProperty("boxType", box_type.value)
        m = ctx.metrics
        outer = QVBoxLayout(self)
        outer.setContentsMargins(m.px(4), m.px(4), m.px(4), m.px(4))
        outer.setSpacing(m.px(3))
        outer.addLayout(self._name_row(interaction))
        outer.addWidget(self._details(reference))
        outer.addLayout(self._times())
        outer.addWidget(self._tasks(reference))
        self._render_name()
        self.update_time(ctx.clock())

    def _name_row(self, interaction: Callable[[], AbstractContextManager[None]]) -> QHBoxLayout:
        """Fold, then the name over the card's width (read from a few metres).  Move,
        annex program and history are made here; they sit on the responsable's row."""
        m, p, actions = self.ctx.metrics, self.patient, self.touch_actions
        row = QHBoxLayout()
        row.setSpacing(m.px(3))
        self.fold_button = touch_button(
            m,
            "▸" if p.folded else "▾",
            "FoldButton",
            square=True,
            tooltip="Déplier" if p.folded else "Replier",
        )
        self.fold_button.clicked.connect(
            lambda: actions.set_folded(self.patient, not self.patient.folded)
        )
        row.addWidget(self.fold_button)
        self.name_button = ElideButton(m, "", "NameButton", min_width=m.touch * 2)
        self.name_button.setProperty("late", False)
        self.name_button.setProperty("hiddenName", self.hidden_name)
        self.name_button.clicked.connect(self.toggle_name)
        row.addWidget(self.name_button, 1)
        self.move_button = self._move_button(interaction)
        self.annex_button: QPushButton | None = None
        if (
            self.ctx.config.interface.annex_button
            and p.annex_program
            and self.ctx.launcher.is_allowed(p.annex_program)
        ):
            arrow = self.ctx.glyphs.pick("↗", ">")
            self.annex_button = touch_button(
                m, arrow, "AnnexButton", square=True, tooltip="Dossier du patient"
            )
            self.annex_button.clicked.connect(lambda: actions.launch_annex(self.patient))
        self.history_button = touch_button(
            m, "☰", "HistoryButton", square=True, tooltip="Historique du patient"
        )
        self.history_button.clicked.connect(lambda: actions.show_history(self.patient))
        return row

    def _move_button(self, interaction: Callable[[], AbstractContextManager[None]]) -> MoveButton:
        """⇄ (touch, or drag onto a box); in Sortie, the definitive exit in words."""
        m = self.ctx.metrics
        exit_box = self.box_type is BoxType.EXIT
        button = MoveButton(self.patient.pk, interaction)
        button.setObjectName("MoveButton")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if exit_box:
            # Leaving the board for good has its own words, never the move icon.
            button.setText("Sortie définitive")
            button.setObjectName("DischargeButton")
            button.setMinimumSize(m.touch * 2, m.touch)
        else:
            button.setFixedSize(m.touch, m.touch)
        set_plain_tooltip(button, "Sortie définitive" if exit_box else "Déplacer")
        button.clicked.connect(lambda: self.move_requested.emit(self.patient))
        return button

    def _details(self, reference: Reference) -> QWidget:
        """The comment (why the patient came) on its own line over the card's width, then
        the responsable with move, annex program and history on one row."""
        m, p, actions = self.ctx.metrics, self.patient, self.touch_actions
        self.details = QWidget()
        self.details.setObjectName("PatientDetails")
        details_layout = QVBoxLayout(self.details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.setSpacing(m.px(3))
        self.comment_button = ElideButton(
            m, p.comment or "✎", "CommentButton", min_width=m.touch, wrap=True
        )
        self.comment_button.setProperty("empty", not p.comment)
        self.comment_button.clicked.connect(lambda: actions.edit_comment(self.patient))
        row = QHBoxLayout()
        row.setSpacing(m.px(3))
        resp = reference.responsables.get(p.responsable or "")
        resp_text = resp.name if resp else (p.responsable or "Aucun responsable")
        # The responsable takes the row's width; a long name goes over two lines.
        self.responsable_button = ElideButton(
            m, resp_text, "ResponsableButton", min_width=round(m.touch * 1.5), wrap=True
        )
        self.responsable_button.setProperty("responsable", p.responsable or "")
        self.responsable_button.clicked.connect(lambda: actions.choose_responsable(self.patient))
        row.addWidget(self.responsable_button, 1)
        if p.comment:
            details_layout.addWidget(self.comment_button)
        else:  # no comment yet: a square "✎" on the row, no line of its own
            set_plain_tooltip(self.comment_button, "Commentaire")
            self.comment_button.setFixedSize(m.touch, m.touch)
            row.addWidget(self.comment_button)
        details_layout.addLayout(row)
        for tool in (self.move_button, self.annex_button, self.history_button):
            if tool is not None:
                row.addWidget(tool)  # opened: the card is always unfolded
        return self.details

    def _times(self) -> QHBoxLayout:
        """Entry time, last move (or exit time, a button in Sortie), time spent."""
        m = self.ctx.metrics
        row = QHBoxLayout()
        row.setSpacing(m.px(6))
        self.entry_label = plain_label(name="EntryTime")
        self.exit_button: QPushButton | None = None
        self.move_label: QLabel | None = None
        row.addWidget(self.entry_label)
        if self.box_type is BoxType.EXIT:
            self.exit_button = touch_button(m, "", "ExitTime", tooltip="Changer l'heure de sortie")
            self.exit_button.clicked.connect(
                lambda: self.touch_actions.change_exit_time(self.patient)
            )
            row.addWidget(self.exit_button)
        else:
            self.move_label = plain_label(name="MoveTime")
            row.addWidget(self.move_label)
        self.duration_label = plain_label(name="Duration")
        row.addStretch(1)
        row.addWidget(self.duration_label)
        return row

    def _tasks(self, reference: Reference) -> QWidget:
        """One row per task.  This is the opened card: everything shows, folded or not
        (folding is the glance's)."""
        p = self.patient
        self.task_rows: list[TaskRow] = []
        self.tasks_box = QWidget()
        self.tasks_box.setObjectName("TaskList")
        tasks_layout = QVBoxLayout(self.tasks_box)
        tasks_layout.setContentsMargins(0, 0, 0, 0)
        tasks_layout.setSpacing(self.ctx.metrics.px(3))
        for task in p.tasks:
            task_row = TaskRow(self.ctx, self.touch_actions, p, task, reference)
            tasks_layout.addWidget(task_row)
            self.task_rows.append(task_row)
        self.tasks_box.setVisible(bool(p.tasks))
        return self.tasks_box

    # ------------------------------------------------------------------ display

    def _render_name(self) -> None:
        p = self.patient
        text = self.name
        # Too long for one line: the last name above the first name, rather than cut.
        wrapped = None if self.hidden_name or not p.first_name else f"{p.last_name}\n{p.first_name}"
        self.name_button.setFullText(text, wrapped=wrapped)

    def set_masking(self, screen_masked: bool, name: str) -> None:
        """Names masked on this screen, or shown again: only the name changes."""
        self.screen_masked = screen_masked
        self.name = name
        self.hidden_name = name != full_name(self.patient)
        set_prop(self, "hiddenName", self.hidden_name)
        set_prop(self.name_button, "hiddenName", self.hidden_name)
        self._render_name()

    def toggle_name(self) -> None:
        """On a masked (public) screen, show or hide the name on this screen only
        (:attr:`name_touched`).

        Hiding a name on every screen (``EC_Anonyme``) is a deliberate action of the opened
        card, confirmed (``ui.open_card``): one touch on a name never does it."""
        if self.screen_masked:
            self.name_touched.emit(self.patient.pk)

    def update_time(self, now: datetime) -> list[QWidget]:
        """Refresh times and lateness; return the widgets that must blink now."""
        p = self.patient
        self.entry_label.setText(f"Entrée {format_time(p.entered_at, now)}")
        if self.exit_button is not None:
            self.exit_button.setText(f"Sortie {format_time(p.moved_at, now)}")
            end = p.moved_at or now
        else:
            assert self.move_label is not None
            # "Dépl." only once the patient has moved: an unmoved one shows its entry alone.
            moved = p.moved_at is not None and p.moved_at != p.entered_at
            self.move_label.setText(f"Dépl. {format_time(p.moved_at, now)}" if moved else "")
            end = now
        self.duration_label.setText(format_duration(p.entered_at, max(end, p.entered_at or end)))
        blinking: list[QWidget] = []
        any_late = False
        counted = counts_as_late(self.box_type)
        for task_row in self.task_rows:
            minutes = late_minutes(task_row.task, now) if counted else None
            late = minutes is not None
            any_late |= late
            task_row.set_late(late, minutes)
            if late:
                blinking.append(task_row.blink_target)
        set_prop(self, "late", any_late)
        return blinking

    def take(self, view: PatientView) -> bool:
        """Show ``view`` in place when only its tasks' states changed (a touch on a state:
        no card of 80 widgets built again); False when the card must be rebuilt."""
        old = self.patient
        same = replace(old, revision=0, tasks=()) == replace(view, revision=0, tasks=())
        if not same or len(view.tasks) != len(self.task_rows):
            return False
        if not all(row.can_take(t) for row, t in zip(self.task_rows, view.tasks, strict=True)):
            return False
        self.patient = view
        for row, task in zip(self.task_rows, view.tasks, strict=True):
            row.take(view, task)
        return True

    def blink_candidates(self) -> list[QWidget]:
        """Every widget of this card that may blink."""
        return [row.blink_target for row in self.task_rows] + [self.name_button]

    def set_moving(self, moving: bool) -> None:
        set_prop(self, "moving", moving)
        set_prop(self.move_button, "moving", moving)
