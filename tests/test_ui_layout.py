"""Automatic placement of the boxes (pure functions, no Qt)."""

from __future__ import annotations

import itertools

import pytest

from synoptic.domain import BoxType
from synoptic.store.seed import BOXES
from ui.layout import (
    LayoutBox,
    LayoutSpec,
    auto_layout,
    bounding_size,
    box_weight,
    complete_layout,
)

SEED = [LayoutBox(code, BoxType(kind), cap) for code, _l, _b, _t, cap, kind in BOXES]
# The 17 boxes of the Synoptux 2.16 installation in synoptuxBases.sql.
LEGACY = [
    LayoutBox(c, BoxType.CARE, 1)
    for c in ("S1", "S2", "S3", "D4", "R1", "R2", "R3", "R4", "L1", "L2", "L3", "L4", "L5", "L6")
] + [
    LayoutBox("A1", BoxType.WAITING, 4),
    LayoutBox("A2", BoxType.WAITING, 10),
    LayoutBox("SR", BoxType.EXIT, 200),
]


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def spec(w: int, h: int) -> LayoutSpec:
    return LayoutSpec(
        width=w,
        height=h,
        column_width=360,
        min_column_width=300,
        min_height=220,
        comfortable_height=340,
        gap=6,
    )


@pytest.mark.parametrize("size", [(1920, 976), (1280, 696), (1024, 650), (3840, 2000)])
@pytest.mark.parametrize("boxes", [SEED, LEGACY], ids=["seed", "synoptux-2.16"])
def test_layout_is_tidy(size: tuple[int, int], boxes: list[LayoutBox]) -> None:
    rects = auto_layout(boxes, spec(*size))
    assert set(rects) == {b.code for b in boxes}
    for a, b in itertools.combinations(rects.values(), 2):
        assert not overlaps(a, b)
    width, _height = bounding_size(rects)
    assert width <= size[0]  # never a horizontal scroll
    for x, y, w, h in rects.values():
        assert x >= 0 and y >= 0 and w >= 300 and h >= 220
    widths = {w for _x, _y, w, _h in rects.values()}
    assert len(widths) <= 2  # columns of one width (a short last row may widen)


def test_fresh_install_fills_1920x1080_without_scrolling() -> None:
    rects = auto_layout(SEED, spec(1920, 976))
    assert bounding_size(rects)[1] <= 976
    xs = sorted({x for x, *_ in rects.values()})
    assert rects["ATT"][0] == 0  # waiting on the left
    assert rects["SORT"][0] == xs[-1] and rects["ABS"][0] == xs[-1]  # exits on the right
    care = [rects[c] for c in ("B1", "B2", "B3", "B4", "B5", "B6", "DECH")]
    assert len({w for *_, w, _h in care}) == 1  # a regular grid
    assert min(h for *_, h in care) >= 220  # one patient with tasks fits (glance card)
    assert rects["UHCD"][3] >= max(h for *_, h in care)  # four places: more of its column


def test_1280x800_keeps_everything_on_screen_and_leaves_no_cell_empty() -> None:
    rects = auto_layout(SEED, spec(1280, 696))
    width, height = bounding_size(rects)
    assert width <= 1280 and height <= 696
    assert rects["ATT"][0] == rects["ABS"][0] == 0  # one shared side column...
    # ...whose exits take the care grid's free cell, bottom right.
    xs = sorted({x for x, *_ in rects.values()})
    assert rects["SORT"][0] == xs[-1] and rects["SORT"][1] > rects["B3"][1]
    for x in xs:  # every column is filled down to the bottom
        assert max(r[1] + r[3] for r in rects.values() if r[0] == x) == 696


def with_needs(boxes: list[LayoutBox], needs: dict[str, int]) -> list[LayoutBox]:
    return [LayoutBox(b.code, b.type, b.capacity, needs.get(b.code, 0)) for b in boxes]


# The demo board: who holds patients, and the pixels their cards ask for.
DEMO_NEEDS = {
    "ATT": 480,
    "B1": 300,
    "B2": 260,
    "B3": 300,
    "B4": 200,
    "DECH": 320,
    "UHCD": 200,
    "ABS": 110,
    "SORT": 190,
}


@pytest.mark.parametrize("size", [(1280, 696), (1920, 976)])
def test_empty_boxes_get_their_minimum_and_full_ones_the_rest(size: tuple[int, int]) -> None:
    s = spec(*size)
    s = LayoutSpec(**{**s.__dict__, "empty_height": 110})
    rects = auto_layout(with_needs(SEED, DEMO_NEEDS), s)
    for a, b in itertools.combinations(rects.values(), 2):
        assert not overlaps(a, b)
    assert rects["B5"][3] == rects["B6"][3] == 110  # empty: the title and a little room
    for code, need in DEMO_NEEDS.items():
        assert rects[code][3] >= min(need, 220), code  # what they need, at least 220
    assert rects["B1"][3] > rects["B5"][3] and rects["B4"][3] > rects["B5"][3]
    assert bounding_size(rects)[1] <= size[1]


def test_a_crowded_column_shares_fairly() -> None:
    boxes = [LayoutBox(c, BoxType.CARE, 1, n) for c, n in (("A", 150), ("B", 900), ("C", 900))]
    rects = auto_layout(boxes, spec(360, 976))
    a, b, c = (rects[k][3] for k in "ABC")
    assert a == 150  # all it needs (a crowded column gives no more)
    assert abs(b - c) <= 1 and b > 300  # the two big ones share the rest equally


def test_a_waiting_room_of_20_does_not_eat_the_screen() -> None:
    rects = auto_layout(SEED, spec(1920, 976))
    w, h = bounding_size(rects)
    _x, _y, bw, bh = rects["ATT"]
    assert bw * bh <= w * h / 5
    assert box_weight(LayoutBox("X", BoxType.WAITING, 20)) <= 2.5
    assert box_weight(LayoutBox("X", BoxType.WAITING, 2000)) == 2.5


def test_too_many_boxes_grow_the_board_downwards_not_below_minimum() -> None:
    many = [LayoutBox(f"C{i}", BoxType.CARE, 1) for i in range(40)]
    rects = auto_layout(many, spec(1280, 696))
    assert all(h >= 220 for *_, h in rects.values())
    assert bounding_size(rects)[1] > 696


def test_saved_positions_win_and_the_others_go_below() -> None:
    saved = {"B1": (10, 20, 300, 400), "ATT": (320, 20, 300, 400)}
    rects = complete_layout(SEED, saved, spec(1920, 976), (300, 400))
    assert rects["B1"] == (10, 20, 300, 400) and rects["ATT"] == (320, 20, 300, 400)
    others = [r for code, r in rects.items() if code not in saved]
    assert all(y >= 420 for _x, y, _w, _h in others)
    for a, b in itertools.combinations(rects.values(), 2):
        assert not overlaps(a, b)


def test_nothing_saved_is_the_automatic_layout() -> None:
    assert complete_layout(SEED, {}, spec(1920, 976), (300, 400)) == auto_layout(
        SEED, spec(1920, 976)
    )
    assert auto_layout([], spec(1920, 976)) == {}
