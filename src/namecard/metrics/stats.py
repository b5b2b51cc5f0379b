"""The per-process recording point every room counts through: counters, jobs in progress, and
finished jobs, handed to the ledger (the shared history) and to Prometheus."""

from __future__ import annotations

import math
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable

from namecard.metrics.counters import Count
from namecard.metrics.ledger import JobRecord, Ledger, Step
from namecard.metrics.prometheus import PromSink

__all__ = ["JobRecord", "Metrics", "Step", "percentile"]

LOCAL_INSTANCE = "local"


class Metrics:
    """One per process. Counters are plain ints: the service is a single asyncio loop."""

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        *,
        instance: str = LOCAL_INSTANCE,
        prom: PromSink | None = None,
    ) -> None:
        self._clock = clock
        self.started_at = clock()
        self.counters: Counter[str] = Counter()
        self.active_tasks = 0
        self.peak_active_tasks = 0
        self.ledger = Ledger(instance, os.getpid(), clock)
        self.prom = prom

    def incr(self, name: Count, amount: int = 1) -> None:
        self.counters[name] += amount
        self.ledger.count(name, amount)
        if self.prom is not None:
            self.prom.count(name, amount)

    def job_started(self) -> None:
        self.active_tasks += 1
        self.peak_active_tasks = max(self.peak_active_tasks, self.active_tasks)
        self._in_progress()

    def job_finished(self, record: JobRecord) -> None:
        self.active_tasks -= 1
        self._in_progress()
        self.ledger.job(record)
        self.incr(Count.JOBS_SUCCEEDED if record.success else Count.JOBS_FAILED)
        if self.prom is not None:
            self.prom.job(record)

    def _in_progress(self) -> None:
        self.ledger.in_progress(self.active_tasks)
        if self.prom is not None:
            self.prom.active_tasks.set(self.active_tasks)

    def gemini_request(self, key: str, status: str) -> None:
        """One Gemini request's end, by the key's operator label (never the key)."""
        if self.prom is not None:
            self.prom.gemini_request(key, status)

    def notion_request(self, status: int) -> None:
        if self.prom is not None:
            self.prom.notion_request(status)

    def uptime(self) -> float:
        return self._clock() - self.started_at


def percentile(values: Iterable[float], fraction: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[rank]
