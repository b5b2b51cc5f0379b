"""A fixed pool of worker tasks taking leases from the job queue, with a graceful drain.

A lease is acknowledged when the handler says the job is finished (answered and saved), which
may be after the handler returned (a save still running in the background). A job delivered
more than `max_attempts` times (its workers kept dying) goes to the dead letters and its user is
told once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from namecard.domain.jobs import Job
from namecard.metrics.counters import Count
from namecard.metrics.stats import Metrics
from namecard.pipeline.log_context import NO_JOB, current_job, enter_job
from namecard.pipeline.queue import JobQueue, Lease

logger = logging.getLogger(__name__)

DEAD_LETTER_REASON = "delivered {attempts} times without finishing"


class Handler(Protocol):
    async def __call__(self, job: Job, finished: Callable[[], Awaitable[None]]) -> None: ...

    async def dead_letter(self, job: Job) -> None: ...


class WorkerPool:
    def __init__(
        self,
        queue: JobQueue,
        handler: Handler,
        concurrency: int,
        *,
        metrics: Metrics,
        max_attempts: int = 3,
    ) -> None:
        self._queue = queue
        self._handler = handler
        self._concurrency = concurrency
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._tasks: list[asyncio.Task[None]] = []
        self._busy: set[asyncio.Task[None]] = set()
        self._stopping = False

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._work(), name=f"worker-{n}") for n in range(self._concurrency)
        ]

    async def _work(self) -> None:
        me = asyncio.current_task()
        assert me is not None
        while not self._stopping:
            lease = await self._queue.get()
            self._busy.add(me)
            enter_job(lease.job)
            try:
                await self._run(lease)
            finally:
                self._busy.discard(me)
                current_job.set(NO_JOB)

    async def _run(self, lease: Lease) -> None:
        job = lease.job
        if lease.attempt > self._max_attempts:
            await self._bury(lease)
            return
        if lease.attempt > 1:
            self._metrics.incr(Count.JOBS_RESUMED)
            logger.warning("job %s resumed (delivery %d)", job.event_id, lease.attempt)
        try:
            await self._handler(job, lambda: self._ack(lease))
        except Exception:
            logger.exception("job %s escaped its handler", job.event_id)

    async def _ack(self, lease: Lease) -> None:
        try:
            await self._queue.ack(lease)
        except Exception as exc:  # the job is handed out again and resumes without repeating
            logger.error("could not acknowledge job %s: %s", lease.job.event_id, exc)

    async def _bury(self, lease: Lease) -> None:
        job = lease.job
        logger.error("job %s failed %d times; moved to the dead letters", job.event_id,
                     lease.attempt - 1)  # fmt: skip
        self._metrics.incr(Count.JOBS_DEAD)
        try:
            await self._handler.dead_letter(job)
        except Exception:
            logger.exception("telling the user about dead job %s failed", job.event_id)
        reason = DEAD_LETTER_REASON.format(attempts=lease.attempt - 1)
        try:
            await self._queue.bury(lease, reason)
        except Exception as exc:
            logger.error("could not bury job %s: %s", job.event_id, exc)

    async def drain(self, timeout: float, *, finish_queued: bool) -> bool:
        """Stop within `timeout`: running jobs finish; with `finish_queued` (the in-process
        queue, which a restart would lose) queued jobs are worked off first. Jobs of a shared
        queue that are not finished stay with the queue for another worker. Returns False when
        work was left at the deadline."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        drained = await _within(self._queue.join(), timeout) if finish_queued else True
        self._stopping = True
        finished = await self._finish_running(max(0.0, deadline - loop.time()))
        drained = drained and finished
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if not drained:
            logger.error("shutdown: work left after %.0fs", timeout)
        return drained

    async def _finish_running(self, timeout: float) -> bool:
        """Idle workers stop now; busy ones get `timeout` to finish. False if any was late."""
        for task in self._tasks:
            if task not in self._busy:
                task.cancel()
        running = [t for t in self._tasks if not t.done()]
        if not running:
            return True
        _, late = await asyncio.wait(running, timeout=timeout)
        return not late


async def _within(work: Awaitable[None], timeout: float) -> bool:
    try:
        async with asyncio.timeout(max(0.0, timeout)):
            await work
    except TimeoutError:
        return False
    return True
