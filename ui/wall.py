"""The patients in their boxes, one glance card each: the board's wall of cards.

It holds the latest view of every patient, the box panels (``ui.panels``) and how this
screen names each patient (``ui.names``).  A panel per active box, and per inactive box
while patients are still in it (they stay in sight until moved out; then it goes).  A changed patient gets a new card, alone; the
names of the boxes it left or joined are told again (masked initials depend on the box
mates); lateness is counted per card, so one change recounts one card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtWidgets import QWidget

from synoptic.domain import BoxType
from synoptic.views import BoxView, PatientView, Reference
from ui.blink import Blinker
from ui.box import BoxPanel
from ui.context import UiContext
from ui.glance import GlanceCard
from ui.glance_look import GlanceLook
from ui.names import NameMasking
from ui.panels import BoxPanels
from ui.profile import ScreenProfile


@dataclass
class WallChange:
    """What :meth:`Wall.put` changed: the patients gone and put (with their old view)."""

    gone: list[PatientView] = field(default_factory=list)
    put: list[tuple[PatientView | None, PatientView]] = field(default_factory=list)
    boxes: set[str] = field(default_factory=set)  # boxes whose patients changed
    panels: bool = False  # the panels were built again (an inactive box came or went)


class Wall:
    def __init__(
        self,
        ctx: UiContext,
        blinker: Blinker,
        look: GlanceLook,
        *,
        is_moving: Callable[[int], bool],
        opened: Callable[[int, int], None],
    ) -> None:
        self.ctx = ctx
        self.blinker = blinker
        self.look = look
        self.is_moving = is_moving  # a card built during a move shows it
        self.opened = opened  # a glance card touched: (patient key, task number)
        display = ctx.config.display
        public = ScreenProfile.of(ctx.config).read_only
        self.names = NameMasking(display.hide_names_by_default, display.anonymous_label,
                                 locked=public)
        self.reference = Reference((), {}, {}, (), {})
        self.patients: dict[int, PatientView] = {}
        self.panels = BoxPanels(ctx.metrics, self._make_card)
        self.shown: tuple[BoxView, ...] = ()  # the boxes with a panel
        self._build: tuple[QWidget, Callable[[BoxPanel], None]] | None = None
        self.late_by_patient: dict[int, int] = {}

    # ------------------------------------------------------------------ content

    def set_reference(
        self, reference: Reference, parent: QWidget, wire: Callable[[BoxPanel], None]
    ) -> bool:
        """New reference data; True when the boxes changed (panels built again in
        ``parent``, each ``wire``-d), else the cards are rebuilt (labels, colours)."""
        self.reference = reference
        self._build = (parent, wire)
        boxes_changed = self._rebuild_panels()
        self.rebuild_cards()
        return boxes_changed

    def shown_boxes(self) -> tuple[BoxView, ...]:
        """The active boxes, and the inactive ones that still hold patients."""
        boxes = self.reference.boxes
        if all(b.active for b in boxes):
            return boxes
        occupied = {p.box_code for p in self.patients.values()}
        return tuple(b for b in boxes if b.active or b.code in occupied)

    def _rebuild_panels(self) -> bool:
        """Panels built again when the boxes to show changed; True then."""
        shown = self.shown_boxes()
        if shown == self.shown or self._build is None:
            return False
        self.shown = shown
        self.panels.rebuild(shown, *self._build)
        return True

    def put(self, views: list[PatientView], gone: list[int]) -> WallChange:
        """Fresh views and departures: only the cards of changed patients are rebuilt."""
        change = WallChange()
        for pk in gone:
            old = self.patients.pop(pk, None)
            self.names.forget(pk)
            self.late_by_patient.pop(pk, None)
            if old is not None:
                change.gone.append(old)
                change.boxes.add(old.box_code)
                if (panel := self.panels.get(old.box_code)) is not None:
                    panel.remove_patient(pk)
        for view in views:
            old = self.patients.get(view.pk)
            if old == view:
                continue
            change.put.append((old, view))
            change.boxes.add(view.box_code)
            if old is not None:
                change.boxes.add(old.box_code)
                previous = self.panels.get(old.box_code)
                if previous is not None and old.box_code != view.box_code:
                    previous.remove_patient(view.pk)
            self.patients[view.pk] = view
            if (panel := self.panels.get(view.box_code)) is not None:
                self._track(panel.put_patient(view))
            else:
                self.late_by_patient.pop(view.pk, None)
        if self._rebuild_panels():  # an inactive box emptied, or filled by a host
            change.panels = True
            change.boxes.update(self.panels)
            self.rebuild_cards()
            return change
        for code in change.boxes:
            self.rename_box(code)
        return change

    def rebuild_cards(self) -> None:
        for view in self.patients.values():
            if (panel := self.panels.get(view.box_code)) is not None:
                self._track(panel.put_patient(view))
        for code in self.panels:
            self.rename_box(code)

    def box_type(self, view: PatientView) -> BoxType:
        box = self.reference.box(view.box_code)
        return box.type if box else BoxType.CARE

    def lost(self) -> list[PatientView]:
        """Patients in a box this board does not know."""
        return [p for p in self.patients.values() if p.box_code not in self.panels]

    # ------------------------------------------------------------------ names

    def names_of(self, view: PatientView, *, with_box: bool = False) -> tuple[str, str]:
        """The name shown for ``view`` and, masked, its initials (ui.names: one rule for
        the glance, the opened card, the dialogs and the banner)."""
        panel = self.panels.get(view.box_code)
        mates = list(panel.patients.values()) if panel is not None else []
        box = self.reference.box(view.box_code)
        where = (box.label if box else view.box_code) if with_box else ""
        return self.names.names_of(view, mates, where)

    def toggle_screen_mask(self) -> None:
        """Every name masked on this screen, or shown again: renamed in place (building
        every card again froze a wall for seconds)."""
        self.names.toggle_screen()
        for code in self.panels:
            self.rename_box(code)

    def toggle_reveal(self, pk: int) -> None:
        """On a masked screen, one name shown here (or hidden again)."""
        self.names.toggle_reveal(pk)
        if (view := self.patients.get(pk)) is not None:
            self.rename_box(view.box_code)

    def rename_box(self, code: str) -> None:
        """The names of one box again, in place (a card is not built again for that)."""
        if (panel := self.panels.get(code)) is not None:
            for pk, card in panel.cards.items():
                card.set_name(*self.names_of(panel.patients[pk]))

    # ------------------------------------------------------------------ cards

    def _make_card(self, view: PatientView) -> GlanceCard:
        name, initials = self.names_of(view)
        card = GlanceCard(
            view,
            self.reference,
            self.look,
            box_type=self.box_type(view),
            name=name,
            initials=initials,
            now=self.ctx.clock(),
        )
        card.opened.connect(self.opened)
        if self.is_moving(view.pk):
            card.set_moving(True)
        return card

    def _track(self, card: GlanceCard) -> None:
        """A new or rebuilt card: its lateness, blinking and count (this card only)."""
        if card.update_time(self.ctx.clock()):
            self.blinker.register(card)
        else:
            self.blinker.unregister(card)
        self.late_by_patient[card.patient.pk] = card.late_count

    def check_alarms(self) -> None:
        """Lateness of every card again (time passes: no data changed)."""
        for panel in self.panels.values():
            for card in panel.cards.values():
                self._track(card)

    @property
    def late_total(self) -> int:
        return sum(self.late_by_patient.values())

    def late_shown(self, visible: Callable[[PatientView], bool]) -> int:
        """Late tasks of the patients ``visible`` (the responsable filter)."""
        return sum(
            n for pk, n in self.late_by_patient.items() if n and visible(self.patients[pk])
        )

    def set_look(self, look: GlanceLook, touch: int) -> None:
        """Sizes for another screen height: titles ``touch`` high, cards at ``look``."""
        self.look = look
        for panel in self.panels.values():
            panel.title.setMinimumHeight(touch)
            panel.min_card_width = look.px(220)
            for card in panel.cards.values():
                card.set_look(look)
