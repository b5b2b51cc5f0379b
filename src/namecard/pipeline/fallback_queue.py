"""Keeps accepting jobs while Redis is down, in a bounded buffer moved into Redis when it returns.

Honest limit: the buffered jobs live only in this process's memory. If the process is killed
before Redis answers again they are lost (LINE does not redeliver an event that was answered
200). That is the best possible while the durable store is down; /health says how many are held.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from namecard.domain.errors import StateUnavailable
from namecard.domain.health import Problem, ProblemCode
from namecard.domain.jobs import Job
from namecard.pipeline.queue import Lease, QueueFull
from namecard.pipeline.stream_queue import (
    BACKOFF_FIRST_SECONDS,
    BACKOFF_MAX_SECONDS,
    RedisStreamQueue,
)
from namecard.state.faults import REDIS_DOWN

logger = logging.getLogger(__name__)

CLOSE_FLUSH_SECONDS = 2.0  # on shutdown, how long to try moving held jobs into Redis


@dataclass(slots=True)
class _Held:
    job: Job
    due: float | None  # epoch seconds, for put_later
    approved: bool = False  # on_flush said keep it: never asked twice


class FallbackQueue:
    """Implements JobQueue over `inner`; holds up to `capacity` jobs while Redis is unreachable.
    `on_flush(job)` is awaited before a held job is moved; False drops it (already accepted by
    another instance). While Redis is known to be down, or jobs are still held, new jobs join
    the buffer directly, so they reach Redis in the order they were accepted."""

    def __init__(
        self,
        inner: RedisStreamQueue,
        *,
        capacity: int,
        on_flush: Callable[[Job], Awaitable[bool]] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.capacity = inner.capacity
        self._inner = inner
        self._held: deque[_Held] = deque()
        self._held_max = capacity
        self._on_flush = on_flush
        self._clock = clock
        self._wake = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None
        self._last_depth = 0

    async def start(self) -> None:
        await self._inner.start()
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush_forever(), name="queue-flusher")

    async def put(self, job: Job) -> None:
        if self._redis_down():
            return self._hold(_Held(job, None), None)
        try:
            await self._inner.put(job)
        except REDIS_DOWN as exc:
            self._hold(_Held(job, None), exc)

    async def put_later(self, job: Job, delay: float) -> None:
        if self._redis_down():
            return self._hold(_Held(job, self._clock() + delay), None)
        try:
            await self._inner.put_later(job, delay)
        except REDIS_DOWN as exc:
            self._hold(_Held(job, self._clock() + delay), exc)

    def _redis_down(self) -> bool:
        """Known down: skip the client's connect retries (seconds) and keep the held order."""
        return bool(self._held) or self._inner.problem() is not None

    def _hold(self, held: _Held, exc: BaseException | None) -> None:
        if len(self._held) >= self._held_max:
            raise QueueFull(f"Redis unreachable and {self._held_max} jobs held already") from exc
        self._held.append(held)
        self._wake.set()
        level = logging.WARNING if len(self._held) == 1 else logging.INFO  # once per outage
        logger.log(level, "Redis unreachable: job %s held in this process (%d held)",
                   held.job.event_id, len(self._held))  # fmt: skip

    async def _flush_forever(self) -> None:
        backoff = BACKOFF_FIRST_SECONDS
        while True:
            await self._wake.wait()
            try:
                await self._flush()
            except (*REDIS_DOWN, StateUnavailable, QueueFull):
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_SECONDS)
                continue
            except Exception:  # an on_flush bug must not end the flusher
                logger.exception("moving held jobs into Redis failed")
                await asyncio.sleep(BACKOFF_MAX_SECONDS)
                continue
            backoff = BACKOFF_FIRST_SECONDS

    async def _flush(self) -> None:
        """Moves the held jobs into Redis in order; raises when Redis still does not take one."""
        moved = 0
        while self._held:
            held = self._held[0]
            if not held.approved and self._on_flush is not None:
                if not await self._on_flush(held.job):
                    self._held.popleft()
                    logger.info("held job %s dropped: accepted elsewhere", held.job.event_id)
                    continue
                held.approved = True
            if held.due is None:
                await self._inner.put(held.job)
            else:
                await self._inner.put_later(held.job, max(0.0, held.due - self._clock()))
            self._held.popleft()
            moved += 1
        self._wake.clear()
        if moved:
            logger.info("Redis answers again: %d held job(s) moved into it", moved)

    async def get(self) -> Lease:
        return await self._inner.get()

    async def ack(self, lease: Lease) -> None:
        await self._inner.ack(lease)

    async def bury(self, lease: Lease, reason: str) -> None:
        await self._inner.bury(lease, reason)

    async def room(self) -> int:
        """While Redis is down, only the room left in this process's buffer."""
        try:
            inner = await self._inner.room()
        except REDIS_DOWN:
            return self._held_max - len(self._held)
        return max(0, inner - len(self._held))

    async def depth(self) -> int:
        with contextlib.suppress(*REDIS_DOWN):
            self._last_depth = await self._inner.depth()
        return self._last_depth + len(self._held)

    async def pending_count(self) -> int:
        return await self._inner.pending_count()

    waiting = 0  # the backlog is shared, in Redis: see `depth`

    async def join(self) -> None:
        """Nothing to wait for: unfinished jobs stay in Redis for another worker."""

    def problem(self) -> Problem | None:
        inner = self._inner.problem()
        if not self._held:
            return inner
        held = f"{len(self._held)} job(s) held in this process until Redis returns"
        if inner is None:
            return Problem(ProblemCode.REDIS_UNREACHABLE, held)
        return replace(inner, detail=f"{inner.detail}; {held}")

    def stats(self) -> dict[str, Any]:
        return {**self._inner.stats(), "held": len(self._held)}

    async def aclose(self) -> None:
        """Tries for a moment to move the held jobs into Redis; says how many are lost if not."""
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
            self._flusher = None
        if self._held:
            with contextlib.suppress(*REDIS_DOWN, StateUnavailable, QueueFull):  # TimeoutError too
                await asyncio.wait_for(self._flush(), CLOSE_FLUSH_SECONDS)
        if self._held:
            logger.error(
                "%d held job(s) lost: Redis did not answer before shutdown", len(self._held)
            )
        await self._inner.aclose()
