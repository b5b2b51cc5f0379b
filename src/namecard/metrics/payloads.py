"""The JSON bodies of /stats and /performance-report (field names kept from the guide)."""

from __future__ import annotations

from typing import Any

import psutil

from namecard.metrics.stats import Metrics, summarise

REPORT_MAX_HOURS = 24 * 7
SLOW_AVG_SECONDS = 5.0
SLOW_P95_SECONDS = 10.0
MIN_SUCCESS_RATE = 0.95


def process_stats(process: psutil.Process) -> dict[str, Any]:
    with process.oneshot():
        memory = process.memory_info()
        return {
            "rss_mb": round(memory.rss / 1024 / 1024, 1),
            "cpu_percent": process.cpu_percent(interval=None),
            "threads": process.num_threads(),
        }


def stats_payload(
    metrics: Metrics, *, queue_depth: int | None, queue_capacity: int, extras: dict[str, Any]
) -> dict[str, Any]:
    c = metrics.counters
    overall = summarise(list(metrics.jobs))
    return {
        "service_running": True,
        "uptime_seconds": round(metrics.uptime(), 1),
        "ai_processor_stats": {
            "total_processed": c["jobs_succeeded"] + c["jobs_failed"],
            "total_errors": c["jobs_failed"],
            "avg_processing_time": overall["avg_seconds"],
            "p95_processing_time": overall["p95_seconds"],
            "active_tasks": metrics.active_tasks,
            "concurrent_peak": metrics.peak_active_tasks,
            "cache_hit_rate": overall["cache_hit_rate"],
            "ai_calls": c["ai_calls"],
            "ai_errors": c["ai_errors"],
            "cards_read": c["cards_read"],
            "offline_fallbacks": c["offline_fallbacks"],
            "jobs_deferred": c["jobs_deferred"],
        },
        "webhook_stats": {
            "requests": c["webhook_requests"],
            "accepted": c["webhook_accepted"],
            "rejected_signature": c["webhook_rejected_signature"],
            "rejected_too_large": c["webhook_rejected_too_large"],
            "rejected_malformed": c["webhook_rejected_malformed"],
            "rejected_busy": c["webhook_rejected_busy"],
            "events": c["webhook_events"],
            "duplicate_events": c["webhook_events_duplicate"],
            "unparsed_events": c["webhook_events_unparsed"],
            "ignored_events": c["webhook_events_ignored"],
            "other_bot_events": c["webhook_events_other_bot"],
        },
        "queue_stats": {"depth": queue_depth, "capacity": queue_capacity},
        "line_stats": {
            "replies": c["line_replies"],
            "pushes": c["line_pushes"],
            "delivery_errors": c["line_delivery_errors"],
        },
        "contact_store_stats": {
            "saved": c["contacts_saved"],
            "save_errors": c["contact_save_errors"],
        },
        **extras,
    }


def performance_report(metrics: Metrics, hours: float) -> dict[str, Any]:
    records = metrics.records_since(hours * 3600)
    summary = summarise(records)
    return {
        "report_period_hours": hours,
        "total_requests": summary["total"],
        "success_rate": summary["success_rate"],
        "avg_response_time": summary["avg_seconds"],
        "p50_response_time": summary["p50_seconds"],
        "p95_response_time": summary["p95_seconds"],
        "p99_response_time": summary["p99_seconds"],
        "cache_hit_rate": summary["cache_hit_rate"],
        "cards_read": summary["cards"],
        "throughput_per_hour": round(summary["total"] / hours, 2) if hours else 0.0,
        "recommendations": _recommendations(summary),
    }


def _recommendations(summary: dict[str, float | int]) -> list[str]:
    if not summary["total"]:
        return ["no card photos processed in this period"]
    advice = []
    if summary["avg_seconds"] > SLOW_AVG_SECONDS:
        advice.append(
            "average photo-to-reply time is above 5 s: check Gemini latency and MAX_CONCURRENT_AI"
        )
    if summary["p95_seconds"] > SLOW_P95_SECONDS:
        advice.append(
            "p95 photo-to-reply time is above 10 s: check the queue depth and Notion latency"
        )
    if summary["success_rate"] < MIN_SUCCESS_RATE:
        advice.append("success rate is below 95 %: see logs/error.log for the failing step")
    return advice or ["system normal"]
