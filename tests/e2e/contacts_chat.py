"""Helpers of the contact tests: a made-up person's card saved through a photo, taps, answers."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Iterator
from typing import Any

from namecard.sim.driver import WebhookDriver
from namecard.sim.line_render import render_delivery_text
from tests.e2e.conftest import photo
from tests.harness import Emulators

ANSWER_TIMEOUT = 30.0
# Traditional characters with a different Simplified form, for names nobody else has.
NAME_CHARS = "顏鄭語馮盧韓謝蕭鍾龔嚴龍鄧賴劉錢陳張黃楊趙吳孫馬羅許鄒葉蘇蔣賈韋閻聶費龐萬關華"


SIMPLIFIED = str.maketrans(
    NAME_CHARS, "颜郑语冯卢韩谢萧钟龚严龙邓赖刘钱陈张黄杨赵吴孙马罗许邹叶苏蒋贾韦阎聂费庞万关华"
)


def unique_han(count: int) -> str:
    return "".join(random.choice(NAME_CHARS) for _ in range(count))


def person(**overrides: Any) -> dict[str, Any]:
    """A made-up card as the reader returns it: a unique name, phone, e-mail and company."""
    tag = uuid.uuid4().hex[:8]
    mobile = "09" + "".join(random.choice("0123456789") for _ in range(8))
    card: dict[str, Any] = {
        "name": "詹" + unique_han(3),
        "company": f"{unique_han(2)}科技股份有限公司",
        "department": None,
        "title": "業務經理",
        "phones": [{"number": mobile, "type": "mobile", "extension": None}],
        "emails": [f"p{tag}@example.com"],
        "address": None,
        "website": None,
        "line_id": None,
        "tax_id": None,
        "notes": None,
    }
    return card | overrides


async def answer(
    driver: WebhookDriver, user_id: str, before: int, timeout: float = ANSWER_TIMEOUT
) -> dict[str, Any]:
    found = await driver.wait_for_deliveries(user_id, 1, after=before, timeout=timeout)
    assert found, "the bot never answered"
    return found[0]


async def send_card(
    driver: WebhookDriver, emulators: Emulators, user_id: str, card: dict[str, Any]
) -> None:
    """Send a photo the Gemini emulator reads as `card`."""
    data = photo("bilingual_engineer") + f"unique-{uuid.uuid4().hex}".encode()
    emulators.gemini.truth[hashlib.sha256(data).hexdigest()] = [card]
    await driver.send_image(user_id, data)


async def save_card(
    driver: WebhookDriver, emulators: Emulators, user_id: str, card: dict[str, Any]
) -> dict[str, Any]:
    """Send a photo the Gemini emulator reads as `card`; the bot's answer."""
    before = len(await driver.deliveries(user_id))
    await send_card(driver, emulators, user_id, card)
    return await answer(driver, user_id, before)


async def say(driver: WebhookDriver, user_id: str, text: str) -> tuple[dict[str, Any], str]:
    before = len(await driver.deliveries(user_id))
    await driver.send_text(user_id, text)
    delivery = await answer(driver, user_id, before)
    return delivery, render_delivery_text(delivery)


async def tap(driver: WebhookDriver, user_id: str, data: str) -> tuple[dict[str, Any], str]:
    before = len(await driver.deliveries(user_id))
    await driver.send_postback(user_id, data)
    delivery = await answer(driver, user_id, before)
    return delivery, render_delivery_text(delivery)


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for child in node.values():
            yield from walk(child)
    elif isinstance(node, list):
        for child in node:
            yield from walk(child)


def card_buttons(delivery: dict[str, Any], bubble: int = 0) -> dict[str, str]:
    """The postback buttons (label → data) under one bubble of the answer's Flex message."""
    flex = next(m for m in delivery["messages"] if m["type"] == "flex")["contents"]
    chosen = flex["contents"][bubble] if flex["type"] == "carousel" else flex
    actions = [c["action"] for c in walk(chosen.get("footer", {})) if c.get("type") == "button"]
    return {a["label"]: a["data"] for a in actions if a["type"] == "postback"}


def bubbles(delivery: dict[str, Any]) -> list[dict[str, Any]]:
    flex = next(m for m in delivery["messages"] if m["type"] == "flex")["contents"]
    return flex["contents"] if flex["type"] == "carousel" else [flex]


def quick_replies(delivery: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The last message's quick-reply actions by label."""
    items = (delivery["messages"][-1].get("quickReply") or {}).get("items", [])
    return {item["action"]["label"]: item["action"] for item in items}
