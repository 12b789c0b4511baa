"""The one object every widget of the board receives (git-cola style): no globals.

It carries the configuration, the read side (``synoptic.reads.BoardReads``: every read
of the database, sessions opened in the core) and the services (every write), the touch
metrics, the dialogs (tests replace them by a fake answering from a script), the clock
(tests inject a fixed or stepping one, so blinking and lateness are tested without
sleeping), the program launcher and the factory of the change feed.  No store here: the
UI never opens a session.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from synoptic.config import Config
from synoptic.reads import BoardReads
from synoptic.services import BoardServices
from synoptic.views import DestinationView, HistoryView, Reference, ResponsableView
from ui.launch import Launcher
from ui.metrics import Metrics
from ui.widgets import Glyphs

if TYPE_CHECKING:
    from synoptic.administration import AdminTools
    from ui.dialogs import DestinationChoice, LiveText


def system_clock() -> datetime:
    """Local wall-clock time to the second: the board's ``now``."""
    return datetime.now().replace(microsecond=0)


class DialogsLike(Protocol):
    """What the board asks its dialogs (``ui.dialogs.Dialogs`` or a test fake)."""

    def choose_destination(
        self,
        parent: Any,
        box_label: str,
        destinations: Sequence[DestinationView],
        *,
        ask_exit_time: bool,
        now: datetime,
        patient: str = "",
        confirm_labels: Collection[str] = (),
    ) -> DestinationChoice | None: ...
    def choose_late_task(self, parent: Any, rows: Sequence[tuple[int, str]]) -> int | None: ...

    def choose_responsable(
        self,
        parent: Any,
        responsables: Sequence[ResponsableView],
        current: str | None,
        *,
        patient: str = "",
    ) -> tuple[bool, str | None]: ...
    def confirm(
        self, parent: Any, title: str, text: str, *, yes_text: str = "Oui", no_text: str = "Non"
    ) -> bool: ...
    def show_history(
        self, parent: Any, title: str, rows: Sequence[HistoryView], reference: Reference
    ) -> None: ...
    def show_info(
        self,
        parent: Any,
        title: str,
        text: str | LiveText,
        *,
        action_label: str | None = None,
        action: Callable[[], None] | None = None,
    ) -> None: ...
    def show_error(self, parent: Any, message: str) -> None: ...
    def pick_time(self, parent: Any, title: str, initial: datetime) -> datetime | None: ...
    def edit_text(
        self,
        parent: Any,
        title: str,
        initial: str,
        max_length: int,
        *,
        presets: Sequence[str] = (),
    ) -> str | None: ...


class FeedLike(Protocol):
    """``synoptic.feed.ChangeFeed``'s contract."""

    def current_revision(self) -> int: ...
    def changes_since(self, revision: int) -> Any: ...
    def read_changes(self, revision: int, also: Iterable[int] = ()) -> Any: ...


@dataclass
class UiContext:
    config: Config
    reads: BoardReads
    services: BoardServices
    metrics: Metrics
    dialogs: DialogsLike
    clock: Callable[[], datetime] = system_clock
    launcher: Launcher = field(default_factory=lambda: Launcher(()))
    glyphs: Glyphs = field(default_factory=Glyphs)  # symbols the font draws, or fallbacks
    # Makes the change feed (one per board); None: the read side's (tests give fakes).
    feed_factory: Callable[[], FeedLike] | None = None
    # Milliseconds between two polls of the change feed (the issue asks for changes within 1 s).
    poll_interval_ms: int = 500
    # The administration's tools, one per screen (its keypad lock); ui.admin.menu makes it.
    admin: AdminTools | None = None

    def new_feed(self) -> FeedLike:
        return self.feed_factory() if self.feed_factory is not None else self.reads.change_feed()


def build_context(
    config: Config,
    reads: BoardReads,
    services: BoardServices,
    *,
    dialogs: DialogsLike | None = None,
    clock: Callable[[], datetime] = system_clock,
    feed_factory: Callable[[], FeedLike] | None = None,
) -> UiContext:
    """A context with the metrics of the configuration and the real dialogs by default."""
    metrics = Metrics(scale=config.display.scale, base_font_pt=config.display.font_size)
    if dialogs is None:
        from ui.dialogs import Dialogs

        dialogs = Dialogs(metrics, clock=clock)
    return UiContext(
        config=config,
        reads=reads,
        services=services,
        metrics=metrics,
        dialogs=dialogs,
        clock=clock,
        launcher=Launcher(config.interface.allowed_programs),
        feed_factory=feed_factory,
    )
