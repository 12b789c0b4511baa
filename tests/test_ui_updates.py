"""A poll of the change feed racing a touch action: the newer view of the patient wins."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from ui_support import NOW, BoardEnv, card_of

from synoptic.services import NewTask
from synoptic.store import queries
from synoptic.views import PatientView, TaskView
from ui.live import FeedUpdate
from ui.updates import Freshness, compare_views


def read(env: BoardEnv, pk: int) -> tuple[PatientView, ...]:
    """What the worker reads for this patient, now."""
    with env.store.read() as s:
        return queries.load_patients(s, env.store.models, pks=[pk])


def feed_result(env: BoardEnv, pk: int, sequence: int) -> FeedUpdate:
    return FeedUpdate(999, frozenset({pk}), read(env, pk), None, None, sequence)


def test_another_screen_change_read_after_a_local_refresh_is_kept(qtbot, env: BoardEnv) -> None:
    """The poll starts, this screen folds the patient (and reads it again), another screen
    changes the comment, then the worker reads: its view is the newer one."""
    pk = env.admit("B1", tasks=(NewTask("ECG"),))
    board = env.board(qtbot)
    poll_started = board.local.sequence
    qtbot.mouseClick(card_of(board, pk).fold_button, Qt.MouseButton.LeftButton)
    assert card_of(board, pk).patient.folded
    env.services.set_comment(pk, "Vu par l'autre écran", now=NOW)  # another screen
    board.apply_update(feed_result(env, pk, poll_started))
    card = card_of(board, pk)
    assert card.comment_button.fullText() == "Vu par l'autre écran"
    assert card.patient.folded


def test_another_screen_task_state_read_after_a_local_refresh_is_kept(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", tasks=(NewTask("ECG"), NewTask("BIO")))
    board = env.board(qtbot)
    poll_started = board.local.sequence
    qtbot.mouseClick(
        card_of(board, pk).task_rows[0].state_buttons["2DE"], Qt.MouseButton.LeftButton
    )
    bio = card_of(board, pk).task_rows[1].task
    env.services.set_task_state(pk, bio.num, "3EC", now=NOW)  # another screen
    board.apply_update(feed_result(env, pk, poll_started))
    rows = card_of(board, pk).task_rows
    assert rows[0].state_buttons["2DE"].property("current") is True
    assert rows[1].task.state_code == "3EC"


def test_a_stale_feed_view_does_not_undo_a_local_action(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", tasks=(NewTask("ECG"),))
    board = env.board(qtbot)
    poll_started = board.local.sequence
    stale = feed_result(env, pk, poll_started)  # the worker read before the touch
    qtbot.mouseClick(
        card_of(board, pk).task_rows[0].state_buttons["3EC"], Qt.MouseButton.LeftButton
    )
    card = card_of(board, pk)
    board.apply_update(stale)
    assert card_of(board, pk) is card  # not rebuilt with the stale view
    assert card.task_rows[0].state_buttons["3EC"].property("current") is True


def test_when_revisions_cannot_tell_the_patient_is_read_again(qtbot, env: BoardEnv) -> None:
    """A deleted task moves no revision: the screen keeps its view and the next poll reads
    the patient again (whatever the feed says), so another screen's change is not lost."""
    pk = env.admit("B1", tasks=(NewTask("RX"), NewTask("BIO")))
    board = env.board(qtbot, live=True)
    board.live.timer.stop()
    qtbot.waitUntil(lambda: not board.live.in_flight)
    poll_started = board.local.sequence
    stale = feed_result(env, pk, poll_started)
    qtbot.mouseClick(card_of(board, pk).task_rows[0].delete_button, Qt.MouseButton.LeftButton)
    board.apply_update(stale)
    assert [r.label for r in card_of(board, pk).task_rows] == ["Biologie"]  # no flicker back
    with qtbot.waitSignal(board.live.updated, timeout=2000) as signal:
        board.live.poll()
    assert pk in signal.args[0].patient_pks  # read again though nothing changed since
    assert [r.label for r in card_of(board, pk).task_rows] == ["Biologie"]


def test_full_reload_racing_a_local_refresh(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", tasks=(NewTask("ECG"),))
    board = env.board(qtbot)
    poll_started = board.local.sequence
    qtbot.mouseClick(card_of(board, pk).fold_button, Qt.MouseButton.LeftButton)
    env.services.set_comment(pk, "Plus récent", now=NOW)
    with env.store.read() as s:
        snapshot = queries.load_board(s, env.store.models)
    board.apply_update(FeedUpdate(999, frozenset(), (), snapshot.reference, snapshot, poll_started))
    assert card_of(board, pk).comment_button.fullText() == "Plus récent"


def test_local_refreshes_are_forgotten(qtbot, env: BoardEnv) -> None:
    pks = [env.admit("ATT", f"P{i}") for i in range(5)]
    board = env.board(qtbot)
    for pk in pks:
        qtbot.mouseClick(card_of(board, pk).fold_button, Qt.MouseButton.LeftButton)
    # No poll pending: nothing can race the earlier refreshes any more.
    assert len(board.local) == 1
    poll_started = board.local.sequence
    qtbot.mouseClick(card_of(board, pks[0]).fold_button, Qt.MouseButton.LeftButton)
    board.apply_update(FeedUpdate(999, frozenset(), (), None, None, board.local.sequence))
    assert len(board.local) == 0
    assert poll_started < board.local.sequence


# ---------------------------------------------------------------- the rule itself


def view(revision: int = 1, tasks: tuple[tuple[int, int], ...] = ((1, 0),)) -> PatientView:
    base = PatientView(
        pk=1,
        box_code="B1",
        last_name="X",
        first_name="",
        guid="",
        responsable=None,
        comment="",
        entered_at=None,
        moved_at=None,
        folded=False,
        hidden=False,
        annex_program="",
        annex_args=(),
        destination="",
        revision=revision,
        tasks=(),
    )
    task = TaskView(
        patient_pk=1,
        num=0,
        code="RX",
        comment="",
        state_code=None,
        planned_start=None,
        planned_end=None,
        started_at=None,
        ended_at=None,
        priority=None,
        note="",
        actor="",
        blob_key=None,
        note_file="",
        note_reader="",
        revision=0,
    )
    return replace(base, tasks=tuple(replace(task, num=n, revision=r) for n, r in tasks))


@pytest.mark.parametrize(
    ("incoming", "shown", "expected"),
    [
        (view(2), view(1), Freshness.NEWER),
        (view(1), view(2), Freshness.OLDER),
        (view(1), view(1), Freshness.SAME),
        (view(1, ((1, 3),)), view(1, ((1, 2),)), Freshness.NEWER),
        (view(1, ((1, 1), (2, 0))), view(1, ((1, 2), (2, 0))), Freshness.OLDER),
        (view(2, ((1, 1),)), view(1, ((1, 2),)), Freshness.UNKNOWN),  # both ways
        (view(1, ((1, 0), (2, 0))), view(1, ((1, 0),)), Freshness.UNKNOWN),  # task set
        (replace(view(1), comment="hôte"), view(1), Freshness.UNKNOWN),  # host SQL
    ],
)
def test_compare_views(incoming: PatientView, shown: PatientView, expected: Freshness) -> None:
    assert compare_views(incoming, shown) is expected
