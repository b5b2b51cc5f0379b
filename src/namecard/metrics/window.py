"""The history's hour hashes read back into the figures of one time window (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from namecard.metrics.histogram import merged, percentile_of
from namecard.metrics.ledger import HOUR, MINUTE, SEP, Kind

HourFields = Mapping[str, str | int | float]


@dataclass(frozen=True, slots=True)
class Series:
    """The jobs of one label set: success, outcome, reader (gemini/offline/cache), instance."""

    ok: bool
    outcome: str
    reader: str
    instance: str


@dataclass
class Figures:
    """Latencies and job counts of a set of series (the window, an hour, an instance)."""

    buckets: Counter[int] = field(default_factory=Counter)
    jobs: int = 0
    failed: int = 0
    cached: int = 0
    milliseconds: int = 0

    def add(self, series: Series, bucket: int, jobs: int) -> None:
        self.buckets[bucket] += jobs
        self.jobs += jobs
        self.failed += 0 if series.ok else jobs
        self.cached += jobs if series.reader == "cache" else 0

    def percentile(self, fraction: float) -> float:
        return round(percentile_of(self.buckets, fraction), 3)

    @property
    def average(self) -> float:
        return round(self.milliseconds / 1000 / self.jobs, 3) if self.jobs else 0.0

    @property
    def success_rate(self) -> float:
        return round((self.jobs - self.failed) / self.jobs, 4) if self.jobs else 1.0

    @property
    def cache_hit_rate(self) -> float:
        return round(self.cached / self.jobs, 4) if self.jobs else 0.0


@dataclass
class Window:
    """Everything recorded between two minutes, by the cuts the reports need."""

    overall: Figures = field(default_factory=Figures)
    hours: dict[int, Figures] = field(default_factory=dict)
    instances: dict[str, Figures] = field(default_factory=dict)
    readers: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    steps: dict[str, Counter[int]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)  # counter → events
    hour_counts: dict[int, Counter[str]] = field(default_factory=dict)
    peaks: Counter[int] = field(default_factory=Counter)  # minute → jobs at once, all workers

    def of(self, instance: str) -> Figures:
        return self.instances.get(instance) or Figures()

    def step_percentiles(self) -> dict[str, dict[str, float]]:
        return {
            step: {
                "p50": round(percentile_of(buckets, 0.5), 3),
                "p95": round(percentile_of(buckets, 0.95), 3),
                "count": sum(buckets.values()),
            }
            for step, buckets in self.steps.items()
        }


def read_window(hours: Mapping[int, HourFields], first_minute: int, last_minute: int) -> Window:
    """The figures of minutes `first_minute`..`last_minute` (inclusive) in `hours`."""
    window = Window()
    for hour, fields in hours.items():
        for name, raw in fields.items():
            parts = name.split(SEP)
            minute = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
            if first_minute <= minute <= last_minute:
                _add(window, hour, parts, int(float(raw)))
    return window


def _add(window: Window, hour: int, parts: list[str], value: int) -> None:
    kind = parts[0]
    if kind == Kind.LATENCY and len(parts) == 7:
        series = Series(parts[2] == "1", parts[3], parts[4], parts[5])
        bucket = int(parts[6])
        for figures in (
            window.overall,
            window.hours.setdefault(hour, Figures()),
            window.instances.setdefault(series.instance, Figures()),
        ):
            figures.add(series, bucket, value)
        window.readers[series.reader] += value
        window.outcomes[series.outcome] += value
    elif kind == Kind.LATENCY_MS and len(parts) == 6:
        window.overall.milliseconds += value
        window.hours.setdefault(hour, Figures()).milliseconds += value
        window.instances.setdefault(parts[5], Figures()).milliseconds += value
    elif kind == Kind.STEP and len(parts) == 4:
        window.steps.setdefault(parts[2], Counter())[int(parts[3])] += value
    elif kind == Kind.COUNT and len(parts) == 4:
        window.counts[parts[2]] += value
        window.hour_counts.setdefault(hour, Counter())[parts[2]] += value
    elif kind == Kind.PEAK and len(parts) == 4:
        window.peaks[int(parts[1])] += value


def minutes_of(since: float, until: float) -> tuple[int, int]:
    return int(since // MINUTE), int(until // MINUTE)


def hours_of(since: float, until: float) -> list[int]:
    return list(range(int(since // HOUR), int(until // HOUR) + 1))


def combined(figures: Iterable[Figures]) -> Figures:
    total = Figures()
    for one in figures:
        total.buckets = merged((total.buckets, one.buckets))
        total.jobs += one.jobs
        total.failed += one.failed
        total.cached += one.cached
        total.milliseconds += one.milliseconds
    return total
