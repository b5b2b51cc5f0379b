"""L1: an in-process LRU of JSON results, bounded by entry count and by bytes, with a TTL."""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from namecard.cache.base import FaultLog, TierStats

logger = logging.getLogger(__name__)

DEFAULT_MAX_ENTRIES = 100
DEFAULT_TTL_SECONDS = 3600.0
# What json raises for values it cannot encode or text it cannot decode (deep nesting included).
JSON_ERRORS = (TypeError, ValueError, RecursionError)


@dataclass(frozen=True, slots=True)
class _Entry:
    encoded: str  # kept encoded: callers can never mutate a cached value in place
    size: int
    expires_at: float


def encode_compact(value: dict[str, Any]) -> str:
    """The compact JSON form every tier stores; its UTF-8 length is an entry's size."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class MemoryCache:
    """Least recently used entries go first when either bound is exceeded.

    Hand-written rather than cachetools: it keeps two bounds at once (entries and bytes) and a
    per-entry TTL capped by the tier's, and counts hits, misses and faults for /stats."""

    name = "memory"

    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("max_entries and max_bytes must be positive")
        self.ttl_seconds = ttl_seconds
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._stats = TierStats()
        self._faults = FaultLog(logger, self.name)

    async def get(self, key: str) -> dict[str, Any] | None:
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at <= self._clock():
            self._drop(key)
            entry = None
        if entry is None:
            self._stats.misses += 1
            return None
        self._entries.move_to_end(key)
        self._stats.hits += 1
        value: dict[str, Any] = json.loads(entry.encoded)
        return value

    async def set(self, key: str, value: dict[str, Any], ttl_seconds: float) -> None:
        ttl = min(ttl_seconds, self.ttl_seconds)
        try:
            encoded = encode_compact(value)
        except JSON_ERRORS as exc:
            self._stats.errors += 1
            self._faults.record("encode", exc)
            return
        size = len(encoded.encode())
        self._drop(key)
        if ttl <= 0 or size > self._max_bytes:
            return
        self._entries[key] = _Entry(encoded, size, self._clock() + ttl)
        self._bytes += size
        self._evict()

    def stats(self) -> TierStats:
        return replace(self._stats, entries=len(self._entries), bytes=self._bytes)

    async def aclose(self) -> None:
        self._entries.clear()
        self._bytes = 0

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry.size

    def _evict(self) -> None:
        while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            _, oldest = self._entries.popitem(last=False)
            self._bytes -= oldest.size
