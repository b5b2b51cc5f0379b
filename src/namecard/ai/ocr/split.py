"""Which text belongs to which card: card outlines found on a photo checked against its text."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from namecard.ai.ocr.layout import Border, OneCard, TextBox, split_cards
from namecard.ai.ocr.photo import CardOutline, distance, grow, overlap

# Text outside every card outline is ignored up to this share of the characters (a shadow, a
# sticker); beyond it, it must read as cards of its own or the outlines are not trusted.
_STRAY_SHARE = 0.05
# Leftover text this close to a card's outline (a share of the card's short side) is its own.
_NEAR = 0.35
# Outlines this far apart (a share of the smaller short side) lie apart on the table; a lone
# outline needs this many text boxes inside to count as a card.
_APART = 0.05
_LONE_MIN_BOXES = 3
# Two outlines overlapping by this share of the smaller one hold the same text.
_SAME_CARD = 0.5
# Cards whose text centres are within this many pixels of height are one row.
_ROW_BAND = 200.0

CardTest = Callable[[Sequence[TextBox]], bool]


@dataclass(frozen=True, slots=True)
class CardText:
    """One card's text as read on the whole photo, and its outline when one was found."""

    boxes: tuple[TextBox, ...]
    outline: CardOutline | None = None


def _chars(boxes: Sequence[TextBox]) -> int:
    return sum(len(b.text.strip()) for b in boxes)


def _centre(box: TextBox) -> tuple[float, float]:
    return ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)


def _inside(outline: CardOutline, boxes: Sequence[TextBox]) -> list[TextBox]:
    return [b for b in boxes if distance(outline, _centre(b)) == 0]


def _take_neighbours(cards: list[CardText], rest: Sequence[TextBox]) -> list[CardText]:
    """Cards grown over the leftover text just outside their outline (a panel of the card in
    another colour that the outline stopped at)."""
    near: list[list[TextBox]] = [[] for _ in cards]
    for box in rest:
        gaps = [distance(c.outline, _centre(box)) if c.outline else math.inf for c in cards]
        best = min(range(len(cards)), key=gaps.__getitem__)
        outline = cards[best].outline
        if outline is not None and gaps[best] <= _NEAR * min(outline.size):
            near[best].append(box)
    grown = []
    for card, extra in zip(cards, near, strict=True):
        if not extra or card.outline is None:
            grown.append(card)
            continue
        corners = np.array([p for box in extra for p in box.points], dtype=np.float32)
        grown.append(CardText(card.boxes + tuple(extra), grow(card.outline, corners)))
    return grown


def _one_per_card(cards: Sequence[CardText]) -> list[CardText]:
    """Among overlapping outlines whose text reads as a card, the smallest: two cards side by
    side are two cards, not their union."""
    kept: list[CardText] = []
    for card in sorted(cards, key=lambda c: c.outline.area if c.outline else 0.0):
        if card.outline and not any(k.outline and overlap(k.outline, card.outline) >= _SAME_CARD
                                    for k in kept):  # fmt: skip
            kept.append(card)
    return kept


def _apart(one: CardOutline, two: CardOutline) -> bool:
    """Whether table shows between two outlines (a panel of a card touches the rest of it)."""
    gap = min(
        min(distance(one, (float(x), float(y))) for x, y in two.corners),
        min(distance(two, (float(x), float(y))) for x, y in one.corners),
    )
    return gap >= _APART * min(*one.size, *two.size)


def _add_lone_outlines(cards: list[CardText], found: Sequence[CardText]) -> list[CardText]:
    """Cards plus the outlines lying apart from every other card with some text in them, even
    when that text alone does not read as a card (small print the photo's reading garbled): on a
    table, a card-shaped thing with text, away from the others, is a card."""
    kept = list(cards)
    lone = [c for c in found if c.outline and len(c.boxes) >= _LONE_MIN_BOXES]
    for card in sorted(lone, key=lambda c: -(c.outline.area if c.outline else 0.0)):
        if card.outline and all(k.outline and _apart(k.outline, card.outline) for k in kept):
            kept.append(card)
    return kept if len(kept) >= 2 or cards else []


def _left_over(cards: Sequence[CardText], boxes: Sequence[TextBox]) -> list[TextBox]:
    taken = {id(b) for card in cards for b in card.boxes}
    return [b for b in boxes if id(b) not in taken]


def _one_card(
    boxes: Sequence[TextBox], is_card: CardTest, border: Border | None, one_card: OneCard | None
) -> bool:
    """Whether the text reads as one card (not as none, nor as several side by side)."""
    return is_card(boxes) and len(split_cards(boxes, is_card, border, one_card)) == 1


def _reading_order(card: CardText) -> tuple[float, float]:
    """Rows top to bottom, then left to right, by the centre of the card's text."""
    centres = [_centre(b) for b in card.boxes]
    x = sum(c[0] for c in centres) / len(centres)
    y = sum(c[1] for c in centres) / len(centres)
    return (round(y / _ROW_BAND), x)


def by_outline(
    outlines: Sequence[CardOutline],
    boxes: Sequence[TextBox],
    is_card: CardTest,
    border: Border | None = None,
    one_card: OneCard | None = None,
) -> list[CardText] | None:
    """The photo's text split by card outline, or None when the outlines do not explain it: an
    outline is a card when the text inside reads as one; the text left over must be negligible
    or read as whole cards itself (a panel of a card found as an outline of its own is not)."""
    found = [CardText(tuple(_inside(o, boxes)), o) for o in outlines]
    cards = _one_per_card(
        [card for card in found if _one_card(card.boxes, is_card, border, one_card)]
    )
    cards = _add_lone_outlines(cards, found)
    if not cards:
        return None
    cards = _take_neighbours(cards, _left_over(cards, boxes))
    rest = _left_over(cards, boxes)
    if _chars(rest) > _STRAY_SHARE * _chars(boxes):
        groups = split_cards(rest, is_card, border, one_card)
        if not all(is_card(group) for group in groups):
            return None
        cards += [CardText(tuple(group)) for group in groups]
    return sorted(cards, key=_reading_order)
