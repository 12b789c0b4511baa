"""The responsable filter of the top bar: "Tous" or one responsable, with their counts.

Only what is shown is filtered: box occupancy and capacity checks still count everybody.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QMenu, QWidget

from synoptic.views import PatientView, Reference
from ui.metrics import Metrics
from ui.plain import add_plain_action

ALL = None  # the "Tous" filter


def filter_label(who: str | None) -> str:
    return f"Responsable : {'Tous' if who is None else who} ▾"


class ResponsableFilter:
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.code: str | None = ALL
        self.menu: QMenu | None = None

    @property
    def active(self) -> bool:
        return self.code is not ALL

    def visible(self, view: PatientView) -> bool:
        return self.code is ALL or view.responsable == self.code

    def who(self, reference: Reference) -> str | None:
        """The chosen responsable's name; None for "Tous"."""
        if self.code is ALL:
            return None
        resp = reference.responsables.get(self.code or "")
        return resp.name if resp else str(self.code)

    def label(self, reference: Reference) -> str:
        """ "Responsable : Tous ▾" or the chosen one's name."""
        return filter_label(self.who(reference))

    @staticmethod
    def all_labels(reference: Reference) -> list[str]:
        """The button's text for each filter it may show (its width is the longest's)."""
        return [filter_label(None), *(filter_label(r.name) for r in
                                      reference.responsables.values())]

    @staticmethod
    def choices(
        patients: Iterable[PatientView], reference: Reference
    ) -> list[tuple[str | None, str]]:
        """("Tous" or a responsable) with the number of their patients on the board."""
        counts: dict[str | None, int] = {}
        total = 0
        for p in patients:
            counts[p.responsable] = counts.get(p.responsable, 0) + 1
            total += 1
        choices: list[tuple[str | None, str]] = [(ALL, f"Tous ({total})")]
        codes = [r.code for r in reference.responsables.values() if r.active or counts.get(r.code)]
        codes += sorted(c for c in counts if c and c not in reference.responsables)
        for code in codes:
            resp = reference.responsables.get(code)
            choices.append((code, f"{resp.name if resp else code} ({counts.get(code, 0)})"))
        return choices

    def open_menu(
        self,
        anchor: QWidget,
        choices: list[tuple[str | None, str]],
        choose: Callable[[str | None], None],
    ) -> QMenu:
        """The touch menu under ``anchor``; one touch on a line calls ``choose``."""
        if self.menu is not None:  # one menu at a time: the window would keep each one all day
            self.menu.deleteLater()
        menu = QMenu(anchor.window())
        menu.setObjectName("FilterMenu")
        menu.setMinimumWidth(self.metrics.touch * 6)
        for code, text in choices:
            mark = "✔ " if code == self.code else "    "
            action = add_plain_action(menu, mark + text)
            action.setData(code)
            action.triggered.connect(lambda _=False, c=code: choose(c))
        self.menu = menu
        menu.popup(anchor.mapToGlobal(anchor.rect().bottomLeft()))
        return menu
