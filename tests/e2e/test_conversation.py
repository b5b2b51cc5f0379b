"""Talking to the bot in LINE: commands, batch mode, photos sent together, pacing, follow."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from namecard.sim.driver import WebhookDriver
from namecard.sim.line_render import render_delivery_text
from tests.e2e.conftest import unique_photo
from tests.harness import Emulators, RunningBot, pages_named

pytestmark = pytest.mark.e2e

ANSWER_TIMEOUT = 30.0
NOT_AN_IMAGE = b"%PDF-1.4 this is a document, not a photo" * 40


async def answers(driver: WebhookDriver, user_id: str, count: int, *, after: int = 0,
                  timeout: float = ANSWER_TIMEOUT) -> list[dict[str, Any]]:  # fmt: skip
    found = await driver.wait_for_deliveries(user_id, count, after=after, timeout=timeout)
    assert len(found) >= count, f"expected {count} answers, got {len(found)}"
    return found


async def settle_and_count(driver: WebhookDriver, user_id: str, seconds: float = 1.5) -> int:
    await asyncio.sleep(seconds)
    return len(await driver.deliveries(user_id))


def quick_reply_texts(delivery: dict[str, Any]) -> list[str]:
    last = delivery["messages"][-1]
    items = (last.get("quickReply") or {}).get("items", [])
    return [item["action"].get("text", "") for item in items]


async def say(driver: WebhookDriver, user_id: str, text: str) -> tuple[dict[str, Any], str]:
    before = len(await driver.deliveries(user_id))
    await driver.send_text(user_id, text)
    delivery = (await answers(driver, user_id, 1, after=before))[0]
    return delivery, render_delivery_text(delivery)


@pytest.mark.parametrize("word", ["help", " HELP ", "幫助", "說明", "Help"])
async def test_every_help_word_lists_the_commands(
    driver: WebhookDriver, user_id: str, word: str
) -> None:
    delivery, text = await say(driver, user_id, word)

    for command in ("批次", "結束批次", "狀態", "取消", "help"):
        assert command in text
    assert quick_reply_texts(delivery)


@pytest.mark.parametrize("start", ["批次", "batch", "批次模式", "開始批次", " Batch "])
@pytest.mark.parametrize("end", ["結束批次", "end batch", "完成批次", "批次結束", "FINISH BATCH"])
async def test_every_batch_alias_starts_and_ends_a_batch(
    driver: WebhookDriver, user_id: str, start: str, end: str
) -> None:
    started, _ = await say(driver, user_id, start)
    status, _ = await say(driver, user_id, "狀態")
    ended, summary = await say(driver, user_id, end)
    after, _ = await say(driver, user_id, "status")

    assert "結束批次" in quick_reply_texts(started)
    assert render_delivery_text(status) != render_delivery_text(after)  # in a batch, then not
    assert "0" in summary
    assert ended["channel"] == "reply"


@pytest.mark.parametrize("word", ["狀態", "status", "批次狀態"])
async def test_status_without_a_batch_says_so(driver: WebhookDriver, user_id: str,
                                              word: str) -> None:  # fmt: skip
    delivery, text = await say(driver, user_id, word)
    assert "批次" in text
    assert quick_reply_texts(delivery)


@pytest.mark.parametrize("word", ["取消", "cancel", "CANCEL"])
async def test_cancel_leaves_batch_mode(driver: WebhookDriver, user_id: str, word: str) -> None:
    await say(driver, user_id, "批次")
    _, cancelled = await say(driver, user_id, word)
    _, status = await say(driver, user_id, "狀態")
    _, again = await say(driver, user_id, word)

    assert cancelled != again  # the first left a batch; the second had nothing to leave
    assert "批次" in status


async def test_a_batch_of_eight_with_two_unreadable_gives_one_summary_naming_them(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    await say(driver, user_id, "批次")
    before = len(await driver.deliveries(user_id))
    made = [unique_photo(emulators, stem) for stem in
            ("tw_sales_manager", "en_director", "bilingual_engineer", "kaohsiung_webp",
             "exec_taichung", "line_id_freelancer")]  # fmt: skip
    uploads = [(data, "image/jpeg") for data, _ in made[:3]]
    uploads += [(NOT_AN_IMAGE, "image/jpeg")]
    uploads += [(data, "image/jpeg") for data, _ in made[3:5]]
    uploads += [(NOT_AN_IMAGE, "image/jpeg")]
    uploads += [(made[5][0], "image/jpeg")]
    for data, content_type in uploads:
        await driver.send_image(user_id, data, content_type)

    assert await settle_and_count(driver, user_id, 3.0) == before  # nothing answered one by one
    _, summary = await say(driver, user_id, "結束批次")

    for _, names in made:
        assert names[0] in summary
        assert len(pages_named(emulators, names[0])) == 1
    assert "第 4 張" in summary and "第 7 張" in summary
    assert summary.count("❌") == 2
    assert await settle_and_count(driver, user_id) == before + 1


async def test_status_in_a_batch_counts_done_and_failed(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    await say(driver, user_id, "批次")
    data, _ = unique_photo(emulators, "en_director")
    await driver.send_image(user_id, data)
    await driver.send_image(user_id, NOT_AN_IMAGE)
    await asyncio.sleep(4.0)

    _, status = await say(driver, user_id, "狀態")
    await say(driver, user_id, "結束批次")

    assert "1" in status and "2" in status


async def test_an_image_set_of_five_gets_exactly_one_reply(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    made = [unique_photo(emulators, stem) for stem in
            ("tw_sales_manager", "en_director", "bilingual_engineer", "exec_taichung",
             "line_id_freelancer")]  # fmt: skip
    image_set = {"id": f"set-{user_id[-8:]}", "total": len(made)}
    await asyncio.gather(*(
        driver.send_image(user_id, data, image_set={**image_set, "index": n + 1})
        for n, (data, _) in enumerate(made)
    ))  # fmt: skip

    delivery = (await answers(driver, user_id, 1))[0]
    assert await settle_and_count(driver, user_id, 3.0) == 1
    flex = delivery["messages"][0]
    assert flex["type"] == "flex" and flex["contents"]["type"] == "carousel"
    assert len(flex["contents"]["contents"]) == len(made)
    assert delivery["messages"][-1]["type"] == "text"
    text = render_delivery_text(delivery)
    for _, names in made:
        assert names[0] in text
        assert len(pages_named(emulators, names[0])) == 1


async def test_thirty_photos_in_a_minute_are_all_answered_with_one_waiting_notice(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    data, _ = unique_photo(emulators, "en_director")  # keeps the fixture out of the cache
    started = time.monotonic()
    for _ in range(30):
        await driver.send_image(user_id, data)

    found = await answers(driver, user_id, 31, timeout=120.0)
    texts = [render_delivery_text(d) for d in found]
    waiting = [t for t in texts if "排隊" in t]
    cards = [d for d in found if d["messages"][0]["type"] == "flex"]
    assert len(waiting) == 1
    assert len(cards) == 30
    assert time.monotonic() - started < 120.0
    assert await settle_and_count(driver, user_id) == 31


async def test_follow_gets_a_welcome_with_quick_replies_and_unfollow_clears_the_batch(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    await driver.follow(user_id)
    welcome = (await answers(driver, user_id, 1))[0]
    await say(driver, user_id, "批次")
    _, in_batch = await say(driver, user_id, "狀態")

    await driver.post([driver.build_unfollow_event(user_id)])
    await asyncio.sleep(1.0)
    _, after = await say(driver, user_id, "狀態")

    assert quick_reply_texts(welcome)
    assert in_batch != after


async def test_stickers_and_other_messages_get_a_one_line_hint(
    driver: WebhookDriver, user_id: str
) -> None:
    await driver.send_sticker(user_id)
    _, hint = await say(driver, user_id, "今天天氣真好")

    sticker = render_delivery_text((await driver.deliveries(user_id))[0])
    assert sticker == hint
    assert "名片" in hint


@pytest.mark.parametrize(
    "message",
    [
        {"type": "video", "duration": 3000, "contentProvider": {"type": "line"}},
        {"type": "audio", "duration": 2000, "contentProvider": {"type": "line"}},
        {"type": "file", "fileName": "cards.pdf", "fileSize": 2048},
        {"type": "location", "latitude": 25.03, "longitude": 121.56, "address": "台北市"},
    ],
    ids=["video", "audio", "file", "location"],
)
async def test_video_audio_files_and_locations_get_the_hint(
    driver: WebhookDriver, user_id: str, message: dict[str, Any]
) -> None:
    token = await driver.reply_token(user_id)
    await driver.post([driver.build_message_event(user_id, token, message)])

    delivery = (await answers(driver, user_id, 1))[0]
    hint = delivery["messages"][0]["text"]
    assert "名片" in hint and "\n" not in hint.strip()  # one line
    assert quick_reply_texts(delivery)


async def test_a_push_is_counted_per_user_and_month_in_stats(
    bot: RunningBot, driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    async with httpx.AsyncClient(base_url=bot.url) as client:
        before = (await client.get("/stats")).json()["push_budget"]
        emulators.line.reply_token_ttl = 0.0
        try:
            data, _ = unique_photo(emulators, "exec_taichung")
            await driver.send_image(user_id, data, "image/png")
            delivery = (await answers(driver, user_id, 1))[0]
        finally:
            emulators.line.reply_token_ttl = 60.0
        after = (await client.get("/stats")).json()["push_budget"]

    assert delivery["channel"] == "push"
    assert after["pushes"] == before["pushes"] + 1
    assert after["month"] == time.strftime("%Y-%m", time.gmtime(time.time() + 8 * 3600))
    assert user_id not in str(after)  # users appear by their hashed id only
    assert after["users"] >= 1
