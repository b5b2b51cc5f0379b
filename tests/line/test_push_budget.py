"""The monthly LINE push budget: caps refuse pushes, months follow Taipei, operators see totals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from redis.asyncio import Redis

from namecard.domain.jobs import hash_user
from namecard.line.push_budget import (
    QUOTA_ZONE,
    MemoryPushBudget,
    PushBudget,
    RedisPushBudget,
)
from namecard.state.keys import KeySpace

NOVEMBER = datetime(2026, 11, 10, 12, 0, tzinfo=QUOTA_ZONE).timestamp()
# 2026-11-30 16:30 UTC is already 1 December, 00:30, in Taipei.
DECEMBER_IN_TAIPEI = datetime.fromisoformat("2026-11-30T16:30:00+00:00").timestamp()
ALICE, BOB, CAROL = (hash_user(f"U{name}") for name in ("alice", "bob", "carol"))


MakeBudget = Callable[[int | None, int | None], PushBudget]


@pytest.fixture(params=["memory", "redis"])
def make_budget(request: pytest.FixtureRequest) -> MakeBudget:
    """Budgets with the given (monthly, per-user) caps, in memory or in a private Redis prefix."""
    if request.param == "memory":
        return lambda total, per_user: MemoryPushBudget(
            monthly_cap=total, user_monthly_cap=per_user
        )
    redis: Redis = request.getfixturevalue("other_client")
    prefix: str = request.getfixturevalue("key_prefix")
    return lambda total, per_user: RedisPushBudget(
        redis, keys=KeySpace(prefix), monthly_cap=total, user_monthly_cap=per_user
    )


async def push(budget: PushBudget, user: str, now: float = NOVEMBER, messages: int = 1) -> bool:
    """What the bot does before each push: ask, and count the push when allowed."""
    if not await budget.allow(user, messages=messages, now=now):
        return False
    await budget.record(user, messages=messages, now=now)
    return True


async def test_the_monthly_cap_refuses_pushes_past_it(make_budget: MakeBudget) -> None:
    budget = make_budget(3, None)
    assert [await push(budget, user) for user in (ALICE, BOB, CAROL, ALICE)] == [
        True, True, True, False,
    ]  # fmt: skip
    assert not await push(budget, BOB, messages=1)
    snapshot = await budget.snapshot(NOVEMBER)
    assert (snapshot["pushes"], snapshot["push_messages"], snapshot["refused"]) == (3, 3, 2)


async def test_one_user_reaching_their_cap_does_not_stop_others(make_budget: MakeBudget) -> None:
    budget = make_budget(None, 2)
    assert [await push(budget, ALICE) for _ in range(3)] == [True, True, False]
    assert await push(budget, BOB)
    assert not await push(budget, BOB, messages=2)  # 1 + 2 would pass Bob's cap


async def test_no_caps_never_refuse(make_budget: MakeBudget) -> None:
    budget = make_budget(None, None)
    assert all([await push(budget, ALICE, messages=5) for _ in range(50)])


async def test_a_new_taipei_month_starts_from_zero(make_budget: MakeBudget) -> None:
    budget = make_budget(2, None)
    assert [await push(budget, ALICE) for _ in range(3)] == [True, True, False]
    assert await push(budget, ALICE, now=DECEMBER_IN_TAIPEI)
    december = await budget.snapshot(DECEMBER_IN_TAIPEI)
    assert (december["month"], december["pushes"], december["refused"]) == ("2026-12", 1, 0)


async def test_the_snapshot_shows_totals_caps_and_top_users(
    make_budget: MakeBudget,
) -> None:
    budget = make_budget(1000, 100)
    users = [hash_user(f"U{n}") for n in range(7)]
    for rank, user in enumerate(users):
        for _ in range(rank + 1):
            await push(budget, user, messages=2)
    snapshot = await budget.snapshot(NOVEMBER)
    assert snapshot == {
        "month": "2026-11",
        "pushes": 28,
        "push_messages": 56,
        "monthly_cap": 1000,
        "user_monthly_cap": 100,
        "users": 7,
        "top_users": [{"user": users[n], "pushes": n + 1} for n in (6, 5, 4, 3, 2)],
        "refused": 0,
    }


async def test_redis_counts_are_shared_and_expire(
    redis_client: Redis, other_client: Redis, key_prefix: str
) -> None:
    first = RedisPushBudget(
        redis_client, keys=KeySpace(key_prefix), monthly_cap=2, user_monthly_cap=None
    )
    second = RedisPushBudget(
        other_client, keys=KeySpace(key_prefix), monthly_cap=2, user_monthly_cap=None
    )
    assert [await push(b, ALICE) for b in (first, second, first)] == [True, True, False]
    assert (await second.snapshot(NOVEMBER))["refused"] == 1
    names = [name async for name in redis_client.scan_iter(match=key_prefix + "*")]
    assert sorted(n.decode().removeprefix(key_prefix) for n in names) == [
        "push:2026-11", "push:2026-11:users",
    ]  # fmt: skip
    for name in names:
        assert 0 < await redis_client.ttl(name) <= 40 * 86400
