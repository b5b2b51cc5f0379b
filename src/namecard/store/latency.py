"""Notion's recent answer times: the p95 of the last calls, for the reply's save forecast."""

from __future__ import annotations

import math
from collections import deque

RECENT_CALLS = 100
# Before any call was timed: a guess near Notion's usual answer time for a page write.
DEFAULT_P95_SECONDS = 0.5


class RecentLatency:
    """The last `size` call durations (seconds); `p95()` over them, nearest-rank."""

    def __init__(self, size: int = RECENT_CALLS, default: float = DEFAULT_P95_SECONDS) -> None:
        self._seconds: deque[float] = deque(maxlen=size)
        self._default = default

    def record(self, seconds: float) -> None:
        self._seconds.append(max(seconds, 0.0))

    def p95(self) -> float:
        if not self._seconds:
            return self._default
        ordered = sorted(self._seconds)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
