"""What one worker finished since its last flush, as the increments the shared history adds.

Recording a job is a few dictionary updates in process (no I/O on the hot path); the recorder
(`recorder.py`) hands the batch to the history every FLUSH_SECONDS. Field names of the history's
hashes are made and read here only (`fields.py` parses them back).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from namecard.metrics.histogram import bucket_of

SEP = "|"
MINUTE, HOUR = 60, 3600


class Step(StrEnum):
    """Where a photo's time goes, photo received to answer sent."""

    QUEUE_WAIT = "queue_wait"
    DOWNLOAD = "download"
    READING = "reading"
    SAVING = "saving"
    REPLY = "reply"


class Kind(StrEnum):
    """The first part of a history field: which series it belongs to."""

    LATENCY = "L"  # L|minute|ok|outcome|reader|instance|bucket → jobs
    LATENCY_MS = "S"  # S|minute|ok|outcome|reader|instance → milliseconds, summed
    STEP = "T"  # T|minute|step|bucket → jobs
    COUNT = "C"  # C|minute|counter|instance → events
    PEAK = "P"  # P|minute|instance|pid → most jobs in progress at once (set, not added)


def label(value: str) -> str:
    """A label value safe inside a field name."""
    return value.replace(SEP, "/") or "-"


@dataclass
class Batch:
    """Increments per hour hash and field, peaks to set, and lifetime totals."""

    adds: dict[int, Counter[str]] = field(default_factory=dict)
    peaks: dict[int, dict[str, int]] = field(default_factory=dict)
    totals: Counter[str] = field(default_factory=Counter)  # counter|instance → events

    def __bool__(self) -> bool:
        return bool(self.adds or self.peaks or self.totals)

    def add(self, hour: int, name: str, amount: int) -> None:
        self.adds.setdefault(hour, Counter())[name] += amount

    def absorb(self, later: Batch) -> None:
        """Put `later` on top of this batch (a write that failed is retried with the next)."""
        for hour, fields in later.adds.items():
            self.adds.setdefault(hour, Counter()).update(fields)
        for hour, peaks in later.peaks.items():
            mine = self.peaks.setdefault(hour, {})
            for name, value in peaks.items():
                mine[name] = max(mine.get(name, 0), value)
        self.totals.update(later.totals)


@dataclass(frozen=True, slots=True)
class JobRecord:
    """One finished photo's figures."""

    finished_at: float  # wall clock, seconds
    duration: float  # photo received → reply sent, seconds
    success: bool
    cards: int
    cache_hit: bool
    outcome: str
    reader: str = "none"  # gemini or offline; none when the job ended before reading
    steps: tuple[tuple[Step, float], ...] = ()  # seconds per step, the steps it reached

    @property
    def answered_by(self) -> str:
        """The reader label of its series: the cache when a cache tier answered."""
        return "cache" if self.cache_hit else self.reader


class Ledger:
    """Per worker process; plain dict updates, the service being one asyncio loop."""

    def __init__(self, instance: str, pid: int, clock: Callable[[], float] = time.time) -> None:
        self.instance = label(instance)
        self.pid = pid
        self._clock = clock
        self._batch = Batch()
        self._peak_minute, self._peak = 0, 0  # the running peak of the current minute

    def count(self, name: str, amount: int = 1) -> None:
        minute = int(self._clock() // MINUTE)
        self._batch.add(minute * MINUTE // HOUR, f"C|{minute}|{name}|{self.instance}", amount)
        self._batch.totals[f"{name}{SEP}{self.instance}"] += amount

    def job(self, job: JobRecord) -> None:
        minute = int(job.finished_at // MINUTE)
        hour = minute * MINUTE // HOUR
        series = f"{minute}|{int(job.success)}|{label(job.outcome)}|{label(job.answered_by)}"
        series += SEP + self.instance
        self._batch.add(hour, f"L|{series}|{bucket_of(job.duration)}", 1)
        self._batch.add(hour, f"S|{series}", round(job.duration * 1000))
        for step, seconds in job.steps:
            self._batch.add(hour, f"T|{minute}|{step}|{bucket_of(seconds)}", 1)

    def in_progress(self, jobs: int) -> None:
        """Jobs in progress in this worker now: the minute's peak is kept."""
        minute = int(self._clock() // MINUTE)
        if minute != self._peak_minute:
            self._keep_peak()
            self._peak_minute, self._peak = minute, 0
        self._peak = max(self._peak, jobs)

    def take(self) -> Batch:
        """The batch so far; the current minute's running peak goes in every batch (a peak is
        set, not added, so a later write of the same minute never lowers it)."""
        self._keep_peak()
        batch, self._batch = self._batch, Batch()
        return batch

    def _keep_peak(self) -> None:
        if self._peak_minute:
            minute = self._peak_minute
            peaks = self._batch.peaks.setdefault(minute * MINUTE // HOUR, {})
            name = f"P|{minute}|{self.instance}|{self.pid}"
            peaks[name] = max(peaks.get(name, 0), self._peak)
