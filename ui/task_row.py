"""One task of a patient: delete, the task button (label, comment, eye), and its state.

The state is shown as one button per allowed state (task type ``B``, the current one with
``current="true"``) or as one button opening a touch menu (``M``), coloured by state; the
task button takes the task type's colour and blinks to its alarm colour when late.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QMenu, QSizePolicy, QWidget

from synoptic.domain import format_late
from synoptic.views import PatientView, Reference, StateView, TaskView
from ui.actions import Actions
from ui.context import UiContext
from ui.plain import add_plain_action
from ui.widgets import ElideButton, set_prop, touch_button

NO_STATE = "État"  # no state yet: the button says what touching it chooses


def has_information(task: TaskView) -> bool:
    """The eye mark: a note, a host record, or a note file to open."""
    return bool(task.note.strip() or task.blob_key or task.note_file)


class TaskRow(QFrame):
    def __init__(
        self,
        ctx: UiContext,
        actions: Actions,
        patient: PatientView,
        task: TaskView,
        reference: Reference,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("TaskRow")
        self.ctx = ctx
        self.touch_actions = actions
        self.patient = patient
        self.task = task
        self.reference = reference
        m = ctx.metrics
        task_type = reference.task_types.get(task.code)
        self.label = task_type.label if task_type else task.code
        self.button_mode = task_type.button_mode if task_type else "M"
        self.states: tuple[StateView, ...] = reference.allowed_states(
            task.code, task.state_code
        )
        self.setProperty("taskCode", task.code)
        self.setProperty("late", False)

        # One line when the box is wide enough; else the state buttons go under the label.
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(m.px(3))
        self.grid.setVerticalSpacing(m.px(3))
        self.two_lines: bool | None = None

        text = self.label + (f" · {task.comment}" if task.comment else "")
        if has_information(task):
            text = f"{ctx.glyphs.eye()} {text}"
        self.text = text
        self.late_minutes: int | None = None
        self.task_button = ElideButton(m, text, "TaskButton", min_width=m.touch)
        self.task_button.setProperty("taskCode", task.code)
        self.task_button.setProperty("late", False)
        self.task_button.setProperty("info", has_information(task))
        self.task_button.clicked.connect(lambda: actions.show_task_info(self.patient, self.task))

        self.state_buttons: dict[str, ElideButton] = {}
        self.menu_button: ElideButton | None = None
        self.menu: QMenu | None = None
        current = reference.states.get(task.state_code or "")
        if self.button_mode == "B" and self.states:
            for state in self.states:
                b = ElideButton(m, state.label, "StateButton", min_width=m.touch)
                b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
                b.setProperty("stateCode", state.code)
                b.setProperty("current", state.code == task.state_code)
                b.setCheckable(False)
                b.clicked.connect(
                    lambda _=False, c=state.code: actions.set_task_state(self.patient, self.task, c)
                )
                self.state_buttons[state.code] = b
        else:
            shown = current.label if current else (task.state_code or NO_STATE)
            self.menu_button = ElideButton(
                m, f"{shown} ▾", "StateMenuButton", min_width=round(m.touch * 1.5)
            )
            # As wide as its text, at most three touches: the label keeps the room.
            self.menu_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            self.menu_button.setMaximumWidth(m.touch * 3)
            self.menu_button.setProperty("stateCode", task.state_code or "")
            self.menu_button.setProperty("current", task.state_code is not None)
            self.menu_button.clicked.connect(self.open_state_menu)

        self.states_box = QWidget()
        self.states_box.setObjectName("TaskStates")
        states_layout = QHBoxLayout(self.states_box)
        states_layout.setContentsMargins(0, 0, 0, 0)
        states_layout.setSpacing(m.px(3))
        for w in (*self.state_buttons.values(), self.menu_button):
            if w is not None:
                states_layout.addWidget(w)

        self.delete_button = touch_button(
            m, "✕", "DeleteTaskButton", square=True, tooltip="Supprimer la tâche"
        )
        self.delete_button.clicked.connect(lambda: actions.delete_task(self.patient, self.task))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._arrange(two_lines=False)

    def one_line_width(self) -> int:
        """Width needed to show the label and every state button readably on one line."""
        m = self.ctx.metrics
        states = list(self.state_buttons.values())
        gap = m.px(3)
        needed = m.touch * 3 + m.touch + gap * (len(states) + 1)  # label, delete
        for b in states:
            needed += max(m.touch, b.fontMetrics().horizontalAdvance(b.fullText()) + m.px(10))
        return needed

    def _arrange(self, *, two_lines: bool) -> None:
        """One line: label (it takes the stretch), states at their text's width, delete.
        Two lines: label and delete, then the states over the whole width."""
        if two_lines == self.two_lines:
            return
        self.two_lines = two_lines
        grid = self.grid
        for w in (self.task_button, self.delete_button, self.states_box):
            grid.removeWidget(w)
        expand = QSizePolicy.Policy.Expanding if two_lines else QSizePolicy.Policy.Preferred
        for b in self.state_buttons.values():
            # Stretch 0 and Expanding: each state its text's width, the rest shared.
            b.setSizePolicy(expand, QSizePolicy.Policy.Fixed)
        grid.addWidget(self.task_button, 0, 0)
        grid.setColumnStretch(0, 1)
        if two_lines:
            grid.addWidget(self.delete_button, 0, 1)
            grid.addWidget(self.states_box, 1, 0, 1, 2)
        else:
            grid.addWidget(self.states_box, 0, 1)
            grid.addWidget(self.delete_button, 0, 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Only buttons per state need two lines; a menu button always fits.
        if self.state_buttons:
            self._arrange(two_lines=event.size().width() < self.one_line_width())

    def build_state_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("StateMenu")
        m = self.ctx.metrics
        menu.setMinimumWidth(m.touch * 4)
        if not self.states:
            action = add_plain_action(menu, "Aucun état possible pour cette tâche")
            action.setEnabled(False)
        for state in self.states:
            mark = "✔ " if state.code == self.task.state_code else "    "
            action = add_plain_action(menu, mark + state.label)
            action.setData(state.code)
            action.triggered.connect(
                lambda _=False, c=state.code: self.touch_actions.set_task_state(
                    self.patient, self.task, c
                )
            )
        return menu

    def open_state_menu(self) -> None:
        """Open the states under the button (non-blocking: one touch picks a state)."""
        assert self.menu_button is not None
        if self.menu is not None:  # dismissed without a choice: the row would keep it
            self.menu.deleteLater()
        self.menu = self.build_state_menu()
        self.menu.popup(self.menu_button.mapToGlobal(QPoint(0, self.menu_button.height())))

    def can_take(self, task: TaskView) -> bool:
        """The same task, only its state or times changed (its label stays)."""
        t = self.task
        return (task.num, task.code, task.comment, has_information(task)) == (
            t.num,
            t.code,
            t.comment,
            has_information(t),
        )

    def take(self, patient: PatientView, task: TaskView) -> None:
        """The fresh view of this task: its state shown in place."""
        self.patient = patient
        self.task = task
        for code, button in self.state_buttons.items():
            set_prop(button, "current", code == task.state_code)
        if self.menu_button is not None:
            current = self.reference.states.get(task.state_code or "")
            shown = current.label if current else (task.state_code or NO_STATE)
            self.menu_button.setFullText(f"{shown} ▾")
            set_prop(self.menu_button, "stateCode", task.state_code or "")
            set_prop(self.menu_button, "current", task.state_code is not None)

    def set_late(self, late: bool, minutes: int | None = None) -> None:
        """Late: the alarm colour blinks, and the label says it in words (``⚠ … +25 min``)."""
        set_prop(self, "late", late)
        set_prop(self.task_button, "late", late)
        minutes = minutes if late else None
        if minutes != self.late_minutes:
            self.late_minutes = minutes
            shown = self.text if minutes is None else f"⚠ {self.text} {format_late(minutes)}"
            self.task_button.setFullText(shown)

    @property
    def blink_target(self) -> QWidget:
        return self.task_button
