"""A redelivered webhook event is processed once, in memory and across processes via Redis."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from namecard.pipeline.dedupe import MemoryDedupe, RedisDedupe
from namecard.state.keys import KeySpace
from tests.clock import ManualClock


class Clock(ManualClock):
    def __init__(self) -> None:
        super().__init__(1000.0)


async def test_memory_claims_once_until_the_ttl_passes() -> None:
    clock = Clock()
    dedupe = MemoryDedupe(60, clock=clock)
    assert await dedupe.claim("evt-1")
    assert not await dedupe.claim("evt-1")
    clock.now += 61
    assert await dedupe.claim("evt-1")


async def test_memory_release_lets_a_refused_event_back_in() -> None:
    dedupe = MemoryDedupe(60)
    assert await dedupe.claim("evt-2")
    await dedupe.release("evt-2")
    assert await dedupe.claim("evt-2")


async def test_memory_is_bounded() -> None:
    dedupe = MemoryDedupe(3600, max_entries=100)
    for n in range(1000):
        assert await dedupe.claim(f"evt-{n}")
    assert await dedupe.claim("evt-0")  # the oldest fell out instead of memory growing


async def test_redis_claims_are_shared_between_clients(
    redis_client: Redis, redis_url: str, key_prefix: str
) -> None:
    other_process: Redis = Redis.from_url(redis_url)
    try:
        first = RedisDedupe(redis_client, 60, keys=KeySpace(key_prefix))
        second = RedisDedupe(other_process, 60, keys=KeySpace(key_prefix))
        assert await first.claim("evt-shared")
        assert not await second.claim("evt-shared")
        ttl = await redis_client.ttl(KeySpace(key_prefix).dedupe("evt-shared"))
        assert 0 < ttl <= 60
    finally:
        await other_process.aclose()


async def test_redis_down_accepts_rather_than_loses_the_event(key_prefix: str) -> None:
    unreachable: Redis = Redis.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.2)
    try:
        assert await RedisDedupe(unreachable, 60, keys=KeySpace(key_prefix)).claim("evt-x")
    finally:
        await unreachable.aclose()


@pytest.mark.parametrize("ttl", [60, 86400])
async def test_redis_release(redis_client: Redis, key_prefix: str, ttl: int) -> None:
    dedupe = RedisDedupe(redis_client, ttl, keys=KeySpace(key_prefix))
    assert await dedupe.claim("evt-r")
    await dedupe.release("evt-r")
    assert await dedupe.claim("evt-r")
