"""A LINE user's photo, end to end: real server, real SDKs, emulated LINE, Gemini and Notion."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from PIL import Image

from namecard.cards.model import PhoneKind
from namecard.domain import catalogue
from namecard.sim.driver import WebhookDriver
from namecard.sim.gemini import GeminiFault
from namecard.sim.line_render import render_delivery_text
from tests.e2e.conftest import load_truth_file, normalised_truth, photo
from tests.harness import Emulators, RunningBot, pages_named
from tests.hostile_images import huge_png, huge_webp

pytestmark = pytest.mark.e2e

ANSWER_TIMEOUT = 30.0


async def wait_for_pages(emulators: Emulators, name: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while len(found := pages_named(emulators, name)) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return found


async def answer_of(driver: WebhookDriver, user_id: str) -> tuple[dict[str, Any], str]:
    deliveries = await driver.wait_for_deliveries(user_id, 1, timeout=ANSWER_TIMEOUT)
    assert deliveries, "the bot never answered"
    return deliveries[0], render_delivery_text(deliveries[0])


async def test_card_photo_is_answered_with_its_fields_and_saved_to_notion(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = load_truth_file("tw_sales_manager")["cards"][0]
    clean = normalised_truth("tw_sales_manager")[0]

    result = await driver.send_image(user_id, photo("tw_sales_manager"))

    assert result.status == 200
    delivery, text = await answer_of(driver, user_id)
    assert delivery["channel"] == "reply"
    for expected in (card["name"], card["company"], clean.phones[0].national):
        assert expected
        assert expected in text
    pages = await wait_for_pages(emulators, card["name"], 1)
    assert len(pages) == 1
    values = emulators.notion.page_values(pages[0])
    assert values["公司名稱"] == card["company"]
    assert values["職稱"] == card["title"]
    assert values["部門"] == card["department"]
    assert values["Email"] == card["emails"][0]
    assert values["地址"] == clean.address
    assert values["取得聯繫來源"] == "名片交換"
    assert values["決策影響力"] == "中"
    for phone in clean.phones:  # stored as E.164, the extension kept apart
        where = values["聯繫注意事項"] if phone.kind is PhoneKind.FAX else values["電話"]
        assert phone.number.startswith("+886")
        assert phone.stored() in where


async def test_two_cards_in_one_photo_give_a_carousel_and_two_pages(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    cards = load_truth_file("two_cards")["cards"]

    await driver.send_image(user_id, photo("two_cards"))

    delivery, text = await answer_of(driver, user_id)
    flex = delivery["messages"][0]
    assert flex["type"] == "flex"
    assert flex["contents"]["type"] == "carousel"
    assert len(flex["contents"]["contents"]) == 2
    for card in cards:
        assert card["name"] in text
        assert len(await wait_for_pages(emulators, card["name"], 1)) == 1


async def test_redelivered_event_is_processed_once(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = load_truth_file("en_director")["cards"][0]
    gemini_before = emulators.gemini.generate_count
    first = await driver.send_image(user_id, photo("en_director"))
    await answer_of(driver, user_id)

    again = await driver.redeliver(first)
    await asyncio.sleep(1.0)

    assert again.status == 200
    assert len(await driver.deliveries(user_id)) == 1
    assert len(pages_named(emulators, card["name"])) == 1
    assert emulators.gemini.generate_count == gemini_before + 1


async def test_sticker_gets_a_hint_and_saves_nothing(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    pages_before = len(emulators.notion.pages(emulators.data_source_id))

    await driver.send_sticker(user_id)

    _, text = await answer_of(driver, user_id)
    assert "名片" in text
    assert len(emulators.notion.pages(emulators.data_source_id)) == pages_before


@pytest.mark.parametrize(
    ("upload", "content_type", "expected"),
    [
        (b"\xff\xd8\xff\xe0 this is not really a jpeg" * 50, "image/jpeg", "JPEG"),
        (b"GIF89a" + bytes(2000), "image/gif", "JPEG"),
    ],
    ids=["corrupt-jpeg", "gif"],
)
async def test_undecodable_photo_gets_a_friendly_answer_and_saves_nothing(
    driver: WebhookDriver, emulators: Emulators, user_id: str,
    upload: bytes, content_type: str, expected: str,
) -> None:  # fmt: skip
    pages_before = len(emulators.notion.pages(emulators.data_source_id))
    gemini_before = emulators.gemini.generate_count

    await driver.send_image(user_id, upload, content_type)

    _, text = await answer_of(driver, user_id)
    assert expected in text
    assert "Error" not in text and "Traceback" not in text
    assert emulators.gemini.generate_count == gemini_before
    assert len(emulators.notion.pages(emulators.data_source_id)) == pages_before


async def test_twenty_megabyte_photo_is_refused_with_the_limit(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    pages_before = len(emulators.notion.pages(emulators.data_source_id))
    huge = _large_jpeg(20 * 1024 * 1024)

    await driver.send_image(user_id, huge)

    _, text = await answer_of(driver, user_id)
    assert "10 MB" in text
    assert len(emulators.notion.pages(emulators.data_source_id)) == pages_before


@pytest.mark.parametrize(
    ("upload", "content_type"),
    [(huge_webp, "image/webp"), (huge_png, "image/png")],
    ids=["webp-7700x7700", "rgba-png-7740x7740"],
)
async def test_a_photo_of_huge_dimensions_is_refused_as_too_large_and_saves_nothing(
    driver: WebhookDriver, emulators: Emulators, user_id: str,
    upload: Callable[[], bytes], content_type: str,
) -> None:  # fmt: skip
    pages_before = len(emulators.notion.pages(emulators.data_source_id))
    gemini_before = emulators.gemini.generate_count

    await driver.send_image(user_id, upload(), content_type)

    _, text = await answer_of(driver, user_id)
    assert catalogue.PHOTO_TOO_MANY_PIXELS.zh in text
    assert emulators.gemini.generate_count == gemini_before
    assert len(emulators.notion.pages(emulators.data_source_id)) == pages_before


async def test_non_card_photo_is_answered_without_a_page(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    pages_before = len(emulators.notion.pages(emulators.data_source_id))

    await driver.send_image(user_id, photo("not_a_card"))

    _, text = await answer_of(driver, user_id)
    assert "沒有找到名片" in text
    assert len(emulators.notion.pages(emulators.data_source_id)) == pages_before


async def test_bad_webhooks_get_their_documented_status(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    event = driver.build_text_event(user_id, "help", emulators.line.issue_reply_token(user_id))

    unsigned = await driver.post([event], signature="")
    forged = await driver.post([event], signature="c2lnbmF0dXJl")
    oversized = await driver.post(
        [event], raw_body=b'{"events": [], "pad": "' + b"x" * 1_100_000 + b'"}'
    )
    garbage = await driver.post([event], raw_body=b"{not json at all")
    ping = await driver.post([])

    assert (unsigned.status, forged.status) == (400, 400)
    assert oversized.status == 413
    assert garbage.status == 400
    assert ping.status == 200
    await asyncio.sleep(0.5)
    assert await driver.deliveries(user_id) == []


async def test_health_and_stats_report_real_values(bot: RunningBot, driver: WebhookDriver,
                                                   user_id: str) -> None:  # fmt: skip
    async with httpx.AsyncClient(base_url=bot.url) as client:
        before = (await client.get("/stats")).json()
        await driver.send_image(user_id, photo("bilingual_engineer"))
        await answer_of(driver, user_id)
        health = await client.get("/health")
        after = (await client.get("/stats")).json()

    assert health.status_code == 200
    assert health.json()["status"] == "healthy"
    ai_before, ai_after = before["ai_processor_stats"], after["ai_processor_stats"]
    assert ai_after["total_processed"] == ai_before["total_processed"] + 1
    assert ai_after["avg_processing_time"] > 0
    assert after["webhook_stats"]["accepted"] > before["webhook_stats"]["accepted"]


def _large_jpeg(size: int) -> bytes:
    """A real JPEG padded past `size` bytes (an APP segment-free trailer keeps it decodable)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, "JPEG")
    data = buffer.getvalue()
    return data + bytes(size - len(data) + 1)


async def test_expired_reply_token_falls_back_to_one_push_with_a_retry_key(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = load_truth_file("kaohsiung_webp")["cards"][0]
    emulators.line.reply_token_ttl = 0.0
    try:
        await driver.send_image(user_id, photo("kaohsiung_webp"), "image/webp")
        delivery, text = await answer_of(driver, user_id)
    finally:
        emulators.line.reply_token_ttl = 60.0

    assert delivery["channel"] == "push"
    assert delivery["retryKey"]
    assert card["name"] in text
    await asyncio.sleep(0.5)
    assert len(await driver.deliveries(user_id)) == 1


async def test_a_gemini_hiccup_is_retried_and_the_user_never_sees_it(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = load_truth_file("exec_taichung")["cards"][0]
    emulators.gemini.script(GeminiFault.UNAVAILABLE)

    await driver.send_image(user_id, photo("exec_taichung"), "image/png")

    _, text = await answer_of(driver, user_id)
    assert card["name"] in text
    assert card["company"] in text


async def test_a_blocked_photo_gets_a_sentence_not_an_error(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    pages_before = len(emulators.notion.pages(emulators.data_source_id))
    emulators.gemini.script(GeminiFault.PROMPT_BLOCKED)

    await driver.send_image(user_id, photo("line_id_freelancer"))

    delivery, text = await answer_of(driver, user_id)
    assert delivery["messages"][0]["type"] == "text"
    assert "名片" in text or "照片" in text
    assert "SAFETY" not in text and "Error" not in text
    assert len(emulators.notion.pages(emulators.data_source_id)) == pages_before


async def test_a_notion_outage_on_create_is_retried_into_exactly_one_page(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = load_truth_file("dense_contacts")["cards"][0]
    emulators.notion.fail_next("create", 503, "service_unavailable")

    await driver.send_image(user_id, photo("dense_contacts"))

    _, text = await answer_of(driver, user_id)
    assert card["name"] in text
    assert len(await wait_for_pages(emulators, card["name"], 1)) == 1
