"""Conversation state behaves the same in memory and in Redis, and two workers sharing Redis
never both open a batch, both close it, or both answer for one image set."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from redis.asyncio import Redis

from namecard.conversation.pacing import Admission, PaceLimits
from namecard.conversation.state import ConversationStore, MemoryConversationStore
from namecard.conversation.state_redis import RedisConversationStore
from namecard.domain.catalogue import Sentence
from namecard.domain.conversation import PhotoOutcome, PhotoStatus
from namecard.domain.jobs import hash_user
from namecard.state.keys import KeySpace
from tests.clock import ManualClock

NOW = 1_750_000_000.0
USER = hash_user("U" + "1" * 32)
OTHER_USER = hash_user("U" + "2" * 32)
Stores = tuple[ConversationStore, ConversationStore]


@pytest.fixture(params=["memory", "redis"])
def stores(request: pytest.FixtureRequest) -> Stores:
    """The store as two workers see it: one object in memory, two connections to one Redis."""
    if request.param == "memory":
        store = MemoryConversationStore()
        return store, store
    prefix: str = request.getfixturevalue("key_prefix")
    first: Redis = request.getfixturevalue("redis_client")
    second: Redis = request.getfixturevalue("other_client")
    return (
        RedisConversationStore(first, keys=KeySpace(prefix)),
        RedisConversationStore(second, keys=KeySpace(prefix)),
    )


def photo(n: int, **changes: Any) -> PhotoOutcome:
    return replace(PhotoOutcome(f"event-{n}", seq=0, received_at=NOW + n), **changes)


async def admit(
    store: ConversationStore, now: float = NOW, *, user: str = USER, rate: int = 10
) -> Admission:
    """One photo through pacing: `rate` a minute, paused for 5 min past 100 in 10 min."""
    return await store.admit_photo(user, now, PaceLimits(rate, 100, 600.0, 300.0))


async def test_two_workers_starting_a_batch_at_once_open_one(stores: Stores) -> None:
    first, second = stores
    (a, a_created), (b, b_created) = await asyncio.gather(
        first.start_batch(USER, "batch-a", NOW), second.start_batch(USER, "batch-b", NOW)
    )
    assert sorted([a_created, b_created]) == [False, True]
    assert a == b == await first.current_batch(USER)
    again, created = await second.start_batch(USER, "batch-c", NOW + 5)
    assert (again, created) == (a, False)
    assert await first.current_batch(OTHER_USER) is None


async def test_touching_a_batch_records_activity_and_needs_a_batch(stores: Stores) -> None:
    first, second = stores
    await first.touch_batch(USER, NOW)
    assert await first.current_batch(USER) is None
    await first.start_batch(USER, "batch-a", NOW)
    await second.touch_batch(USER, NOW + 30)
    await first.touch_batch(USER, NOW + 20)  # a worker whose clock lags does not go back
    session = await first.current_batch(USER)
    assert session is not None
    assert (session.started_at, session.last_activity) == (NOW, NOW + 30)
    assert session.idle_for(NOW + 90) == 60


async def test_ending_a_batch_twice_at_once_gives_it_to_one_caller(stores: Stores) -> None:
    first, second = stores
    await first.start_batch(USER, "batch-a", NOW)
    await first.add_photo("batch-a", photo(1))
    ended = await asyncio.gather(first.end_batch(USER), second.end_batch(USER))
    assert [e.batch_id if e else None for e in ended].count("batch-a") == 1
    assert ended.count(None) == 1
    assert await first.current_batch(USER) is None
    assert [p.event_id for p in await second.photos("batch-a")] == ["event-1"]
    _, created = await second.start_batch(USER, "batch-b", NOW + 60)
    assert created


async def test_photos_are_numbered_in_arrival_order_once_each(stores: Stores) -> None:
    first, second = stores
    added = [await store.add_photo("batch-a", photo(n)) for n, store in enumerate(stores * 2)]
    assert [p.seq for p in added] == [1, 2, 3, 4]
    again = await second.add_photo("batch-a", photo(0, reply_token="newer"))
    assert again == added[0]
    finished = photo(2, status=PhotoStatus.SAVED, extra={"cards": 1})
    await first.finish_photo("batch-a", finished)
    failed = photo(3, status=PhotoStatus.FAILED, reason=Sentence("看不清楚", "Too blurry"))
    await second.finish_photo("batch-a", failed)
    listed = await first.photos("batch-a")
    assert [(p.event_id, p.seq) for p in listed] == [(f"event-{n}", n + 1) for n in range(4)]
    assert listed[2] == replace(finished, seq=3)
    assert listed[3].reason == Sentence("看不清楚", "Too blurry")
    assert await second.photos("batch-other") == []


async def test_photos_added_by_two_workers_at_once_get_distinct_numbers(stores: Stores) -> None:
    first, _ = stores
    added = await asyncio.gather(
        *(store.add_photo("batch-a", photo(n)) for n, store in enumerate(stores * 10))
    )
    assert sorted(p.seq for p in added) == list(range(1, 21))
    assert [p.seq for p in await first.photos("batch-a")] == list(range(1, 21))


async def test_an_image_set_is_answered_once_when_its_last_photo_finishes(stores: Stores) -> None:
    _, second = stores
    outcomes = [
        photo(n, seq=n, status=PhotoStatus.SAVED, extra={"index": 6 - n}) for n in range(1, 6)
    ]
    results = await asyncio.gather(
        *(
            store.record_set_photo("set-1", o, 5)
            for store, o in zip(stores * 3, outcomes, strict=False)
        )
    )
    complete = [r for r in results if r is not None]
    assert len(complete) == 1
    assert [o.event_id for o in complete[0]] == [f"event-{n}" for n in (5, 4, 3, 2, 1)]
    completer = outcomes[[r is not None for r in results].index(True)]
    others = [o for o in outcomes if o is not completer]
    assert await second.record_set_photo("set-1", others[0], 5) is None  # a redelivery
    # The completing job, resumed after a crash before it answered, gets the set again.
    again = await second.record_set_photo("set-1", completer, 5)
    assert again is not None and len(again) == 5


async def test_an_incomplete_image_set_waits_and_repeats_count_once(stores: Stores) -> None:
    first, second = stores
    a, b = photo(1, seq=1), photo(2, seq=2)
    assert await first.record_set_photo("set-2", a, 3) is None
    assert await second.record_set_photo("set-2", a, 3) is None  # the same photo again
    assert await first.record_set_photo("set-2", b, 3) is None
    done = await second.record_set_photo("set-2", photo(3, seq=3), 3)
    assert done is not None
    assert [o.seq for o in done] == [1, 2, 3]  # no index from LINE: arrival order


async def test_thirty_photos_at_once_start_ten_now_then_one_every_six_seconds(
    stores: Stores,
) -> None:
    first, _ = stores
    admissions = [await admit(first) for _ in range(30)]
    assert [a.delay for a in admissions] == pytest.approx(
        [0.0] * 10 + [6.0 * n for n in range(1, 21)]
    )
    assert [a.waiting for a in admissions] == [0] * 10 + list(range(1, 21))
    assert [a.notify_waiting for a in admissions].count(True) == 1
    assert admissions[10].notify_waiting
    other = await admit(first, user=OTHER_USER)
    assert other.delay == 0  # one user's queue never delays another


async def test_two_workers_admitting_one_users_photos_share_one_schedule(stores: Stores) -> None:
    admissions = await asyncio.gather(*(admit(store) for store in stores * 15))
    assert sorted(a.delay for a in admissions) == pytest.approx(
        [0.0] * 10 + [6.0 * n for n in range(1, 21)]
    )
    assert sorted(a.waiting for a in admissions if a.delay > 0) == list(range(1, 21))
    assert [a.notify_waiting for a in admissions].count(True) == 1


async def test_started_photos_leave_the_waiting_count(stores: Stores) -> None:
    first, second = stores
    for _ in range(12):
        await admit(first)
    for _ in range(3):
        await second.photo_started(USER)
    await second.photo_started(OTHER_USER)  # nothing to start: no error, no state
    admission = await admit(first)
    assert admission.waiting == 1
    assert (await admit(first, user=OTHER_USER)).waiting == 0


async def test_the_pacing_state_is_read_back_by_any_worker(stores: Stores) -> None:
    first, second = stores
    for _ in range(14):
        await admit(first)
    assert (await second.pace_state(USER, NOW)).waiting == 4
    assert (await second.pace_state(OTHER_USER, NOW)).waiting == 0


async def test_a_flood_pauses_the_user_once_and_delays_without_dropping(stores: Stores) -> None:
    _, second = stores
    times = [NOW + 5.0 * n for n in range(101)]  # 101 photos within ten minutes
    admissions = [
        await admit(store, t, rate=1000) for store, t in zip(stores * 51, times, strict=False)
    ]
    assert [a.notify_paused for a in admissions] == [False] * 100 + [True]
    paused_until = times[-1] + 300
    assert admissions[-1].paused_until == pytest.approx(paused_until)
    during = await admit(second, times[-1] + 1, rate=1000)
    assert not during.notify_paused
    assert times[-1] + 1 + during.delay >= paused_until


async def test_clearing_a_user_forgets_the_batch_and_the_queue(stores: Stores) -> None:
    first, second = stores
    await first.start_batch(USER, "batch-a", NOW)
    await first.add_photo("batch-a", photo(1))
    for _ in range(15):
        await admit(first)
    await second.clear_user(USER)
    assert await first.current_batch(USER) is None
    admission = await admit(first)
    assert (admission.delay, admission.waiting) == (0, 0)
    assert len(await first.photos("batch-a")) == 1


async def test_every_redis_key_expires_and_names_no_line_id(
    redis_client: Redis, other_client: Redis, key_prefix: str
) -> None:
    store = RedisConversationStore(redis_client, keys=KeySpace(key_prefix), batch_ttl_seconds=3600)
    await store.start_batch(USER, "batch-a", NOW)
    await store.touch_batch(USER, NOW + 1)
    await store.add_photo("batch-a", photo(1))
    await store.finish_photo("batch-a", photo(1, status=PhotoStatus.NO_CARD))
    await store.record_set_photo("set-1", photo(1, seq=1), 1)
    for _ in range(12):
        await admit(store)
    await store.photo_started(USER)
    names = [name async for name in redis_client.scan_iter(match=key_prefix + "*")]
    assert len(names) == 7  # batch, photos, seq, set, set done flag, pace, notice
    for name in names:
        assert 0 < await redis_client.ttl(name) <= 3600
        assert "U1111" not in name.decode()


async def test_a_forgotten_batch_expires_in_memory_after_its_ttl() -> None:
    clock = ManualClock(NOW)
    store = MemoryConversationStore(batch_ttl_seconds=3600, clock=clock)
    await store.start_batch(USER, "batch-a", NOW)
    clock.now += 3000
    await store.touch_batch(USER, clock.now)
    clock.now += 3000
    assert await store.current_batch(USER) is not None  # touched: the hour starts again
    clock.now += 601
    assert await store.current_batch(USER) is None
    assert (await store.start_batch(USER, "batch-b", clock.now))[1]
