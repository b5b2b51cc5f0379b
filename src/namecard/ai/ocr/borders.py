"""Where cards touch: the photo's edges (its text blanked out) along a cut between cards."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from namecard.ai.ocr.layout import TextBox
from namecard.ai.ocr.prepare import Pixels

# Edges are looked for on a copy this size (longest side).
_WORK_SIDE = 800
_CANNY_LOW = 15
_CANNY_HIGH = 45
# A cut lies along a border when edges run through its band over this share of its length.
_COVERED = 0.85
# The band is widened by this many pixels (at work size) each side: the border sits beside
# the text gap, not always inside it.
_BAND_PAD = 3


@dataclass(frozen=True, slots=True)
class BorderMap:
    """The photo's edges without its text, turned like the boxes (deskewed), at `scale`."""

    edges: Pixels
    scale: float
    offset: tuple[float, float]

    def runs_along(
        self, start: float, end: float, vertical: bool, span: tuple[float, float]
    ) -> bool:
        """Whether a border runs along the band from `start` to `end` (box coordinates; rows when
        `vertical`, else columns) across most of `span` (the other axis)."""
        axis_offset, span_offset = self.offset[::-1] if vertical else self.offset
        low = max(0, round((start + axis_offset) * self.scale) - _BAND_PAD)
        high = round((end + axis_offset) * self.scale) + _BAND_PAD + 1
        first = max(0, round((span[0] + span_offset) * self.scale))
        last = round((span[1] + span_offset) * self.scale)
        # Rows of the (transposed, for a cut along a row) map across the span, columns in the band.
        band = (self.edges.T if vertical else self.edges)[first:last, low:high]
        if band.size == 0 or high <= low:
            return False
        covered = np.count_nonzero(band.max(axis=1))
        return bool(covered >= _COVERED * max(1, last - first))


def border_map(page: Pixels, boxes: Sequence[TextBox], degrees: float) -> BorderMap:
    """The edges of `page` with its text boxes blanked, rotated by -`degrees` about the origin as
    `deskew` turns the boxes, so cuts between deskewed boxes can be checked against it."""
    height, width = page.shape[:2]
    scale = min(1.0, _WORK_SIDE / max(height, width))
    size = (round(width * scale), round(height * scale))
    gray = cv2.cvtColor(cv2.resize(page, size, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
    edges = np.asarray(
        cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), _CANNY_LOW, _CANNY_HIGH), np.uint8
    )
    text = [(np.array(box.points, dtype=np.float32) * scale).astype(np.int32) for box in boxes]
    cv2.fillPoly(edges, text, 0)
    if not degrees:
        return BorderMap(edges, scale, (0.0, 0.0))
    cos, sin = math.cos(math.radians(-degrees)), math.sin(math.radians(-degrees))
    corners = [(x * cos - y * sin, x * sin + y * cos) for x, y in
               ((0, 0), (size[0], 0), (0, size[1]), (size[0], size[1]))]  # fmt: skip
    shift_x, shift_y = -min(c[0] for c in corners), -min(c[1] for c in corners)
    out = (round(max(c[0] for c in corners) + shift_x), round(max(c[1] for c in corners) + shift_y))
    matrix = np.array([[cos, -sin, shift_x], [sin, cos, shift_y]], dtype=np.float32)
    turned = np.asarray(cv2.warpAffine(edges, matrix, out, flags=cv2.INTER_NEAREST), np.uint8)
    return BorderMap(turned, scale, (shift_x / scale, shift_y / scale))
