"""Cache scenario of `make bench`: the same 20 photos sent twice, by different users.

Round 1 reads every photo (misses); round 2 sends the same photos from 20 other users and is
answered from the result cache. Each round's photos arrive one every 0.2 s. Prints miss and hit
photo-to-reply p50/p95 and the speed-up, behind the same emulated latencies as the load scenario
(LINE 30 ms, Gemini 2.0 s, Notion 300 ms).
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from namecard.sim.driver import WebhookDriver
from tests.harness import CHANNEL_SECRET, bot_environment, new_port, running_bot
from tests.performance.bench_load import (
    UserRun,
    card_photos,
    collect_replies,
    production_like_emulators,
    send_all,
    summary,
    wait_until_idle,
)

PHOTOS = 20
# Repeated photos arrive from different people over a few seconds, not in one instant.
PACE_SECONDS = 0.2


async def run_cache_scenario(
    redis_url: str | None, extra: dict[str, str], *, interval: float = PACE_SECONDS
) -> dict[str, Any]:
    photos = card_photos()[:PHOTOS]
    rounds: list[list[UserRun]] = [
        [UserRun("U" + uuid.uuid4().hex, photo, photo.read_bytes()) for photo in photos]
        for _ in range(2)
    ]
    with TemporaryDirectory() as tmp, production_like_emulators() as emulators:
        env = bot_environment(
            emulators, port=new_port(), data_dir=Path(tmp) / "data", redis_url=redis_url,
            extra={"LOG_LEVEL": "WARNING", **extra},
        )  # fmt: skip
        with running_bot(env, Path(tmp) / "bot.log") as bot:
            for runs in rounds:
                async with WebhookDriver(
                    f"{bot.url}/callback", CHANNEL_SECRET, emulators.line_url
                ) as driver:
                    await send_all(driver, runs, interval=interval)
                await asyncio.to_thread(collect_replies, emulators, runs)
                await wait_until_idle(bot.url)
        gemini_calls = emulators.gemini.generate_count
    return {"interval_seconds": interval, **report(rounds, gemini_calls)}


def report(rounds: list[list[UserRun]], gemini_calls: int) -> dict[str, Any]:
    miss, hit = ([r.reply_seconds for r in runs if r.reply_seconds is not None] for runs in rounds)
    miss_summary, hit_summary = summary(miss), summary(hit)
    return {
        "photos": len(rounds[0]),
        "miss_photo_to_reply_seconds": miss_summary,
        "hit_photo_to_reply_seconds": hit_summary,
        "speed_up_p50": round(miss_summary["p50"] / hit_summary["p50"], 1) if hit else None,
        "speed_up_p95": round(miss_summary["p95"] / hit_summary["p95"], 1) if hit else None,
        "successes": [sum(r.got_card for r in runs) for runs in rounds],
        "gemini_calls": gemini_calls,
    }
