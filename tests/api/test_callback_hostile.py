"""Signed webhooks with broken events: never a 500, and the good events beside them still count."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.api.webhook_app import BOT_USER_ID, WebhookApp, event, until_healthy, webhook_app
from tests.harness import Emulators

USER = "U" + "7" * 32
TEXT = {"type": "text", "id": "1", "text": "hi", "quoteToken": "q"}


@pytest.fixture
async def bot(emulators: Emulators, tmp_path: Path) -> AsyncIterator[WebhookApp]:
    async with webhook_app(emulators, tmp_path) as running:
        yield running


def text_event(**changes: Any) -> dict[str, Any]:
    raw = event("message", user=USER, replyToken="r" * 32, message=TEXT)
    raw.update(changes)
    return {k: v for k, v in raw.items() if v is not None}


BROKEN_EVENTS = {
    "empty object": {},
    "no type": text_event(type=None),
    "no source type": text_event(source={"userId": USER}),
    "no message type": text_event(message={"id": "1", "text": "hi", "quoteToken": "q"}),
    "source is a string": text_event(source="user"),
    "source is a list": text_event(source=[USER]),
    "message is a string": text_event(message="hi"),
    "message is a number": text_event(message=7),
    "type is a list": text_event(type=["message"]),
    "event is a string": "message",
}


@pytest.mark.parametrize("broken", BROKEN_EVENTS.values(), ids=list(BROKEN_EVENTS))
async def test_a_broken_event_costs_only_itself(bot: WebhookApp, broken: object) -> None:
    user, good = bot.help_request()

    response = await bot.post([broken, good])

    assert response.status_code == 200
    assert await bot.answered(user)


async def test_nesting_too_deep_to_parse_is_refused_with_a_reason(bot: WebhookApp) -> None:
    depth = 100_000
    body = b'{"destination": "U0", "events": [' + b"[" * depth + b"]" * depth + b"]}"

    response = await bot.post_body(body)

    assert response.status_code == 400
    assert "nested" in (await response.get_json())["error"]


async def test_a_number_too_long_to_read_costs_only_its_event(bot: WebhookApp) -> None:
    user, good = bot.help_request()
    huge = b'{"type": "message", "timestamp": ' + b"9" * 500_000 + b"}"
    payload = json.dumps({"destination": BOT_USER_ID, "events": ["HUGE", good]}).encode()
    body = payload.replace(b'"HUGE"', huge)

    response = await bot.post_body(body)

    assert response.status_code == 200
    assert await bot.answered(user)


async def test_ten_thousand_bad_events_make_one_log_line_without_user_ids(
    bot: WebhookApp, caplog: pytest.LogCaptureFixture
) -> None:
    broken: list[object] = [{"type": "message"} for _ in range(9_990)]
    broken += [text_event(type="bogus") for _ in range(10)]  # carries USER in clear

    with caplog.at_level(logging.INFO, logger="namecard"):
        response = await bot.post(broken)

    about_events = [r for r in caplog.records if "event" in r.getMessage()]
    assert response.status_code == 200
    assert len(about_events) == 1
    assert "10000" in about_events[0].getMessage()
    assert all(USER not in r.getMessage() for r in caplog.records)


async def test_a_webhook_larger_than_the_queue_is_taken_in_parts_by_redelivery(
    emulators: Emulators, tmp_path: Path
) -> None:
    emulators.notion.latency = 1.0  # the workers start late: nothing leaves the queue meanwhile
    try:
        async with webhook_app(emulators, tmp_path, healthy=False, QUEUE_SIZE="3") as bot:
            users, events = zip(*(bot.help_request() for _ in range(5)), strict=True)
            first = await bot.post(events)
            await until_healthy(bot.client)
            redeliveries = [await redeliver(bot, events) for _ in range(REDELIVERIES)]
            answered = [await bot.answered(user) for user in users]
            deliveries = [len(emulators.line.deliveries(user)) for user in users]
    finally:
        emulators.notion.latency = 0.0

    assert first.status_code == 503
    assert "Retry-After" in first.headers
    assert 200 in [response.status_code for response in redeliveries]
    assert (await first.get_json())["accepted"] == 3  # the first three, in order
    assert all(answered)
    assert deliveries == [1] * 5  # each answered once: redelivery never doubles an answer


REDELIVERIES = 5


async def redeliver(bot: WebhookApp, events: Sequence[dict[str, Any]]) -> Any:
    """LINE sends the same events again (same ids) a little later, marked as redelivered."""
    await asyncio.sleep(0.2)
    again = [{**raw, "deliveryContext": {"isRedelivery": True}} for raw in events]
    return await bot.post(again)


async def test_a_webhook_meant_for_another_bot_is_skipped(
    bot: WebhookApp, caplog: pytest.LogCaptureFixture
) -> None:
    await bot_info_asked(bot.emulators)
    other_bot = "U" + "f" * 32
    user, request = bot.help_request()

    with caplog.at_level(logging.INFO, logger="namecard"):
        response = await bot.post([request], destination=other_bot)
    ours_user, ours = bot.help_request()
    await bot.post([ours])

    assert response.status_code == 200
    assert await bot.answered(ours_user)
    assert not bot.emulators.line.deliveries(user)
    assert any("another bot" in record.getMessage() for record in caplog.records)
    assert all(other_bot not in record.getMessage() for record in caplog.records)
    stats = await (await bot.client.get("/stats")).get_json()
    assert stats["webhook_stats"]["other_bot_events"] == 1


async def bot_info_asked(emulators: Emulators, timeout: float = 5.0) -> None:
    """Until the bot has asked LINE who it is (it does so in the background at start)."""
    for _ in range(int(timeout / 0.05)):
        if any(call.path.endswith("/v2/bot/info") for call in emulators.line.calls):
            return
        await asyncio.sleep(0.05)
