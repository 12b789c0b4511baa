"""Where the box panels sit on the board: the automatic layout, hand-made positions (window
mode), the frame/window mode, and saving positions to ``[Positions_fenetres]``.

Without saved positions the layout depends on the boxes and the screen only (``ui.layout``:
shares by capacity, never by occupancy): people find a box by where it is, so a box never
moves or changes size because a patient arrived or left or the filter changed.  It is
redone when the room changes (window resized, banner shown) and on request
("Réorganiser").  Saved positions win; once a box is moved or resized by hand, the layout
is the user's until "Réorganiser" goes back to the saved positions (or the automatic
layout when none is saved).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from synoptic.config import Config, save_positions
from ui.box import MODE_FRAME, MODE_WINDOW, BoxPanel
from ui.layout import LayoutBox, LayoutSpec, Rect, bounding_size, complete_layout
from ui.metrics import Metrics
from ui.widgets import set_prop


class Placement(QObject):
    def __init__(
        self,
        config: Config,
        metrics: Metrics,
        panels: Mapping[str, BoxPanel],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self.metrics = metrics
        self.panels = panels  # ui.panels.BoxPanels: always the current panels
        # The area holding the boxes.  No kinetic scrolling here: nested QScrollers (this
        # one and each box's) swallow presses.  The board fits the screen; when saved
        # positions do not, its scroll bars are wide enough for a finger (synoptux.css).
        self.scroll_area = scroll = QScrollArea()
        scroll.setObjectName("BoardScroll")
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(False)
        self.canvas = canvas = QWidget()
        canvas.setObjectName("BoardCanvas")
        scroll.setWidget(canvas)
        self.saved_positions: dict[str, Rect] = dict(config.positions)
        self.manual_layout = bool(self.saved_positions)
        self.mode = MODE_WINDOW if config.display.mode == "Fenetre" else MODE_FRAME
        canvas.setProperty("mode", self.mode)
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.layout_panels)
        self.look_factor = 1.0  # the glance's size factor (screen height x Echelle)
        scroll.viewport().installEventFilter(self)

    # ------------------------------------------------------------------ automatic layout

    def reorganize(self) -> None:
        """ "Réorganiser": boxes moved by hand go back to the saved positions, or to the
        automatic layout for the screen when none is saved."""
        self.saved_positions = dict(self.config.positions)
        self.manual_layout = bool(self.saved_positions)
        self.layout_panels()

    def request_layout(self) -> None:
        """Lay out again at the next turn of the event loop (sizes changed)."""
        if not self.manual_layout:
            self._pending.start()

    def spec(self) -> LayoutSpec:
        m = self.metrics
        viewport = self.scroll_area.viewport().size()
        # Sizes follow the screen (GlanceLook: its height x Echelle): glance cards need
        # far less than the full cards did, so more, narrower columns fit.
        f = self.look_factor
        return LayoutSpec(
            width=max(viewport.width(), m.px(300)),
            height=max(viewport.height(), m.px(220)),
            column_width=round(300 * f),
            min_column_width=round(225 * f),
            min_height=max(m.touch * 2, round(140 * f)),
            comfortable_height=round(220 * f),
            gap=max(2, round(4 * f)),
            empty_height=m.touch * 2 + m.px(14),
        )

    def layout_panels(self) -> None:
        self._pending.stop()
        d = self.config.display
        boxes = [LayoutBox(p.box.code, p.box.type, p.box.capacity) for p in self.panels.values()]
        saved = self.saved_positions if self.manual_layout else {}
        rects = complete_layout(boxes, saved, self.spec(), (d.box_width, d.box_height))
        for code, (x, y, w, h) in rects.items():
            self.panels[code].setGeometry(x, y, w, h)
        self.fit_canvas()

    def fit_canvas(self) -> None:
        viewport = self.scroll_area.viewport().size()
        need_w, need_h = bounding_size({c: p.rect_tuple() for c, p in self.panels.items()})
        self.canvas.resize(max(need_w, viewport.width()), max(need_h, viewport.height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The room for the boxes changed (window resized, outage banner shown...).
        if watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            if not self.manual_layout:
                self._pending.start()
            else:
                self.fit_canvas()
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ by hand

    def geometry_edited(self, code: str) -> None:
        """A box moved or resized by hand: the layout is the user's from now on."""
        if not self.manual_layout:
            self.manual_layout = True
            self.saved_positions = self.current_positions()
        self.saved_positions[code] = self.panels[code].rect_tuple()
        self.fit_canvas()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        set_prop(self.canvas, "mode", mode)
        for panel in self.panels.values():
            panel.set_mode(mode)

    def current_positions(self) -> dict[str, Rect]:
        return {code: panel.rect_tuple() for code, panel in self.panels.items()}

    def save(self) -> str:
        """Write every box's rectangle to the ini file in use; the message to show.

        Raises ``OSError``/``ValueError`` when the file cannot be written."""
        path = self.config.path
        if path is None:
            raise ValueError("aucun fichier synoptux.ini n'est utilisé")
        positions = self.current_positions()
        save_positions(path, positions)
        self.saved_positions = positions
        self.manual_layout = True
        return f"Positions enregistrées dans {path}"
