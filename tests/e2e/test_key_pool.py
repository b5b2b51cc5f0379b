"""Several Gemini keys through google-genai and the Gemini emulator: a 429 never reaches a user."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from namecard.domain.catalogue import OFFLINE_READER
from namecard.sim.driver import WebhookDriver
from namecard.sim.gemini import GeminiFault
from namecard.sim.line_render import render_delivery_text
from tests.e2e.conftest import load_truth_file, photo
from tests.harness import (
    CHANNEL_SECRET,
    GEMINI_KEYS,
    Emulators,
    RunningBot,
    bot_environment,
    new_port,
    running_bot,
    running_emulators,
)

pytestmark = pytest.mark.e2e

THREE_KEYS = {"GOOGLE_API_KEY": GEMINI_KEYS[0], "GOOGLE_API_KEYS": ",".join(GEMINI_KEYS[1:])}
ANSWER_TIMEOUT = 30.0
STEMS = ("tw_sales_manager", "en_director", "bilingual_engineer", "exec_taichung",
         "kaohsiung_webp", "dense_contacts")  # fmt: skip


@pytest.fixture(scope="module")
def emulators() -> Iterator[Emulators]:
    with running_emulators(gemini_latency=0.2) as running:
        yield running


@pytest.fixture(autouse=True)
def no_throttle(emulators: Emulators) -> Iterator[None]:
    yield
    for key in GEMINI_KEYS:
        emulators.gemini.throttle(key, 0)


def start_bot(emulators: Emulators, tmp: Path, redis_url: str | None, **extra: str) -> Any:
    env = bot_environment(
        emulators, port=new_port(), data_dir=tmp / "data", redis_url=redis_url,
        extra={**THREE_KEYS, "CACHE_MEMORY_MB": "0", "CACHE_DISK_MB": "0", **extra},
    )  # fmt: skip
    return running_bot(env, tmp / f"bot-{uuid.uuid4().hex[:6]}.log")


async def send(bot: RunningBot, emulators: Emulators, stem: str, count: int = 1) -> list[str]:
    user = "U" + uuid.uuid4().hex
    async with WebhookDriver(f"{bot.url}/callback", CHANNEL_SECRET, emulators.line_url) as driver:
        assert (await driver.send_image(user, photo(stem))).status == 200
        deliveries = await driver.wait_for_deliveries(user, count, timeout=ANSWER_TIMEOUT)
    assert len(deliveries) >= count, bot.log()[-3000:]
    return [render_delivery_text(d) for d in deliveries]


async def stats_of(bot: RunningBot) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=bot.url) as client:
        stats: dict[str, Any] = (await client.get("/stats")).json()
    return stats


def calls_on(emulators: Emulators, key: str, since: float) -> list[Any]:
    return [c for c in emulators.gemini.calls if c.key_suffix == key[-4:] and c.at >= since]


async def test_one_throttled_key_of_three_never_reaches_a_user(
    emulators: Emulators, redis_url: str, tmp_path: Path
) -> None:
    with start_bot(emulators, tmp_path, redis_url) as bot:
        started = time.time()
        emulators.gemini.throttle(GEMINI_KEYS[1], 20)
        texts = [await send(bot, emulators, stem) for stem in STEMS]  # one after the other

    for stem, (text,) in zip(STEMS, texts, strict=True):
        assert load_truth_file(stem)["cards"][0]["name"] in text
        assert OFFLINE_READER.zh not in text  # every photo was read by Gemini
    # Told to retry in ~20 s, the throttled key rested: one request, its 429, and no other.
    assert [c.status for c in calls_on(emulators, GEMINI_KEYS[1], started)] == [429]


async def test_an_invalid_key_is_disabled_and_shown_in_stats(
    emulators: Emulators, tmp_path: Path
) -> None:
    revoked = "e2e-revoked-gemini-key-XyZ9"
    with start_bot(emulators, tmp_path, None, GOOGLE_API_KEYS=revoked) as bot:
        for stem in STEMS[:3]:
            (text,) = await send(bot, emulators, stem)
            assert load_truth_file(stem)["cards"][0]["name"] in text
        stats = await stats_of(bot)

    keys = {k["key"]: k for k in stats["ai_processor_stats"]["api_quota_status"]["keys"]}
    assert keys["…XyZ9"]["state"] == "disabled"
    assert "API_KEY_INVALID" in keys["…XyZ9"]["disabled_reason"]
    assert revoked not in str(stats)
    assert GEMINI_KEYS[0] not in str(stats)


async def test_with_every_key_throttled_the_offline_reader_answers(
    emulators: Emulators, tmp_path: Path
) -> None:
    with start_bot(emulators, tmp_path, None, GOOGLE_API_KEYS=GEMINI_KEYS[1]) as bot:
        for key in GEMINI_KEYS[:2]:
            emulators.gemini.throttle(key, 30)
        (text,) = await send(bot, emulators, "en_director")
        stats = await stats_of(bot)

    assert "Emily Chen" in text
    assert OFFLINE_READER.zh in text
    assert stats["ai_processor_stats"]["offline_fallbacks"] == 1


async def test_without_the_offline_reader_the_job_waits_for_a_key(
    emulators: Emulators, tmp_path: Path
) -> None:
    with start_bot(emulators, tmp_path, None, OFFLINE_READER="false",
                   GOOGLE_API_KEYS=GEMINI_KEYS[1]) as bot:  # fmt: skip
        for key in GEMINI_KEYS[:2]:
            emulators.gemini.throttle(key, 3)
        waiting, answer = await send(bot, emulators, "vertical_lawyer", count=2)

    assert "額度" in waiting  # told roughly when
    assert load_truth_file("vertical_lawyer")["cards"][0]["name"] in answer


async def test_gemini_503_bursts_are_retried_and_answered(
    emulators: Emulators, tmp_path: Path
) -> None:
    with start_bot(emulators, tmp_path, None) as bot:
        emulators.gemini.script(GeminiFault.UNAVAILABLE, times=2)
        (text,) = await send(bot, emulators, "line_id_freelancer")
    assert load_truth_file("line_id_freelancer")["cards"][0]["name"] in text


async def test_two_worker_processes_share_one_keys_cooldown(
    emulators: Emulators, redis_url: str, tmp_path: Path
) -> None:
    with start_bot(emulators, tmp_path, redis_url, WORKERS="2") as bot:
        started = time.time()
        emulators.gemini.throttle(GEMINI_KEYS[2], 20)
        # One after the other, so every request after the 429 finds the key resting.
        results = [await send(bot, emulators, stem) for stem in STEMS * 2]

    assert all(text for (text,) in results)
    # Both processes saw the one 429 through Redis: the key got no second request.
    assert [c.status for c in calls_on(emulators, GEMINI_KEYS[2], started)] == [429]
