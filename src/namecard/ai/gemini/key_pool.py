"""Which Gemini key to use now: round-robin over the keys that are neither cooling down, out of
quota nor disabled, with per-key usage and quota predictions (in process; see key_pool_redis)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from namecard.ai.gemini.quota_clock import (
    KeyState,
    KeyUsage,
    QuotaLimits,
    QuotaWindow,
    describe,
    earliest,
    iso_utc,
)

__all__ = ["KeyPool", "KeyPoolProtocol", "KeyState", "Lease", "NoKey"]

logger = logging.getLogger(__name__)

# Backoff after a 429 without a retry delay: 2 s, 4 s, 8 s, ... per consecutive 429, capped.
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 300.0
DISABLED_DEFAULT_REASON = "disabled"


@dataclass(frozen=True)
class Lease:
    """A key to use now; its request is already counted."""

    key_id: str


@dataclass(frozen=True)
class NoKey:
    """No key is usable now; `available_at`: when one is (epoch s), None if all are disabled."""

    available_at: float | None


class KeyPoolProtocol(Protocol):
    async def lease(self) -> Lease | NoKey: ...

    async def succeeded(self, key_id: str) -> None: ...

    async def rate_limited(
        self, key_id: str, *, retry_after: float | None, daily: bool
    ) -> None: ...

    async def failed(self, key_id: str) -> None:
        """A 5xx, timeout or connection error: counted, no cooldown."""
        ...

    async def disable(self, key_id: str, reason: str) -> None: ...

    async def snapshot(self) -> dict[str, Any]:
        """{"keys": [one entry per key], "pool": {summary}} for /stats."""
        ...


def backoff_seconds(streak: int) -> float:
    """The cooldown after a 429 without a retry delay, `streak` 429s in a row before it."""
    return min(BACKOFF_BASE_SECONDS * 2.0 ** min(streak, 16), BACKOFF_CAP_SECONDS)


def fixed_cooldown(window: QuotaWindow, retry_after: float | None, daily: bool) -> float | None:
    """The end of a 429's cooldown when it does not depend on the streak: the next Pacific
    midnight for a daily quota, else now + the server's retry delay; None means back off."""
    if daily:
        return window.next_day
    if retry_after is not None:
        return window.now + max(retry_after, 0.0)
    return None


@dataclass
class _KeyRecord:
    """The mutable in-process state of one key."""

    requests: int = 0
    successes: int = 0
    rate_limited: int = 0
    errors: int = 0
    streak: int = 0
    cooldown_until: float = 0.0
    disabled_reason: str | None = None
    per_minute: dict[int, int] = field(default_factory=dict)
    day: str = ""
    today: int = 0

    def count_request(self, window: QuotaWindow) -> None:
        self.requests += 1
        self.per_minute[window.minute] = self.per_minute.get(window.minute, 0) + 1
        for minute in [m for m in self.per_minute if m < window.recent_minutes[0]]:
            del self.per_minute[minute]
        if self.day != window.day:
            self.day, self.today = window.day, 0
        self.today += 1

    def usage(self, key_id: str, window: QuotaWindow) -> KeyUsage:
        return KeyUsage(
            key_id=key_id,
            requests=self.requests,
            successes=self.successes,
            rate_limited=self.rate_limited,
            errors=self.errors,
            cooldown_until=self.cooldown_until,
            disabled_reason=self.disabled_reason,
            requests_this_minute=self.per_minute.get(window.minute, 0),
            requests_today=self.today if self.day == window.day else 0,
            recent=dict(self.per_minute),
        )


class KeyPool:
    """The pool of one process: synchronous, clock-injected decisions plus async wrappers that
    implement KeyPoolProtocol. Reports about unknown key ids are logged and ignored."""

    def __init__(
        self,
        key_ids: Sequence[str],
        *,
        labels: Mapping[str, str] | None = None,
        rpm: int | None = None,
        rpd: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key_ids: tuple[str, ...] = tuple(dict.fromkeys(key_ids))
        self.labels: dict[str, str] = dict(labels or {})
        self.limits = QuotaLimits(rpm, rpd)
        self._clock = clock
        self._records = {key_id: _KeyRecord() for key_id in self.key_ids}
        self._next = 0

    def try_lease(self) -> Lease | NoKey:
        """The next usable key after the last one handed out, its request counted."""
        window = QuotaWindow.at(self._clock())
        count = len(self.key_ids)
        waits: list[float | None] = []
        for step in range(count):
            index = (self._next + step) % count
            key_id = self.key_ids[index]
            ready = self.limits.ready_at(self._records[key_id].usage(key_id, window), window)
            if ready is not None and ready <= window.now:
                self.record_lease(key_id)
                return Lease(key_id)
            waits.append(ready)
        return NoKey(earliest(waits))

    def record_lease(self, key_id: str) -> None:
        """Count a request on a key handed out (here or by a shared pool this one mirrors)."""
        if record := self._record(key_id):
            record.count_request(QuotaWindow.at(self._clock()))
            self._next = (self.key_ids.index(key_id) + 1) % len(self.key_ids)

    def record_success(self, key_id: str) -> None:
        if record := self._record(key_id):
            record.successes += 1
            record.streak = 0

    def record_rate_limit(self, key_id: str, *, retry_after: float | None, daily: bool) -> None:
        if not (record := self._record(key_id)):
            return
        window = QuotaWindow.at(self._clock())
        until = fixed_cooldown(window, retry_after, daily)
        if until is None:
            until = window.now + backoff_seconds(record.streak)
        record.rate_limited += 1
        record.streak += 1
        record.cooldown_until = max(record.cooldown_until, until)
        logger.info("gemini key %s rate limited until %s", self._label(key_id), iso_utc(until))

    def record_failure(self, key_id: str) -> None:
        if record := self._record(key_id):
            record.errors += 1

    def record_disabled(self, key_id: str, reason: str) -> None:
        if record := self._record(key_id):
            record.disabled_reason = reason or DISABLED_DEFAULT_REASON
            logger.warning("gemini key %s disabled: %s", self._label(key_id), reason)

    def describe(self, *, shared: bool = False) -> dict[str, Any]:
        window = QuotaWindow.at(self._clock())
        usages = [self._records[key_id].usage(key_id, window) for key_id in self.key_ids]
        return describe(usages, self.labels, self.limits, window, shared=shared)

    async def lease(self) -> Lease | NoKey:
        return self.try_lease()

    async def succeeded(self, key_id: str) -> None:
        self.record_success(key_id)

    async def rate_limited(self, key_id: str, *, retry_after: float | None, daily: bool) -> None:
        self.record_rate_limit(key_id, retry_after=retry_after, daily=daily)

    async def failed(self, key_id: str) -> None:
        self.record_failure(key_id)

    async def disable(self, key_id: str, reason: str) -> None:
        self.record_disabled(key_id, reason)

    async def snapshot(self) -> dict[str, Any]:
        return self.describe()

    def _record(self, key_id: str) -> _KeyRecord | None:
        record = self._records.get(key_id)
        if record is None:
            logger.warning("report about unknown gemini key id %s ignored", key_id)
        return record

    def _label(self, key_id: str) -> str:
        return self.labels.get(key_id, key_id)
