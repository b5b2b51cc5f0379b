"""The figures operators read in /stats and /performance-report."""

from __future__ import annotations

from namecard.metrics.payloads import performance_report
from namecard.metrics.stats import JobRecord, Metrics, percentile


def test_percentile_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert percentile([], 0.5) == 0.0


def test_report_window_only_counts_recent_jobs() -> None:
    now = [100_000.0]
    metrics = Metrics(clock=lambda: now[0])
    for finished, duration in ((now[0] - 7200, 9.0), (now[0] - 60, 2.0), (now[0] - 30, 4.0)):
        metrics.job_started()
        metrics.job_finished(JobRecord(finished, duration, True, 1, False, "saved"))

    report = performance_report(metrics, hours=1)

    assert report["total_requests"] == 2
    assert report["avg_response_time"] == 3.0
    assert report["recommendations"] == ["system normal"]
    assert metrics.active_tasks == 0
