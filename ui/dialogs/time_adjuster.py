"""Set a date and time with a finger: big HH:MM, step buttons, "Maintenant", day -1/+1.

Shared by the time picker and the exit-time row of the destination dialog.  The value is
kept to the minute (seconds dropped): what is shown is exactly what is returned.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from ui.dialogs.base import dialog_button
from ui.metrics import Metrics
from ui.plain import plain_label

Clock = Callable[[], datetime]

# (label, minutes); minus is the ASCII hyphen, as on the keyboards the staff know.
TIME_STEPS: tuple[tuple[str, int], ...] = (
    ("-1 h", -60),
    ("-10 min", -10),
    ("-1 min", -1),
    ("+1 min", 1),
    ("+10 min", 10),
    ("+1 h", 60),
)
DAY_STEPS: tuple[tuple[str, int], ...] = (("-1 jour", -1), ("+1 jour", 1))
NOW_LABEL = "Maintenant"
_FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)


def to_minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


def french_date(day: date, today: date | None = None) -> str:
    """``samedi 21 novembre 2026``, plus ``(aujourd'hui)``/``(hier)``/``(demain)``."""
    text = _FRENCH.toString(QDate(day.year, day.month, day.day), "dddd d MMMM yyyy")
    if today is not None:
        relative = {0: "aujourd'hui", -1: "hier", 1: "demain"}.get((day - today).days)
        if relative:
            text += f" ({relative})"
    return text


class TimeAdjuster(QWidget):
    """The time picker's face.  ``changed`` carries the new :class:`datetime`."""

    changed = Signal(object)

    def __init__(
        self,
        metrics: Metrics,
        initial: datetime,
        *,
        clock: Clock = datetime.now,
        parent: QWidget | None = None,
        compact: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("TimeAdjuster")
        self._clock = clock
        self._value = to_minute(initial)
        self.buttons: dict[str, QPushButton] = {}

        self.date_label = plain_label(name="TimeDateLabel")
        self.date_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.date_label.setWordWrap(True)
        font = self.date_label.font()
        font.setPointSize(metrics.title_font_pt)
        self.date_label.setFont(font)

        self.time_label = plain_label(name="TimeLabel")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.time_label.setMinimumWidth(metrics.px(130))
        font = self.time_label.font()
        font.setPointSize(metrics.title_font_pt * 2)
        font.setBold(True)
        self.time_label.setFont(font)

        # Three rows: the day, then the time between its minus and plus steps, then "now";
        # compact (under a grid of destinations): "now" at the end of the day's row.
        grid = QGridLayout()
        grid.setSpacing(metrics.spacing)
        minus_day, plus_day = (
            self._step_button(metrics, t, "DayStepButton", m * 24 * 60) for t, m in DAY_STEPS
        )
        now_button = dialog_button(metrics, NOW_LABEL, "TimeNowButton")
        now_button.clicked.connect(lambda: self.set_value(self._clock()))
        self.buttons[NOW_LABEL] = now_button
        if compact:
            grid.addWidget(minus_day, 0, 0)
            grid.addWidget(self.date_label, 0, 1, 1, 4)
            grid.addWidget(plus_day, 0, 5)
            grid.addWidget(now_button, 0, 6)
        else:
            grid.addWidget(minus_day, 0, 0, 1, 2)
            grid.addWidget(self.date_label, 0, 2, 1, 3)
            grid.addWidget(plus_day, 0, 5, 1, 2)
            grid.addWidget(now_button, 2, 0, 1, 7)
        for index, (text, minutes) in enumerate(TIME_STEPS):
            column = index if minutes < 0 else index + 1  # the time sits in column 3
            grid.addWidget(self._step_button(metrics, text, "TimeStepButton", minutes), 1, column)
        grid.addWidget(self.time_label, 1, 3)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        self._refresh()

    def _step_button(self, metrics: Metrics, text: str, name: str, minutes: int) -> QPushButton:
        button = dialog_button(metrics, text, name)
        button.setProperty("minutes", minutes)
        button.clicked.connect(lambda: self.set_value(self._value + timedelta(minutes=minutes)))
        self.buttons[text] = button
        return button

    def value(self) -> datetime:
        return self._value

    def set_value(self, value: datetime) -> None:
        self._value = to_minute(value)
        self._refresh()
        self.changed.emit(self._value)

    def _refresh(self) -> None:
        self.date_label.setText(french_date(self._value.date(), self._clock().date()))
        self.time_label.setText(self._value.strftime("%H:%M"))
