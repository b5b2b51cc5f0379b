"""What the Notion writer is doing, for /stats: saves waiting, in flight, done, and why retried."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class WriterStats:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self.counts: Counter[str] = Counter()  # written, updated, duplicates_avoided, failures
        self.errors: Counter[str] = Counter()  # by cause: rate_limited, overloaded, server, …
        self._waiting = 0
        self._in_flight: dict[int, float] = {}  # save → when it started

    @contextmanager
    def waiting_for_budget(self) -> Iterator[None]:
        self._waiting += 1
        try:
            yield
        finally:
            self._waiting -= 1

    @contextmanager
    def saving(self) -> Iterator[None]:
        token = id(object())
        self._in_flight[token] = self._clock()
        try:
            yield
        finally:
            self._in_flight.pop(token, None)

    def error(self, status: int | None) -> None:
        self.errors[_cause(status)] += 1

    def describe(self, limiter: dict[str, Any]) -> dict[str, Any]:
        now = self._clock()
        oldest = min(self._in_flight.values(), default=None)
        return {
            "queued": self._waiting,
            "in_flight": len(self._in_flight),
            "written": self.counts["written"],
            "updated": self.counts["updated"],
            "duplicates_avoided": self.counts["duplicates_avoided"],
            "failures": self.counts["failures"],
            "retries_by_cause": dict(self.errors),
            "current_rate_per_second": limiter.get("current_per_second"),
            "oldest_waiting_save_seconds": round(now - oldest, 1) if oldest else None,
            "limiter": limiter,
        }


def _cause(status: int | None) -> str:
    if status is None:
        return "unreachable"
    return {429: "rate_limited", 529: "overloaded", 409: "conflict"}.get(
        status, "server_error" if status >= 500 else f"http_{status}"
    )
