"""The board's box panels, by box code: one object that builds and owns them.

The board lends it to whoever needs the current panels (``ui.placement`` lays them out,
``ui.moves`` marks them during a move); when the boxes change it builds the panels again
in place, so everyone holding it sees the new ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from PySide6.QtWidgets import QWidget

from synoptic.views import BoxView
from ui.box import BoxPanel, CardFactory
from ui.metrics import Metrics


class BoxPanels(Mapping[str, BoxPanel]):
    def __init__(self, metrics: Metrics, make_card: CardFactory) -> None:
        self.metrics = metrics
        self.make_card = make_card
        self._panels: dict[str, BoxPanel] = {}

    def __getitem__(self, code: str) -> BoxPanel:
        return self._panels[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._panels)

    def __len__(self) -> int:
        return len(self._panels)

    def rebuild(
        self, boxes: Sequence[BoxView], parent: QWidget, wire: Callable[[BoxPanel], None]
    ) -> None:
        """One panel per box of ``boxes`` in ``parent`` (the old ones deleted); ``wire``
        connects each new panel before it is shown."""
        for panel in self._panels.values():
            panel.setParent(None)
            panel.deleteLater()
        self._panels = {}
        for box in boxes:
            panel = BoxPanel(self.metrics, box, self.make_card, parent)
            wire(panel)
            panel.show()
            self._panels[box.code] = panel
