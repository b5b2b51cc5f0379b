"""The protocol every cache tier implements, its statistics and burst-limited fault logging."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Protocol

FAULT_LOG_INTERVAL_SECONDS = 60.0


@dataclass(slots=True)
class TierStats:
    """Counters of one tier. A fault on `get` counts as a miss and as an error."""

    hits: int = 0
    misses: int = 0
    errors: int = 0
    entries: int = 0
    bytes: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class ResultCache(Protocol):
    """One tier. `get` and `set` never raise: a fault is a miss or a skipped write, counted in
    `errors`. `ttl_seconds` is the tier's cap: `set` keeps an entry at most that long."""

    name: str
    ttl_seconds: float

    async def get(self, key: str) -> dict[str, Any] | None: ...

    async def set(self, key: str, value: dict[str, Any], ttl_seconds: float) -> None: ...

    def stats(self) -> TierStats: ...

    async def aclose(self) -> None: ...


class FaultLog:
    """Logs a tier's faults at most once per interval, with the count of the ones held back,
    so a Redis outage under load is one warning a minute rather than one per photo."""

    def __init__(
        self,
        logger: logging.Logger,
        tier: str,
        *,
        interval: float = FAULT_LOG_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._tier = tier
        self._interval = interval
        self._clock = clock
        self._last: float | None = None
        self._suppressed = 0

    def record(self, operation: str, exc: BaseException) -> None:
        now = self._clock()
        if self._last is not None and now - self._last < self._interval:
            self._suppressed += 1
            return
        self._logger.warning(
            "cache tier %s: %s failed (%s: %s); continuing without it (%d more since last warning)",
            self._tier,
            operation,
            type(exc).__name__,
            exc,
            self._suppressed,
        )
        self._last = now
        self._suppressed = 0
