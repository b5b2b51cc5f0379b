"""The Notion request budget as a reply sees it: how soon a save started now would be done,
with the save's first request reserved at that moment so the forecast holds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from cachetools import TTLCache

from namecard.store.latency import RecentLatency
from namecard.store.rate_limit import RateLimiter

PREPAID_TTL_SECONDS = 600.0  # a reservation its save never used is forgotten after this
PREPAID_ENTRIES = 10_000
BEHIND_EPSILON = 1e-3  # float noise of the bucket arithmetic, far below one token's interval

# The reservation the running save's next request may use (set per task by `claim`).
_prepaid: ContextVar[float | None] = ContextVar("notion_prepaid", default=None)


class SaveBudget:
    """Wraps the rate limiter: `forecast` reserves a card's first request and predicts when
    its save is done; `claim` hands that reservation to the save's task; `acquire` spends it
    (or takes a token like any request); `timed` feeds Notion's recent p95 answer time."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter
        self.latency = RecentLatency()
        self._reserved: TTLCache[str, float] = TTLCache(PREPAID_ENTRIES, PREPAID_TTL_SECONDS)

    async def forecast(self, card_id: str, calls: int) -> tuple[float, float]:
        """Seconds until a save of `calls` requests started now is done, and how long its first
        request waits *behind* reservations made before it (0 when the bucket holds a token or
        is only refilling the one it takes, i.e. when no earlier save is ahead of it): the
        first request waits its reserved turn; each later one waits in the queue of that moment
        (about the same turn again) and every request takes Notion's recent p95."""
        wait = await self.limiter.reservation()
        self._reserved[card_id] = asyncio.get_running_loop().time() + wait
        behind = wait - 1 / self.limiter.rate
        return calls * (wait + self.latency.p95()), behind if behind > BEHIND_EPSILON else 0.0

    def claim(self, card_id: str) -> None:
        _prepaid.set(self._reserved.pop(card_id, None))

    async def acquire(self) -> None:
        ready = _prepaid.get()
        if ready is None:
            await self.limiter.acquire()
            return
        _prepaid.set(None)
        delay = ready - asyncio.get_running_loop().time()
        if delay > 0:
            await asyncio.sleep(delay)

    @contextmanager
    def timed(self) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.latency.record(time.monotonic() - started)
