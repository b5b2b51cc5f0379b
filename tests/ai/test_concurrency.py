"""The adaptive Gemini call limit: shrinks once per overload, grows back, shared via Redis."""

from __future__ import annotations

from contextlib import AsyncExitStack

from redis.asyncio import Redis

from namecard.ai.concurrency import BACKOFF, AdaptiveLimit, Aimd, RedisLimitState
from namecard.state.keys import KeySpace


def shared(client: Redis, prefix: str, ceiling: int) -> AdaptiveLimit:
    return AdaptiveLimit(
        ceiling, RedisLimitState(client, Aimd(float(ceiling)), keys=KeySpace(prefix))
    )


async def succeed_at_full(limit: AdaptiveLimit) -> None:
    async with AsyncExitStack() as stack:
        for _ in range(int(limit.limit)):
            epoch = await stack.enter_async_context(limit.slot())
        await limit.succeeded(epoch, 1.0)


async def test_refusals_of_one_window_shrink_the_limit_once(
    redis_client: Redis, key_prefix: str
) -> None:
    limit = shared(redis_client, key_prefix, 20)
    async with limit.slot() as epoch:
        pass
    for _ in range(10):  # ten calls sent under the same limit, all refused
        await limit.overloaded(epoch)
    assert limit.limit == 20 * BACKOFF


async def test_the_limit_grows_back_under_its_ceiling_and_every_worker_sees_it(
    redis_client: Redis, other_client: Redis, key_prefix: str
) -> None:
    first, second = shared(redis_client, key_prefix, 8), shared(other_client, key_prefix, 8)
    await first.overloaded(0)
    await first.overloaded(1)
    shrunk = first.limit
    for _ in range(40):  # each success with the limit full: the limit was in the way
        await succeed_at_full(second)
    assert shrunk < second.limit <= 8  # grown back from where the first worker left it
    await succeed_at_full(first)
    assert first.limit >= second.limit  # learnt from the shared hash


async def test_calls_that_stay_much_slower_than_the_fastest_count_as_overload() -> None:
    limit = AdaptiveLimit(10)
    await limit.succeeded(0, 1.0)
    for _ in range(5):  # Gemini queues the calls: every one now takes three times as long
        await limit.succeeded(0, 3.0)
    assert limit.limit == 10 * BACKOFF


async def test_one_slow_call_or_jitter_of_a_fraction_of_a_second_is_not_overload() -> None:
    limit = AdaptiveLimit(10)
    await limit.succeeded(0, 1.0)
    await limit.succeeded(0, 3.0)  # one card that took long to read
    for _ in range(10):  # a busy machine: 0.2 s calls take 0.5 s
        await limit.succeeded(0, 0.2)
        await limit.succeeded(0, 0.5)
    assert limit.limit == 10
