"""The Notion rate limiter shared through a real Redis: two buckets on two clients act as two
worker processes (or instances) spending one budget; without Redis each paces itself alone."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from namecard.cards.model import Card, CardRef
from namecard.sim.notion import NotionEmulator
from namecard.sim.server import EmulatorServer, free_port
from namecard.state.keys import NOTION_RATE_KEY
from namecard.store.notion.writer import NotionStore
from namecard.store.rate_limit import RateLimiter, TokenBucket
from namecard.store.rate_limit_redis import RedisTokenBucket
from tests.clock import ManualClock

START = 1_750_000_000.0  # a wall-clock time; the buckets only see the injected clock
TOKEN = "secret_notion_token_123"


class Clock(ManualClock):
    def __init__(self, now: float = START) -> None:
        super().__init__(now)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def shared_buckets(
    first: Redis, second: Redis, key: str, *, rate: float, burst: int, clock: Clock | None = None
) -> tuple[RedisTokenBucket, RedisTokenBucket]:
    def make(client: Redis) -> RedisTokenBucket:
        if clock is None:
            return RedisTokenBucket(client, rate=rate, burst=burst, key=key)
        return RedisTokenBucket(client, rate=rate, burst=burst, key=key, clock=clock)

    return make(first), make(second)


async def test_two_processes_spend_one_budget_in_arrival_order(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    key = key_prefix + NOTION_RATE_KEY
    a, b = shared_buckets(redis_client, other_client, key, rate=3, burst=3, clock=clock)
    waits = [await bucket.reserve() for bucket in (a, b) * 6]
    assert waits == pytest.approx([0, 0, 0] + [n / 3 for n in range(1, 10)])
    assert a.stats()["waits"] + b.stats()["waits"] == 9
    assert a.stats()["shared"] and b.stats()["shared"]


async def test_the_shared_bucket_refills_with_time_but_never_beyond_the_burst(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    key = key_prefix + NOTION_RATE_KEY
    a, b = shared_buckets(redis_client, other_client, key, rate=2, burst=2, clock=clock)
    assert [await a.reserve(), await b.reserve(), await a.reserve()] == [0, 0, 0.5]
    clock.now += 1.5  # the debt of one token is repaid and two tokens come back
    assert [await b.reserve(), await a.reserve()] == [0, 0]
    clock.now += 60
    waits = [await bucket.reserve() for bucket in (a, b, a)]
    assert waits == pytest.approx([0, 0, 0.5])


async def test_a_clock_behind_the_last_caller_gains_no_tokens(
    redis_client: Redis, other_client: Redis, key_prefix: str
) -> None:
    """Instances whose clocks disagree slightly must not mint tokens from the difference."""
    key = key_prefix + NOTION_RATE_KEY
    ahead, behind = Clock(START + 1), Clock(START)
    a = RedisTokenBucket(redis_client, rate=1, burst=1, key=key, clock=ahead)
    b = RedisTokenBucket(other_client, rate=1, burst=1, key=key, clock=behind)
    assert [await a.reserve(), await b.reserve(), await b.reserve()] == [0, 1, 2]


async def test_the_bucket_lives_under_one_key_that_expires_once_it_would_be_full(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    key = key_prefix + NOTION_RATE_KEY
    a, b = shared_buckets(redis_client, other_client, key, rate=3, burst=3, clock=clock)
    for bucket in (a, b) * 6:
        await bucket.reserve()
    names = [name.decode() async for name in redis_client.scan_iter(match=key_prefix + "*")]
    assert names == [key]
    # 12 taken from 3: full again after 12 / 3 = 4 s, plus a margin; a missing key is full.
    assert 4_000 < await redis_client.pttl(key) <= 5_000
    await redis_client.delete(key)
    assert await b.reserve() == 0


async def test_without_redis_the_process_paces_itself_and_warns_once(
    caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    dead: Redis = Redis.from_url(f"redis://127.0.0.1:{free_port()}", socket_connect_timeout=1)
    bucket = RedisTokenBucket(dead, rate=3, burst=3, key=NOTION_RATE_KEY, clock=clock)
    alone = TokenBucket(3, 3, clock=clock)
    with caplog.at_level(logging.WARNING, logger="namecard.store.rate_limit_redis"):
        waits = [await bucket.reserve() for _ in range(6)]
        await bucket.acquire()  # never raises: a save is not failed for want of Redis
    await dead.aclose()
    assert waits == [alone.reserve() for _ in range(6)]
    stats = bucket.stats()
    assert (stats["shared"], stats["local_fallbacks"], stats["granted"]) == (False, 7, 7)
    outages = [r for r in caplog.records if r.name == "namecard.store.rate_limit_redis"]
    assert len(outages) == 1  # one warning for the outage, not one per request


async def test_thirty_calls_from_two_processes_at_20_per_second_are_spread_over_the_rate(
    redis_client: Redis, other_client: Redis, key_prefix: str
) -> None:
    """Real clock: the limiter holds the last of 30 calls until (30 - burst) / 20 = 1.35 s after
    the first. A lower bound only, which a slow machine cannot break."""
    key = key_prefix + NOTION_RATE_KEY
    a, b = shared_buckets(redis_client, other_client, key, rate=20, burst=3)
    started = time.monotonic()
    await asyncio.gather(*(bucket.acquire() for bucket in (a, b) * 15))
    assert time.monotonic() - started >= 1.25
    assert a.stats()["granted"] + b.stats()["granted"] == 30


async def test_thirty_reservations_at_20_per_second_queue_up_to_1_35_seconds(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    key = key_prefix + NOTION_RATE_KEY
    a, b = shared_buckets(redis_client, other_client, key, rate=20, burst=3, clock=clock)
    waits = await asyncio.gather(*(bucket.reserve() for bucket in (a, b) * 15))
    assert sorted(waits) == pytest.approx([0, 0, 0] + [n / 20 for n in range(1, 28)])
    assert a.stats()["wait_seconds_total"] + b.stats()["wait_seconds_total"] == pytest.approx(
        sum(n / 20 for n in range(1, 28)), abs=0.01
    )


def test_the_local_bucket_reports_what_it_granted(clock: Clock) -> None:
    limiter: RateLimiter = TokenBucket(2, 1, clock=clock)
    bucket = TokenBucket(2, 1, clock=clock)
    assert [bucket.reserve() for _ in range(3)] == [0, 0.5, 1.0]
    clock.now += 1.0
    stats = bucket.stats()
    assert stats["waits"] == 2
    assert stats["wait_seconds_total"] == 1.5
    assert stats["current_per_second"] == pytest.approx(0.3)  # 3 grants in the last 10 s
    assert limiter.stats()["shared"] is False


# ---- through NotionStore: two processes against a Notion that enforces its rate ----


@pytest.fixture
def emulator() -> NotionEmulator:
    return NotionEmulator(tokens={TOKEN}, rate_limit_per_second=10, burst=2)


@pytest.fixture
def server(emulator: NotionEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator.create_app()) as running:
        yield running


def notion_store(url: str, database_id: str, limiter: RateLimiter) -> NotionStore:
    return NotionStore(
        api_key=SecretStr(TOKEN),
        database_id=database_id,
        base_url=url,
        timeout_seconds=5.0,
        limiter=limiter,
    )


async def test_two_stores_sharing_the_limiter_are_never_answered_429(
    emulator: NotionEmulator,
    server: EmulatorServer,
    redis_client: Redis,
    other_client: Redis,
    key_prefix: str,
) -> None:
    """Each store alone keeps to 10/s; together they would send 20/s without a shared bucket."""
    database_id, data_source_id = emulator.contact_database()
    key = key_prefix + NOTION_RATE_KEY
    limiters = shared_buckets(redis_client, other_client, key, rate=10, burst=1)
    stores = [notion_store(server.url, database_id, limiter) for limiter in limiters]
    try:
        await asyncio.gather(*(store.start() for store in stores))
        saves = [
            store.save(Card(name=f"客戶{n}"), CardRef("cd" * 32, n), user_hash="u")
            for n, store in enumerate(stores * 5)
        ]
        await asyncio.gather(*saves)
    finally:
        for store in stores:
            await store.aclose()
    assert len(emulator.pages(data_source_id)) == 10
    assert [call.status for call in emulator.calls if call.status != 200] == []


async def test_the_predicted_wait_is_the_shared_queue_without_taking_a_token(
    redis_client: Redis, other_client: Redis, key_prefix: str, clock: Clock
) -> None:
    a, b = shared_buckets(redis_client, other_client, key_prefix + NOTION_RATE_KEY,
                          rate=2.0, burst=1, clock=clock)  # fmt: skip
    assert await b.predicted_wait() == 0.0
    assert await a.reservation() == 0.0  # the one token
    assert await a.reservation() == pytest.approx(0.5)  # queued behind it
    # Another process sees the queue: a token taken now would wait a whole second.
    assert await b.predicted_wait() == pytest.approx(1.0)
    assert await b.predicted_wait() == pytest.approx(1.0)  # looking took nothing
    local = TokenBucket(2.0, 1, clock=clock)
    local.reserve()
    assert await local.predicted_wait() == pytest.approx(0.5)
