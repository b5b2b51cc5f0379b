"""The tiered cache: promotion with the life left, writes to every tier, and single flight."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from namecard.cache.base import ResultCache
from namecard.cache.disk import DiskCache
from namecard.cache.keys import cache_key
from namecard.cache.memory import MemoryCache
from namecard.cache.redis_tier import RedisCache
from namecard.cache.tiered import TieredCache
from namecard.state.keys import KeySpace
from tests.clock import ManualClock

MB = 1024 * 1024
DAY = 86400.0
KEY = cache_key("gemini.v1", hashlib.sha256(b"photo").hexdigest())
RESULT = {"cards": [{"name": "王小明", "company": "台灣科技"}], "source": "gemini"}


class Clock(ManualClock):
    def __init__(self, now: float) -> None:
        super().__init__(now)


@dataclass
class Stack:
    """A service's cache: wall clock shared by the tiered cache and disk, memory's own clock."""

    wall: Clock
    monotonic: Clock
    redis: Redis
    prefix: str
    directory: Path

    def memory(self) -> MemoryCache:
        return MemoryCache(max_bytes=MB, clock=self.monotonic)

    def redis_tier(self) -> RedisCache:
        return RedisCache(self.redis, keys=KeySpace(self.prefix))

    def disk(self) -> DiskCache:
        return DiskCache(self.directory, max_bytes=MB, clock=self.wall)

    def tiered(self, *tiers: ResultCache) -> TieredCache:
        chosen = tiers or (self.memory(), self.redis_tier(), self.disk())
        return TieredCache(chosen, clock=self.wall)

    async def redis_ttl(self) -> int:
        return int(await self.redis.ttl(self.prefix + KEY))

    async def redis_envelope(self) -> dict[str, Any]:
        raw = await self.redis.get(self.prefix + KEY)
        assert raw is not None
        envelope: dict[str, Any] = json.loads(raw)
        return envelope


@pytest.fixture
async def stack(redis_client: Redis, key_prefix: str, tmp_path: Path) -> AsyncIterator[Stack]:
    yield Stack(Clock(1_700_000_000.0), Clock(1000.0), redis_client, key_prefix, tmp_path)
    async for stored in redis_client.scan_iter(match=f"{key_prefix}*"):
        await redis_client.delete(stored)


async def test_a_disk_hit_is_copied_up_with_the_life_it_has_left(stack: Stack) -> None:
    await stack.tiered(stack.disk()).set(KEY, RESULT, 1000)
    stack.wall.now += 400
    cache = stack.tiered()
    assert await cache.get(KEY) == (RESULT, "disk")
    assert 590 <= await stack.redis_ttl() <= 600
    assert (await stack.redis_envelope())["exp"] == stack.wall.now + 600
    stack.monotonic.now += 599
    assert await cache.get(KEY) == (RESULT, "memory")
    stack.monotonic.now += 2
    assert await cache.get(KEY) == (RESULT, "redis")
    stack.wall.now += 601  # Redis still holds its copy (real time), but the entry has ended
    assert await cache.get(KEY) is None


async def test_writes_reach_every_tier_each_capped_at_its_own_ttl(stack: Stack) -> None:
    memory, disk = stack.memory(), stack.disk()
    cache = stack.tiered(memory, stack.redis_tier(), disk)
    await cache.set(KEY, RESULT, 30 * DAY)
    assert DAY - 10 <= await stack.redis_ttl() <= DAY
    assert (memory.stats().entries, disk.stats().entries) == (1, 1)
    stack.monotonic.now += 3601  # memory keeps an hour
    stack.wall.now += DAY + 1  # Redis a day (its copy's envelope has ended)
    assert await cache.get(KEY) == (RESULT, "disk")
    stack.wall.now += 6 * DAY  # disk a week
    assert await cache.get(KEY) is None


async def test_a_short_ttl_is_honoured_by_every_tier(stack: Stack) -> None:
    memory, disk = stack.memory(), stack.disk()
    cache = stack.tiered(memory, stack.redis_tier(), disk)
    await cache.set(KEY, {"cards": []}, 600)
    assert 590 <= await stack.redis_ttl() <= 600
    stack.monotonic.now += 601
    stack.wall.now += 601
    assert await memory.get(KEY) is None
    assert await disk.get(KEY) is None
    assert await cache.get(KEY) is None


async def test_entries_survive_a_restart(stack: Stack) -> None:
    await stack.tiered().set(KEY, RESULT, DAY)
    assert await stack.tiered().get(KEY) == (RESULT, "redis")
    assert await stack.tiered(stack.memory(), stack.disk()).get(KEY) == (RESULT, "disk")


class Extractor:
    """Stands in for the Gemini call: counts calls, and holds them until released."""

    def __init__(self, ttl: float | None = 3600.0, error: Exception | None = None) -> None:
        self.calls = 0
        self.ttl = ttl
        self.error = error
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self) -> tuple[dict[str, Any], float | None]:
        self.calls += 1
        self.entered.set()
        await self.release.wait()
        if self.error is not None:
            raise self.error
        return RESULT, self.ttl


async def twenty_at_once(cache: TieredCache, extractor: Extractor) -> list[Any]:
    callers = [asyncio.create_task(cache.get_or_compute(KEY, extractor)) for _ in range(20)]
    await asyncio.wait_for(extractor.entered.wait(), 10)  # all 20 are waiting on it now
    extractor.release.set()
    return await asyncio.gather(*callers, return_exceptions=True)


async def test_twenty_concurrent_misses_cause_one_compute(stack: Stack) -> None:
    cache, extractor = stack.tiered(), Extractor()
    assert await twenty_at_once(cache, extractor) == [(RESULT, None)] * 20
    assert extractor.calls == 1
    assert await cache.get_or_compute(KEY, extractor) == (RESULT, "memory")
    assert extractor.calls == 1
    stats = cache.stats()
    assert (stats["hits"], stats["misses"], stats["hit_rate"]) == (1, 1, 0.5)
    assert stats["coalesced"] == 19  # callers that shared the first one's reading
    assert set(stats["tiers"]) == {"memory", "redis", "disk"}
    assert stats["tiers"]["disk"]["entries"] == 1


async def test_a_compute_error_reaches_every_waiter_and_is_not_cached(stack: Stack) -> None:
    cache, failing = stack.tiered(), Extractor(error=TimeoutError("gemini too slow"))
    results = await twenty_at_once(cache, failing)
    assert all(isinstance(result, TimeoutError) for result in results)
    assert failing.calls == 1
    assert await cache.get(KEY) is None
    working = Extractor()
    working.release.set()
    assert await cache.get_or_compute(KEY, working) == (RESULT, None)
    assert working.calls == 1


async def test_a_cancelled_caller_leaves_the_shared_compute_running(stack: Stack) -> None:
    cache, extractor = stack.tiered(), Extractor()
    first = asyncio.create_task(cache.get_or_compute(KEY, extractor))
    second = asyncio.create_task(cache.get_or_compute(KEY, extractor))
    await asyncio.wait_for(extractor.entered.wait(), 10)
    first.cancel()
    extractor.release.set()
    assert await second == (RESULT, None)
    assert first.cancelled()
    assert extractor.calls == 1
    assert await cache.get(KEY) == (RESULT, "memory")


async def test_a_result_without_ttl_is_not_cached(stack: Stack) -> None:
    cache, extractor = stack.tiered(), Extractor(ttl=None)
    extractor.release.set()
    assert await cache.get_or_compute(KEY, extractor) == (RESULT, None)
    assert await cache.get_or_compute(KEY, extractor) == (RESULT, None)
    assert extractor.calls == 2


async def test_redis_down_still_serves_from_the_other_tiers(stack: Stack) -> None:
    down: Redis = Redis.from_url("redis://127.0.0.1:1")
    cache = stack.tiered(stack.memory(), RedisCache(down), stack.disk())
    extractor = Extractor()
    extractor.release.set()
    assert await cache.get_or_compute(KEY, extractor) == (RESULT, None)
    assert await cache.get_or_compute(KEY, extractor) == (RESULT, "memory")
    assert await stack.tiered(RedisCache(down), stack.disk()).get(KEY) == (RESULT, "disk")
    assert cache.stats()["tiers"]["redis"]["errors"] == 2
    await down.aclose()


async def test_closing_cancels_flights_in_progress(stack: Stack) -> None:
    cache, extractor = stack.tiered(), Extractor()
    caller = asyncio.create_task(cache.get_or_compute(KEY, extractor))
    await asyncio.wait_for(extractor.entered.wait(), 10)
    await cache.aclose()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert cache.stats()["in_flight"] == 0
