"""The in-process job queue: bounded, so an overload is refused at the door instead of lost."""

from __future__ import annotations

import asyncio

from namecard.pipeline.jobs import Job

FULL_QUEUE_RETRY_SECONDS = 5.0


class QueueFull(Exception):
    """No room for more jobs; the webhook answers 503 so LINE can redeliver."""


class MemoryJobQueue:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._queue: asyncio.Queue[Job] = asyncio.Queue(maxsize=capacity)

    def room(self) -> int:
        return self.capacity - self._queue.qsize()

    def put_nowait(self, job: Job) -> None:
        try:
            self._queue.put_nowait(job)
        except asyncio.QueueFull as exc:
            raise QueueFull(f"{self.capacity} jobs waiting") from exc

    def put_later(self, job: Job, delay: float) -> None:
        """Queue `job` again after `delay` seconds (retrying while the queue is full). Kept in
        this process's memory: a restart before then loses it (durable jobs are issue 5's)."""
        loop = asyncio.get_running_loop()

        def put() -> None:
            try:
                self.put_nowait(job)
            except QueueFull:
                loop.call_later(FULL_QUEUE_RETRY_SECONDS, put)

        loop.call_later(delay, put)

    async def get(self) -> Job:
        return await self._queue.get()

    def task_done(self) -> None:
        self._queue.task_done()

    @property
    def depth(self) -> int:
        return self._queue.qsize()

    async def join(self) -> None:
        await self._queue.join()
