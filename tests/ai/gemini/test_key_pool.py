"""The in-process Gemini key pool: rotation, cooldowns, limits, Pacific-day resets, predictions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from namecard.ai.gemini.key_pool import KeyPool, KeyState, Lease, NoKey
from namecard.ai.gemini.quota_clock import next_pacific_midnight, pacific_day
from tests.clock import ManualClock

KEYS = ("k1", "k2", "k3")
LABELS = {"k1": "…AAAA", "k2": "…BBBB", "k3": "…CCCC"}
ENTRY_FIELDS = {
    "key", "state", "requests", "successes", "rate_limited", "errors", "requests_this_minute",
    "requests_today", "cooldown_until", "disabled_reason", "predicted_exhaustion", "resets_at",
}  # fmt: skip


def utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


# 2025-06-10 12:00:00 in Los Angeles (PDT, UTC-7): a plain summer day.
NOON = utc("2025-06-10T19:00:00")


class Clock(ManualClock):
    def __init__(self, now: float = NOON) -> None:
        super().__init__(now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


def pool(
    clock: Clock, keys: tuple[str, ...] = KEYS, *, rpm: int | None = None, rpd: int | None = None
) -> KeyPool:
    return KeyPool(keys, labels=LABELS, rpm=rpm, rpd=rpd, clock=clock)


async def leased(keys: KeyPool, times: int) -> list[str | None]:
    results = [await keys.lease() for _ in range(times)]
    return [result.key_id if isinstance(result, Lease) else None for result in results]


async def entry(keys: KeyPool, label: str) -> dict[str, Any]:
    entries: list[dict[str, Any]] = (await keys.snapshot())["keys"]
    return next(item for item in entries if item["key"] == label)


async def wait_of(keys: KeyPool, clock: Clock) -> float | None:
    """Seconds until the pool can hand out a key (it must have none now)."""
    result = await keys.lease()
    assert isinstance(result, NoKey)
    return None if result.available_at is None else result.available_at - clock.now


async def test_keys_are_used_in_turn() -> None:
    assert await leased(pool(Clock()), 5) == ["k1", "k2", "k3", "k1", "k2"]


async def test_a_cooling_key_is_skipped_and_rejoins_its_turn() -> None:
    clock = Clock()
    keys = pool(clock)
    assert await leased(keys, 1) == ["k1"]
    await keys.rate_limited("k2", retry_after=30, daily=False)
    assert await leased(keys, 3) == ["k3", "k1", "k3"]
    clock.advance(30)
    assert await leased(keys, 3) == ["k1", "k2", "k3"]


async def test_a_retry_delay_cools_the_key_down_for_that_long() -> None:
    clock = Clock()
    keys = pool(clock, ("k1",))
    await keys.rate_limited("k1", retry_after=30, daily=False)
    assert await wait_of(keys, clock) == 30
    cooling = await entry(keys, "…AAAA")
    assert cooling["state"] == KeyState.COOLING
    assert cooling["cooldown_until"] == "2025-06-10T19:00:30+00:00"
    assert cooling["rate_limited"] == 1
    clock.advance(29.9)
    assert await leased(keys, 1) == [None]
    clock.advance(0.1)
    assert await leased(keys, 1) == ["k1"]
    assert (await entry(keys, "…AAAA"))["cooldown_until"] is None


async def test_without_a_retry_delay_the_backoff_doubles_until_a_success() -> None:
    clock = Clock()
    keys = pool(clock, ("k1",))
    waits = []
    for _ in range(10):
        await keys.rate_limited("k1", retry_after=None, daily=False)
        waits.append(await wait_of(keys, clock))
        clock.advance(300)
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    await keys.succeeded("k1")
    await keys.rate_limited("k1", retry_after=None, daily=False)
    assert await wait_of(keys, clock) == 2


async def test_a_daily_quota_429_rests_the_key_until_pacific_midnight() -> None:
    clock = Clock()
    keys = pool(clock, ("k1", "k2"))
    await keys.rate_limited("k1", retry_after=20, daily=True)
    await keys.rate_limited("k2", retry_after=None, daily=True)
    result = await keys.lease()
    assert result == NoKey(utc("2025-06-11T07:00:00"))  # midnight PDT
    # A later, shorter delay never shortens the rest.
    await keys.rate_limited("k1", retry_after=1, daily=False)
    clock.advance(3600)
    assert await leased(keys, 1) == [None]
    clock.now = utc("2025-06-11T07:00:00")
    assert await leased(keys, 2) == ["k1", "k2"]


async def test_a_disabled_key_is_never_used_again_and_says_why() -> None:
    clock = Clock()
    keys = pool(clock)
    await keys.disable("k2", "API_KEY_INVALID")
    clock.advance(3 * 24 * 3600)
    assert await leased(keys, 4) == ["k1", "k3", "k1", "k3"]
    disabled = await entry(keys, "…BBBB")
    assert disabled["state"] == KeyState.DISABLED
    assert disabled["disabled_reason"] == "API_KEY_INVALID"
    await keys.disable("k1", "PERMISSION_DENIED")
    await keys.disable("k3", "PERMISSION_DENIED")
    assert await keys.lease() == NoKey(None)


async def test_errors_are_counted_without_resting_the_key() -> None:
    keys = pool(Clock(), ("k1",))
    assert await leased(keys, 1) == ["k1"]
    await keys.failed("k1")
    assert await leased(keys, 1) == ["k1"]
    await keys.succeeded("k1")
    counters = await entry(keys, "…AAAA")
    assert (counters["requests"], counters["successes"], counters["errors"]) == (2, 1, 1)
    assert counters["state"] == KeyState.AVAILABLE


async def test_requests_per_minute_are_never_exceeded() -> None:
    clock = Clock(NOON + 15)
    keys = pool(clock, ("k1", "k2"), rpm=2)
    assert await leased(keys, 4) == ["k1", "k2", "k1", "k2"]
    assert await wait_of(keys, clock) == 45  # the next minute
    exhausted = await entry(keys, "…AAAA")
    assert (exhausted["state"], exhausted["requests_this_minute"]) == (KeyState.EXHAUSTED, 2)
    assert exhausted["resets_at"]["rpm"] == "2025-06-10T19:01:00+00:00"
    clock.advance(45)
    assert await leased(keys, 1) == ["k1"]
    assert (await entry(keys, "…AAAA"))["requests_this_minute"] == 1


async def test_requests_per_day_are_never_exceeded_until_pacific_midnight() -> None:
    clock = Clock()
    keys = pool(clock, ("k1",), rpd=3)
    assert await leased(keys, 3) == ["k1"] * 3
    clock.advance(120)
    assert await keys.lease() == NoKey(utc("2025-06-11T07:00:00"))
    assert (await entry(keys, "…AAAA"))["state"] == KeyState.EXHAUSTED
    clock.now = utc("2025-06-11T06:59:59")
    assert await leased(keys, 1) == [None]
    clock.now = utc("2025-06-11T07:00:00")
    assert await leased(keys, 1) == ["k1"]
    assert (await entry(keys, "…AAAA"))["requests_today"] == 1


async def test_no_key_names_the_earliest_moment_any_key_is_usable() -> None:
    clock = Clock(NOON + 40)
    keys = pool(clock, ("k1", "k2", "k3"), rpm=1)
    await keys.rate_limited("k1", retry_after=100, daily=False)
    await keys.disable("k3", "API_KEY_INVALID")
    assert await leased(keys, 1) == ["k2"]
    assert await wait_of(keys, clock) == 20  # k2's minute turns before k1 cools down
    assert await leased(pool(Clock(), ()), 1) == [None]


@pytest.mark.parametrize(
    ("moment", "day", "midnight", "hours"),
    [
        ("2025-03-09T08:30:00", "2025-03-09", "2025-03-10T07:00:00", 22.5),  # spring forward
        ("2025-11-02T07:30:00", "2025-11-02", "2025-11-03T08:00:00", 24.5),  # fall back
        ("2025-11-03T07:59:59", "2025-11-02", "2025-11-03T08:00:00", 1 / 3600),
        ("2025-06-10T06:59:59", "2025-06-09", "2025-06-10T07:00:00", 1 / 3600),
    ],
)
def test_the_day_follows_los_angeles_time_across_dst(
    moment: str, day: str, midnight: str, hours: float
) -> None:
    assert pacific_day(utc(moment)) == day
    assert next_pacific_midnight(utc(moment)) == utc(midnight)
    assert next_pacific_midnight(utc(moment)) - utc(moment) == pytest.approx(hours * 3600)


async def test_the_daily_allowance_returns_at_midnight_on_the_day_clocks_fall_back() -> None:
    clock = Clock(utc("2025-11-02T07:30:00"))  # 00:30 PDT; this Pacific day lasts 25 hours
    keys = pool(clock, ("k1",), rpd=1)
    assert await leased(keys, 1) == ["k1"]
    await keys.rate_limited("k1", retry_after=None, daily=True)
    assert await keys.lease() == NoKey(utc("2025-11-03T08:00:00"))
    clock.now = utc("2025-11-03T07:00:00")  # 23:00 PST, still the same day
    assert await leased(keys, 1) == [None]
    assert (await entry(keys, "…AAAA"))["requests_today"] == 1
    clock.now = utc("2025-11-03T08:00:00")
    assert await leased(keys, 1) == ["k1"]


async def spread(keys: KeyPool, clock: Clock, per_minute: int, minutes: int) -> None:
    """`per_minute` requests at the start of each of `minutes` minutes; ends at the last one."""
    for minute in range(minutes):
        if minute:
            clock.advance(60)
        await leased(keys, per_minute)


async def test_exhaustion_is_predicted_from_the_recent_rate() -> None:
    clock = Clock()
    keys = pool(clock, ("k1", "k2"), rpd=100)
    await spread(keys, clock, per_minute=2, minutes=10)
    # Now 19:09:00. k1: 10 requests in the last 540 s, 90 left of 100: 4860 s (81 minutes).
    snapshot = await keys.snapshot()
    k1 = snapshot["keys"][0]
    assert k1["predicted_exhaustion"] == "2025-06-10T20:30:00+00:00"
    assert k1["resets_at"]["rpd"] == "2025-06-11T07:00:00+00:00"
    # The pool: 20 requests in 540 s (one per 27 s) and 180 left: the same 81 minutes.
    pool_view = snapshot["pool"]
    assert pool_view["predicted_exhaustion"] == "2025-06-10T20:30:00+00:00"
    assert (pool_view["requests_today"], pool_view["remaining_today"]) == (20, 180)
    assert pool_view["recent_requests_per_minute"] == pytest.approx(60 / 27, abs=0.01)


async def test_no_prediction_without_a_limit_traffic_or_before_the_reset() -> None:
    clock = Clock()
    unlimited = pool(clock, ("k1",))
    await spread(unlimited, clock, per_minute=5, minutes=3)
    assert (await unlimited.snapshot())["pool"]["predicted_exhaustion"] is None
    idle = pool(clock, ("k1",), rpd=10)
    assert (await idle.snapshot())["pool"]["predicted_exhaustion"] is None
    quiet = pool(clock, ("k1",), rpd=100)
    await spread(quiet, clock, per_minute=1, minutes=2)
    clock.advance(15 * 60)  # the traffic is no longer recent
    assert (await entry(quiet, "…AAAA"))["predicted_exhaustion"] is None
    late = Clock(utc("2025-06-11T06:50:00"))  # 23:50 PDT: 10 minutes of the day left
    slow = pool(late, ("k1",), rpd=1000)
    await spread(slow, late, per_minute=1, minutes=3)
    assert (await entry(slow, "…AAAA"))["predicted_exhaustion"] is None


async def test_a_spent_allowance_is_exhausted_now() -> None:
    clock = Clock()
    keys = pool(clock, ("k1",), rpd=2)
    await leased(keys, 2)
    view = await keys.snapshot()
    assert view["keys"][0]["predicted_exhaustion"] == "2025-06-10T19:00:00+00:00"
    assert view["pool"]["predicted_exhaustion"] == "2025-06-10T19:00:00+00:00"
    assert (view["pool"]["exhausted"], view["pool"]["available"]) == (1, 0)


async def test_the_snapshot_shows_labels_states_and_a_pool_summary() -> None:
    clock = Clock()
    keys = pool(clock, rpm=10)
    await leased(keys, 3)
    await keys.succeeded("k1")
    await keys.rate_limited("k2", retry_after=60, daily=False)
    await keys.disable("k3", "API_KEY_INVALID")
    view = await keys.snapshot()
    assert [item["key"] for item in view["keys"]] == ["…AAAA", "…BBBB", "…CCCC"]
    assert all(set(item) == ENTRY_FIELDS for item in view["keys"])
    assert [item["state"] for item in view["keys"]] == ["available", "cooling", "disabled"]
    summary = view["pool"]
    assert (summary["key_count"], summary["available"], summary["cooling"]) == (3, 1, 1)
    assert (summary["disabled"], summary["requests"], summary["successes"]) == (1, 3, 1)
    assert (summary["rate_limited"], summary["rpm_limit"], summary["shared"]) == (1, 10, False)
    assert summary["available_at"] == "2025-06-10T19:00:00+00:00"
    assert "k1" not in str(view)


async def test_reports_about_unknown_keys_change_nothing() -> None:
    keys = pool(Clock(), ("k1",))
    await keys.rate_limited("nope", retry_after=30, daily=False)
    await keys.disable("nope", "API_KEY_INVALID")
    assert await leased(keys, 1) == ["k1"]


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        KeyPool(KEYS, rpm=0)
