"""A period of whole days chosen with a finger: presets ("Hier", "7 derniers jours", "Ce
mois", "Mois dernier"...) and a day stepper for each end ("◀ 14/11/2026 ▶"); no keyboard.

The statistics and the global history windows share it.  ``today`` is passed in (the
board's clock), so the presets are testable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from synoptic.stats import Period
from ui.admin.look import ChoiceRow
from ui.dialogs.base import dialog_button
from ui.metrics import Metrics
from ui.plain import plain_label

__all__ = ["PRESETS", "PeriodPicker", "preset_period"]

DAY = timedelta(days=1)


def _month_start(day: date) -> date:
    return day.replace(day=1)


PRESETS: tuple[tuple[str, str, Callable[[date], tuple[date, date]]], ...] = (
    ("today", "Aujourd'hui", lambda t: (t, t)),
    ("yesterday", "Hier", lambda t: (t - DAY, t - DAY)),
    ("week", "7 derniers jours", lambda t: (t - 6 * DAY, t)),
    ("month", "Ce mois", lambda t: (_month_start(t), t)),
    ("last_month", "Mois dernier",
     lambda t: (_month_start(_month_start(t) - DAY), _month_start(t) - DAY)),
)


def preset_period(key: str, today: date) -> Period:
    """The period a preset names, for ``today``."""
    for name, _label, span in PRESETS:
        if name == key:
            return Period(*span(today))
    raise KeyError(key)


class DayStepper(QWidget):
    """"Du ◀ 14/11/2026 ▶": one day back or forward per touch (held: repeats)."""

    stepped = Signal(int)  # -1 or +1

    def __init__(self, metrics: Metrics, caption: str, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(metrics.spacing)
        row.addWidget(plain_label(caption, "PeriodCaption"))
        self.back = self._button(metrics, "◀", "DayBack", -1)
        row.addWidget(self.back)
        self.label: QLabel = plain_label("", "PeriodDay")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumWidth(metrics.px(190))
        row.addWidget(self.label)
        self.forward = self._button(metrics, "▶", "DayForward", 1)
        row.addWidget(self.forward)

    def _button(self, metrics: Metrics, text: str, name: str, step: int) -> QPushButton:
        button = dialog_button(metrics, text, name)
        button.setFixedWidth(metrics.dialog_button)
        button.setAutoRepeat(True)  # held: one day after another
        button.setAutoRepeatDelay(500)
        button.setAutoRepeatInterval(150)
        button.clicked.connect(lambda: self.stepped.emit(step))
        return button

    def show_day(self, day: date) -> None:
        self.label.setText(f"{day:%d/%m/%Y}")


class PeriodPicker(QWidget):
    """``changed(Period)`` after every touch; ``period()`` the one shown."""

    changed = Signal(object)

    def __init__(self, metrics: Metrics, today: date, initial: str = "today",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PeriodPicker")
        self.today = today
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(metrics.spacing)
        self.presets = ChoiceRow(metrics, [(k, label) for k, label, _ in PRESETS],
                                 columns=len(PRESETS), name="PeriodPreset")
        column.addWidget(self.presets)
        steppers = QHBoxLayout()
        steppers.setSpacing(metrics.spacing * 4)
        self.first = DayStepper(metrics, "Du", "PeriodFirst")
        self.last = DayStepper(metrics, "au", "PeriodLast")
        steppers.addWidget(self.first)
        steppers.addWidget(self.last)
        steppers.addStretch(1)
        column.addLayout(steppers)
        self._period = preset_period(initial, today)
        self.presets.changed.connect(self._preset)
        self.first.stepped.connect(lambda step: self._step(first=step))
        self.last.stepped.connect(lambda step: self._step(last=step))
        self._show()

    def period(self) -> Period:
        return self._period

    def set_period(self, period: Period) -> None:
        self._period = period
        self._show()
        self.changed.emit(period)

    def _preset(self, key: str) -> None:
        if self.presets.buttons[key].isChecked():
            period = preset_period(key, self.today)
            if period != self._period:
                self.set_period(period)

    def _step(self, *, first: int = 0, last: int = 0) -> None:
        start = self._period.first + first * DAY
        stop = min(self._period.last + last * DAY, self.today)
        start = min(start, self.today)
        if first:  # the other end follows, so that the period stays whole
            stop = max(stop, start)
        else:
            start = min(start, stop)
        if (start, stop) != (self._period.first, self._period.last):
            self.set_period(Period(start, stop))

    def _show(self) -> None:
        self.first.show_day(self._period.first)
        self.last.show_day(self._period.last)
        self.first.forward.setEnabled(self._period.first < self.today)
        self.last.forward.setEnabled(self._period.last < self.today)
        matching = [k for k, _label, _ in PRESETS
                    if preset_period(k, self.today) == self._period]
        self.presets.set_values(matching[:1])

    def describe(self) -> str:
        p = self._period
        if p.first == p.last:
            return f"le {p.first:%d/%m/%Y}"
        return f"du {p.first:%d/%m/%Y} au {p.last:%d/%m/%Y}"
