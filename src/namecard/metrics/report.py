"""/performance-report (and the dashboard): the window's figures, the guide's KPIs, advice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from namecard.metrics.counters import Count
from namecard.metrics.ledger import HOUR, Step
from namecard.metrics.view import ServiceView, iso
from namecard.metrics.window import Window

REPORT_MAX_HOURS = 24 * 7
# The deployment guide's KPIs.
TARGET_AVG_SECONDS = 5.0
TARGET_P95_SECONDS = 10.0
TARGET_CONCURRENT_USERS = 50
TARGET_CACHE_HIT_RATE = 0.30
TARGET_SUCCESS_RATE = 0.99
QUOTA_NEAR = 0.8  # a key past this share of its daily quota is named
STEP_DOMINANT = 0.5  # a step taking this share of the median job is named


def performance_report(
    view: ServiceView,
    window: Window,
    hours: float,
    *,
    quota: Mapping[str, Any],
    daily_quota: int | None,
) -> dict[str, Any]:
    overall = window.overall
    steps = window.step_percentiles()
    capacity = sum(record["capacity"] for record in view.live)
    figures = {
        "report_period_hours": hours,
        "generated_at": iso(view.now),
        "total_requests": overall.jobs,
        "succeeded": overall.jobs - overall.failed,
        "failed": overall.failed,
        "success_rate": overall.success_rate,
        "avg_response_time": overall.average,
        "p50_response_time": overall.percentile(0.5),
        "p95_response_time": overall.percentile(0.95),
        "p99_response_time": overall.percentile(0.99),
        "cache_hit_rate": overall.cache_hit_rate,
        "readers": _shares(window),
        "outcomes": dict(window.outcomes),
        "cards_read": window.counts[Count.CARDS_READ],
        "notion_saves": window.counts[Count.CONTACTS_SAVED],
        "notion_failures": window.counts[Count.CONTACT_SAVE_ERRORS],
        "throughput_per_hour": round(overall.jobs / hours, 2) if hours else 0.0,
        "concurrent_peak": max(window.peaks.values(), default=0),
        "capacity": capacity,
        "steps": steps,
        "hourly": _hourly(window),
        "instances": _instances(view, window),
        "api_quota_status": quota,
    }
    figures["kpis"] = kpis(figures, busy=window.counts[Count.WEBHOOK_REJECTED_BUSY])
    figures["recommendations"] = recommendations(figures, quota, daily_quota)
    return figures


def _shares(window: Window) -> dict[str, dict[str, float]]:
    total = window.overall.jobs
    return {
        reader: {"jobs": jobs, "share": round(jobs / total, 4) if total else 0.0}
        for reader, jobs in sorted(window.readers.items())
    }


def _hourly(window: Window) -> list[dict[str, Any]]:
    return [
        {
            "hour": iso(hour * HOUR),
            "requests": figures.jobs,
            "p50": figures.percentile(0.5),
            "p95": figures.percentile(0.95),
            "errors": figures.failed,
            "hit_rate": figures.cache_hit_rate,
        }
        for hour, figures in sorted(window.hours.items())
    ]


def _instances(view: ServiceView, window: Window) -> dict[str, dict[str, Any]]:
    ids = sorted(set(window.instances) | set(view.instances))
    return {
        instance: {
            "status": view.instances.get(instance, {}).get("status", "gone"),
            "requests": window.of(instance).jobs,
            "p95_response_time": window.of(instance).percentile(0.95),
            "errors": window.of(instance).failed,
        }
        for instance in ids
    }


def kpis(figures: Mapping[str, Any], *, busy: int) -> list[dict[str, Any]]:
    """The guide's KPIs: target, measured, pass. Concurrency passes when the live capacity
    covers the target and no webhook was refused as busy in the period."""
    seen = figures["total_requests"] > 0
    rows = [
        ("avg_response_time", f"< {TARGET_AVG_SECONDS:g} s", figures["avg_response_time"],
         figures["avg_response_time"] < TARGET_AVG_SECONDS),
        ("p95_response_time", f"< {TARGET_P95_SECONDS:g} s", figures["p95_response_time"],
         figures["p95_response_time"] < TARGET_P95_SECONDS),
        ("concurrent_users", f">= {TARGET_CONCURRENT_USERS}", figures["capacity"],
         figures["capacity"] >= TARGET_CONCURRENT_USERS and busy == 0),
        ("cache_hit_rate", f"> {TARGET_CACHE_HIT_RATE:.0%}", figures["cache_hit_rate"],
         figures["cache_hit_rate"] > TARGET_CACHE_HIT_RATE),
        ("success_rate", f">= {TARGET_SUCCESS_RATE:.0%}", figures["success_rate"],
         figures["success_rate"] >= TARGET_SUCCESS_RATE),
    ]  # fmt: skip
    return [
        {"name": name, "target": target, "measured": measured, "pass": passed if seen else None}
        for name, target, measured, passed in rows
    ]


def recommendations(
    figures: Mapping[str, Any], quota: Mapping[str, Any], daily_quota: int | None
) -> list[str]:
    if not figures["total_requests"]:
        return ["no card photos processed in this period"]
    advice = [_kpi_advice[k["name"]] for k in figures["kpis"] if k["pass"] is False]
    advice += _dominant_step(figures["steps"], figures["p50_response_time"])
    advice += _keys_near_quota(quota.get("keys", ()), daily_quota)
    return advice or ["system normal"]


_kpi_advice = {
    "avg_response_time": "average photo-to-reply time is above 5 s: see which step dominates",
    "p95_response_time": "p95 photo-to-reply time is above 10 s: check the queue wait and Notion",
    "concurrent_users": "fewer than 50 jobs can run at once (or webhooks were refused as busy): "
    "raise MAX_CONCURRENT, WORKERS or the number of instances",
    "cache_hit_rate": "cache hit rate is at most 30 %: expected when most photos are new; "
    "check CACHE_* sizes and TTLs if users resend photos",
    "success_rate": "success rate is below 99 %: see logs/error.log for the failing step",
}


def _dominant_step(steps: Mapping[str, Mapping[str, float]], median: float) -> list[str]:
    timed = {step: steps[step]["p50"] for step in Step if step in steps}
    if not timed or median <= 0:
        return []
    step, seconds = max(timed.items(), key=lambda item: item[1])
    if seconds < STEP_DOMINANT * sum(timed.values()):
        return []
    # Saving may go on after the reply (the user saw "saving…"), so it can exceed the median.
    return [f"{step} is the slowest step: p50 {seconds:.2f} s (photo-to-reply p50 {median:.2f} s)"]


def _keys_near_quota(keys: Sequence[Mapping[str, Any]], daily_quota: int | None) -> list[str]:
    if not daily_quota:
        return []
    return [
        f"Gemini key {key['key']} has used {key['requests_today']} of {daily_quota} requests "
        "today: add a key or expect the offline reader"
        for key in keys
        if key.get("requests_today", 0) >= QUOTA_NEAR * daily_quota
    ]
