"""A photo seen before is answered from the result cache: once per burst, and across restarts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from namecard.sim.driver import WebhookDriver
from namecard.sim.line_render import render_delivery_text
from tests.e2e.conftest import load_truth_file, photo
from tests.harness import (
    CHANNEL_SECRET,
    Emulators,
    RunningBot,
    bot_environment,
    new_port,
    pages_named,
    running_bot,
    running_emulators,
)

pytestmark = pytest.mark.e2e

ANSWER_TIMEOUT = 30.0


@pytest.fixture(scope="module")
def slow_emulators() -> Iterator[Emulators]:
    # Gemini answers in 0.5 s, so the 20 identical photos really are in flight together.
    with running_emulators(gemini_latency=0.5) as running:
        yield running


def new_user() -> str:
    return "U" + uuid.uuid4().hex


async def send_and_read(bot: RunningBot, emulators: Emulators, stem: str) -> str:
    user = new_user()
    async with WebhookDriver(f"{bot.url}/callback", CHANNEL_SECRET, emulators.line_url) as driver:
        result = await driver.send_image(user, photo(stem))
        assert result.status == 200
        deliveries = await driver.wait_for_deliveries(user, 1, timeout=ANSWER_TIMEOUT)
    assert deliveries, bot.log()[-2000:]
    return render_delivery_text(deliveries[0])


async def test_twenty_identical_photos_at_once_cost_one_gemini_call(
    slow_emulators: Emulators, redis_url: str, tmp_path: Path
) -> None:
    name = load_truth_file("vertical_lawyer")["cards"][0]["name"]
    env = bot_environment(
        slow_emulators, port=new_port(), data_dir=tmp_path / "data", redis_url=redis_url
    )
    before = slow_emulators.gemini.generate_count
    with running_bot(env, tmp_path / "bot.log") as bot:
        texts = await asyncio.gather(
            *(send_and_read(bot, slow_emulators, "vertical_lawyer") for _ in range(20))
        )

    assert all(name in text for text in texts)
    assert slow_emulators.gemini.generate_count == before + 1
    assert (
        len(pages_named(slow_emulators, name)) == 1
    )  # the same card from 20 people is one contact


async def test_cached_results_survive_a_restart_in_redis_and_on_disk(
    slow_emulators: Emulators, redis_url: str, tmp_path: Path
) -> None:
    prefix = f"e2e-restart-{uuid.uuid4().hex[:8]}:"
    name = load_truth_file("sideways")["cards"][0]["name"]

    def env(data_dir: Path, redis: str | None) -> dict[str, str]:
        base = bot_environment(slow_emulators, port=new_port(), data_dir=data_dir, redis_url=redis)
        return {**base, "REDIS_KEY_PREFIX": prefix} if redis else base

    first_data, other_data = tmp_path / "data", tmp_path / "fresh-data"
    before = slow_emulators.gemini.generate_count
    with running_bot(env(first_data, redis_url), tmp_path / "1.log") as bot:
        assert name in await send_and_read(bot, slow_emulators, "sideways")
    assert slow_emulators.gemini.generate_count == before + 1

    # Same disk, no Redis: the disk tier answers. Fresh disk, same Redis: the Redis tier answers.
    for data_dir, redis, log in ((first_data, None, "2.log"), (other_data, redis_url, "3.log")):
        with running_bot(env(data_dir, redis), tmp_path / log) as bot:
            assert name in await send_and_read(bot, slow_emulators, "sideways")
    assert slow_emulators.gemini.generate_count == before + 1
