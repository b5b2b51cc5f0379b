"""The Redis Stream job queue: jobs outlive a dead worker, and come out once each."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from namecard.domain.health import ProblemCode
from namecard.domain.jobs import Job, JobKind
from namecard.pipeline.dead_letters import list_dead, retry_dead
from namecard.pipeline.queue import Lease, QueueFull
from namecard.pipeline.stream_queue import RedisStreamQueue
from namecard.sim.server import free_port
from namecard.state.keys import STREAM_KEY, KeySpace

CLAIM_IDLE = 0.5
NO_RETRY = Retry(NoBackoff(), 0)  # a closed port fails at once, not after ten tries
USER = "U" + "f" * 32

MakeQueue = Callable[..., RedisStreamQueue]


def card_job(event_id: str) -> Job:
    return Job(JobKind.CARD_PHOTO, event_id, USER, USER, None, message_id=f"m-{event_id}")


@pytest.fixture
async def make_queue(
    redis_client: Redis, other_client: Redis, key_prefix: str
) -> AsyncIterator[MakeQueue]:
    """Started queues on `key_prefix`: consumer "a" on one connection, the others on a second
    one (another process); all closed after the test."""
    queues: list[RedisStreamQueue] = []

    def make(consumer: str = "a", **options: float) -> RedisStreamQueue:
        client = redis_client if consumer == "a" else other_client
        settings = {"capacity": 100, "claim_idle_seconds": CLAIM_IDLE, "block_seconds": 0.1,
                    **options}  # fmt: skip
        queue = RedisStreamQueue(client, keys=KeySpace(key_prefix), consumer=consumer, **settings)  # type: ignore[arg-type]
        queues.append(queue)
        return queue

    yield make
    for queue in queues:
        await queue.aclose()


async def started(queue: RedisStreamQueue) -> RedisStreamQueue:
    await queue.start()
    return queue


async def test_a_job_its_worker_never_finished_goes_to_another_worker(
    make_queue: MakeQueue,
) -> None:
    a, b = await started(make_queue("a")), await started(make_queue("b"))
    await a.put(card_job("ev-1"))
    first = await a.get()
    await a.aclose()  # the worker process is killed: no ack, no heartbeat

    second = await asyncio.wait_for(b.get(), 5)

    assert (first.attempt, second.attempt) == (1, 2)
    assert second.job == first.job and second.lease_id == first.lease_id
    await b.ack(second)
    assert await b.depth() == 0
    assert b.stats()["reclaimed"] == 1


async def test_a_long_job_kept_alive_by_its_heartbeat_is_not_taken(make_queue: MakeQueue) -> None:
    a = await started(make_queue("a", heartbeat_seconds=0.1))
    b = await started(make_queue("b"))
    await a.put(card_job("ev-long"))
    lease = await a.get()

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(b.get(), CLAIM_IDLE * 4)

    assert await a.pending_count() == 1
    await a.ack(lease)
    assert await a.depth() == 0
    assert await a.pending_count() == 0
    assert b.stats()["reclaimed"] == 0


async def test_delayed_jobs_come_out_after_their_delay_once_each(make_queue: MakeQueue) -> None:
    consumers = [await started(make_queue(name)) for name in ("a", "b", "c")]
    delay, count = 0.6, 12
    put_at = time.time()
    for n in range(count):
        await consumers[0].put_later(card_job(f"ev-{n}"), delay)
    assert await consumers[0].depth() == count
    received: list[tuple[float, Lease]] = []

    async def work(queue: RedisStreamQueue) -> None:
        while True:
            lease = await queue.get()
            received.append((time.time(), lease))
            await queue.ack(lease)

    tasks = [asyncio.create_task(work(queue)) for queue in consumers]
    await asyncio.sleep(delay + 1.5)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    ids = sorted(lease.job.event_id for _at, lease in received)
    assert ids == sorted(f"ev-{n}" for n in range(count))  # every one, none twice
    assert min(at for at, _lease in received) >= put_at + delay
    assert await consumers[0].depth() == 0


async def test_a_full_queue_refuses_more_jobs(make_queue: MakeQueue) -> None:
    queue = await started(make_queue(capacity=2))
    await queue.put(card_job("ev-1"))
    await queue.put_later(card_job("ev-2"), 60)

    with pytest.raises(QueueFull):
        await queue.put(card_job("ev-3"))
    with pytest.raises(QueueFull):
        await queue.put_later(card_job("ev-4"), 1)

    assert await queue.room() == 0
    await queue.ack(await queue.get())
    assert await queue.room() == 1


async def test_two_instances_filling_the_last_room_never_take_more_than_the_capacity(
    make_queue: MakeQueue,
) -> None:
    """Webhooks on two instances race for the last places: the queue holds its capacity, not
    more (the room check and the write are one step), and every refused job is told so."""
    a, b = await started(make_queue("a", capacity=5)), await started(make_queue("b", capacity=5))

    async def put(queue: RedisStreamQueue, n: int) -> bool:
        try:
            await (
                queue.put(card_job(f"ev-{n}"))
                if n % 3
                else queue.put_later(card_job(f"ev-{n}"), 60)
            )
        except QueueFull:
            return False
        return True

    taken = await asyncio.gather(*(put(a if n % 2 else b, n) for n in range(40)))

    assert sum(taken) == 5
    assert await a.depth() == 5 and await a.room() == 0


async def test_a_buried_job_is_listed_and_can_be_put_back(
    make_queue: MakeQueue, redis_client: Redis, key_prefix: str
) -> None:
    a, b = await started(make_queue("a")), await started(make_queue("b"))
    job = card_job("ev-dead")
    await a.put(job)
    await a.bury(await a.get(), "Notion refused the page")
    assert await a.depth() == 0

    [dead] = await list_dead(redis_client, KeySpace(key_prefix))
    assert (dead.reason, dead.attempts, dead.kind) == ("Notion refused the page", 1, "card_photo")
    assert (dead.event_id, dead.user_hash) == ("ev-dead", job.user_hash)
    assert USER not in repr(dead)

    assert await retry_dead(redis_client, KeySpace(key_prefix), [dead.entry_id]) == 1
    again = await asyncio.wait_for(b.get(), 5)
    assert (again.job, again.attempt) == (job, 1)
    assert await list_dead(redis_client, KeySpace(key_prefix)) == []
    assert await retry_dead(redis_client, KeySpace(key_prefix), [dead.entry_id]) == 0


async def test_retry_all_puts_every_dead_job_back(
    make_queue: MakeQueue, redis_client: Redis, key_prefix: str
) -> None:
    queue = await started(make_queue())
    for n in range(3):
        await queue.put(card_job(f"ev-{n}"))
        await queue.bury(await queue.get(), "gave up")

    assert await retry_dead(redis_client, KeySpace(key_prefix), None) == 3

    assert await list_dead(redis_client, KeySpace(key_prefix)) == []
    assert await queue.depth() == 3


async def test_an_unreadable_entry_is_set_aside_and_the_next_job_comes_out(
    make_queue: MakeQueue, redis_client: Redis, key_prefix: str
) -> None:
    queue = await started(make_queue())
    await redis_client.xadd(key_prefix + STREAM_KEY, {"job": "{not json"})
    await queue.put(card_job("ev-good"))

    lease = await asyncio.wait_for(queue.get(), 5)

    assert lease.job.event_id == "ev-good"
    [dead] = await list_dead(redis_client, KeySpace(key_prefix))
    assert (dead.reason, dead.kind, dead.user_hash) == ("unreadable", "unknown", None)
    assert queue.stats()["buried"] == 1


async def test_get_waits_out_an_unreachable_redis_and_health_says_why() -> None:
    client: Redis = Redis(port=free_port(), retry=NO_RETRY)
    queue = RedisStreamQueue(client, keys=KeySpace("p:"), consumer="a", capacity=10)
    await queue.start()
    waiting = asyncio.create_task(queue.get())
    await asyncio.sleep(0.5)

    assert not waiting.done()  # no exception reaches the workers
    assert getattr(queue.problem(), "code", None) is ProblemCode.REDIS_UNREACHABLE
    assert queue.stats()["redis_errors"] >= 2
    with pytest.raises(RedisConnectionError):
        await queue.put(card_job("ev-1"))
    waiting.cancel()
    await queue.aclose()
    await client.aclose()
