"""Exposes the in-process counters to Prometheus on scrape (no second set of bookkeeping)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from namecard.metrics.stats import Metrics, percentile


class _MetricsCollector(Collector):
    def __init__(self, metrics: Metrics, queue_depth: Callable[[], int]) -> None:
        self._metrics = metrics
        self._queue_depth = queue_depth

    def collect(self) -> Iterator[Metric]:
        events = CounterMetricFamily("namecard_events", "Counted service events", labels=["event"])
        for name, value in sorted(self._metrics.counters.items()):
            events.add_metric([name], value)
        yield events
        yield GaugeMetricFamily(
            "namecard_active_jobs", "Jobs in progress", value=self._metrics.active_tasks
        )
        yield GaugeMetricFamily("namecard_queue_depth", "Jobs waiting", value=self._queue_depth())
        durations = [r.duration for r in self._metrics.jobs]
        latency = GaugeMetricFamily(
            "namecard_photo_to_reply_seconds", "Recent photo-to-reply latency", labels=["quantile"]
        )
        for q in (0.5, 0.95, 0.99):
            latency.add_metric([str(q)], percentile(durations, q))
        yield latency


def build_registry(metrics: Metrics, queue_depth: Callable[[], int]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_MetricsCollector(metrics, queue_depth))
    return registry


def render(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)
