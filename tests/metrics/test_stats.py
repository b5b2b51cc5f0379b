"""The figures operators read in /stats and /performance-report, from the recorded history."""

from __future__ import annotations

import pytest

from namecard.metrics.histogram import GROWTH, bucket_of, bucket_value, percentile_of
from namecard.metrics.history import MemoryHistory
from namecard.metrics.ledger import JobRecord, Step
from namecard.metrics.recorder import Recorder, heartbeat
from namecard.metrics.report import performance_report
from namecard.metrics.stats import Metrics, percentile
from namecard.metrics.view import read_view

NOW = 1_800_000_000.0


def test_percentile_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert percentile([], 0.5) == 0.0


@pytest.mark.parametrize("seconds", [0.013, 0.2, 1.0, 2.345, 4.9, 9.99, 31.0, 600.0])
def test_a_bucket_stands_for_its_durations_within_five_percent(seconds: float) -> None:
    assert abs(bucket_value(bucket_of(seconds)) - seconds) / seconds < GROWTH**0.5 - 1 + 1e-9


def test_percentiles_from_buckets_match_the_exact_ones_within_five_percent() -> None:
    durations = [0.5 + 0.173 * n for n in range(200)]
    buckets: dict[int, int] = {}
    for value in durations:
        buckets[bucket_of(value)] = buckets.get(bucket_of(value), 0) + 1
    for fraction in (0.5, 0.95, 0.99):
        exact = percentile(durations, fraction)
        assert abs(percentile_of(buckets, fraction) - exact) / exact < 0.05


def recorded(clock: list[float], jobs: list[tuple[float, float, bool]]) -> Recorder:
    metrics = Metrics(clock=lambda: clock[0], instance="host-a:8080")
    history = MemoryHistory(clock=lambda: clock[0])

    def beat() -> dict[str, object]:
        found = heartbeat(instance="host-a:8080", pid=1, started_at=NOW - 7200, active_tasks=0,
                          queue_depth=0, capacity=20, rss_mb=100.0)  # fmt: skip
        return found | {"last_seen": clock[0]}

    for finished, duration, ok in jobs:
        metrics.job_started()
        steps = ((Step.QUEUE_WAIT, 0.05), (Step.READING, duration * 0.8))
        metrics.job_finished(JobRecord(finished, duration, ok, 1, False, "saved", "gemini", steps))
    return Recorder(metrics.ledger, history, None, beat)


async def test_report_window_only_counts_recent_jobs() -> None:
    clock = [NOW]
    recorder = recorded(
        clock, [(NOW - 7200, 9.0, True), (NOW - 60, 2.0, True), (NOW - 30, 4.0, True)]
    )
    await recorder.flush()

    view = await read_view(
        recorder.local, now=NOW, window_hours=1, gone_after=60, own=recorder.beat()
    )
    report = performance_report(view, view.window, 1, quota={}, daily_quota=None)

    assert report["total_requests"] == 2
    assert report["avg_response_time"] == 3.0
    assert report["readers"]["gemini"]["jobs"] == 2
    assert report["steps"]["reading"]["p50"] == pytest.approx(1.6, rel=0.05)
    kpis = {k["name"]: k for k in report["kpis"]}
    assert kpis["avg_response_time"]["pass"] is True
    assert kpis["success_rate"]["measured"] == 1.0
    assert "reading is the slowest step" in report["recommendations"][-1]


async def test_an_instance_that_stopped_reporting_is_shown_gone_but_keeps_its_history() -> None:
    clock = [NOW]
    recorder = recorded(clock, [(NOW - 30, 2.0, True)])
    await recorder.flush()
    clock[0] = NOW + 300  # five minutes of silence

    later = heartbeat(instance="host-b:8080", pid=2, started_at=NOW, active_tasks=3,
                      queue_depth=0, capacity=20, rss_mb=90.0)  # fmt: skip
    view = await read_view(recorder.local, now=clock[0], window_hours=1, gone_after=60,
                           own=later | {"last_seen": clock[0]})  # fmt: skip

    assert view.instances["host-a:8080"]["status"] == "gone"
    assert view.instances["host-a:8080"]["workers"] == 0
    assert view.instances["host-b:8080"]["status"] == "live"
    assert [r["active_tasks"] for r in view.live] == [3]
    assert view.window.overall.jobs == 1  # its history stays


async def test_a_worker_that_stopped_is_gone_at_once() -> None:
    clock = [NOW]
    recorder = recorded(clock, [(NOW - 30, 2.0, True)])
    recorder.stopped = True
    await recorder.flush()

    other = heartbeat(instance="host-b:8080", pid=2, started_at=NOW, active_tasks=0,
                      queue_depth=0, capacity=20, rss_mb=1.0)  # fmt: skip
    view = await read_view(recorder.local, now=NOW + 1, window_hours=1, gone_after=60, own=other)

    assert view.instances["host-a:8080"]["status"] == "gone"
