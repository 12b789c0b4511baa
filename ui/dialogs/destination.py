"""Where does the patient go?  Asked when a patient enters an Absence or Sortie box.

Every destination shows at once, as a grid of big buttons sized to the screen, in the
order given (the department's: :func:`synoptic.destinations.order_destinations`).
Without an exit time a touch on a destination chooses it.  For a Sortie box the touch
selects it, the exit time (``now`` unless changed) is adjusted below, then "Valider".
A destination of ``confirm_labels`` (a death) asks to confirm before it is chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QButtonGroup, QPushButton, QWidget

from synoptic.views import DestinationView
from ui.dialogs.base import CANCEL_NAME, OK_NAME, TouchDialog, available_area
from ui.dialogs.button_grid import ButtonGrid, wrap_label
from ui.dialogs.confirm import ConfirmDialog
from ui.dialogs.time_adjuster import Clock, TimeAdjuster
from ui.metrics import Metrics
from ui.plain import plain_label, set_button_text

CHECK_MARK = "✓ "


@dataclass(frozen=True)
class DestinationChoice:
    label: str
    exit_time: datetime | None


class DestinationDialog(TouchDialog):
    def __init__(
        self,
        metrics: Metrics,
        box_label: str,
        destinations: Sequence[DestinationView],
        *,
        ask_exit_time: bool,
        now: datetime,
        parent: QWidget | None = None,
        clock: Clock = datetime.now,
        patient: str = "",
        confirm_labels: Collection[str] = (),
        confirm: Callable[[str], bool] | None = None,
    ) -> None:
        # Whom it is about in the title: a line of its own would take a row of buttons.
        title = f"Destination — {box_label}" + (f" — {patient}" if patient else "")
        super().__init__(metrics, title, "DestinationDialog", parent)
        self._selected: DestinationView | None = None
        self._chosen: DestinationChoice | None = None
        self._confirm_labels = frozenset(confirm_labels)
        self._confirm = confirm or self._ask_confirmation
        self._patient = patient
        self.adjuster: TimeAdjuster | None = None

        self.destination_grid = ButtonGrid(metrics, self)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        for destination in destinations:
            button = self.destination_grid.add_button(destination.label, "DestinationButton")
            button.setCheckable(ask_exit_time)
            if ask_exit_time:
                self._group.addButton(button)
            button.setProperty("label", destination.label)
            button.setProperty("confirm", destination.label in self._confirm_labels)
            button.toggled.connect(lambda on, b=button: self._show_check(b, on))
            button.clicked.connect(lambda _=False, d=destination: self._touched(d))
        if not destinations:
            self.body.addWidget(self.text_label("Aucune destination n'est configurée."))
        self.body.addWidget(self.destination_grid, 1)

        self.ok_button: QPushButton | None = None
        self.cancel_button = self.button("Annuler", CANCEL_NAME)
        self.cancel_button.clicked.connect(self.reject)
        if ask_exit_time:
            caption = plain_label("Heure de sortie", "ExitTimeCaption")
            bold = caption.font()
            bold.setPointSize(metrics.font_pt)
            bold.setBold(True)
            caption.setFont(bold)
            self.body.addWidget(caption)
            self.adjuster = TimeAdjuster(metrics, now, clock=clock, compact=True)
            self.body.addWidget(self.adjuster)
            self.ok_button = self.button("Valider", OK_NAME)
            self.ok_button.setEnabled(False)  # until a destination is selected
            self.ok_button.clicked.connect(self._validate)
            self.add_actions(self.ok_button, self.cancel_button)
        else:
            self.add_actions(self.cancel_button)
        self.fit_to(available_area(parent))

    def fit_to(self, area: QSize) -> None:
        """Every destination visible at once in ``area``: columns and button heights chosen
        from the room the rest of the dialog leaves; a label too long for its column is
        shown on two lines, in a button tall enough for them."""
        grid = self.destination_grid
        m = self.metrics
        layout = self.body  # the dialog's layout (TouchDialog)
        margins = layout.contentsMargins()
        width = area.width() * 96 // 100 - margins.left() - margins.right()
        # The title (box and patient) on one line; with an exit time, its nine buttons and
        # the big time on one row.
        wanted = m.px(960) if self.adjuster is not None else m.px(720)
        self.setMinimumWidth(min(width, max(self.minimumWidth(), wanted)))
        layout.activate()
        rest = layout.sizeHint().height() - grid.sizeHint().height()
        height = area.height() * 95 // 100 - rest
        font = QFontMetrics(self.font())
        padding = m.spacing * 4 + m.px(6)  # the style's padding and borders, both sides
        two_lines = 2 * font.lineSpacing() + m.spacing * 2 + m.px(6)
        longest = max(
            (font.horizontalAdvance(CHECK_MARK + str(b.property("label"))) for b in grid.buttons),
            default=0,
        )
        inner = min(width, max(wanted - margins.left() - margins.right(), m.px(240)))

        def column_width() -> int:
            """As wide as the longest label needs, if the screen allows (else wrapped)."""
            columns = max(1, grid.columns)
            needed = columns * (longest + padding) + (columns - 1) * m.spacing
            total = min(width, max(inner, needed))
            return (total - (columns - 1) * m.spacing) // columns

        grid.arrange(width, height)
        column = column_width()
        if longest > column - padding and grid.button_height < two_lines:
            grid.arrange(width, height, heights=(max(m.dialog_button, two_lines), two_lines))
            column = column_width()
        for button in grid.buttons:
            self._show_check(button, button.isChecked(), column - padding)
        columns = max(1, grid.columns)
        total = columns * column + (columns - 1) * m.spacing
        self.setMinimumWidth(total + margins.left() + margins.right())
        layout.activate()  # the dialog's minimum size from the grid as now laid out
        self.adjustSize()

    @property
    def buttons(self) -> list[QPushButton]:
        return self.destination_grid.buttons

    def selected(self) -> DestinationView | None:
        return self._selected

    @staticmethod
    def _show_check(button: QPushButton, checked: bool, width: int | None = None) -> None:
        # A tick, not only the style's "checked" look, which is faint in some styles.
        if width is not None:
            button.setProperty("textWidth", width)
        room = button.property("textWidth")
        label = str(button.property("label"))
        text = CHECK_MARK + label if checked else label
        if isinstance(room, int):
            text = wrap_label(text, QFontMetrics(button.font()), room)
        set_button_text(button, text)

    def _ask_confirmation(self, label: str) -> bool:
        who = f" pour {self._patient}" if self._patient else ""
        dialog = ConfirmDialog(
            self.metrics,
            f"Destination « {label} »",
            f"Confirmer la destination « {label} »{who} ?",
            self,
            yes_text=f"Oui, {label}",
            no_text="Non",
        )
        try:
            dialog.exec()
            return dialog.result_value()
        finally:
            dialog.deleteLater()

    def _confirmed(self, destination: DestinationView) -> bool:
        return destination.label not in self._confirm_labels or self._confirm(destination.label)

    def _touched(self, destination: DestinationView) -> None:
        self._selected = destination
        if self.adjuster is None:
            if self._confirmed(destination):
                self._chosen = DestinationChoice(destination.label, None)
                self.accept()
        elif self.ok_button is not None:
            self.ok_button.setEnabled(True)

    def _validate(self) -> None:
        if self._selected is None or self.adjuster is None:
            return
        if not self._confirmed(self._selected):
            return
        self._chosen = DestinationChoice(self._selected.label, self.adjuster.value())
        self.accept()

    def result_value(self) -> DestinationChoice | None:
        return self._chosen if self.result() == TouchDialog.DialogCode.Accepted else None
