"""The Gemini reader, through the real google-genai SDK, against the Gemini emulator over HTTP."""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pydantic import SecretStr

from namecard.ai.base import NormalisingExtractor
from namecard.ai.gemini.client import GeminiExtractor
from namecard.ai.gemini.schema import CardOut, ExtractionOut, PhoneOut, to_cards
from namecard.ai.images import prepare_for_model
from namecard.cards.model import Card, PhoneKind
from namecard.domain.errors import (
    ConfigError,
    ExtractionFailed,
    NamecardError,
    QuotaExhausted,
    TransientError,
)
from namecard.sim.gemini import GeminiEmulator, GeminiFault
from namecard.sim.gemini_cases import GEMINI_SHAPED_CASES
from namecard.sim.server import EmulatorServer, free_port

KEY = "AIzaSy-test-only-key-7Qx2"
MODEL = "gemini-3.8-flash"
RETIRED = "gemini-1.5-flash"
MAX_SIDE = 1024
CHINESE = re.compile(r"[\u4e00-\u9fff]")
TECHNICAL = re.compile(r"[A-Za-z0-9{}\[\]]")


def png(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


PHOTO = png((480, 300), (240, 240, 235))
TWO_CARDS: list[dict[str, Any]] = [
    {
        "name": "林志明",
        "company": "宏達科技股份有限公司",
        "department": "業務部",
        "title": "協理",
        "phones": [
            {"number": "0912-345-678", "type": "mobile", "extension": None},
            {"number": "(02) 2712-3456", "type": "office", "extension": "215"},
            {"number": "(02) 2712-3457", "type": "fax", "extension": None},
        ],
        "emails": ["cm.lin@example.com.tw"],
        "address": "104 台北市中山區南京東路二段 100 號 8 樓",
        "website": "www.example.com.tw",
        "line_id": "cmlin88",
        "tax_id": "24536806",
        "notes": None,
    },
    {
        "name": "张伟",
        "company": "上海某某贸易有限公司",
        "department": None,
        "title": "总经理",
        "phones": [{"number": "+86 138 0013 8000", "type": "mobile", "extension": None}],
        "emails": [],
        "address": None,
        "website": None,
        "line_id": None,
        "tax_id": None,
        "notes": None,
    },
]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def emulator() -> GeminiEmulator:
    return GeminiEmulator({digest(PHOTO): TWO_CARDS}, api_keys=[KEY], retired_models=[RETIRED])


@pytest.fixture
def server(emulator: GeminiEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator.create_app()) as running:
        yield running


def make_extractor(
    server_url: str, *, key: str = KEY, model: str = MODEL, timeout: float = 10.0
) -> GeminiExtractor:
    return GeminiExtractor(
        keys={"k1": SecretStr(key)},
        model=model,
        base_url=server_url,
        api_version="v1beta",
        timeout_seconds=timeout,
        max_image_side=MAX_SIDE,
    )


@pytest.fixture
async def extractor(server: EmulatorServer) -> AsyncIterator[GeminiExtractor]:
    reader = make_extractor(server.url)
    yield reader
    await reader.aclose()


async def test_cards_arrive_as_domain_cards(extractor: GeminiExtractor) -> None:
    extraction = await extractor.extract(PHOTO, "image/png")

    assert (extraction.source, extraction.model) == ("gemini", MODEL)
    first, second = extraction.cards
    assert (first.name, first.company, first.department, first.title) == (
        "林志明",
        "宏達科技股份有限公司",
        "業務部",
        "協理",
    )
    office = first.phones_of(PhoneKind.OFFICE)
    assert [(p.number, p.extension) for p in office] == [("(02) 2712-3456", "215")]
    assert [p.number for p in first.phones_of(PhoneKind.MOBILE)] == ["0912-345-678"]
    assert [p.number for p in first.phones_of(PhoneKind.FAX)] == ["(02) 2712-3457"]
    assert (first.line_id, first.tax_id, first.emails) == (
        "cmlin88",
        "24536806",
        ("cm.lin@example.com.tw",),
    )
    assert first.confidence == pytest.approx(0.95)
    assert (second.name, second.title) == ("张伟", "总经理")  # simplified stays simplified


async def test_photo_without_cards_gives_zero_cards(extractor: GeminiExtractor) -> None:
    extraction = await extractor.extract(png((200, 200), (10, 120, 10)), "image/png")
    assert extraction.cards == ()


async def test_large_photo_is_read_from_its_downscaled_copy(
    emulator: GeminiEmulator, extractor: GeminiExtractor
) -> None:
    big = png((3000, 2000), (250, 250, 250))
    sent, _ = prepare_for_model(big, "image/png", MAX_SIDE)
    emulator.truth[digest(sent)] = TWO_CARDS[:1]

    extraction = await extractor.extract(big, "image/png")

    assert [card.name for card in extraction.cards] == ["林志明"]
    assert emulator.calls[-1].image_sha256 == digest(sent)


async def test_the_sdk_body_mixing_camel_and_snake_case_is_understood(
    emulator: GeminiEmulator, extractor: GeminiExtractor
) -> None:
    await extractor.extract(PHOTO, "image/png")
    assert emulator.generate_count == 1
    assert emulator.calls[0].image_sha256 == digest(PHOTO)


async def test_emulator_records_only_the_key_suffix(
    emulator: GeminiEmulator, extractor: GeminiExtractor
) -> None:
    await extractor.extract(PHOTO, "image/png")
    call = emulator.calls[0]
    assert (call.model, call.api_version, call.key_suffix) == (MODEL, "v1beta", KEY[-4:])
    assert KEY not in repr(emulator.calls)


def assert_user_safe(error: NamecardError) -> None:
    """The user sentence is Chinese prose, never the SDK's or the API's text."""
    assert CHINESE.search(error.user_message.zh)
    assert not TECHNICAL.search(error.user_message.zh)
    cause = str(error.__cause__ or "")
    assert not cause or cause not in error.user_message.render("both")


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (GeminiFault.RATE_LIMITED, QuotaExhausted),  # the only key rests
        (GeminiFault.RATE_LIMITED_DAILY, QuotaExhausted),
        (GeminiFault.SERVER_ERROR, TransientError),
        (GeminiFault.UNAVAILABLE, TransientError),
        (GeminiFault.DEADLINE, TransientError),
        (GeminiFault.PERMISSION_DENIED, QuotaExhausted),  # the only key is disabled
        (GeminiFault.PROMPT_BLOCKED, ExtractionFailed),
        (GeminiFault.SAFETY, ExtractionFailed),
        (GeminiFault.TRUNCATED, ExtractionFailed),
        (GeminiFault.INVALID_JSON, ExtractionFailed),
    ],
)
async def test_each_fault_becomes_the_right_error(
    emulator: GeminiEmulator,
    extractor: GeminiExtractor,
    fault: GeminiFault,
    expected: type[NamecardError],
) -> None:
    emulator.script(fault)

    with pytest.raises(expected) as caught:
        await extractor.extract(PHOTO, "image/png")

    assert_user_safe(caught.value)
    assert KEY not in str(caught.value)
    assert len(emulator.calls) == 1  # the SDK does not retry behind the pipeline's back


async def test_a_rate_limited_key_rests_for_the_delay_gemini_gave(
    emulator: GeminiEmulator, extractor: GeminiExtractor
) -> None:
    emulator.script(GeminiFault.RATE_LIMITED)
    before = time.time()

    with pytest.raises(QuotaExhausted) as caught:
        await extractor.extract(PHOTO, "image/png")

    assert caught.value.available_at == pytest.approx(before + 2.0, abs=1.0)


async def test_a_daily_quota_rests_the_key_until_pacific_midnight(
    emulator: GeminiEmulator, extractor: GeminiExtractor
) -> None:
    emulator.script(GeminiFault.RATE_LIMITED_DAILY)

    with pytest.raises(QuotaExhausted) as caught:
        await extractor.extract(PHOTO, "image/png")

    assert caught.value.available_at is not None
    resumes = datetime.fromtimestamp(caught.value.available_at, ZoneInfo("America/Los_Angeles"))
    assert (resumes.hour, resumes.minute) == (0, 0)
    assert caught.value.available_at > time.time() + 2


async def test_a_429_moves_the_same_request_to_the_next_key(
    emulator: GeminiEmulator, server: EmulatorServer
) -> None:
    keys = {f"k{n}": SecretStr(f"{KEY}-{n}") for n in (1, 2, 3)}
    emulator.api_keys = frozenset(key.get_secret_value() for key in keys.values())
    reader = GeminiExtractor(
        keys=keys, model=MODEL, base_url=server.url, api_version="v1beta",
        timeout_seconds=10.0, max_image_side=MAX_SIDE,
    )  # fmt: skip
    emulator.script(GeminiFault.RATE_LIMITED)
    try:
        extraction = await reader.extract(PHOTO, "image/png")
        snapshot = await reader.pool.snapshot()
    finally:
        await reader.aclose()

    assert len(extraction.cards) == 2
    first, second = emulator.calls[-2:]
    assert (first.status, second.status) == (429, 200)
    assert first.key_suffix != second.key_suffix
    states = {entry["key"]: entry["state"] for entry in snapshot["keys"]}
    assert states[f"…{first.key_suffix}"] == "cooling"


async def test_extraction_recovers_after_a_fault(
    emulator: GeminiEmulator, extractor: GeminiExtractor
) -> None:
    emulator.script(GeminiFault.UNAVAILABLE)
    with pytest.raises(TransientError):
        await extractor.extract(PHOTO, "image/png")
    assert len((await extractor.extract(PHOTO, "image/png")).cards) == 2


async def test_wrong_key_is_disabled_and_shown_by_its_last_four_characters(
    server: EmulatorServer,
) -> None:
    wrong = "AIzaSy-wrong-secret-key-ZZ9k"
    reader = make_extractor(server.url, key=wrong)
    try:
        with pytest.raises(QuotaExhausted) as caught:
            await reader.extract(PHOTO, "image/png")
        snapshot = await reader.pool.snapshot()
    finally:
        await reader.aclose()

    assert caught.value.available_at is None  # no key will come back by itself
    (key,) = snapshot["keys"]
    assert (key["key"], key["state"]) == ("…ZZ9k", "disabled")
    assert "API_KEY_INVALID" in key["disabled_reason"]
    assert wrong not in str(snapshot)
    assert_user_safe(caught.value)


async def test_retired_model_is_a_config_error_naming_the_setting(server: EmulatorServer) -> None:
    reader = make_extractor(server.url, model=RETIRED)
    try:
        with pytest.raises(ConfigError) as caught:
            await reader.extract(PHOTO, "image/png")
    finally:
        await reader.aclose()

    assert "GEMINI_MODEL" in str(caught.value)
    assert RETIRED in str(caught.value)


async def test_slow_answer_beyond_the_timeout_is_transient(
    emulator: GeminiEmulator, server: EmulatorServer
) -> None:
    emulator.slow_seconds = 2.0
    emulator.script(GeminiFault.SLOW)
    reader = make_extractor(server.url, timeout=1.0)
    try:
        with pytest.raises(TransientError) as caught:
            await reader.extract(PHOTO, "image/png")
    finally:
        await reader.aclose()
    assert_user_safe(caught.value)


async def test_unreachable_service_is_transient() -> None:
    reader = make_extractor(f"http://127.0.0.1:{free_port()}")
    try:
        with pytest.raises(TransientError):
            await reader.extract(PHOTO, "image/png")
    finally:
        await reader.aclose()


def test_model_output_is_cleaned_into_domain_cards() -> None:
    answer = ExtractionOut(
        cards=[
            CardOut(
                name="  王大明 ",
                company="",
                phones=[
                    PhoneOut(number=" 02-1234-5678 ", type="office", extension=" "),
                    PhoneOut(number="  ", type="mobile"),
                ],
                emails=["a@b.tw", " ", "a@b.tw"],
                confidence=1.7,
                uncertain_fields=["name", ""],
            ),
            CardOut(name=" ", emails=[""], confidence=0.4),
        ]
    )

    (card,) = to_cards(answer)

    assert (card.name, card.company) == ("王大明", None)
    assert [(p.number, p.kind, p.extension) for p in card.phones] == [
        ("02-1234-5678", PhoneKind.OFFICE, None)
    ]
    assert card.emails == ("a@b.tw",)
    assert card.confidence == 1.0
    assert card.uncertain_fields == ("name",)


def test_unexpected_phone_type_is_kept_as_other() -> None:
    answer = ExtractionOut.model_validate_json(
        '{"cards": [{"name": "A", "phones": [{"number": "123", "type": "Home"}]}]}'
    )
    assert to_cards(answer)[0].phones[0].kind is PhoneKind.OTHER


# ---- Gemini-shaped answers through the SDK and the normaliser (issue 14) --------------------


@pytest.fixture
def shaped_photos() -> dict[str, bytes]:
    return {name: png((480, 300), (i * 20, 200, 200)) for i, name in enumerate(GEMINI_SHAPED_CASES)}


@pytest.fixture
def shaped_server(shaped_photos: dict[str, bytes]) -> Iterator[EmulatorServer]:
    truth = {digest(shaped_photos[name]): cards for name, cards in GEMINI_SHAPED_CASES.items()}
    with EmulatorServer(GeminiEmulator(truth, api_keys=[KEY]).create_app()) as running:
        yield running


async def read_case(server: EmulatorServer, photo: bytes) -> Card:
    reader = NormalisingExtractor(make_extractor(server.url), region="TW")
    try:
        [card] = (await reader.extract(photo, "image/png")).cards
    finally:
        await reader.aclose()
    return card


async def test_gemini_answers_with_known_mistakes_come_out_right(
    shaped_server: EmulatorServer, shaped_photos: dict[str, bytes]
) -> None:
    cards = {name: await read_case(shaped_server, photo) for name, photo in shaped_photos.items()}

    glued = cards["name_in_title"]
    assert (glued.name, glued.title) == ("賴佩珊", "副總編輯")
    assert [(p.number, p.extension) for p in glued.phones] == [("+886223678800", "23")]
    split = cards["title_separators"]
    assert (split.title, split.department) == ("行銷協理", "品保部")
    assert split.notes == "英文職稱: Associate Marketing Director"
    bilingual = cards["bilingual_english_first"]
    assert (bilingual.name, bilingual.title, bilingual.company) == (
        "林志豪",
        "資深軟體工程師",
        "智匯資訊有限公司",
    )
    assert "英文名: Chih-Hao Lin" in (bilingual.notes or "")
    japanese = cards["japanese_postal_code"]
    assert [p.number for p in japanese.phones] == ["+81368123456", "+819023456789"]
    assert japanese.address == "〒100-0005 東京都千代田区丸の内1-9-2 15F"
    taiwan = cards["taiwan_district"]
    assert taiwan.address == "220新北市板橋區文化路一段188巷32號"
    assert "phones" in taiwan.uncertain_fields
