"""Prometheus metrics the Prometheus way: counters and histograms that add up across processes.

With several Hypercorn workers (PROMETHEUS_MULTIPROC_DIR set before the workers start, as
`namecard serve` and the start script do) prometheus_client writes each process's values to
files in that folder and a scrape of any worker reads them all: the instance's truth.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess as _multiprocess

from namecard.metrics.counters import Count

if TYPE_CHECKING:
    from namecard.metrics.ledger import JobRecord

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own variable
# Photo-to-reply bucket edges (seconds) around the guide's 5 s average and 10 s p95 targets.
LATENCY_BUCKETS = (0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 7.5, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0)
STEP_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0)
# Which counted events are webhook events, and their `kind` label.
WEBHOOK_EVENT_KINDS = {
    Count.WEBHOOK_EVENTS: "received",
    Count.WEBHOOK_EVENTS_DUPLICATE: "duplicate",
    Count.WEBHOOK_EVENTS_UNPARSED: "unparsed",
    Count.WEBHOOK_EVENTS_IGNORED: "ignored",
    Count.WEBHOOK_EVENTS_OTHER_BOT: "other_bot",
}


def multiprocess_dir() -> str | None:
    """The folder of multiprocess mode, when the process was started in it (prometheus_client
    chose its value files from this variable when it was first imported)."""
    return os.environ.get(MULTIPROC_ENV) or None


class PromSink:
    """The metric objects of one process. In multiprocess mode they are not registered
    anywhere (their values go to files); otherwise they live in `registry`."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        r = registry
        self.photo_to_reply = Histogram(
            "namecard_photo_to_reply_seconds", "Photo received to answer sent",
            ["outcome", "reader"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.steps = Histogram(
            "namecard_job_step_seconds", "Time a photo spent in each step",
            ["step"], buckets=STEP_BUCKETS, registry=r,
        )  # fmt: skip
        self.events = Counter("namecard_events", "Counted service events", ["event"], registry=r)
        self.webhook_events = Counter(
            "namecard_webhook_events", "Webhook events by what became of them", ["kind"],
            registry=r,
        )  # fmt: skip
        self.gemini = Counter(
            "namecard_gemini_requests", "Gemini requests by key (last 4 characters) and status",
            ["key", "status"], registry=r,
        )  # fmt: skip
        self.notion = Counter(
            "namecard_notion_requests", "Notion API requests by HTTP status", ["status"],
            registry=r,
        )  # fmt: skip
        self.active_tasks = Gauge(
            "namecard_active_tasks", "Photos in progress", registry=r, multiprocess_mode="livesum"
        )
        self.queue_depth = Gauge(
            "namecard_queue_depth", "Jobs accepted and not finished (the shared queue's depth)",
            registry=r, multiprocess_mode="mostrecent",
        )  # fmt: skip

    def count(self, name: Count, amount: int) -> None:
        self.events.labels(name.value).inc(amount)
        if (kind := WEBHOOK_EVENT_KINDS.get(name)) is not None:
            self.webhook_events.labels(kind).inc(amount)

    def job(self, record: JobRecord) -> None:
        self.photo_to_reply.labels(record.outcome, record.answered_by).observe(record.duration)
        for step, seconds in record.steps:
            self.steps.labels(step.value).observe(seconds)

    def gemini_request(self, key: str, status: str) -> None:
        self.gemini.labels(key, status).inc()

    def notion_request(self, status: int) -> None:
        self.notion.labels(str(status)).inc()


def build_sink() -> tuple[PromSink, CollectorRegistry | None]:
    """The sink, and the registry holding its metrics (None in multiprocess mode)."""
    if multiprocess_dir() is not None:
        return PromSink(None), None
    registry = CollectorRegistry(auto_describe=True)
    return PromSink(registry), registry


def render(registry: CollectorRegistry | None) -> bytes:
    """The exposition: this process's registry, or every process's files in multiprocess mode."""
    if registry is None:
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def process_exited() -> None:
    """This worker stops: its live gauges leave the instance's sums."""
    if multiprocess_dir() is not None:
        _multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
