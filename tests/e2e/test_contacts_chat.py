"""Finding, annotating and deleting contacts from the chat, and forgetting a user, end to end."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio import Redis

from namecard.domain.jobs import hash_user
from namecard.sim.driver import WebhookDriver
from tests.e2e.contacts_chat import (
    SIMPLIFIED,
    bubbles,
    card_buttons,
    person,
    quick_replies,
    save_card,
    say,
    send_card,
    tap,
)
from tests.harness import Emulators, pages_named

pytestmark = pytest.mark.e2e


def names_in(delivery: dict[str, Any]) -> list[str]:
    """The name at the top of each bubble of the answer, in order."""
    found = []
    for bubble in bubbles(delivery):
        found.append(bubble["body"]["contents"][0]["text"])
    return found


def notes_of(emulators: Emulators, name: str) -> str:
    [page] = pages_named(emulators, name)
    return str(emulators.notion.page_values(page)["聯繫注意事項"] or "")


async def test_search_finds_a_contact_by_two_characters_of_the_name(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = person()
    await save_card(driver, emulators, user_id, card)

    found, _ = await say(driver, user_id, f"查詢 {card['name'][1:3]}")

    assert card["name"] in names_in(found)
    assert "修正" in card_buttons(found, names_in(found).index(card["name"]))


async def test_search_finds_a_contact_by_the_last_four_phone_digits(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = person()
    await save_card(driver, emulators, user_id, card)

    found, _ = await say(driver, user_id, f"find {card['phones'][0]['number'][-4:]}")

    assert card["name"] in names_in(found)


async def test_search_finds_a_contact_by_company_in_simplified_characters(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = person()
    await save_card(driver, emulators, user_id, card)
    simplified = card["company"][:2].translate(SIMPLIFIED)

    found, _ = await say(driver, user_id, f"搜尋{simplified}")

    assert card["name"] in names_in(found)


async def test_a_plain_phone_fragment_is_searched_but_not_in_batch_mode(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = person()
    await save_card(driver, emulators, user_id, card)
    digits = card["phones"][0]["number"][-6:]

    found, _ = await say(driver, user_id, digits)
    await say(driver, user_id, "批次")
    in_batch, _ = await say(driver, user_id, digits)
    await say(driver, user_id, "結束批次")

    assert card["name"] in names_in(found)
    assert not any(m["type"] == "flex" for m in in_batch["messages"])


async def test_no_match_says_what_was_searched(driver: WebhookDriver, user_id: str) -> None:
    delivery, text = await say(driver, user_id, "查詢 不存在的人名字")

    assert "不存在的人名字" in text and "找不到" in text
    assert "最近" in quick_replies(delivery)


async def test_recent_lists_this_users_last_cards_newest_first(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    first, second = person(), person()
    await save_card(driver, emulators, user_id, first)
    await save_card(driver, emulators, user_id, second)

    found, _ = await say(driver, user_id, "最近")

    assert names_in(found) == [second["name"], first["name"]]


async def test_a_note_goes_to_the_last_card_or_to_the_one_whose_button_was_tapped(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    first, second = person(), person()
    first_answer = await save_card(driver, emulators, user_id, first)
    await save_card(driver, emulators, user_id, second)

    _, told = await say(driver, user_id, "備註 今天在 Computex 聊到 AI 伺服器")
    _, asked = await tap(driver, user_id, card_buttons(first_answer)["加備註"])
    _, told_first = await say(driver, user_id, "下週寄報價單")

    assert second["name"] in told and first["name"] in told_first and first["name"] in asked
    assert "今天在 Computex 聊到 AI 伺服器" in notes_of(emulators, second["name"])
    assert "下週寄報價單" in notes_of(emulators, first["name"])
    assert "Computex" not in notes_of(emulators, first["name"])


async def test_delete_asks_first_then_moves_the_page_to_the_trash(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = person()
    answer = await save_card(driver, emulators, user_id, card)

    asked, question = await tap(driver, user_id, card_buttons(answer)["刪除"])
    [page] = pages_named(emulators, card["name"])
    assert not page["in_trash"]  # nothing happens before the confirmation
    _, done = await tap(driver, user_id, quick_replies(asked)["確定刪除"]["data"])

    assert card["name"] in question and "垃圾桶" in done
    [page] = pages_named(emulators, card["name"])
    assert page["in_trash"]
    found, _ = await say(driver, user_id, f"查詢 {card['name']}")
    assert card["name"] not in " ".join(m.get("altText", "") for m in found["messages"])


async def test_delete_by_name_confirms_and_a_stale_confirmation_does_nothing(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = person()
    await save_card(driver, emulators, user_id, card)

    asked, question = await say(driver, user_id, f"刪除 {card['name']}")
    confirm = quick_replies(asked)["確定刪除"]["data"]
    await say(driver, user_id, "取消")
    _, stale = await tap(driver, user_id, confirm)

    assert card["name"] in question and "過期" in stale
    [page] = pages_named(emulators, card["name"])
    assert not page["in_trash"]


async def test_forget_me_leaves_no_redis_key_naming_the_user(
    driver: WebhookDriver, emulators: Emulators, user_id: str, redis_client: Redis
) -> None:
    card = person()
    answer = await save_card(driver, emulators, user_id, card)
    await say(driver, user_id, "批次")
    held = person()
    await send_card(driver, emulators, user_id, held)  # a photo in the open batch: held
    for _ in range(100):
        if pages_named(emulators, held["name"]):
            break
        await asyncio.sleep(0.1)
    await tap(driver, user_id, card_buttons(answer)["修正"])  # a pending question
    emulators.line.fail_next("reply", 400, {"message": "Invalid reply token"})
    before = len(await driver.deliveries(user_id))
    await driver.send_text(user_id, f"查詢 {card['name']}")  # cached; answered by a push
    pushed = await driver.wait_for_deliveries(user_id, 1, after=before, timeout=30)
    assert pushed[0]["channel"] == "push"
    user = hash_user(user_id)
    assert await keys_naming(redis_client, user, user_id)  # there was something to forget

    _, told = await say(driver, user_id, "刪除我的資料")

    assert "已刪除" in told and "團隊資料庫" in told
    await asyncio.sleep(0.5)
    assert await keys_naming(redis_client, user, user_id) == []
    assert pages_named(emulators, card["name"])  # the contact itself stays


async def keys_naming(redis: Redis, user: str, user_id: str) -> list[str]:
    """Key names (and push-count fields) that name the user, by hash or LINE id."""
    found = []
    async for raw in redis.scan_iter(match="*", count=1000):
        name = raw.decode() if isinstance(raw, bytes) else str(raw)
        if user in name or user_id in name:
            found.append(name)
        elif ":push:" in name or name.startswith("push:"):
            kind = await redis.type(raw)
            if kind == b"hash" and any(user in str(f) for f in await redis.hkeys(raw)):
                found.append(f"{name} (field)")
            if kind == b"zset" and await redis.zscore(raw, user) is not None:
                found.append(f"{name} (member)")
    return found
