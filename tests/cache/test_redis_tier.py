"""The Redis tier stores JSON with an expiry and turns every Redis fault into a miss."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from namecard.cache.keys import cache_key
from namecard.cache.redis_tier import RedisCache
from namecard.state.keys import KeySpace

KEY = cache_key("gemini.v1", hashlib.sha256(b"photo").hexdigest())
VALUE = {"v": {"cards": [{"name": "王小明"}]}, "exp": 1.0}


@pytest.fixture
async def cache(redis_client: Redis, key_prefix: str) -> AsyncIterator[RedisCache]:
    yield RedisCache(redis_client, keys=KeySpace(key_prefix))
    async for stored in redis_client.scan_iter(match=f"{key_prefix}*"):
        await redis_client.delete(stored)


@pytest.fixture
async def silent_redis() -> AsyncIterator[Redis]:
    """A TCP server that accepts connections and never answers: a Redis stuck or overloaded."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client: Redis = Redis.from_url(f"redis://127.0.0.1:{port}")
    yield client
    await client.aclose()
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_value_round_trips_under_the_prefixed_key(
    cache: RedisCache, redis_client: Redis, key_prefix: str
) -> None:
    await cache.set(KEY, VALUE, 3600)
    assert await cache.get(KEY) == VALUE
    stored = [key.decode() async for key in redis_client.scan_iter(match=f"{key_prefix}*")]
    assert stored == [key_prefix + KEY]
    assert stored[0].startswith(key_prefix + "ai_result:")
    raw = await redis_client.get(stored[0])
    assert raw is not None
    assert json.loads(raw) == VALUE
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.errors, stats.entries) == (1, 0, 0, 1)


async def test_default_ttl_is_a_day_and_caps_longer_ones(
    cache: RedisCache, redis_client: Redis, key_prefix: str
) -> None:
    await cache.set(KEY, VALUE, 7 * 86400)
    assert 86390 <= await redis_client.ttl(key_prefix + KEY) <= 86400


async def test_a_short_ttl_is_kept(cache: RedisCache, redis_client: Redis, key_prefix: str) -> None:
    await cache.set(KEY, VALUE, 600)
    assert 590 <= await redis_client.ttl(key_prefix + KEY) <= 600


async def test_a_missing_key_is_a_plain_miss(cache: RedisCache) -> None:
    assert await cache.get(KEY) is None
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.errors) == (0, 1, 0)


@pytest.mark.parametrize(
    "garbage", [b"not json", b"\xff\xfe", b"[1, 2]", b'"text"', b"{", b"[" * 100_000]
)
async def test_garbage_is_a_counted_miss_and_deleted(
    cache: RedisCache, redis_client: Redis, key_prefix: str, garbage: bytes
) -> None:
    await redis_client.set(key_prefix + KEY, garbage, ex=60)
    assert await cache.get(KEY) is None
    assert await redis_client.exists(key_prefix + KEY) == 0
    stats = cache.stats()
    assert (stats.misses, stats.errors) == (1, 1)


async def test_redis_down_is_a_miss_and_a_skipped_write(caplog: pytest.LogCaptureFixture) -> None:
    client: Redis = Redis.from_url("redis://127.0.0.1:1")
    cache = RedisCache(client)
    with caplog.at_level(logging.WARNING, logger="namecard.cache"):
        for _ in range(5):
            await cache.set(KEY, VALUE, 600)
            assert await cache.get(KEY) is None
    await client.aclose()
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.errors, stats.entries) == (0, 5, 10, 0)
    assert len(caplog.records) == 1  # one warning for the burst, not one per photo


async def test_a_silent_redis_is_a_miss_within_the_op_timeout(silent_redis: Redis) -> None:
    cache = RedisCache(silent_redis, op_timeout=0.05)
    await cache.set(KEY, VALUE, 600)
    assert await cache.get(KEY) is None
    stats = cache.stats()
    assert (stats.misses, stats.errors) == (1, 2)


async def test_a_client_with_decoded_responses_works_too(redis_url: str, key_prefix: str) -> None:
    client: Redis = Redis.from_url(redis_url, decode_responses=True)
    cache = RedisCache(client, keys=KeySpace(key_prefix))
    await cache.set(KEY, VALUE, 60)
    assert await cache.get(KEY) == VALUE
    await client.delete(key_prefix + KEY)
    await client.aclose()
