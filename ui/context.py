"""The one object every widget of the board receives (git-cola style): no globals.

It carries the configuration, the store and the services, the touch metrics, the dialogs
(tests replace them by a fake answering from a script), the clock (tests inject a fixed
or stepping one, so blinking and lateness are tested without sleeping), the program
launcher and the factory of the change feed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from synoptic.config import Config
from synoptic.services import BoardServices
from synoptic.store.db import Store
from synoptic.store.queries import DestinationView, HistoryView, Reference, ResponsableView
from ui.launch import Launcher
from ui.metrics import Metrics

if TYPE_CHECKING:
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


class HostRecordReader(Protocol):
    """Text of a host record (MedinTux ``rubriqueshead`` blob) by its key."""

    def text(self, blob_key: int) -> str: ...


def default_feed_factory(store: Store) -> FeedLike:
    from synoptic.feed import ChangeFeed

    return ChangeFeed(store)


@dataclass
class UiContext:
    config: Config
    store: Store
    services: BoardServices
    metrics: Metrics
    dialogs: DialogsLike
    clock: Callable[[], datetime] = system_clock
    launcher: Launcher = field(default_factory=lambda: Launcher(()))
    feed_factory: Callable[[Store], FeedLike] = default_feed_factory
    host_records: HostRecordReader | None = None
    # Milliseconds between two polls of the change feed (the issue asks for changes within 1 s).
    poll_interval_ms: int = 500

    def now(self) -> datetime:
        return self.clock()


def build_context(
    config: Config,
    store: Store,
    services: BoardServices,
    *,
    dialogs: DialogsLike | None = None,
    clock: Callable[[], datetime] = system_clock,
    feed_factory: Callable[[Store], FeedLike] | None = None,
    host_records: HostRecordReader | None = None,
) -> UiContext:
    """A context with the metrics of the configuration and the real dialogs by default."""
    metrics = Metrics(scale=config.display.scale, base_font_pt=config.display.font_size)
    if dialogs is None:
        from ui.dialogs import Dialogs

        dialogs = Dialogs(metrics, clock=clock)
    return UiContext(
        config=config,
        store=store,
        services=services,
        metrics=metrics,
        dialogs=dialogs,
        clock=clock,
        launcher=Launcher(config.interface.allowed_programs),
        feed_factory=feed_factory or default_feed_factory,
        host_records=host_records,
    )
