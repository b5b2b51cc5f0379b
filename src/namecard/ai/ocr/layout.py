"""OCR boxes to text lines with geometry: deskew, split the cards of one photo, merge baselines."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]
# Whether a border between cards runs along a band (start, end, across rows?, span across).
Border = Callable[[float, float, bool, tuple[float, float]], bool]
# Whether the text on either side of a gap is one card after all (a bilingual card's columns).
OneCard = Callable[[Sequence["TextBox"], Sequence["TextBox"]], bool]

# Boxes at least this many times wider than tall give a reliable text angle.
_ANGLE_MIN_ASPECT = 2.0
_MIN_SKEW_DEGREES = 0.5
_MAX_SKEW_DEGREES = 30.0
# Two boxes share a baseline when they overlap vertically by this share of the smaller height,
# the horizontal gap between them is at most this many (smaller) text heights, as for a label and
# its value, and their text heights are alike: a big name beside a small label is not one line.
_SAME_LINE_OVERLAP = 0.5
_SAME_LINE_GAP = 3.0
_SAME_LINE_HEIGHTS = 2.0
# Boxes overlapping across more than this share of the narrower one's width are stacked lines
# whose bounds a residual tilt made overlap (a card at an angle), not pieces of one line.
_STACKED_SHARE = 0.5
# Past this many text heights apart, two boxes share a line only when one is a label's length:
# two long texts that far apart are two columns (a company and a name side by side).
_WIDE_GAP = 1.5
_LABEL_CHARS = 6
# A lone Chinese character beside a longer text is a logo mark, not part of that line (labels
# have two characters or more; a spaced-out name is lone characters side by side).
_LOGO_NEIGHBOUR_CHARS = 3
# Two overlapping boxes may both read the characters where they overlap: at most this many.
_OVERLAP_CHARS = 2
# A gap between cards is at least this many median text heights wide.
_CARD_GAP = 2.0


@dataclass(frozen=True, slots=True)
class TextBox:
    """One OCR result: its corners (top-left, top-right, bottom-right, bottom-left), text, score."""

    points: Quad
    text: str
    score: float

    @property
    def x0(self) -> float:
        return min(p[0] for p in self.points)

    @property
    def x1(self) -> float:
        return max(p[0] for p in self.points)

    @property
    def y0(self) -> float:
        return min(p[1] for p in self.points)

    @property
    def y1(self) -> float:
        return max(p[1] for p in self.points)

    @property
    def height(self) -> float:
        """The text height: the box's left and right sides, independent of rotation."""
        (p0, p1, p2, p3) = self.points
        return (math.dist(p0, p3) + math.dist(p1, p2)) / 2

    @property
    def width(self) -> float:
        (p0, p1, p2, p3) = self.points
        return (math.dist(p0, p1) + math.dist(p3, p2)) / 2


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def join_words(left: str, right: str) -> str:
    """Joins two pieces of text: no space between Chinese characters, one space otherwise."""
    if not left or not right:
        return left or right
    glue = "" if _is_cjk(left[-1]) and _is_cjk(right[0]) else " "
    return f"{left.rstrip()}{glue}{right.lstrip()}"


def _without_overlap(text: str, piece: str) -> str:
    """The text less its last short word when the next, overlapping box read it again as its
    start ("London E" + "EC2V8AU")."""
    head, _, tail = text.rpartition(" ")
    if head and 0 < len(tail) <= _OVERLAP_CHARS and piece.startswith(tail):
        return head
    return text


@dataclass(frozen=True, slots=True)
class Line:
    """Boxes on one baseline, left to right."""

    fragments: tuple[TextBox, ...]

    @property
    def text(self) -> str:
        text = ""
        previous: TextBox | None = None
        for fragment in self.fragments:
            piece = fragment.text.strip()
            if previous is not None and fragment.x0 < previous.x1:
                text = _without_overlap(text, piece)
            text = join_words(text, piece)
            previous = fragment
        return text

    @property
    def x0(self) -> float:
        return min(f.x0 for f in self.fragments)

    @property
    def x1(self) -> float:
        return max(f.x1 for f in self.fragments)

    @property
    def y0(self) -> float:
        return min(f.y0 for f in self.fragments)

    @property
    def y1(self) -> float:
        return max(f.y1 for f in self.fragments)

    @property
    def height(self) -> float:
        return max(f.height for f in self.fragments)

    @property
    def score(self) -> float:
        """The character-weighted mean recognition score."""
        weights = [max(1, len(f.text)) for f in self.fragments]
        total = sum(f.score * w for f, w in zip(self.fragments, weights, strict=True))
        return total / sum(weights)


def _rotate(point: Point, cos: float, sin: float) -> Point:
    x, y = point
    return (x * cos - y * sin, x * sin + y * cos)


def skew_degrees(boxes: Sequence[TextBox]) -> float:
    """The median angle of the wide boxes' top edges in degrees (positive: text runs downhill)."""
    angles = [
        math.degrees(math.atan2(b.points[1][1] - b.points[0][1], b.points[1][0] - b.points[0][0]))
        for b in boxes
        if b.width >= _ANGLE_MIN_ASPECT * b.height
    ]
    return statistics.median(angles) if angles else 0.0


def deskew_degrees(boxes: Sequence[TextBox]) -> float:
    """The angle `deskew` turns these boxes by (0 when their tilt is negligible or implausible)."""
    angle = skew_degrees(boxes)
    return angle if _MIN_SKEW_DEGREES <= abs(angle) <= _MAX_SKEW_DEGREES else 0.0


def deskew(boxes: Sequence[TextBox]) -> list[TextBox]:
    """The boxes turned about the origin so that the text runs horizontally."""
    angle = deskew_degrees(boxes)
    if not angle:
        return list(boxes)
    cos, sin = math.cos(math.radians(-angle)), math.sin(math.radians(-angle))
    turned = []
    for box in boxes:
        p0, p1, p2, p3 = (_rotate(p, cos, sin) for p in box.points)
        turned.append(TextBox((p0, p1, p2, p3), box.text, box.score))
    return turned


def _gaps(
    boxes: Sequence[TextBox], vertical: bool, min_gap: float, border: Border | None
) -> list[float]:
    """Cut positions along one axis, widest first, where no box covers a stretch of at least
    `min_gap`, or of any width along which the photo shows a border between cards."""
    spans = sorted((b.y0, b.y1) if vertical else (b.x0, b.x1) for b in boxes)
    across = (min(b.x0 for b in boxes), max(b.x1 for b in boxes)) if vertical else (
        min(b.y0 for b in boxes), max(b.y1 for b in boxes))  # fmt: skip
    cuts: list[tuple[float, float]] = []
    reach = spans[0][1]
    for start, end in spans[1:]:
        if start - reach >= min_gap or (
            start > reach and border is not None and border(reach, start, vertical, across)
        ):
            cuts.append((start - reach, (start + reach) / 2))
        reach = max(reach, end)
    return [position for _, position in sorted(cuts, reverse=True)]


def split_cards(
    boxes: Sequence[TextBox],
    is_card: Callable[[Sequence[TextBox]], bool],
    border: Border | None = None,
    one_card: OneCard | None = None,
) -> list[list[TextBox]]:
    """Cards in reading order (rows top to bottom, each left to right), cut recursively at the
    widest empty band (or a narrower one along a border between cards, when `border` can tell)
    whose both sides still look like a card by themselves and are not one card's two parts
    (`one_card`)."""
    if len(boxes) < 2:
        return [list(boxes)] if boxes else []
    min_gap = _CARD_GAP * statistics.median(b.height for b in boxes)
    for vertical in (True, False):
        for cut in _gaps(boxes, vertical, min_gap, border):
            first = [b for b in boxes if (b.y1 if vertical else b.x1) <= cut]
            second = [b for b in boxes if (b.y1 if vertical else b.x1) > cut]
            if not (is_card(first) and is_card(second)):
                continue
            if one_card is None or not one_card(first, second):
                return split_cards(first, is_card, border, one_card) + split_cards(
                    second, is_card, border, one_card
                )
    return [list(boxes)]


def _same_line(one: TextBox, two: TextBox) -> bool:
    low, high = sorted((one.height, two.height))
    overlap = min(one.y1, two.y1) - max(one.y0, two.y0)
    gap = max(one.x0, two.x0) - min(one.x1, two.x1)
    narrower = min(one.x1 - one.x0, two.x1 - two.x0)
    return (
        overlap >= _SAME_LINE_OVERLAP * low
        and gap <= _SAME_LINE_GAP * low
        and -gap <= _STACKED_SHARE * narrower
        and (gap <= _WIDE_GAP * low or min(len(one.text), len(two.text)) <= _LABEL_CHARS)
        and high <= _SAME_LINE_HEIGHTS * low
        and not _logo_beside(one, two)
    )


def _logo_beside(one: TextBox, two: TextBox) -> bool:
    short, long = sorted((one.text.strip(), two.text.strip()), key=len)
    return len(short) == 1 and _is_cjk(short) and len(long) >= _LOGO_NEIGHBOUR_CHARS


def _stacked(one: TextBox, two: TextBox) -> bool:
    """Boxes overlapping across more than half the narrower one's width lie one above the other."""
    overlap = min(one.x1, two.x1) - max(one.x0, two.x0)
    return overlap > _STACKED_SHARE * min(one.x1 - one.x0, two.x1 - two.x0)


def _joins(line: list[TextBox], box: TextBox) -> bool:
    """A box joins a line it shares a baseline with, unless it lies under one of the line's boxes
    (a logo's square as tall as two lines beside it would chain them into one)."""
    return any(_same_line(other, box) for other in line) and not any(
        _stacked(other, box) for other in line
    )


def group_lines(boxes: Sequence[TextBox]) -> list[Line]:
    """Boxes merged into lines on a shared baseline, lines sorted top to bottom, left to right."""
    lines: list[list[TextBox]] = []
    for box in sorted(boxes, key=lambda b: ((b.y0 + b.y1) / 2, b.x0)):
        homes = [line for line in lines if _joins(line, box)]
        if not homes:
            lines.append([box])
            continue
        # A box between two pieces of one line (read out of order) joins them into one.
        homes[0].append(box)
        for other in homes[1:]:
            homes[0].extend(other)
        lines = [line for line in lines if not any(line is other for other in homes[1:])]
    built = [Line(tuple(sorted(line, key=lambda b: b.x0))) for line in lines]
    return sorted(built, key=lambda line: ((line.y0 + line.y1) / 2, line.x0))
