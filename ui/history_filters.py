"""The global history's filters, chosen by touch: the action groups, the boxes and the
actors as big chips in a chooser ("Tous" clears the choice), each behind one button of the
filter row ("Actions : 2 choisies").
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QScrollArea, QSizePolicy, QWidget

from synoptic import audit, security
from synoptic import services as actions
from ui.admin.look import ChoiceRow
from ui.dialogs.base import CANCEL_NAME, OK_NAME, TouchDialog
from ui.metrics import Metrics
from ui.plain import set_button_text
from ui.widgets import make_kinetic

__all__ = ["ACTION_GROUPS", "FilterButton", "FilterChooser", "codes_of_groups"]

# What a nurse looks for, in the order of a stay; a chip may stand for several codes.
ACTION_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("in", "Entrées", (actions.PATIENT_IN,)),
    ("move", "Déplacements", (actions.SET_PLACE,)),
    ("exit_time", "Heures de sortie", (actions.SET_EXIT_TIME,)),
    ("out", "Sorties", (actions.PATIENT_OUT, actions.PATIENT_LIFEOUT)),
    ("task_add", "Tâches ajoutées", (actions.TASK_ADD,)),
    ("task_state", "États de tâche", (actions.TASK_STATE,)),
    ("task_delete", "Tâches supprimées", (actions.TASK_DELETE,)),
    ("comment", "Commentaires", (actions.SET_COMMENT,)),
    ("owner", "Responsables", (actions.SET_OWNER,)),
    ("names", "Noms masqués", (actions.SET_HIDDEN,)),
    ("folded", "Pliés/dépliés", (actions.SET_FOLDED,)),
    ("admin", "Administration", (audit.REF_ADD, audit.REF_CHANGE, audit.REF_DELETE,
                                 security.UNLOCK, security.UNLOCK_FAILED,
                                 security.UNLOCK_REFUSED)),
)


def codes_of_groups(groups: Sequence[str]) -> frozenset[str]:
    """The ``HI_Action`` codes of the chosen action chips."""
    chosen = set(groups)
    return frozenset(code for key, _label, codes in ACTION_GROUPS if key in chosen
                     for code in codes)


class FilterChooser(TouchDialog):
    """Chips of ``options`` (value, label), several may be checked; none: every value."""

    def __init__(self, metrics: Metrics, title: str, options: Sequence[tuple[str, str]],
                 chosen: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(metrics, title, "FilterChooser", parent)
        self.chips = ChoiceRow(metrics, options, exclusive=False, name="FilterChip")
        self.chips.set_values(chosen)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(self.chips)
        make_kinetic(area)
        self.body.addWidget(area, 1)
        if not options:
            self.body.addWidget(self.text_label("Aucun choix dans cette période."))
        ok = self.button("Valider", OK_NAME)
        ok.clicked.connect(self.accept)
        everything = self.button("Tous", "FilterAll")
        everything.clicked.connect(lambda: self.chips.set_values([]))
        cancel = self.button("Annuler", CANCEL_NAME)
        cancel.clicked.connect(self.reject)
        self.add_actions(ok, everything, cancel)
        if parent is not None:
            size = parent.window().size()
            self.resize(size.width() * 8 // 10, size.height() * 8 // 10)

    def values(self) -> list[str]:
        return self.chips.values()


class FilterButton(QPushButton):
    """"Box : tous" / "Box : B1, B2" / "Actions : 3 choisies": opens its chooser."""

    chosen = Signal(object)  # list[str]: the values checked (empty: every value)

    def __init__(self, metrics: Metrics, caption: str, everything: str) -> None:
        super().__init__()
        self.setObjectName("FilterButton")
        self.setMinimumHeight(metrics.touch)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAutoDefault(False)
        self.metrics, self.caption, self.everything = metrics, caption, everything
        self.options: list[tuple[str, str]] = []
        self.values: list[str] = []
        self.clicked.connect(self.choose)
        self._show()

    def set_values(self, values: Sequence[str]) -> None:
        self.values = list(values)
        self._show()
        self.chosen.emit(self.values)

    def choose(self) -> None:
        chooser = FilterChooser(self.metrics, self.caption, self.options, self.values,
                                self.window())
        if chooser.exec():
            self.set_values(chooser.values())

    def _show(self) -> None:
        labels = dict(self.options)
        if not self.values:
            shown = self.everything
        elif len(self.values) <= 2:
            shown = ", ".join(labels.get(v, v) for v in self.values)
        else:
            shown = f"{len(self.values)} choisis"
        set_button_text(self, f"{self.caption} : {shown}")
