"""Cards in a photo: card-shaped outlines found by their edges, and each one warped flat."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from namecard.ai.ocr.prepare import Pixels

logger = logging.getLogger(__name__)

Corners = npt.NDArray[np.float32]

# Edges are looked for on a copy this size (longest side): enough for a card's outline, cheap.
_WORK_SIDE = 640
# A card covers at least this share of the photo (smaller outlines are logos, QR codes, icons)
# and at most this share (an outline filling the photo is its frame, not a card on it).
_MIN_AREA = 0.04
_MAX_AREA = 0.97
# Long side over short side of a card seen at an angle: ISO/JP/US cards are 1.55-1.75 flat.
_MIN_ASPECT = 1.2
_MAX_ASPECT = 2.3
# Corners of a card outline are within 35° of a right angle (cos 55° = 0.57): a card seen at a
# slant is a trapezoid.
_MAX_CORNER_COSINE = 0.57
# An outline is kept as a quadrilateral when it fills this share of its rotated bounding box.
_MIN_FILL = 0.85
# Two outlines of about the same area overlapping by this share are one outline found twice.
_SAME_OUTLINE = 0.9
# A border is a straight edge at least this share of the photo's short side long.
_BORDER_LENGTH = 0.3
_BORDER_WIDTH = 3
_HOUGH_VOTES = 0.6
_HOUGH_GAP = 8
_POLY_EPSILON = 0.02
# Low edge thresholds: a white card on a pale desk differs from it by a few grey levels.
_CANNY_LOW = 15
_CANNY_HIGH = 45
_STRONG_LOW = 50
_STRONG_HIGH = 150


@dataclass(frozen=True, slots=True, eq=False)
class CardOutline:
    """A card's corners on the photo: top-left, top-right, bottom-right, bottom-left."""

    corners: Corners

    @property
    def area(self) -> float:
        return float(cv2.contourArea(self.corners))

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the flattened card, from its longer opposite sides."""
        tl, tr, br, bl = self.corners
        width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
        height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
        return round(float(width)), round(float(height))


def _u8(array: Any) -> Pixels:
    """OpenCV's result as the 8-bit array it is (its stubs type results loosely)."""
    return np.asarray(array, dtype=np.uint8)


def _order(points: npt.NDArray[np.float32]) -> Corners:
    """Four points as top-left, top-right, bottom-right, bottom-left (by angle about the centre)."""
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ordered = points[np.argsort(angles)]  # clockwise on screen, starting at the left-most angle
    start = int(np.argmin(ordered.sum(axis=1)))
    return np.roll(ordered, -start, axis=0).astype(np.float32)


def _as_quad(contour: npt.NDArray[np.int32]) -> npt.NDArray[np.float32] | None:
    """The contour as four corners, if it is one: a 4-point polygon, or a filled rotated box."""
    hull = cv2.convexHull(contour)
    poly = cv2.approxPolyDP(hull, _POLY_EPSILON * cv2.arcLength(hull, True), True)
    if len(poly) == 4:
        return poly.reshape(4, 2).astype(np.float32)
    rect = cv2.minAreaRect(hull)
    rect_area = rect[1][0] * rect[1][1]
    if rect_area > 0 and cv2.contourArea(hull) >= _MIN_FILL * rect_area:
        return np.asarray(cv2.boxPoints(rect), dtype=np.float32)
    return None


def _card_shaped(quad: npt.NDArray[np.float32], photo_area: float) -> bool:
    area = float(cv2.contourArea(quad))
    if not _MIN_AREA * photo_area <= area <= _MAX_AREA * photo_area:
        return False
    sides = [math.dist(quad[i], quad[(i + 1) % 4]) for i in range(4)]
    long, short = (
        max(sides[0] + sides[2], sides[1] + sides[3]),
        min(sides[0] + sides[2], sides[1] + sides[3]),
    )
    return short > 0 and _MIN_ASPECT <= long / short <= _MAX_ASPECT and _square_corners(quad)


def _square_corners(quad: npt.NDArray[np.float32]) -> bool:
    """Whether every corner is near a right angle (a card seen at an angle stays near one)."""
    for i in range(4):
        one, two = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        cosine = float(np.dot(one, two)) / max(
            1e-6, float(np.linalg.norm(one) * np.linalg.norm(two))
        )
        if abs(cosine) > _MAX_CORNER_COSINE:
            return False
    return True


def overlap(one: CardOutline, two: CardOutline) -> float:
    """The shared area as a share of the smaller outline."""
    shared, _ = cv2.intersectConvexConvex(one.corners, two.corners)
    return float(shared) / max(1.0, min(one.area, two.area))


def _distinct(outlines: Sequence[CardOutline]) -> list[CardOutline]:
    """The outlines less near-duplicates (the same card found by two routes)."""
    kept: list[CardOutline] = []
    for outline in sorted(outlines, key=lambda o: -o.area):
        if not any(overlap(k, outline) >= _SAME_OUTLINE and outline.area >= _SAME_OUTLINE * k.area
                   for k in kept):  # fmt: skip
            kept.append(outline)
    return kept


def _border_lines(edges: Pixels) -> Pixels:
    """Only the long straight edges (card borders, where cards touch), drawn on a blank map."""
    length = _BORDER_LENGTH * min(edges.shape[:2])
    votes = round(length * _HOUGH_VOTES)
    lines = cv2.HoughLinesP(edges, 1, np.pi / 180, votes, minLineLength=length,
                            maxLineGap=_HOUGH_GAP)  # fmt: skip
    drawn = np.zeros_like(edges)
    for x0, y0, x1, y1 in [] if lines is None else lines.reshape(-1, 4):
        cv2.line(drawn, (int(x0), int(y0)), (int(x1), int(y1)), 255, _BORDER_WIDTH)
    return drawn


def _candidates(gray: Pixels, text: Sequence[Corners]) -> list[npt.NDArray[np.float32] | None]:
    """Outlines of edges, regions enclosed by edges, and cells enclosed by long straight edges
    once the text is blanked out (cards that touch each other share borders, and print inside a
    card cuts its plain area)."""
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    edges = _u8(cv2.Canny(blurred, _CANNY_LOW, _CANNY_HIGH))
    thick = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    # Strong edges only: a card on a grained table, whose faint edges run into the grain.
    strong = cv2.dilate(cv2.Canny(blurred, _STRONG_LOW, _STRONG_HIGH), np.ones((3, 3), np.uint8))
    blank = edges.copy()
    cv2.fillPoly(blank, [quad.astype(np.int32) for quad in text], 0)
    found: list[Any] = []
    walls = np.maximum(cv2.dilate(blank, np.ones((5, 5), np.uint8)), _border_lines(blank))
    for plane in (thick, 255 - thick, strong, 255 - walls):
        found.extend(cv2.findContours(plane, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0])
    return [_as_quad(contour) for contour in found]


def find_cards(pixels: Pixels, text: Sequence[Corners] = ()) -> list[CardOutline]:
    """Card-shaped outlines on the photo, largest first; they may overlap (a card, and a panel
    of it, or two cards side by side and their union): the text inside tells which are cards."""
    height, width = pixels.shape[:2]
    scale = min(1.0, _WORK_SIDE / max(height, width))
    size = (round(width * scale), round(height * scale))
    gray = _u8(
        cv2.cvtColor(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
    )
    photo_area = float(size[0] * size[1])
    scaled = [quad * scale for quad in text]
    quads = [q for q in _candidates(gray, scaled) if q is not None
             and _card_shaped(q, photo_area)]  # fmt: skip
    return _distinct([CardOutline(_order(q / scale)) for q in quads])


def distance(outline: CardOutline, point: tuple[float, float]) -> float:
    """How far the point lies outside the outline (0 inside)."""
    signed = cv2.pointPolygonTest(outline.corners.reshape(-1, 1, 2), point, True)
    return max(0.0, -float(signed))


def grow(outline: CardOutline, points: npt.NDArray[np.float32]) -> CardOutline:
    """The smallest rotated rectangle holding the outline and the points (a card whose panel
    of another colour was found as an outline of its own)."""
    if len(points) == 0:
        return outline
    rect = cv2.minAreaRect(np.vstack([outline.corners, points]).astype(np.float32))
    return CardOutline(_order(cv2.boxPoints(rect).astype(np.float32)))


def flatten_card(pixels: Pixels, outline: CardOutline) -> Pixels:
    """The card cut out of the photo and warped to a flat rectangle."""
    width, height = outline.size
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32
    )
    matrix = cv2.getPerspectiveTransform(outline.corners, target)
    flat = cv2.warpPerspective(pixels, matrix, (width, height), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    return np.ascontiguousarray(flat, dtype=np.uint8)
