"""The bot's one Redis pool under a burst: every worker holds a connection while it waits on the
job queue (XREADGROUP BLOCK), and the webhooks and saves of a burst need theirs at the same time."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from namecard.bootstrap.clients import open_redis
from namecard.bootstrap.settings import load_settings

WORKERS = 50
BURST = 150


async def test_a_burst_while_every_worker_waits_on_the_queue_is_never_refused(
    redis_url: str, key_prefix: str
) -> None:
    """redis-py's pool refuses a connection past 100 ("Too many connections"): in `make bench`
    a card's page was then not remembered and the person index missed it, and the same card
    sent again by another user became a second Notion page."""
    settings = load_settings({}, redis_url=redis_url, max_concurrent=WORKERS)
    stream, counter = f"{key_prefix}jobs", f"{key_prefix}count"
    async with AsyncExitStack() as stack:
        shared = open_redis(settings, stack)
        assert shared is not None
        redis = shared.client
        await redis.xgroup_create(stream, "workers", mkstream=True)

        async def wait_for_a_job(worker: str) -> None:
            await redis.xreadgroup("workers", worker, {stream: ">"}, count=1, block=3000)

        waiting = [asyncio.create_task(wait_for_a_job(f"w{n}")) for n in range(WORKERS)]
        await asyncio.sleep(0.3)  # every worker is waiting on the queue

        counts = await asyncio.gather(*(redis.incr(counter) for _ in range(BURST)))

        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        await redis.delete(stream, counter)
    assert sorted(counts) == list(range(1, BURST + 1))
