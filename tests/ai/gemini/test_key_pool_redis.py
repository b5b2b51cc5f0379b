"""The Redis key pool against a real Redis: two pools on two clients act as two worker
processes sharing one set of keys; without Redis a pool falls back to its own process."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from namecard.ai.gemini.key_pool import KeyPool, KeyPoolProtocol, Lease, NoKey
from namecard.ai.gemini.key_pool_redis import RedisKeyPool
from namecard.sim.server import free_port
from namecard.state.keys import KeySpace
from tests.clock import ManualClock

KEYS = ("k1", "k2", "k3")
LABELS = {"k1": "…AAAA", "k2": "…BBBB", "k3": "…CCCC"}
NOON = datetime(2025, 6, 10, 19, 0, tzinfo=UTC).timestamp()  # 12:00 in Los Angeles
MIDNIGHT = datetime(2025, 6, 11, 7, 0, tzinfo=UTC).timestamp()


class Clock(ManualClock):
    def __init__(self, now: float = NOON) -> None:
        super().__init__(now)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def shared_pools(
    first: Redis, second: Redis, prefix: str, clock: Clock, **limits: int
) -> tuple[RedisKeyPool, RedisKeyPool]:
    def make(client: Redis) -> RedisKeyPool:
        return RedisKeyPool(
            client, KEYS, labels=LABELS, keys=KeySpace(prefix), clock=clock,
            rpm=limits.get("rpm"), rpd=limits.get("rpd"),
        )  # fmt: skip

    return make(first), make(second)


async def key_of(pool: KeyPoolProtocol) -> str | None:
    result = await pool.lease()
    return result.key_id if isinstance(result, Lease) else None


async def test_the_turn_is_shared_by_both_processes(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    a, b = shared_pools(redis_client, other_client, key_prefix, clock)
    assert [await key_of(pool) for pool in (a, b, a, b)] == ["k1", "k2", "k3", "k1"]


async def test_a_cooldown_reported_by_one_process_holds_in_the_other(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    a, b = shared_pools(redis_client, other_client, key_prefix, clock)
    await a.rate_limited("k1", retry_after=30, daily=False)
    assert {await key_of(b) for _ in range(6)} == {"k2", "k3"}
    cooling = (await b.snapshot())["keys"][0]
    assert (cooling["state"], cooling["cooldown_until"]) == ("cooling", "2025-06-10T19:00:30+00:00")
    clock.now += 30
    assert "k1" in {await key_of(b) for _ in range(3)}


async def test_a_sub_second_retry_delay_ends_exactly_when_announced(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    a, b = shared_pools(redis_client, other_client, key_prefix, clock)
    clock.now = NOON + 0.123456
    for key_id in KEYS:
        await a.rate_limited(key_id, retry_after=0.25, daily=False)
    waiting = await b.lease()
    assert isinstance(waiting, NoKey)
    assert waiting.available_at is not None
    assert waiting.available_at == pytest.approx(NOON + 0.373456, abs=1e-6)
    clock.now = waiting.available_at
    assert await key_of(b) == "k1"


async def test_the_429_streak_and_daily_rest_are_shared(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    a, b = shared_pools(redis_client, other_client, key_prefix, clock)
    await a.disable("k2", "API_KEY_INVALID")
    await a.disable("k3", "API_KEY_INVALID")
    await a.rate_limited("k1", retry_after=None, daily=False)
    await b.rate_limited("k1", retry_after=None, daily=False)
    assert await a.lease() == NoKey(NOON + 4)  # 2 s, then 4 s: the second 429 in a row
    await b.succeeded("k1")
    clock.now += 4
    await a.rate_limited("k1", retry_after=None, daily=False)
    assert await b.lease() == NoKey(clock.now + 2)
    await b.rate_limited("k1", retry_after=5, daily=True)
    assert await a.lease() == NoKey(MIDNIGHT)


async def test_a_key_disabled_by_one_process_is_never_used_by_the_other(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    a, b = shared_pools(redis_client, other_client, key_prefix, clock)
    await a.disable("k2", "PERMISSION_DENIED")
    clock.now += 7 * 24 * 3600
    assert {await key_of(b) for _ in range(6)} == {"k1", "k3"}
    entry = (await b.snapshot())["keys"][1]
    assert (entry["state"], entry["disabled_reason"]) == ("disabled", "PERMISSION_DENIED")
    await b.disable("k1", "API_KEY_INVALID")
    await b.disable("k3", "API_KEY_INVALID")
    assert await a.lease() == NoKey(None)


async def test_counters_add_up_across_processes(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    a, b = shared_pools(redis_client, other_client, key_prefix, clock)
    for pool in (a, b, a, b, a, b):
        await pool.lease()
    await a.succeeded("k1")
    await b.succeeded("k2")
    await b.failed("k3")
    await a.rate_limited("k3", retry_after=1, daily=False)
    view = await a.snapshot()
    assert [item["requests"] for item in view["keys"]] == [2, 2, 2]
    assert [item["requests_today"] for item in view["keys"]] == [2, 2, 2]
    summary = view["pool"]
    assert (summary["requests"], summary["successes"], summary["errors"]) == (6, 2, 1)
    assert (summary["rate_limited"], summary["requests_this_minute"], summary["shared"]) == (
        1, 6, True,
    )  # fmt: skip
    assert (await b.snapshot())["keys"] == view["keys"]


async def test_concurrent_leases_from_both_processes_never_exceed_the_rpm(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    clock.now = NOON + 10
    a, b = shared_pools(redis_client, other_client, key_prefix, clock, rpm=4)
    results = await asyncio.gather(*(pool.lease() for pool in (a, b) * 25))
    granted = Counter(result.key_id for result in results if isinstance(result, Lease))
    assert granted == {"k1": 4, "k2": 4, "k3": 4}
    refusals = {result for result in results if isinstance(result, NoKey)}
    assert refusals == {NoKey(NOON + 60)}
    clock.now = NOON + 60
    assert [await key_of(pool) for pool in (a, b, a)] == ["k1", "k2", "k3"]


async def test_the_daily_limit_is_shared_until_pacific_midnight(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    a, b = shared_pools(redis_client, other_client, key_prefix, clock, rpd=2)
    used = Counter([await key_of(pool) for pool in (a, b) * 3])
    assert used == {"k1": 2, "k2": 2, "k3": 2}
    clock.now += 3600
    assert await b.lease() == NoKey(MIDNIGHT)
    assert (await a.snapshot())["pool"]["exhausted"] == 3
    clock.now = MIDNIGHT
    assert await key_of(a) == "k1"


async def test_the_shared_snapshot_predicts_like_the_local_pool(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    a, b = shared_pools(redis_client, other_client, key_prefix, clock, rpm=30, rpd=100)
    local = KeyPool(KEYS, labels=LABELS, rpm=30, rpd=100, clock=clock)
    for _ in range(8):
        for _ in range(3):
            await a.lease()
            await b.lease()
            await local.lease()
            await local.lease()
        clock.now += 60
    for pool in (a, local):
        await pool.rate_limited("k2", retry_after=90, daily=False)
        await pool.disable("k3", "API_KEY_INVALID")
    shared, alone = await b.snapshot(), await local.snapshot()
    assert shared["keys"] == alone["keys"]
    assert shared["pool"] == alone["pool"] | {"shared": True}
    assert shared["pool"]["predicted_exhaustion"] is not None


async def test_state_lives_under_the_prefix_and_windows_expire(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    a, _ = shared_pools(redis_client, other_client, key_prefix, clock, rpm=5, rpd=50)
    await a.lease()
    await a.succeeded("k1")
    names = [name.decode() async for name in redis_client.scan_iter(match=key_prefix + "*")]
    assert names
    assert all(name.startswith(key_prefix + "namecard:gemini-keys:") for name in names)
    windows = [name for name in names if ":minute:" in name or ":day:" in name]
    assert len(windows) == 2
    assert all(ttl > 0 for ttl in [await redis_client.ttl(name) for name in windows])


async def test_without_redis_the_process_uses_its_own_pool(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    dead: Redis = Redis.from_url(f"redis://127.0.0.1:{free_port()}", socket_connect_timeout=1)
    pool = RedisKeyPool(dead, KEYS, labels=LABELS, rpm=2, clock=clock)
    with caplog.at_level(logging.WARNING, logger="namecard.ai.gemini.key_pool_redis"):
        assert [await key_of(pool) for _ in range(3)] == ["k1", "k2", "k3"]
        await pool.rate_limited("k1", retry_after=30, daily=False)
        await pool.succeeded("k2")
        await pool.failed("k3")
        await pool.disable("k3", "API_KEY_INVALID")
        assert [await key_of(pool) for _ in range(2)] == ["k2", None]
        view = await pool.snapshot()
    await dead.aclose()
    assert [item["state"] for item in view["keys"]] == ["cooling", "exhausted", "disabled"]
    assert (view["pool"]["shared"], view["pool"]["requests"]) == (False, 4)
    outages = [r for r in caplog.records if r.name == "namecard.ai.gemini.key_pool_redis"]
    assert len(outages) == 1  # one warning for the outage, not one per request
