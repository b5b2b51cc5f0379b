"""In-process counters and a bounded record of finished jobs; pure data, no I/O."""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from namecard.metrics.counters import Count

JOB_HISTORY = 10_000  # finished jobs kept for /performance-report and percentiles


@dataclass(frozen=True, slots=True)
class JobRecord:
    finished_at: float  # wall clock, seconds
    duration: float  # photo received → reply sent, seconds
    success: bool
    cards: int
    cache_hit: bool
    outcome: str


class Metrics:
    """One per process. Counters are plain ints: the service is a single asyncio loop."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self.started_at = clock()
        self.counters: Counter[str] = Counter()
        self.active_tasks = 0
        self.peak_active_tasks = 0
        self.jobs: deque[JobRecord] = deque(maxlen=JOB_HISTORY)

    def incr(self, name: Count, amount: int = 1) -> None:
        self.counters[name] += amount

    def job_started(self) -> None:
        self.active_tasks += 1
        self.peak_active_tasks = max(self.peak_active_tasks, self.active_tasks)

    def job_finished(self, record: JobRecord) -> None:
        self.active_tasks -= 1
        self.jobs.append(record)
        self.incr(Count.JOBS_SUCCEEDED if record.success else Count.JOBS_FAILED)

    def uptime(self) -> float:
        return self._clock() - self.started_at

    def records_since(self, seconds: float) -> list[JobRecord]:
        cutoff = self._clock() - seconds
        return [r for r in self.jobs if r.finished_at >= cutoff]


def percentile(values: Iterable[float], fraction: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[rank]


def summarise(records: list[JobRecord]) -> dict[str, float | int]:
    durations = [r.duration for r in records]
    total = len(records)
    succeeded = sum(r.success for r in records)
    return {
        "total": total,
        "succeeded": succeeded,
        "failed": total - succeeded,
        "success_rate": round(succeeded / total, 4) if total else 1.0,
        "avg_seconds": round(sum(durations) / total, 3) if total else 0.0,
        "p50_seconds": round(percentile(durations, 0.50), 3),
        "p95_seconds": round(percentile(durations, 0.95), 3),
        "p99_seconds": round(percentile(durations, 0.99), 3),
        "cache_hit_rate": round(sum(r.cache_hit for r in records) / total, 4) if total else 0.0,
        "cards": sum(r.cards for r in records),
    }
