"""The job queue protocol, and its in-process implementation for a single worker process.

`get()` hands out a `Lease`; the worker acknowledges it with `ack()` only once the job is
completely done (answered and its contacts saved). A lease that is never acknowledged is, in the
Redis implementation, handed to another worker after an idle timeout (`pipeline/stream_queue.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Protocol

from namecard.domain.health import Problem
from namecard.domain.jobs import Job

FULL_QUEUE_RETRY_SECONDS = 5.0


class QueueFull(Exception):
    """No room for more jobs; the webhook answers 503 so LINE can redeliver."""


@dataclass(frozen=True, slots=True)
class Lease:
    """One delivery of a job to a worker. `attempt` counts deliveries (1 = first)."""

    job: Job
    lease_id: str
    attempt: int = 1


class JobQueue(Protocol):
    capacity: int

    async def put(self, job: Job) -> None:
        """Accept `job` durably, or raise QueueFull."""

    async def put_later(self, job: Job, delay: float) -> None:
        """Accept `job` now, to be handed out no earlier than `delay` seconds from now."""

    async def get(self) -> Lease:
        """The next job; waits while there is none."""

    async def ack(self, lease: Lease) -> None:
        """The job of `lease` is completely done: forget it."""

    async def bury(self, lease: Lease, reason: str) -> None:
        """Give up on the job of `lease` (kept for an operator, see `namecard jobs dead`)."""

    async def room(self) -> int:
        """How many more jobs fit right now."""

    async def depth(self) -> int:
        """Jobs accepted and not yet acknowledged (waiting, delayed or running)."""

    @property
    def waiting(self) -> int:
        """Jobs in this process waiting for a worker (0 for a shared queue: see `depth`)."""

    async def join(self) -> None:
        """Until every job this process holds is done (at once for a shared queue, whose
        unfinished jobs stay in Redis for another worker)."""

    def problem(self) -> Problem | None:
        """Why the queue is degraded (for /health), or None when healthy."""

    async def aclose(self) -> None: ...


class MemoryJobQueue:
    """Bounded and in process: a restart loses what it holds, so it is only used without Redis,
    where the server runs one worker process and drains on SIGTERM."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._queue: asyncio.Queue[Lease] = asyncio.Queue(maxsize=capacity)
        self._delayed: set[asyncio.Task[None]] = set()
        self._unfinished = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._ids = 0

    async def put(self, job: Job) -> None:
        self.put_nowait(job)

    def put_nowait(self, job: Job) -> None:
        self._ids += 1
        try:
            self._queue.put_nowait(Lease(job, str(self._ids)))
        except asyncio.QueueFull as exc:
            raise QueueFull(f"{self.capacity} jobs waiting") from exc
        self._unfinished += 1
        self._idle.clear()

    async def put_later(self, job: Job, delay: float) -> None:
        """Kept in this process's memory: a restart before then loses it (use Redis to keep it)."""
        task = asyncio.create_task(self._put_after(job, delay))
        self._delayed.add(task)
        task.add_done_callback(self._delayed.discard)

    async def _put_after(self, job: Job, delay: float) -> None:
        await asyncio.sleep(delay)
        while True:
            try:
                self.put_nowait(job)
                return
            except QueueFull:
                await asyncio.sleep(FULL_QUEUE_RETRY_SECONDS)

    async def get(self) -> Lease:
        return await self._queue.get()

    async def ack(self, lease: Lease) -> None:
        self._done()

    async def bury(self, lease: Lease, reason: str) -> None:
        self._done()

    def _done(self) -> None:
        self._unfinished = max(0, self._unfinished - 1)
        if self._unfinished == 0:
            self._idle.set()

    async def room(self) -> int:
        return self.capacity - self._queue.qsize()

    async def depth(self) -> int:
        return self._unfinished + len(self._delayed)

    @property
    def waiting(self) -> int:
        return self._queue.qsize()

    def problem(self) -> Problem | None:
        return None

    async def join(self) -> None:
        """Until every accepted job (not the delayed ones) is acknowledged."""
        await self._idle.wait()

    async def aclose(self) -> None:
        for task in list(self._delayed):
            task.cancel()
        with contextlib.suppress(asyncio.QueueEmpty):
            while True:
                self._queue.get_nowait()
