"""A photo made ready for OCR: upright from EXIF, downscaled, and its page orientation chosen."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from namecard.ai.images import decode
from namecard.ai.ocr.layout import Point, TextBox

logger = logging.getLogger(__name__)

Pixels = npt.NDArray[np.uint8]

# Card text stays 15+ px high at this size even when a card fills only half of the photo, while
# the detector's work (which grows with the pixel count) stays well under a second on 2 cores.
MAX_SIDE = 1600
# The recogniser turns crops at least this much taller than wide by 90° before reading them.
TALL_RATIO = 1.5
# A page turn is chosen when the boxes that vote for it carry most of the text.
_TURN_MAJORITY = 0.5


@dataclass(frozen=True, slots=True)
class OrientedBox:
    """An OCR box with how the recogniser had to turn it: `tall` (read as a column) and
    `flipped` (the direction classifier found it upside down)."""

    box: TextBox
    tall: bool
    flipped: bool


def load_for_ocr(data: bytes, max_side: int = MAX_SIDE) -> Pixels:
    """The photo as an upright BGR array whose longest side is at most `max_side`."""
    rgb = np.asarray(decode(data, max_side), dtype=np.uint8)
    return np.ascontiguousarray(rgb[:, :, ::-1])


def page_turns(boxes: Sequence[OrientedBox]) -> int:
    """Quarter turns counter-clockwise (np.rot90's k) that make the page upright, decided by the
    boxes' reading direction weighted by their characters and scores; 0 when unclear."""
    votes = [0.0, 0.0, 0.0, 0.0]
    for item in boxes:
        # Columns read as-is run top to bottom: the page lies turned clockwise.
        turns = (1 if not item.flipped else 3) if item.tall else (2 if item.flipped else 0)
        votes[turns] += len(item.box.text.strip()) * item.box.score
    total = sum(votes)
    best = max(range(4), key=lambda k: votes[k])
    if best and votes[best] > _TURN_MAJORITY * total:
        return best
    return 0


def turn_pixels(pixels: Pixels, turns: int) -> Pixels:
    return np.ascontiguousarray(np.rot90(pixels, turns))


def _turn_point(point: Point, turns: int, width: float, height: float) -> Point:
    x, y = point
    if turns == 1:
        return (y, width - x)
    if turns == 2:
        return (width - x, height - y)
    if turns == 3:
        return (height - y, x)
    return point


def _reading_order(points: list[Point]) -> tuple[Point, Point, Point, Point]:
    """Corners as top-left, top-right, bottom-right, bottom-left (for tilts under 45°)."""
    top_left = min(points, key=lambda p: p[0] + p[1])
    bottom_right = max(points, key=lambda p: p[0] + p[1])
    top_right = min(points, key=lambda p: p[1] - p[0])
    bottom_left = max(points, key=lambda p: p[1] - p[0])
    return (top_left, top_right, bottom_right, bottom_left)


def turn_boxes(boxes: Sequence[TextBox], turns: int, size: tuple[int, int]) -> list[TextBox]:
    """Boxes found on a page of `size` (width, height) moved to the page turned by `turns`."""
    if turns % 4 == 0:
        return list(boxes)
    width, height = size
    return [
        TextBox(
            _reading_order([_turn_point(p, turns, width, height) for p in b.points]),
            b.text,
            b.score,
        )
        for b in boxes
    ]


def reading_quality(boxes: Sequence[TextBox]) -> float:
    """How much text a pass read, and how surely: the sum of score × characters."""
    return sum(b.score * len(b.text.strip()) for b in boxes)
