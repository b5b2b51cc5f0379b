"""The JSON body of /stats: the whole service (field names kept from the guide), and under
each section the per-instance breakdown."""

from __future__ import annotations

from typing import Any

import psutil

from namecard.metrics.counters import Count
from namecard.metrics.view import ServiceView

STATS_WINDOW_HOURS = 24.0  # latencies and the cache hit rate in /stats cover this long

AI_COUNTERS = {
    "ai_calls": Count.AI_CALLS,
    "ai_errors": Count.AI_ERRORS,
    "cards_read": Count.CARDS_READ,
    "offline_fallbacks": Count.OFFLINE_FALLBACKS,
    "jobs_deferred": Count.JOBS_DEFERRED,
}
WEBHOOK_COUNTERS = {
    "requests": Count.WEBHOOK_REQUESTS,
    "accepted": Count.WEBHOOK_ACCEPTED,
    "rejected_signature": Count.WEBHOOK_REJECTED_SIGNATURE,
    "rejected_too_large": Count.WEBHOOK_REJECTED_TOO_LARGE,
    "rejected_malformed": Count.WEBHOOK_REJECTED_MALFORMED,
    "rejected_busy": Count.WEBHOOK_REJECTED_BUSY,
    "events": Count.WEBHOOK_EVENTS,
    "duplicate_events": Count.WEBHOOK_EVENTS_DUPLICATE,
    "unparsed_events": Count.WEBHOOK_EVENTS_UNPARSED,
    "ignored_events": Count.WEBHOOK_EVENTS_IGNORED,
    "other_bot_events": Count.WEBHOOK_EVENTS_OTHER_BOT,
}
LINE_COUNTERS = {
    "replies": Count.LINE_REPLIES,
    "pushes": Count.LINE_PUSHES,
    "delivery_errors": Count.LINE_DELIVERY_ERRORS,
}
STORE_COUNTERS = {"saved": Count.CONTACTS_SAVED, "save_errors": Count.CONTACT_SAVE_ERRORS}


def process_stats(process: psutil.Process) -> dict[str, Any]:
    with process.oneshot():
        memory = process.memory_info()
        return {
            "pid": process.pid,  # the worker process that answered this request
            "rss_mb": round(memory.rss / 1024 / 1024, 1),
            "cpu_percent": process.cpu_percent(interval=None),
            "threads": process.num_threads(),
        }


def stats_payload(
    view: ServiceView, *, queue_depth: int | None, queue_capacity: int, extras: dict[str, Any]
) -> dict[str, Any]:
    live = view.live
    return {
        "service_running": True,
        "uptime_seconds": max((r["uptime_seconds"] or 0.0 for r in live), default=0.0),
        "ai_processor_stats": _ai_section(view),
        "webhook_stats": _section(view, WEBHOOK_COUNTERS),
        "queue_stats": {
            "depth": queue_depth,
            "capacity": queue_capacity,
            "instances": {i: {"depth": r["queue_depth"]} for i, r in view.instances.items()},
        },
        "line_stats": _section(view, LINE_COUNTERS),
        "contact_store_stats": _section(view, STORE_COUNTERS),
        "instances": view.instances,
        **extras,
    }


def _section(view: ServiceView, names: dict[str, Count]) -> dict[str, Any]:
    return {
        **{name: view.total(counter) for name, counter in names.items()},
        "instances": view.per_instance(names),
    }


def _ai_section(view: ServiceView) -> dict[str, Any]:
    overall = view.window.overall
    per_instance = view.per_instance(
        {"succeeded": Count.JOBS_SUCCEEDED, "failed": Count.JOBS_FAILED}
    )
    instances = {
        instance: {
            "total_processed": counts["succeeded"] + counts["failed"],
            "total_errors": counts["failed"],
            "avg_processing_time": view.window.of(instance).average,
            "p95_processing_time": view.window.of(instance).percentile(0.95),
            "active_tasks": view.instances.get(instance, {}).get("active_tasks", 0),
        }
        for instance, counts in per_instance.items()
    }
    return {
        "total_processed": view.total(Count.JOBS_SUCCEEDED) + view.total(Count.JOBS_FAILED),
        "total_errors": view.total(Count.JOBS_FAILED),
        "avg_processing_time": overall.average,
        "p95_processing_time": overall.percentile(0.95),
        "window_hours": STATS_WINDOW_HOURS,
        "active_tasks": sum(record["active_tasks"] for record in view.live),
        "concurrent_peak": max(view.window.peaks.values(), default=0),
        "cache_hit_rate": overall.cache_hit_rate,
        **{name: view.total(counter) for name, counter in AI_COUNTERS.items()},
        "instances": instances,
    }
