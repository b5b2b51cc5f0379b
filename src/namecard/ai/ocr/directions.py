"""Lone upside-down crops: the direction classifier's slips undone before recognition."""

from __future__ import annotations

import math
from collections.abc import Sequence

from namecard.ai.ocr.layout import Point

# A crop is judged against this many of its nearest neighbours, within this many of its own
# heights (about a card's contact block): when less than this share of their length was found
# upside down, it was not upside down either.
_NEIGHBOURS = 6
_REACH = 15.0
_LONE_SHARE = 0.5
_MIN_NEIGHBOURS = 2


def _centre(quad: Sequence[Point]) -> Point:
    return (sum(p[0] for p in quad) / len(quad), sum(p[1] for p in quad) / len(quad))


def _height(quad: Sequence[Point]) -> float:
    return max(math.dist(quad[0], quad[3]), 1.0)


def _width(quad: Sequence[Point]) -> float:
    return max(math.dist(quad[0], quad[1]), 1.0)


def lone_flips(
    quads: Sequence[Sequence[Point]], tall: Sequence[bool], flipped: Sequence[bool]
) -> list[int]:
    """Indices of the lines (not columns) the classifier turned upside down while most of the
    lines around them stand upright. The classifier slips on short runs of digits, which read
    much the same both ways up ("+81-92-459-4796" came out "9641-698-26-19"); a card lying upside
    down among upright ones keeps its turn, for its own lines around it are turned too."""
    lines = [i for i, is_tall in enumerate(tall) if not is_tall]
    centres = {i: _centre(quads[i]) for i in lines}
    lone = []
    for i in (i for i in lines if flipped[i]):
        reach = _REACH * _height(quads[i])
        near = sorted(
            (math.dist(centres[i], centres[j]), j)
            for j in lines
            if j != i and math.dist(centres[i], centres[j]) <= reach
        )[:_NEIGHBOURS]
        if len(near) < _MIN_NEIGHBOURS:
            continue
        turned = sum(_width(quads[j]) for _, j in near if flipped[j])
        if turned < _LONE_SHARE * sum(_width(quads[j]) for _, j in near):
            lone.append(i)
    return lone
