"""Token buckets pacing calls to an API (Notion allows about 3 requests/s per integration)."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

RECENT_WINDOW_SECONDS = 10.0  # the "current rate" in stats is measured over this window
_RECENT_GRANTS_KEPT = 1_000  # bounds memory; far above any rate Notion allows over the window


class RateLimiter(Protocol):
    """Paces calls: `acquire()` returns when the caller may send its request. `reservation()`
    takes a token now and says how long to wait before using it (the caller sleeps itself);
    `predicted_wait()` says how long a token taken now would wait, without taking one; `rate` is
    the tokens granted per second."""

    rate: float

    async def acquire(self) -> None: ...

    async def reservation(self) -> float: ...

    async def predicted_wait(self) -> float: ...

    def stats(self) -> dict[str, Any]: ...


def wait_for_token(tokens: float, rate: float) -> float:
    """Seconds until a bucket holding `tokens` (negative: reservations queued) has one more."""
    return 0.0 if tokens >= 1 else (1 - tokens) / rate


class LimiterStats:
    """What a limiter granted in this process: how often callers waited, how long, how fast."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.granted = 0
        self.waited = 0
        self.wait_seconds = 0.0
        self._grants: deque[float] = deque(maxlen=_RECENT_GRANTS_KEPT)

    def record(self, now: float, wait: float) -> None:
        """One token granted at `now`, to be used `wait` seconds later."""
        self.granted += 1
        if wait > 0:
            self.waited += 1
            self.wait_seconds += wait
        self._grants.append(now + wait)

    def describe(self, now: float) -> dict[str, Any]:
        since = now - RECENT_WINDOW_SECONDS
        recent = sum(1 for at in self._grants if since < at <= now)
        return {
            "rate_per_second": self.rate,
            "burst": self.burst,
            "granted": self.granted,
            "waits": self.waited,
            "wait_seconds_total": round(self.wait_seconds, 3),
            "current_per_second": round(recent / RECENT_WINDOW_SECONDS, 3),
        }


class TokenBucket:
    """`rate` calls per second on average, bursts of up to `burst`. Each caller reserves a slot
    and sleeps until it, so waiters are served in arrival order instead of racing into 429s.
    Per process; `RedisTokenBucket` shares the same arithmetic between processes."""

    def __init__(
        self, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()
        self._stats = LimiterStats(rate, burst)

    def reserve(self) -> float:
        """Take one token now; return how many seconds the caller must wait before using it."""
        now = self._refill()
        self._tokens -= 1
        wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
        self._stats.record(now, wait)
        return wait

    def peek(self) -> float:
        """The wait a token taken now would get (the queue of reservations ahead of it)."""
        self._refill()
        return wait_for_token(self._tokens, self.rate)

    def _refill(self) -> float:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + max(now - self._updated, 0.0) * self.rate)
        self._updated = max(now, self._updated)
        return now

    async def reservation(self) -> float:
        return self.reserve()

    async def predicted_wait(self) -> float:
        return self.peek()

    async def acquire(self) -> None:
        wait = self.reserve()
        if wait > 0:
            await asyncio.sleep(wait)

    def stats(self) -> dict[str, Any]:
        return self._stats.describe(self._clock()) | {"shared": False}
