"""One task of a patient: delete, the task button (label, comment, eye), and its state.

The state is shown as one button per allowed state (task type ``B``, the current one with
``current="true"``) or as one button opening a touch menu (``M``), coloured by state; the
task button takes the task type's colour and blinks to its alarm colour when late.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QFrame, QHBoxLayout, QMenu, QSizePolicy, QWidget

from synoptic.store.queries import PatientView, Reference, StateView, TaskView
from ui.actions import Actions
from ui.context import UiContext
from ui.widgets import ElideButton, eye, set_prop, touch_button

NO_STATE = "—"


def has_information(task: TaskView) -> bool:
    """The eye mark: a note, a host record, or a note file to open."""
    return bool(task.note.strip() or task.blob_key or task.note_file)


class TaskRow(QFrame):
    def __init__(self, ctx: UiContext, actions: Actions, patient: PatientView, task: TaskView,
                 reference: Reference, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TaskRow")
        self.ctx = ctx
        self.actions = actions
        self.patient = patient
        self.task = task
        m = ctx.metrics
        task_type = reference.task_types.get(task.code)
        self.label = task_type.label if task_type else task.code
        self.button_mode = task_type.button_mode if task_type else "M"
        self.states: tuple[StateView, ...] = reference.allowed_states(task.code)
        self.setProperty("taskCode", task.code)
        self.setProperty("late", False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(m.px(3))

        text = self.label + (f" · {task.comment}" if task.comment else "")
        if has_information(task):
            text = f"{eye()} {text}"
        self.task_button = ElideButton(m, text, "TaskButton", min_width=m.touch)
        self.task_button.setProperty("taskCode", task.code)
        self.task_button.setProperty("late", False)
        self.task_button.setProperty("info", has_information(task))
        self.task_button.clicked.connect(lambda: actions.show_task_info(patient, task))
        layout.addWidget(self.task_button, 3)

        self.state_buttons: dict[str, ElideButton] = {}
        self.menu_button: ElideButton | None = None
        self.menu: QMenu | None = None
        current = reference.states.get(task.state_code or "")
        if self.button_mode == "B" and self.states:
            for state in self.states:
                b = ElideButton(m, state.label, "StateButton", min_width=m.touch)
                b.setProperty("stateCode", state.code)
                b.setProperty("current", state.code == task.state_code)
                b.setCheckable(False)
                b.clicked.connect(lambda _=False, c=state.code: actions.set_task_state(
                    patient, task, c))
                layout.addWidget(b, 2)
                self.state_buttons[state.code] = b
        else:
            shown = current.label if current else (task.state_code or NO_STATE)
            self.menu_button = ElideButton(m, f"{shown} ▾", "StateMenuButton",
                                           min_width=m.touch * 2)
            self.menu_button.setProperty("stateCode", task.state_code or "")
            self.menu_button.setProperty("current", task.state_code is not None)
            self.menu_button.clicked.connect(self.open_state_menu)
            layout.addWidget(self.menu_button, 3)

        self.delete_button = touch_button(m, "✕", "DeleteTaskButton", square=True,
                                          tooltip="Supprimer la tâche")
        self.delete_button.clicked.connect(lambda: actions.delete_task(patient, task))
        layout.addWidget(self.delete_button)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def build_state_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("StateMenu")
        m = self.ctx.metrics
        menu.setMinimumWidth(m.touch * 4)
        if not self.states:
            action = menu.addAction("Aucun état possible pour cette tâche")
            action.setEnabled(False)
        for state in self.states:
            mark = "✔ " if state.code == self.task.state_code else "    "
            action = menu.addAction(mark + state.label)
            action.setData(state.code)
            action.triggered.connect(lambda _=False, c=state.code: self.actions.set_task_state(
                self.patient, self.task, c))
        return menu

    def open_state_menu(self) -> None:
        """Open the states under the button (non-blocking: one touch picks a state)."""
        assert self.menu_button is not None
        self.menu = self.build_state_menu()
        self.menu.popup(self.menu_button.mapToGlobal(QPoint(0, self.menu_button.height())))

    def set_late(self, late: bool) -> None:
        set_prop(self, "late", late)
        set_prop(self.task_button, "late", late)

    @property
    def blink_target(self) -> QWidget:
        return self.task_button
