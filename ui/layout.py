"""Automatic, tidy placement of the box panels for a given board size (pure: no Qt).

The layout reads like the department: waiting boxes on the left, care boxes in a regular
grid in the middle, absence and exit boxes on the right.  Columns are all the same width
(at least ``column_width``); when the board is too narrow for three separate groups the
waiting and exit boxes share one side column.  A row of care boxes is never shorter than
``min_height``: if the screen cannot hold every row, the board grows and scrolls rather
than squeezing boxes below a usable size.

Height follows what a box holds when the board says so (``LayoutBox.need``: the pixels its
title and cards ask for; 0 for a box with nobody in it).  Care boxes are stacked column by
column (B1 B2 B3 on top, B4 B5 B6 below...), so an empty box keeps only its minimum
(``empty_height``: its title, a touch target for moves) and gives the rest of its column to
the boxes that hold patients: first what each one needs, shared fairly when there is not
enough, then what is left in proportion of their needs.  Without needs (a fresh layout,
the pure tests), a column is shared by weight: a waiting room of 20 places gets the
height of its column, not twenty rows; its weight grows slowly with its capacity
(:func:`box_weight`).  When the side column is shared by waiting, absence and exit boxes,
the care grid's free cells at the bottom take the exit (then absence) boxes.

Saved positions (``[Positions_fenetres]``) win; boxes without one are placed by
:func:`complete_layout` in a strip below the saved ones, so they never overlap them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from synoptic.domain import BoxType

Rect = tuple[int, int, int, int]  # x, y, width, height


@dataclass(frozen=True)
class LayoutBox:
    code: str
    type: BoxType
    capacity: int | None
    need: int | None = None  # pixels asked by its title and cards; 0: empty; None: unknown


@dataclass(frozen=True)
class LayoutSpec:
    """The size to fill and the limits of one panel (all in pixels, already scaled)."""

    width: int
    height: int
    column_width: int = 360  # preferred
    min_column_width: int = 300
    min_height: int = 220
    # A care box this tall shows one patient with a few tasks without scrolling.
    comfortable_height: int = 340
    gap: int = 6
    # An empty box: its title and a little room (a move or a drop can still target it).
    empty_height: int = 110


def box_weight(box: LayoutBox) -> float:
    """Share of a column's height: 1 for a one-place box, up to 2.5 for a big one."""
    capacity = box.capacity if box.capacity and box.capacity > 0 else 4
    if box.type in (BoxType.ABSENCE, BoxType.EXIT):
        return 1.0  # their patients are folded: one line each
    return min(2.5, 1.0 + math.log2(capacity) / 3)


def box_places(box: LayoutBox) -> int:
    return box.capacity if box.capacity and box.capacity > 0 else 4


def care_weight(box: LayoutBox) -> float:
    """Share of a care column: one place 1, two 1.5, four and more 2.5."""
    return min(2.5, 1.0 + (box_places(box) - 1) / 2)


def _floor(box: LayoutBox, spec: LayoutSpec) -> int:
    if box.need is None:
        return spec.min_height
    if box.need <= 0:
        return min(spec.empty_height, spec.min_height)
    return max(min(spec.empty_height, spec.min_height), min(box.need, spec.min_height))


def _share(amount: int, wants: Sequence[float]) -> list[int]:
    """``amount`` pixels in proportion of ``wants`` (all equal when none wants any)."""
    total = sum(wants)
    if total <= 0:
        wants, total = [1.0] * len(wants), float(len(wants))
    return [int(amount * w / total) for w in wants]


def _fill(amount: int, deficits: Sequence[int]) -> list[int]:
    """Water filling: each gets what it lacks up to one common level (``amount`` < sum)."""
    given = [0] * len(deficits)
    left = amount
    open_ = [i for i, d in enumerate(deficits) if d > 0]
    while left > 0 and open_:
        level = max(1, left // len(open_))
        for i in list(open_):
            step = min(level, deficits[i] - given[i], left)
            given[i] += step
            left -= step
            if given[i] >= deficits[i]:
                open_.remove(i)
            if left <= 0:
                break
    return given


def _stack(
    boxes: Sequence[LayoutBox],
    x: int,
    top: int,
    width: int,
    height: int,
    spec: LayoutSpec,
    weight: Callable[[LayoutBox], float] = box_weight,
) -> dict[str, Rect]:
    """Boxes one above the other in one column, sharing its height (see the module doc)."""
    if not boxes:
        return {}
    gap = spec.gap
    usable = height - gap * (len(boxes) - 1)
    if all(b.need is None for b in boxes):
        return _stack_by_weight(boxes, x, top, width, usable, spec, weight)
    floors = [_floor(b, spec) for b in boxes]
    if sum(floors) > usable:  # too many for the column: equal shares (the board scrolls)
        floors = [max(1, min(f, usable // len(boxes))) for f in floors]
    extra = max(0, usable - sum(floors))
    deficits = [max(0, b.need - f) if b.need else 0 for b, f in zip(boxes, floors, strict=True)]
    if sum(deficits) >= extra:
        heights = [f + g for f, g in zip(floors, _fill(extra, deficits), strict=True)]
    else:
        left = extra - sum(deficits)
        known = any(b.need is not None for b in boxes)
        wants = [float(b.need or 0) if known else weight(b) for b in boxes]
        heights = [f + d + s for f, d, s in zip(floors, deficits, _share(left, wants), strict=True)]
    result: dict[str, Rect] = {}
    y = top
    for i, (box, h) in enumerate(zip(boxes, heights, strict=True)):
        if i == len(boxes) - 1:
            h = max(h, top + height - y)  # the last one takes the rounding
        result[box.code] = (x, y, width, h)
        y += h + gap
    return result


def _stack_by_weight(
    boxes: Sequence[LayoutBox],
    x: int,
    top: int,
    width: int,
    usable: int,
    spec: LayoutSpec,
    weight: Callable[[LayoutBox], float],
) -> dict[str, Rect]:
    """Heights in proportion of the weights, none below ``min_height`` (the layout of the
    screen and the boxes alone: what they hold never moves a box)."""
    n = len(boxes)
    floor = min(spec.min_height, max(1, usable // n))
    heights: list[int | None] = [None] * n
    while True:
        free = [i for i in range(n) if heights[i] is None]
        left = usable - sum(h for h in heights if h is not None)
        total = sum(weight(boxes[i]) for i in free) or 1.0
        low = [i for i in free if left * weight(boxes[i]) / total < floor]
        if not low:
            for i in free:
                heights[i] = int(left * weight(boxes[i]) / total)
            break
        for i in low:
            heights[i] = floor
    result: dict[str, Rect] = {}
    y = top
    for i, box in enumerate(boxes):
        h = heights[i] or floor
        if i == n - 1:
            h = max(h, top + usable + spec.gap * (n - 1) - y)  # the last takes the rounding
        result[box.code] = (x, y, width, h)
        y += h + spec.gap
    return result


def _middle_columns(columns: int, has_waiting: bool, has_away: bool) -> int:
    if has_waiting and has_away:
        return columns - (2 if columns >= 5 else 1)
    return columns - (1 if has_waiting or has_away else 0)


def choose_columns(care: int, has_waiting: bool, has_away: bool, spec: LayoutSpec) -> int:
    """The fewest columns (the widest, most readable boxes) whose care boxes are still
    comfortably tall; else as many as fit at the minimum width."""
    gap = spec.gap
    most = max(1, (spec.width + gap) // (spec.min_column_width + gap))
    fewest = max(1, min(most, round(spec.width / spec.column_width)))
    if care == 0:
        return fewest
    for columns in range(fewest, most + 1):
        middle = _middle_columns(columns, has_waiting, has_away)
        if middle < 1:
            continue
        rows = math.ceil(care / middle)
        if (spec.height - gap * (rows - 1)) / rows >= spec.comfortable_height:
            return columns
    return most


def auto_layout(boxes: Sequence[LayoutBox], spec: LayoutSpec) -> dict[str, Rect]:
    """Position and size of every box, keyed by code, filling ``spec.width`` x ``height``."""
    if not boxes:
        return {}
    gap = spec.gap
    waiting = [b for b in boxes if b.type is BoxType.WAITING]
    care = [b for b in boxes if b.type is BoxType.CARE]
    away = [b for b in boxes if b.type in (BoxType.ABSENCE, BoxType.EXIT)]
    columns = choose_columns(len(care), bool(waiting), bool(away), spec)
    if columns < 2:  # one column: a stack (the board scrolls when it is too long)
        height = max(spec.height, len(boxes) * (spec.min_height + gap) - gap)
        return _stack(boxes, 0, 0, spec.width, height, spec, weight=lambda _b: 1.0)
    if not care:
        return _grid(boxes, 0, 0, spec.width, spec.height, columns, gap, spec.min_height)
    # Separate side columns need room for a care grid of at least three columns beside them.
    left: list[LayoutBox] = []
    right: list[LayoutBox] = []
    if waiting and away:
        if columns >= 5:
            left, right = waiting, away
        else:
            left = waiting + away  # one shared side column
    elif waiting:
        left = waiting
    else:
        right = away
    middle = columns - bool(left) - bool(right)
    # Big waiting rooms (many places) get two columns when the care grid keeps three.
    left_span = 1
    if left == waiting and sum(box_places(b) for b in waiting) >= 16 and middle >= 5:
        left_span, middle = 2, middle - 1

    column_w = (spec.width - gap * (columns - 1)) // columns
    rows = math.ceil(len(care) / middle)
    height = max(spec.height, rows * spec.min_height + (rows - 1) * gap)
    stacks = [care[c::middle] for c in range(middle)]
    if left and right == [] and waiting and away:
        # One side column for everybody: the grid's free cells take the exits, then
        # absences (rightmost cells first, so exits end bottom right).
        free = [c for c in reversed(range(middle)) if len(stacks[c]) < rows]
        moved = away[len(away) - min(len(free), len(away)) :]
        for column, box in zip(free, reversed(moved), strict=False):
            stacks[column].append(box)
        left = [b for b in left if b not in moved]
    result: dict[str, Rect] = {}
    x = 0
    if left:
        left_w = column_w * left_span + gap * (left_span - 1)
        result.update(_stack(left, x, 0, left_w, height, spec))
        x += left_w + gap
    for stack in stacks:
        # A care box of several places (UHCD) gets more of its column than a one-place box.
        result.update(_stack(stack, x, 0, column_w, height, spec, weight=care_weight))
        x += column_w + gap
    if right:
        result.update(_stack(right, x, 0, column_w, height, spec))
    return result


def _grid(
    boxes: Sequence[LayoutBox],
    left: int,
    top: int,
    width: int,
    height: int,
    columns: int,
    gap: int,
    min_height: int,
) -> dict[str, Rect]:
    """Boxes row by row, all cells the same size."""
    columns = max(1, min(columns, len(boxes)))
    rows = math.ceil(len(boxes) / columns)
    cell_w = (width - gap * (columns - 1)) // columns
    cell_h = max(min_height, (height - gap * (rows - 1)) // rows)
    result: dict[str, Rect] = {}
    for i, box in enumerate(boxes):
        row, col = divmod(i, columns)
        result[box.code] = (left + col * (cell_w + gap), top + row * (cell_h + gap), cell_w, cell_h)
    return result


def complete_layout(
    boxes: Sequence[LayoutBox],
    saved: Mapping[str, Rect],
    spec: LayoutSpec,
    default_size: tuple[int, int],
) -> dict[str, Rect]:
    """Saved positions for the boxes that have one; a tidy layout for the others.

    Nothing saved: :func:`auto_layout`.  Some saved: the missing boxes flow left to right in
    a strip below the lowest saved box, at ``default_size`` (Largeur_Box x Hauteur_Box).
    """
    known = {b.code: saved[b.code] for b in boxes if b.code in saved}
    if not known:
        return auto_layout(boxes, spec)
    missing = [b for b in boxes if b.code not in known]
    result = dict(known)
    if not missing:
        return result
    w = max(1, min(default_size[0], spec.width))
    h = max(1, default_size[1])
    y = max(r[1] + r[3] for r in known.values()) + spec.gap
    x = 0
    for box in missing:
        if x > 0 and x + w > spec.width:
            x = 0
            y += h + spec.gap
        result[box.code] = (x, y, w, h)
        x += w + spec.gap
    return result


def bounding_size(rects: Mapping[str, Rect]) -> tuple[int, int]:
    """Width and height needed to show every rectangle (from the origin)."""
    if not rects:
        return (0, 0)
    return (
        max(x + w for x, _, w, _ in rects.values()),
        max(y + h for _, y, _, h in rects.values()),
    )
