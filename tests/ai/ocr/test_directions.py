"""Upside-down crops: the classifier's lone slips are undone, a card lying upside down is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from namecard.ai.ocr.directions import lone_flips
from namecard.ai.ocr.engine import new_engine
from namecard.ai.ocr.layout import Point
from namecard.ai.ocr.offline import read_pixels
from namecard.ai.ocr.prepare import load_for_ocr
from namecard.cards.normalise import normalise_cards

TUNING = Path(__file__).resolve().parents[2] / "fixtures" / "corpus" / "tuning"


def quad(x: float, y: float, width: float, height: float = 17) -> tuple[Point, ...]:
    return ((x, y), (x + width, y), (x + width, y + height), (x, y + height))


# A contact block: two phone lines under each other, e-mail and address lines around them.
BLOCK = [quad(65, 190, 105), quad(67, 210, 91), quad(68, 227, 190), quad(291, 190, 150),
         quad(296, 210, 180), quad(296, 229, 184)]  # fmt: skip


def test_phone_lines_turned_alone_among_upright_lines_are_turned_back() -> None:
    flipped = [True, True, False, False, False, False]

    assert lone_flips(BLOCK, [False] * len(BLOCK), flipped) == [0, 1]


def test_a_card_lying_upside_down_keeps_its_turn() -> None:
    far_card = [quad(x + 900, y + 500, w) for x, y, w in ((65, 190, 105), (67, 210, 91))]
    quads = BLOCK + far_card + [quad(70, 700, 120), quad(1000, 740, 90)]
    flipped = [True] * len(BLOCK) + [False] * 4

    assert lone_flips(quads, [False] * len(quads), flipped) == []


@pytest.fixture(scope="module")
def engine() -> Any:
    return new_engine()


def test_a_phone_line_the_classifier_turned_is_read_upright(engine: Any) -> None:
    # Tuning photo 038_photo_1_ja: the card read again by itself had its TEL and mobile lines
    # turned upside down by the direction classifier, alone among upright lines; the TEL number
    # +81-92-459-4796 came out as "9641-698-26-19" (no phone of the card was right).
    image = (TUNING / "038_photo_1_ja.jpg").read_bytes()
    (card,) = normalise_cards(read_pixels(engine, load_for_ocr(image)), region="TW")

    assert "+81924594796" in [phone.number for phone in card.phones]
