"""Hands the ledger's batches to the history every FLUSH_SECONDS, with this worker's heartbeat."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from namecard.metrics.history import Beat, History, MemoryHistory
from namecard.metrics.ledger import Batch, Ledger
from namecard.state.faults import REDIS_FAULTS

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0


@dataclass
class Recorder:
    """One per worker process. Every batch lands in `local` (this process, never fails) and,
    with Redis, in `shared`; a batch Redis did not take is sent again with the next one."""

    ledger: Ledger
    local: MemoryHistory
    shared: History | None
    beat: Callable[[], Beat]
    interval: float = FLUSH_SECONDS
    failing: bool = False
    stopped: bool = False  # the worker is leaving: its last heartbeat says so
    _unsent: Batch = field(default_factory=Batch)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def run(self) -> None:
        """A heartbeat at once (the instance shows live from its start), then every interval."""
        while True:
            await self.flush()
            await asyncio.sleep(self.interval)

    async def flush(self) -> bool:
        """Write what was recorded since the last flush; False when Redis refused it."""
        async with self._lock:  # a read's flush and the timer's never interleave a batch
            batch, beat = self.ledger.take(), self.beat() | {"stopped": self.stopped}
            await self.local.write(batch, beat)
            if self.shared is None:
                return True
            self._unsent.absorb(batch)
            try:
                await self.shared.write(self._unsent, beat)
            except REDIS_FAULTS as exc:
                if not self.failing:
                    logger.warning("metrics not written to Redis (%s); kept for the next try",
                                   type(exc).__name__)  # fmt: skip
                self.failing = True
                return False
            self._unsent = Batch()
            self.failing = False
            return True


def heartbeat(
    *,
    instance: str,
    pid: int,
    started_at: float,
    active_tasks: int,
    queue_depth: int,
    capacity: int,
    rss_mb: float,
    processes: dict[str, dict[str, object]] | None = None,
) -> Beat:
    """One worker's record. `processes`: resident memory per process of this worker, by name
    (its own as `worker`; a helper process, e.g. the offline reader's, adds its own entry)."""
    return {
        "instance": instance,
        "pid": pid,
        "started_at": started_at,
        "last_seen": time.time(),
        "active_tasks": active_tasks,
        "queue_depth": queue_depth,
        "capacity": capacity,
        "rss_mb": rss_mb,
        "processes": processes or {"worker": {"pid": pid, "rss_mb": rss_mb}},
    }
