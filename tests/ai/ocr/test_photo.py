"""Cards found in a photo by their outlines, and the photo's text split by them (no OCR here)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from namecard.ai.ocr.fields import looks_like_card
from namecard.ai.ocr.layout import TextBox
from namecard.ai.ocr.photo import CardOutline, find_cards, flatten_card, overlap
from namecard.ai.ocr.prepare import Pixels
from namecard.ai.ocr.split import by_outline
from tests.ai.ocr.table_photos import Placed, lay, plain_card


def bgr(image: Image.Image) -> Pixels:
    return np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])


def outline_of(placed: Placed) -> CardOutline:
    return CardOutline(np.array(placed.corners(), dtype=np.float32))


def same_card(found: CardOutline, truth: CardOutline) -> bool:
    return overlap(found, truth) >= 0.9 and 0.85 <= found.area / truth.area <= 1.15


LAYOUTS = {
    "two": [((500, 420), 8.0), ((1300, 800), -12.0)],
    "three, one turned sideways": [((450, 380), 6.0), ((1330, 420), 90.0), ((850, 950), -4.0)],
    "four in a grid": [((450, 330), 3.0), ((1250, 330), -5.0), ((450, 950), 92.0),
                       ((1250, 950), 178.0)],
}  # fmt: skip


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_card_on_a_table_is_found_by_its_outline(layout: str) -> None:
    placed = [Placed(plain_card(i), c, d) for i, (c, d) in enumerate(LAYOUTS[layout])]

    outlines = find_cards(bgr(lay(placed)))

    for card in placed:
        assert any(same_card(found, outline_of(card)) for found in outlines)


def card_text(placed: Placed, name: str, phone: str) -> list[TextBox]:
    """Three lines of text inside the placed card, as OCR boxes on the photo."""
    (cx, cy) = placed.centre
    lines = [(name, -60), ("Sales Manager", -20), (f"Mobile {phone}", 30)]
    return [TextBox(((cx - 150, cy + dy), (cx + 150, cy + dy), (cx + 150, cy + dy + 24),
                     (cx - 150, cy + dy + 24)), text, 0.98) for text, dy in lines]  # fmt: skip


def test_the_text_of_a_photo_is_split_card_by_card() -> None:
    placed = [Placed(plain_card(i), c, d) for i, (c, d) in enumerate(LAYOUTS["two"])]
    boxes = card_text(placed[0], "Daniel Park", "0912-345-678")
    boxes += card_text(placed[1], "Emily Chen", "0933-765-432")

    cards = by_outline(find_cards(bgr(lay(placed))), boxes, looks_like_card)

    assert cards is not None
    assert [card.boxes[0].text for card in cards] == ["Daniel Park", "Emily Chen"]


def test_cards_apart_on_a_table_stay_apart_even_when_their_small_print_was_garbled() -> None:
    placed = [Placed(plain_card(i), c, d) for i, (c, d) in enumerate(LAYOUTS["two"])]
    boxes = card_text(placed[0], "Daniel Park", "0912-345-678")
    boxes += card_text(placed[1], "Emi1y Chen", "O9E3-7G5")  # nothing a card needs

    cards = by_outline(find_cards(bgr(lay(placed))), boxes, looks_like_card)

    assert cards is not None
    assert [card.boxes[0].text for card in cards] == ["Daniel Park", "Emi1y Chen"]


def test_a_scan_of_one_card_has_no_outline_to_follow() -> None:
    scan = Image.new("RGB", (1050, 600), (250, 250, 250))

    assert find_cards(bgr(scan)) == []


def test_a_card_is_flattened_to_its_own_size() -> None:
    placed = Placed(plain_card(0), (700, 600), 20.0)

    flat = flatten_card(bgr(lay([placed])), outline_of(placed))

    assert sorted(flat.shape[:2]) == [320, 560]
