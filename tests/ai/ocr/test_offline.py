"""The offline reader on real photos (RapidOCR, loaded once), and how photos are prepared."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from namecard.ai.base import Extractor
from namecard.ai.ocr.layout import TextBox
from namecard.ai.ocr.offline import OfflineExtractor
from namecard.ai.ocr.prepare import OrientedBox, load_for_ocr, page_turns, turn_boxes
from namecard.cards.model import Card, Extraction, PhoneKind
from namecard.domain.errors import ContentRejected, ExtractionFailed
from tests.ai.ocr.table_photos import CARD_SIZE, Placed, jpeg, lay

CARDS = Path(__file__).resolve().parents[2] / "fixtures" / "cards"
EXIF_ORIENTATION = 0x0112
ROTATE_90_CW = 6


@pytest.fixture(scope="module")
def reader() -> Iterator[OfflineExtractor]:
    extractor = OfflineExtractor()
    yield extractor
    asyncio.run(extractor.aclose())


async def read(reader: OfflineExtractor, name: str) -> Extraction:
    path = CARDS / name
    mime_type = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}[path.suffix]
    return await reader.extract(path.read_bytes(), mime_type)


def mobiles(card: Card) -> list[str]:
    return [p.number for p in card.phones_of(PhoneKind.MOBILE)]


async def test_a_taiwanese_card_is_read_without_any_api_key(reader: OfflineExtractor) -> None:
    extraction = await read(reader, "tw_sales_manager.jpg")

    assert extraction.source == "offline"
    (card,) = extraction.cards
    assert (card.name, card.company, card.title) == (
        "王大明",
        "台灣雲端科技股份有限公司",
        "業務經理",
    )
    assert mobiles(card) == ["0912-345-678"]
    assert card.emails == ("daming.wang@twcloud.com.tw",)
    assert card.address == "台北市信義區信義路五段7號12樓"
    assert 0.5 < card.confidence <= 1.0


async def test_two_cards_in_one_photo_become_two_cards(reader: OfflineExtractor) -> None:
    extraction = await read(reader, "two_cards.jpg")

    assert [(c.name, c.company) for c in extraction.cards] == [
        ("李國強", "綠川能源股份有限公司"),
        ("Daniel Park", "Harborline Logistics LLC"),
    ]


async def test_cards_lying_at_different_angles_on_a_table_are_each_read(
    reader: OfflineExtractor,
) -> None:
    cards = [
        Placed(Image.open(CARDS / "tw_sales_manager.jpg").resize(CARD_SIZE), (450, 380), 6),
        Placed(Image.open(CARDS / "en_director.jpg").resize(CARD_SIZE), (1330, 420), 90),
        Placed(Image.open(CARDS / "jp_bucho.jpg").resize(CARD_SIZE), (850, 950), -4),
    ]

    extraction = await reader.extract(jpeg(lay(cards)), "image/jpeg")

    assert [(c.name, c.company) for c in extraction.cards] == [
        ("王大明", "台灣雲端科技股份有限公司"),
        ("Emily Chen", "Brightpath Solutions Inc."),
        ("山田太郎", "株式会社さくらテクノロジー"),
    ]


@pytest.mark.parametrize(
    ("photo", "name", "mobile"),
    [("upside_down.jpg", "吳建宏", "0928-456-789"), ("sideways.jpg", "許志明", "0933-765-432")],
)
async def test_a_card_photographed_upside_down_or_sideways_is_read(
    reader: OfflineExtractor, photo: str, name: str, mobile: str
) -> None:
    (card,) = (await read(reader, photo)).cards

    assert card.name == name
    assert mobiles(card) == [mobile]


async def test_a_simplified_chinese_card_stays_simplified(reader: OfflineExtractor) -> None:
    (card,) = (await read(reader, "simplified_cn.jpg")).cards

    assert (card.name, card.title) == ("张伟", "产品总监")
    assert card.company == "深圳市前海数据技术有限公司"


async def test_a_photo_without_a_card_gives_none_while_the_loop_keeps_serving(
    reader: OfflineExtractor,
) -> None:
    ticks = 0

    async def health_checks() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    checker = asyncio.create_task(health_checks())
    extraction = await read(reader, "not_a_card.jpg")
    served = ticks
    checker.cancel()

    assert extraction.cards == ()
    assert served > 1


async def test_an_undecodable_upload_is_rejected(reader: OfflineExtractor) -> None:
    with pytest.raises(ContentRejected):
        await reader.extract(b"GIF89a not really a photo", "image/gif")


async def test_a_closed_reader_refuses_politely() -> None:
    closed = OfflineExtractor()
    await closed.aclose()

    with pytest.raises(ExtractionFailed):
        await closed.extract(b"", "image/jpeg")


def test_the_offline_reader_implements_the_extractor_protocol() -> None:
    extractor: Extractor = OfflineExtractor()
    assert extractor.name == "offline"
    asyncio.run(extractor.aclose())


def encode(image: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", **params)
    return out.getvalue()


def test_a_photo_is_turned_upright_from_its_exif_orientation() -> None:
    stored = Image.new("RGB", (400, 100), (255, 255, 255))
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATE_90_CW

    pixels = load_for_ocr(encode(stored, exif=exif))

    assert pixels.shape[:2] == (400, 100)


def test_a_large_photo_is_downscaled_to_its_longest_side() -> None:
    pixels = load_for_ocr(encode(Image.new("RGB", (4000, 1000), (10, 10, 10))), max_side=1600)

    assert pixels.shape[:2] == (400, 1600)


def oriented(text: str, tall: bool, flipped: bool) -> OrientedBox:
    box = TextBox(((0, 0), (10, 0), (10, 10), (0, 10)), text, 0.99)
    return OrientedBox(box, tall, flipped)


@pytest.mark.parametrize(
    ("tall", "flipped", "turns"),
    [(False, False, 0), (False, True, 2), (True, False, 1), (True, True, 3)],
)
def test_the_page_turn_follows_most_of_the_text(tall: bool, flipped: bool, turns: int) -> None:
    boxes = [oriented("台北市信義區信義路五段", tall, flipped), oriented("許", False, False)]

    assert page_turns(boxes) == turns


def test_boxes_of_a_page_turned_upside_down_swap_corners() -> None:
    box = TextBox(((10, 20), (110, 20), (110, 50), (10, 50)), "x", 0.9)

    (turned,) = turn_boxes([box], 2, (200, 100))

    assert turned.points == ((90, 50), (190, 50), (190, 80), (90, 80))
