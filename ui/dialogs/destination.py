"""Where does the patient go?  Asked when a patient enters an Absence or Sortie box.

Without an exit time a touch on a destination chooses it.  For a Sortie box the touch
selects it, the exit time (``now`` unless changed) is adjusted below, then "Valider".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QButtonGroup, QPushButton, QWidget

from synoptic.store.queries import DestinationView
from ui.dialogs.base import CANCEL_NAME, OK_NAME, TouchDialog
from ui.dialogs.time_adjuster import Clock, TimeAdjuster
from ui.dialogs.touch_list import TouchList
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
    ) -> None:
        super().__init__(metrics, f"Destination — {box_label}", "DestinationDialog", parent)
        self._selected: DestinationView | None = None
        self._chosen: DestinationChoice | None = None
        self.adjuster: TimeAdjuster | None = None

        self.destination_list = TouchList(metrics, self)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        for destination in destinations:
            button = self.destination_list.add_button(destination.label, "DestinationButton")
            button.setCheckable(ask_exit_time)
            if ask_exit_time:
                self._group.addButton(button)
            button.setProperty("label", destination.label)
            button.toggled.connect(lambda on, b=button: self._show_check(b, on))
            button.clicked.connect(lambda _=False, d=destination: self._touched(d))
        # With the time row below, fewer rows show at first: the dialog must fit a screen.
        self.destination_list.visible_rows_hint(3 if ask_exit_time else 6)
        if not destinations:
            self.body.addWidget(self.text_label("Aucune destination n'est configurée."))
        self.body.addWidget(self.destination_list, 1)

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
            self.adjuster = TimeAdjuster(metrics, now, clock=clock)
            self.body.addWidget(self.adjuster)
            self.ok_button = self.button("Valider", OK_NAME)
            self.ok_button.setEnabled(False)  # until a destination is selected
            self.ok_button.clicked.connect(self._validate)
            self.add_actions(self.ok_button, self.cancel_button)
        else:
            self.add_actions(self.cancel_button)

    @property
    def buttons(self) -> list[QPushButton]:
        return self.destination_list.buttons

    def selected(self) -> DestinationView | None:
        return self._selected

    @staticmethod
    def _show_check(button: QPushButton, checked: bool) -> None:
        # A tick, not only the style's "checked" look, which is faint in some styles.
        label = str(button.property("label"))
        set_button_text(button, CHECK_MARK + label if checked else label)

    def _touched(self, destination: DestinationView) -> None:
        self._selected = destination
        if self.adjuster is None:
            self._chosen = DestinationChoice(destination.label, None)
            self.accept()
        elif self.ok_button is not None:
            self.ok_button.setEnabled(True)

    def _validate(self) -> None:
        if self._selected is None or self.adjuster is None:
            return
        self._chosen = DestinationChoice(self._selected.label, self.adjuster.value())
        self.accept()

    def result_value(self) -> DestinationChoice | None:
        return self._chosen if self.result() == TouchDialog.DialogCode.Accepted else None
