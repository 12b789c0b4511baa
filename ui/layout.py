"""Automatic, tidy placement of the box panels for a given board size (pure: no Qt).

The layout reads like the department: waiting boxes on the left, care boxes in a regular
grid in the middle, absence and exit boxes on the right.  Columns are all the same width
(at least ``column_width``); when the board is too narrow for three separate groups the
waiting and exit boxes share one side column.  A row of care boxes is never shorter than
``min_height``: if the screen cannot hold every row, the board grows and scrolls rather
than squeezing boxes below a usable size.

A waiting room of 20 places gets the height of its column, not twenty rows: the weight of a
box in a column grows slowly with its capacity (see :func:`box_weight`).

Saved positions (``[Positions_fenetres]``) win; boxes without one are placed by
:func:`complete_layout` in a strip below the saved ones, so they never overlap them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from synoptic.domain import BoxType

Rect = tuple[int, int, int, int]  # x, y, width, height


@dataclass(frozen=True)
class LayoutBox:
    code: str
    type: BoxType
    capacity: int | None


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


def box_weight(box: LayoutBox) -> float:
    """Share of a column's height: 1 for a one-place box, up to 2.5 for a big one."""
    capacity = box.capacity if box.capacity and box.capacity > 0 else 4
    if box.type in (BoxType.ABSENCE, BoxType.EXIT):
        return 1.0  # their patients are folded: one line each
    return min(2.5, 1.0 + math.log2(capacity) / 3)


def _stack(
    boxes: Sequence[LayoutBox], x: int, top: int, width: int, height: int, gap: int, min_height: int
) -> dict[str, Rect]:
    """Boxes one above the other in one column: each at least ``min_height``, the rest of
    the height shared by weight."""
    if not boxes:
        return {}
    usable = height - gap * (len(boxes) - 1)
    floor = min(min_height, max(1, usable // len(boxes)))
    extra = max(0, usable - floor * len(boxes))
    total = sum(box_weight(b) for b in boxes)
    result: dict[str, Rect] = {}
    y = top
    for i, box in enumerate(boxes):
        if i == len(boxes) - 1:
            h = max(floor, top + height - y)
        else:
            h = floor + round(extra * box_weight(box) / total)
        result[box.code] = (x, y, width, h)
        y += h + gap
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
    if not care or columns < 2:
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

    column_w = (spec.width - gap * (columns - 1)) // columns
    rows = math.ceil(len(care) / middle)
    height = max(spec.height, rows * spec.min_height + (rows - 1) * gap)
    result: dict[str, Rect] = {}
    x = 0
    if left:
        result.update(_stack(left, x, 0, column_w, height, gap, spec.min_height))
        x += column_w + gap
    middle_w = middle * column_w + (middle - 1) * gap
    result.update(_grid(care, x, 0, middle_w, height, middle, gap, spec.min_height))
    x += middle_w + gap
    if right:
        result.update(_stack(right, x, 0, column_w, height, gap, spec.min_height))
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
