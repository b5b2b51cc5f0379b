"""A fixed pool of worker tasks draining the job queue, with a graceful drain on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from namecard.pipeline.jobs import Job
from namecard.pipeline.queue import MemoryJobQueue

logger = logging.getLogger(__name__)


class WorkerPool:
    def __init__(
        self, queue: MemoryJobQueue, handler: Callable[[Job], Awaitable[None]], concurrency: int
    ) -> None:
        self._queue = queue
        self._handler = handler
        self._concurrency = concurrency
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._work(), name=f"worker-{n}") for n in range(self._concurrency)
        ]

    async def _work(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                await self._handler(job)
            except Exception:
                logger.exception("job %s escaped its handler", job.event_id)
            finally:
                self._queue.task_done()

    async def drain(self, timeout: float) -> bool:
        """Let queued and running jobs finish within `timeout`; then stop the workers.
        Returns False when jobs were still running at the deadline."""
        drained = True
        try:
            async with asyncio.timeout(timeout):
                await self._queue.join()
        except TimeoutError:
            drained = False
            logger.error("shutdown: %d job(s) still queued after %.0fs", self._queue.depth, timeout)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        return drained
