"""The durable job queue: a Redis Stream whose leases outlive a killed worker or instance.

Keys (each starts with the deployment's `prefix`):
- `{prefix}jobs:stream`: one entry (field `job`, the job JSON) per job waiting or running, read
  through the consumer group `workers`. An entry is deleted when its job is acknowledged, so the
  stream's length counts the jobs not yet done.
- `{prefix}jobs:delayed`: sorted set of jobs handed out later (member: the job JSON, score: when
  it is due, epoch seconds). `get()` moves the due ones into the stream.
- `{prefix}jobs:dead`: stream of jobs given up on (fields `job`, `reason`, `attempts`, `at`,
  `original_id`), for `namecard jobs dead` and `namecard jobs retry` (`pipeline/dead_letters.py`).

A lease left idle for `claim_idle_seconds` (its worker died) is claimed by another consumer, with
the next attempt number. The leases this process holds are kept fresh by a heartbeat.
Hand-written on redis-py: no maintained asyncio library offers at-least-once Redis Streams
with idle-lease reclaim, delayed jobs and dead letters under our key prefix.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from namecard.domain.health import Problem
from namecard.domain.jobs import Job
from namecard.pipeline.queue import Lease, QueueFull
from namecard.state.client import Field, Redis, Value
from namecard.state.faults import REDIS_DOWN, RedisReplyError
from namecard.state.keys import KeySpace
from namecard.state.refusal import RedisHealth
from namecard.state.replies import str_keys, text

logger = logging.getLogger(__name__)

GROUP = "workers"
JOB_FIELD = "job"
BACKOFF_FIRST_SECONDS = 0.2
BACKOFF_MAX_SECONDS = 5.0
DUE_BATCH = 100  # delayed jobs moved into the stream per get(), at most
# Due jobs are moved at most this often per process: every idle worker ran the script on each
# get() (fifty workers: a hundred commands a second of idle polling, a third of all the Redis
# commands of a burst; issue 15). A delayed job may come out this much later than its time.
MOVE_DUE_EVERY_SECONDS = 0.25
CLAIM_CHECKS_PER_IDLE = 4  # look for abandoned leases this often per claim_idle_seconds
DEAD_MAX_ENTRIES = 10_000  # the dead letters keep about this many, the oldest dropped first
UNREADABLE = "unreadable"

# KEYS: delayed zset, stream. ARGV: now (epoch seconds), batch size. Atomic, so consumers
# running it at once never move a job twice. Returns how many jobs were moved.
MOVE_DUE_LUA = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, job in ipairs(due) do
  redis.call('XADD', KEYS[2], '*', 'job', job)
  redis.call('ZREM', KEYS[1], job)
end
return #due
"""

# KEYS: stream, delayed zset. ARGV: capacity, job JSON, and the due time for a delayed job.
# The room check and the write are one atomic step (one round trip on the webhook's path, and
# no other worker can take the room between them): returns -1 when the queue is full, else 1.
PUT_LUA = """
if redis.call('XLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[1]) then
  return -1
end
if ARGV[3] then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
else
  redis.call('XADD', KEYS[1], '*', 'job', ARGV[2])
end
return 1
"""

# KEYS: stream, delayed zset. The two lengths in one call (cheaper than a pipeline in redis-py).
LENGTHS_LUA = """
return {redis.call('XLEN', KEYS[1]), redis.call('ZCARD', KEYS[2])}
"""

T = TypeVar("T")


class RedisStreamQueue:
    """Implements JobQueue for every process and instance sharing one Redis. `consumer` names
    this process (unique among the live ones); `clock` must be wall time (shared by hosts).
    `block_seconds` must stay below the Redis client's socket timeout."""

    def __init__(
        self,
        redis: Redis,
        *,
        keys: KeySpace,
        consumer: str,
        capacity: int,
        claim_idle_seconds: float = 30.0,
        heartbeat_seconds: float = 10.0,
        block_seconds: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.capacity = capacity
        self._redis = redis
        self._consumer = consumer
        self._stream, self._delayed, self._dead = keys.stream, keys.delayed, keys.dead
        self._claim_idle_ms = int(claim_idle_seconds * 1000)
        self._claim_every = claim_idle_seconds / CLAIM_CHECKS_PER_IDLE
        self._heartbeat_seconds = heartbeat_seconds
        self._block_ms = max(1, int(block_seconds * 1000))  # BLOCK 0 would wait forever
        self._clock = clock
        self._move_due = redis.register_script(MOVE_DUE_LUA)
        self._put = redis.register_script(PUT_LUA)
        self._lengths_script = redis.register_script(LENGTHS_LUA)
        self._inflight: set[str] = set()
        self._next_claim_at = 0.0
        self._next_move_at = 0.0
        self._claim_cursor = "0-0"
        self._health = RedisHealth("job queue")
        self._heartbeat: asyncio.Task[None] | None = None
        self._counts: Counter[str] = Counter(reclaimed=0, buried=0, delayed_moved=0)

    async def start(self) -> None:
        try:
            await self._create_group()
        except REDIS_DOWN as exc:
            self._health.failed(exc)  # get() creates the group once Redis answers
        if self._heartbeat is None:
            self._heartbeat = asyncio.create_task(self._beat(), name="queue-heartbeat")

    async def aclose(self) -> None:
        """Stops the heartbeat; running jobs are not acknowledged (another worker resumes them)."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
            self._heartbeat = None

    async def put(self, job: Job) -> None:
        await self._put_checked([self.capacity, job.to_json()])

    async def put_later(self, job: Job, delay: float) -> None:
        await self._put_checked([self.capacity, job.to_json(), repr(self._clock() + delay)])

    async def _put_checked(self, args: list[Value]) -> None:
        keys = [self._stream, self._delayed]
        if int(await self._tracked(self._put(keys=keys, args=args))) < 0:
            raise QueueFull(f"{self.capacity} jobs waiting")

    async def get(self) -> Lease:
        """Waits for a job; rides out a Redis outage (logged once) with backoff."""
        backoff = BACKOFF_FIRST_SECONDS
        while True:
            try:
                lease = await self._attempt()
            except REDIS_DOWN as exc:
                self._health.failed(exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_SECONDS)
                continue
            self._health.healthy()
            backoff = BACKOFF_FIRST_SECONDS
            if lease is not None:
                return lease

    async def _attempt(self) -> Lease | None:
        try:
            return await self._next_lease()
        except RedisReplyError as exc:
            if "NOGROUP" not in str(exc):
                raise
            logger.warning("job queue consumer group missing (Redis lost its data?): recreating")
            await self._create_group()
            return None

    async def _next_lease(self) -> Lease | None:
        if self._clock() >= self._next_move_at:
            self._next_move_at = self._clock() + MOVE_DUE_EVERY_SECONDS
            moved = int(await self._move_due(keys=[self._delayed, self._stream],
                                             args=[repr(self._clock()), DUE_BATCH]))  # fmt: skip
            self._counts["delayed_moved"] += moved
            if moved >= DUE_BATCH:  # more may be due: the next get() moves them
                self._next_move_at = 0.0
        if self._clock() >= self._next_claim_at:
            lease = await self._reclaim()
            if lease is not None:
                return lease
        reply: Any = await self._redis.xreadgroup(
            GROUP, self._consumer, {self._stream: ">"}, count=1, block=self._block_ms
        )
        if not reply:
            return None
        [(_stream, [(entry_id, fields)])] = reply  # one stream, COUNT 1
        return await self._lease(text(entry_id), fields, attempt=1)

    async def _reclaim(self) -> Lease | None:
        """One lease abandoned by a dead consumer, if any; scans the pending list page by page."""
        reply = await self._redis.xautoclaim(
            self._stream, GROUP, self._consumer, self._claim_idle_ms,
            start_id=self._claim_cursor, count=1,
        )  # fmt: skip
        self._claim_cursor = text(reply[0])
        if self._claim_cursor == "0-0":  # the whole pending list is scanned: rest a while
            self._next_claim_at = self._clock() + self._claim_every
        deleted = reply[2] if len(reply) > 2 else []
        if deleted:  # entries whose payload is gone: nothing left to run
            await self._redis.xack(self._stream, GROUP, *deleted)
        for raw_id, fields in reply[1]:
            entry_id = text(raw_id)
            if entry_id in self._inflight:  # still running here: the heartbeat was late
                continue
            attempt = await self._deliveries(entry_id)
            self._counts["reclaimed"] += 1
            logger.info(
                "job entry %s reclaimed from a silent worker (attempt %d)", entry_id, attempt
            )
            return await self._lease(entry_id, fields, attempt)
        return None

    async def _deliveries(self, entry_id: str) -> int:
        """How many times the entry was handed out, this time included (its attempt number)."""
        pending = await self._redis.xpending_range(
            self._stream, GROUP, min=entry_id, max=entry_id, count=1
        )
        return int(pending[0]["times_delivered"]) if pending else 2

    async def _lease(self, entry_id: str, fields: Mapping[Any, Any], attempt: int) -> Lease | None:
        raw = str_keys(fields).get(JOB_FIELD, b"")
        try:
            job = Job.from_json(raw)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            logger.error("job entry %s unreadable (%s): moved to the dead letters",
                         entry_id, type(exc).__name__)  # fmt: skip
            await self._bury_entry(entry_id, raw, UNREADABLE, attempt)
            return None
        self._inflight.add(entry_id)
        return Lease(job, entry_id, attempt)

    async def ack(self, lease: Lease) -> None:
        self._inflight.discard(lease.lease_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xack(self._stream, GROUP, lease.lease_id)
            pipe.xdel(self._stream, lease.lease_id)
            await self._tracked(pipe.execute())

    async def bury(self, lease: Lease, reason: str) -> None:
        self._inflight.discard(lease.lease_id)
        await self._bury_entry(lease.lease_id, lease.job.to_json(), reason, lease.attempt)

    async def _bury_entry(
        self, entry_id: str, raw: bytes | str, reason: str, attempts: int
    ) -> None:
        dead: dict[Field, Value] = {JOB_FIELD: raw, "reason": reason, "attempts": attempts,
                "at": repr(self._clock()), "original_id": entry_id}  # fmt: skip
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xadd(self._dead, dead, maxlen=DEAD_MAX_ENTRIES, approximate=True)
            pipe.xack(self._stream, GROUP, entry_id)
            pipe.xdel(self._stream, entry_id)
            await self._tracked(pipe.execute())
        self._counts["buried"] += 1

    async def _beat(self) -> None:
        """Resets the idle time of this process's leases, so no other consumer takes them."""
        while True:
            await asyncio.sleep(self._heartbeat_seconds)
            if not self._inflight:
                continue
            try:
                await self._redis.xclaim(
                    self._stream, GROUP, self._consumer, 0, list(self._inflight), justid=True
                )
            except (*REDIS_DOWN, RedisReplyError) as exc:
                logger.debug("lease heartbeat failed: %s", exc)

    async def _create_group(self) -> None:
        # From the start of the stream, not `$`: entries already there (put while the group was
        # missing, e.g. after Redis lost its data) are accepted jobs too.
        try:
            await self._redis.xgroup_create(self._stream, GROUP, id="0", mkstream=True)
        except RedisReplyError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def room(self) -> int:
        stream, delayed = await self._lengths()
        return self.capacity - stream - delayed

    async def depth(self) -> int:
        return sum(await self._lengths())

    async def _lengths(self) -> tuple[int, int]:
        keys = [self._stream, self._delayed]
        stream, delayed = await self._tracked(self._lengths_script(keys=keys))
        return int(stream), int(delayed)

    async def pending_count(self) -> int:
        """Jobs handed to a worker and not yet acknowledged, across all consumers."""
        summary = await self._tracked(self._redis.xpending(self._stream, GROUP))
        return int(summary["pending"])

    waiting = 0  # the backlog is shared, in Redis: see `depth`

    async def join(self) -> None:
        """Nothing to wait for: unfinished jobs stay in Redis for another worker."""

    def problem(self) -> Problem | None:
        return self._health.problem

    def stats(self) -> dict[str, Any]:
        errors, in_flight = self._health.errors, len(self._inflight)
        return {**self._counts, "redis_errors": errors, "in_flight": in_flight}

    async def _tracked(self, call: Awaitable[T]) -> T:
        try:
            result = await call
        except REDIS_DOWN as exc:
            self._health.failed(exc)
            raise
        self._health.healthy()
        return result
