"""A small sample of the board drawn with a candidate style sheet: a top bar, a box with its
title, one patient card with a responsable, a comment, a task with its state buttons and a
late task, and the status bar, under the board's object names (README.md) and with the
database's colours (``ui.theme.data_rules``).

The sample is drawn apart, by a widget that is never shown (its picture is): the sheet
tried on it touches nothing else, neither the administration window nor the board.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from synoptic.config import Config
from synoptic.views import Reference
from ui.admin.sheet_check import qt_messages, sheet_as_applied
from ui.metrics import Metrics
from ui.plain import plain_label, set_button_text
from ui.theme import base_rules, data_rules

__all__ = ["SampleBoard", "render_sample"]

SIZE = QSize(560, 520)


def _button(text: str, name: str, parent_layout: QVBoxLayout | QHBoxLayout,
            **props: str) -> QPushButton:
    button = QPushButton()
    set_button_text(button, text)
    button.setObjectName(name)
    for key, value in props.items():
        button.setProperty(key, value)
    parent_layout.addWidget(button)
    return button


class SampleBoard(QWidget):
    """The sample itself, with the first box, task type, states and responsable of
    ``reference`` (placeholders when the database has none)."""

    def __init__(self, reference: Reference, metrics: Metrics) -> None:
        super().__init__()
        self.setObjectName("Board")
        canvas = QVBoxLayout(self)
        canvas.setContentsMargins(0, 0, 0, 0)
        top = QFrame()
        top.setObjectName("TopBar")
        bar = QHBoxLayout(top)
        _button("Responsable : tous ▾", "FilterButton", bar, active="false")
        clock = plain_label("samedi 21 novembre 14:00", "ClockLabel")
        bar.addWidget(clock, 1)
        canvas.addWidget(top)

        area = QWidget()
        area.setObjectName("BoardCanvas")
        inside = QVBoxLayout(area)
        inside.setContentsMargins(*(metrics.margin,) * 4)
        box = reference.boxes[0] if reference.boxes else None
        panel = QFrame()
        panel.setObjectName("BoxPanel")
        panel.setProperty("boxCode", box.code if box else "B1")
        panel.setProperty("boxType", box.type.value if box else "Soins")
        column = QVBoxLayout(panel)
        _button(f"{box.label if box else 'Box 1'}  2/4", "BoxTitle", column,
                boxCode=box.code if box else "B1")
        card = QFrame()
        card.setObjectName("PatientCard")
        card_column = QVBoxLayout(card)
        _button("DUPONT Marie", "NameButton", card_column, late="false")
        details = QHBoxLayout()
        resp = next(iter(reference.responsables.values()), None)
        _button(resp.name if resp else "Dr Martin", "ResponsableButton", details,
                responsable=resp.code if resp else "")
        _button("Douleur thoracique", "CommentButton", details, empty="false")
        card_column.addLayout(details)
        times = QHBoxLayout()
        for name, text in (("EntryTime", "Entrée 13:30"), ("Duration", "30 min")):
            times.addWidget(plain_label(text, name))
        card_column.addLayout(times)
        task = next(iter(reference.task_types.values()), None)
        states = list(reference.states.values())[:2]
        for late in ("false", "true"):
            row = QFrame()
            row.setObjectName("TaskRow")
            row.setProperty("taskCode", task.code if task else "")
            row.setProperty("late", late)
            task_row = QHBoxLayout(row)
            label = (task.label if task else "Radio") + (" (en retard)" if late == "true" else "")
            _button(label, "TaskButton", task_row, taskCode=task.code if task else "",
                    late=late, blinkOn=late, info="false")
            for index, state in enumerate(states):
                _button(state.label, "StateButton", task_row, stateCode=state.code,
                        current="true" if index == 0 else "false")
            card_column.addWidget(row)
        column.addWidget(card)
        column.addStretch(1)
        inside.addWidget(panel, 1)
        canvas.addWidget(area, 1)

        status = QStatusBar()
        status.setObjectName("StatusBar")
        status.setSizeGripEnabled(False)
        late_count = plain_label("1 tâche en retard", "LateCount")
        late_count.setProperty("alarm", "true")
        status.addWidget(late_count)
        status.addWidget(plain_label("Base de données : à l'écoute", "DatabaseStatus"))
        canvas.addWidget(status)
        self.labels: list[QLabel] = self.findChildren(QLabel)


def render_sample(text: str, reference: Reference, config: Config,
                  metrics: Metrics) -> tuple[QPixmap, list[str]]:
    """The sample drawn with the board's rules then ``text`` (a candidate ``synoptux.css``,
    checked beforehand); returns the picture and Qt's warnings while drawing it."""
    sample = SampleBoard(reference, metrics)
    sheet = base_rules(config, metrics) + data_rules(reference, config) + sheet_as_applied(text)
    with qt_messages() as caught:
        sample.setStyleSheet(sheet)
        sample.resize(metrics.px(SIZE.width()), metrics.px(SIZE.height()))
        picture = sample.grab()
    sample.deleteLater()
    return picture, caught
