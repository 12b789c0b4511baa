"""The database out of reach: banner, last state kept, actions refused, reconnection; and
the errors that are *not* an outage.  The database is cut where the driver connects
(``DatabaseSwitch``), so the real change feed, queries and services fail by themselves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, ProgrammingError
from ui_support import BoardEnv, DatabaseSwitch, card_of

from synoptic.db_errors import is_outage
from synoptic.feed import prune_changes
from synoptic.services import NewTask
from synoptic.store import queries
from ui.live import HUNG_AFTER_S, database_error_message


@pytest.fixture
def switch(env: BoardEnv) -> Iterator[DatabaseSwitch]:
    cut = DatabaseSwitch(env.store)
    yield cut
    cut.remove()


def test_database_outage_banner_keeps_last_state_and_refuses_actions(
    qtbot, env: BoardEnv, switch: DatabaseSwitch
) -> None:
    pk = env.admit("B1", tasks=(NewTask("ECG"),))
    board = env.board(qtbot, live=True)
    assert not board.outage_banner.isVisible()
    assert board.status.database_label.text() == "Base : à l'écoute"
    env.clock.now = datetime(2026, 11, 21, 14, 7)
    switch.cut()
    qtbot.waitUntil(board.outage_banner.isVisible, timeout=1500)
    assert board.outage_banner.text().startswith("Base de données injoignable depuis 14:07")
    assert board.status.database_label.text() == "Base : injoignable depuis 14:07"
    assert pk in board.panels["B1"].cards  # the last state stays visible
    qtbot.mouseClick(
        card_of(board, pk).task_rows[0].state_buttons["3EC"], Qt.MouseButton.LeftButton
    )
    (message,), _ = env.dialogs.called("show_error")[-1]
    assert message.startswith("Base de données injoignable")
    switch.restore()
    qtbot.waitUntil(lambda: not board.outage_banner.isVisible(), timeout=1500)
    assert board.status.database_label.text() == "Base : à l'écoute"
    with env.store.read() as s:
        assert queries.load_patients(s, env.store.models, pks=[pk])[0].tasks[0].state_code is None


def test_database_down_at_start_then_back(qtbot, env: BoardEnv, switch: DatabaseSwitch) -> None:
    pks = [env.admit("B1"), env.admit("ATT", "SECOND", tasks=(NewTask("RX"),))]
    # The change log only remembers the last change (pruned): only a full reload of the
    # board, not "what changed since revision 0", brings back boxes and patients.
    prune_changes(env.store, keep_revisions=0)
    switch.cut()
    board = env.board(qtbot, live=True)  # the first load fails inside the real feed
    assert board.outage_banner.isVisible() and board.panels == {}
    polls = board.live.polls
    qtbot.waitUntil(lambda: board.live.polls > polls, timeout=2000)  # still down: a failed poll
    switch.restore()
    qtbot.waitUntil(lambda: not board.outage_banner.isVisible(), timeout=2000)
    qtbot.waitUntil(lambda: set(pks) <= set(board.patients), timeout=2000)
    assert {b.code for b in board.reference.boxes} == set(board.panels)
    assert {"ATT", "B1", "B2", "ABS", "SORT"} <= set(board.panels)
    assert pks[0] in board.panels["B1"].cards and pks[1] in board.panels["ATT"].cards
    assert [r.label for r in card_of(board, pks[1]).task_rows] == ["Radiographie"]


def test_first_load_failing_after_the_feed_answered_then_back(
    qtbot, env: BoardEnv, switch: DatabaseSwitch
) -> None:
    """The feed gave its revision, then the database went: the board has no revision; the
    feed has started, so only an explicit "reload everything" brings the board back."""
    pk = env.admit("B1")
    prune_changes(env.store, keep_revisions=0)
    switch.cut_at_checkout(2)  # 1: the feed's revision; 2: the board's first load
    board = env.board(qtbot, live=True)
    assert board.outage_banner.isVisible() and board.panels == {}
    assert board.live.revision is None
    switch.restore()
    qtbot.waitUntil(lambda: pk in board.patients, timeout=2000)
    assert pk in board.panels["B1"].cards and not board.outage_banner.isVisible()


def test_a_hung_poll_raises_the_banner_after_five_seconds(
    qtbot, env: BoardEnv, switch: DatabaseSwitch
) -> None:
    pk = env.admit("B1")
    board = env.board(qtbot, live=True)
    board.live.timer.stop()  # the test drives the polls
    seconds = [1000.0]
    board.live.monotonic = lambda: seconds[0]
    switch.hang_connections()  # the server accepts, then never answers
    board.live.poll()
    assert board.live.in_flight
    seconds[0] += HUNG_AFTER_S - 1
    board.live.poll()
    assert not board.outage_banner.isVisible()  # slow, not yet an outage
    seconds[0] += 2
    board.live.poll()
    assert board.outage_banner.isVisible() and board.live.in_flight
    qtbot.mouseClick(card_of(board, pk).fold_button, Qt.MouseButton.LeftButton)
    (message,), _ = env.dialogs.called("show_error")[-1]
    assert message.startswith("Base de données injoignable")  # refused, not frozen
    switch.restore()  # the hung poll ends: the database is back
    qtbot.waitUntil(lambda: not board.live.in_flight, timeout=3000)
    qtbot.waitUntil(lambda: not board.outage_banner.isVisible(), timeout=1000)


def test_action_failing_on_database_raises_banner(
    qtbot, env: BoardEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    pk = env.admit("B1")
    board = env.board(qtbot)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("UPDATE", {}, Exception("server has gone away"))

    monkeypatch.setattr(board.ctx.services, "set_folded", broken)
    qtbot.mouseClick(card_of(board, pk).fold_button, Qt.MouseButton.LeftButton)
    assert board.outage_banner.isVisible()
    (message,), _ = env.dialogs.called("show_error")[-1]
    assert "Base de données injoignable" in message


def test_a_refused_statement_is_an_error_not_an_outage(
    qtbot, env: BoardEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    pk = env.admit("B1")
    board = env.board(qtbot)
    card = card_of(board, pk)

    def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        env.services.set_comment(pk, "Changé ailleurs", now=env.clock.now)  # meanwhile
        raise IntegrityError(
            "UPDATE synopt_encours", {}, Exception("Duplicate entry 'x' for key 'PRIMARY'")
        )

    monkeypatch.setattr(board.ctx.services, "set_folded", refused)
    qtbot.mouseClick(card.fold_button, Qt.MouseButton.LeftButton)
    assert not board.outage_banner.isVisible() and not board.offline
    (message,), _ = env.dialogs.called("show_error")[-1]
    assert message == "Erreur de la base de données : Duplicate entry 'x' for key 'PRIMARY'"
    assert card_of(board, pk).comment_button.fullText() == "Changé ailleurs"  # refreshed
    assert "injoignable" not in board.status.database_label.text()


def test_what_is_an_outage() -> None:
    def make(kind, **kw):  # type: ignore[no-untyped-def]
        err = kind("SELECT 1", {}, Exception("boom"), **kw)
        return err

    assert is_outage(make(OperationalError))
    assert is_outage(make(InterfaceError))
    assert is_outage(make(ProgrammingError, connection_invalidated=True))
    assert not is_outage(make(ProgrammingError))
    assert not is_outage(make(IntegrityError))
    assert database_error_message(make(IntegrityError)) == "Erreur de la base de données : boom"
