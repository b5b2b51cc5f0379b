"""Quota accounting shared by the key pools: the windows (the minute, the Pacific-time day), key
states, limits, and the /stats view with its exhaustion predictions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

# Gemini's requests-per-day quotas reset at midnight Pacific time.
PACIFIC = ZoneInfo("America/Los_Angeles")
SECONDS_PER_MINUTE = 60
# The request rate behind the predictions is measured over this many minutes (the current one
# included); per-minute counters are kept this long.
RECENT_MINUTES = 10


@dataclass(frozen=True)
class QuotaWindow:
    """Where one moment falls: its minute and Pacific day, and when each of them ends."""

    now: float
    minute: int
    day: str
    next_minute: float
    next_day: float

    @classmethod
    def at(cls, now: float) -> QuotaWindow:
        minute = minute_id(now)
        return cls(
            now=now,
            minute=minute,
            day=pacific_day(now),
            next_minute=float((minute + 1) * SECONDS_PER_MINUTE),
            next_day=next_pacific_midnight(now),
        )

    @property
    def recent_minutes(self) -> range:
        """The minute ids whose requests make up the recent rate, oldest first."""
        return range(self.minute - RECENT_MINUTES + 1, self.minute + 1)


def minute_id(now: float) -> int:
    return int(now // SECONDS_PER_MINUTE)


def pacific_day(now: float) -> str:
    """The Pacific-time calendar day of `now` as YYYY-MM-DD (the RPD window id)."""
    return datetime.fromtimestamp(now, PACIFIC).date().isoformat()


def next_pacific_midnight(now: float) -> float:
    """Epoch seconds of the next midnight in America/Los_Angeles (23 h or 25 h away on DST days)."""
    tomorrow = datetime.fromtimestamp(now, PACIFIC).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=PACIFIC).timestamp()


def iso_utc(moment: float | None) -> str | None:
    """ISO-8601 in UTC (second precision), or None."""
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")


def recent_rate(per_minute: Mapping[int, int], window: QuotaWindow) -> float:
    """Requests per second over the recent minutes (the current, partial one included)."""
    total = sum(per_minute.get(minute, 0) for minute in window.recent_minutes)
    elapsed = window.now - window.recent_minutes[0] * SECONDS_PER_MINUTE
    return total / elapsed if elapsed > 0 else 0.0


def predict_exhaustion(remaining: int | None, rate: float, window: QuotaWindow) -> float | None:
    """When a daily allowance of `remaining` requests runs out at `rate` requests per second:
    now if already spent; None without a limit, without traffic, or not before the daily reset."""
    if remaining is None:
        return None
    if remaining <= 0:
        return window.now
    if rate <= 0:
        return None
    moment = window.now + remaining / rate
    return moment if moment < window.next_day else None


class KeyState(StrEnum):
    AVAILABLE = "available"
    COOLING = "cooling"
    EXHAUSTED = "exhausted"  # its RPM or RPD is reached
    DISABLED = "disabled"


@dataclass(frozen=True)
class KeyUsage:
    """One key as seen at one moment; `recent` maps a minute id to its requests."""

    key_id: str
    requests: int = 0
    successes: int = 0
    rate_limited: int = 0
    errors: int = 0
    cooldown_until: float = 0.0
    disabled_reason: str | None = None
    requests_this_minute: int = 0
    requests_today: int = 0
    recent: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class QuotaLimits:
    """Optional per-key requests per minute and per (Pacific) day."""

    rpm: int | None = None
    rpd: int | None = None

    def __post_init__(self) -> None:
        if (self.rpm is not None and self.rpm < 1) or (self.rpd is not None and self.rpd < 1):
            raise ValueError("rpm and rpd must be positive when set")

    def ready_at(self, usage: KeyUsage, window: QuotaWindow) -> float | None:
        """When the key can next be leased (now at the earliest); None if it is disabled."""
        if usage.disabled_reason is not None:
            return None
        ready = max(usage.cooldown_until, window.now)
        if self.rpm is not None and usage.requests_this_minute >= self.rpm:
            ready = max(ready, window.next_minute)
        if self.rpd is not None and usage.requests_today >= self.rpd:
            ready = max(ready, window.next_day)
        return ready

    def state(self, usage: KeyUsage, window: QuotaWindow) -> KeyState:
        ready = self.ready_at(usage, window)
        if ready is None:
            return KeyState.DISABLED
        if usage.cooldown_until > window.now:
            return KeyState.COOLING
        return KeyState.EXHAUSTED if ready > window.now else KeyState.AVAILABLE

    def remaining_today(self, usage: KeyUsage) -> int | None:
        return None if self.rpd is None else max(self.rpd - usage.requests_today, 0)


def earliest(moments: Sequence[float | None]) -> float | None:
    known = [moment for moment in moments if moment is not None]
    return min(known) if known else None


def describe(
    usages: Sequence[KeyUsage],
    labels: Mapping[str, str],
    limits: QuotaLimits,
    window: QuotaWindow,
    *,
    shared: bool,
) -> dict[str, Any]:
    """The /stats view of a pool: one entry per key (by label only) and a pool summary."""
    resets_at = {"rpm": iso_utc(window.next_minute), "rpd": iso_utc(window.next_day)}
    keys = [_key_entry(usage, labels, limits, window) for usage in usages]
    pool = _pool_entry(usages, limits, window) | {"shared": shared}
    for entry in [*keys, pool]:
        entry["resets_at"] = resets_at
    return {"keys": keys, "pool": pool}


def _pool_entry(
    usages: Sequence[KeyUsage], limits: QuotaLimits, window: QuotaWindow
) -> dict[str, Any]:
    live = [usage for usage in usages if usage.disabled_reason is None]
    rate = sum(recent_rate(usage.recent, window) for usage in live)
    remaining = None if limits.rpd is None else sum(limits.remaining_today(u) or 0 for u in live)
    states = [limits.state(usage, window) for usage in usages]
    counters = ("requests", "successes", "rate_limited", "errors", "requests_this_minute")
    return {
        "key_count": len(usages),
        **{state.value: states.count(state) for state in KeyState},
        **{name: sum(getattr(usage, name) for usage in usages) for name in counters},
        "requests_today": sum(usage.requests_today for usage in usages),
        "remaining_today": remaining,
        "rpm_limit": limits.rpm,
        "rpd_limit": limits.rpd,
        "recent_requests_per_minute": round(rate * SECONDS_PER_MINUTE, 2),
        "available_at": iso_utc(earliest([limits.ready_at(u, window) for u in usages])),
        "predicted_exhaustion": iso_utc(predict_exhaustion(remaining, rate, window)),
    }


def _key_entry(
    usage: KeyUsage, labels: Mapping[str, str], limits: QuotaLimits, window: QuotaWindow
) -> dict[str, Any]:
    exhaustion = None
    if usage.disabled_reason is None:
        rate = recent_rate(usage.recent, window)
        exhaustion = predict_exhaustion(limits.remaining_today(usage), rate, window)
    cooling = usage.cooldown_until > window.now and usage.disabled_reason is None
    return {
        "key": labels.get(usage.key_id, usage.key_id),
        "state": limits.state(usage, window).value,
        "requests": usage.requests,
        "successes": usage.successes,
        "rate_limited": usage.rate_limited,
        "errors": usage.errors,
        "requests_this_minute": usage.requests_this_minute,
        "requests_today": usage.requests_today,
        "cooldown_until": iso_utc(usage.cooldown_until) if cooling else None,
        "disabled_reason": usage.disabled_reason,
        "predicted_exhaustion": iso_utc(exhaustion),
    }
