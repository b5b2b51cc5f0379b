"""Read-through cache over ordered tiers: promotion on lower hits, writes to all, single flight."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from namecard.cache.base import ResultCache

VALUE_FIELD = "v"
EXPIRY_FIELD = "exp"  # absolute, epoch seconds: a copy never outlives the entry it came from

Computed = tuple[dict[str, Any], float | None]
Found = tuple[dict[str, Any], str | None]


class TieredCache:
    """Tiers are ordered fastest first. Each tier stores `{"v": value, "exp": expiry}`, where
    the expiry is capped by that tier's own TTL, so a hit in a lower tier is copied up with
    exactly the life it has left. Values handed out are shared: treat them as read-only."""

    def __init__(
        self, tiers: Sequence[ResultCache], *, clock: Callable[[], float] = time.time
    ) -> None:
        self._tiers = tuple(tiers)
        self._clock = clock
        self._flights: dict[str, asyncio.Task[Found]] = {}
        self._hits = 0
        self._misses = 0
        self._coalesced = 0

    async def get(self, key: str) -> tuple[dict[str, Any], str] | None:
        """The value and the name of the tier that had it, or None on a miss in every tier."""
        for depth, tier in enumerate(self._tiers):
            opened = _open(await tier.get(key), self._clock())
            if opened is None:
                continue
            value, expires_at = opened
            await self._write(self._tiers[:depth], key, value, expires_at)
            self._hits += 1
            return value, tier.name
        self._misses += 1
        return None

    async def set(self, key: str, value: dict[str, Any], ttl_seconds: float) -> None:
        """Writes to every tier; each keeps the entry for `ttl_seconds` or its own TTL."""
        await self._write(self._tiers, key, value, self._clock() + ttl_seconds)

    async def get_or_compute(self, key: str, compute: Callable[[], Awaitable[Computed]]) -> Found:
        """The cached value and its tier, else `compute()`'s value and None. Concurrent callers
        for one key share a single lookup and a single `compute()`; a caller that is cancelled
        leaves it running for the others. `compute` returns (value, ttl); a ttl of None means
        "do not cache". Its exceptions reach every waiter and are never cached."""
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.create_task(self._lookup_or_compute(key, compute))
            self._flights[key] = flight
            flight.add_done_callback(partial(self._landed, key))
        else:
            self._coalesced += 1
        return await asyncio.shield(flight)

    def stats(self) -> dict[str, Any]:
        """Lookups (a shared flight is one), their hit rate, callers that joined a flight, and
        each tier's own counters."""
        lookups = self._hits + self._misses
        return {
            "hits": self._hits,
            "misses": self._misses,
            "hit_rate": round(self._hits / lookups, 4) if lookups else 0.0,
            "coalesced": self._coalesced,
            "in_flight": len(self._flights),
            "tiers": {tier.name: tier.stats().as_dict() for tier in self._tiers},
        }

    async def aclose(self) -> None:
        flights = list(self._flights.values())
        for flight in flights:
            flight.cancel()
        await asyncio.gather(*flights, return_exceptions=True)
        for tier in self._tiers:
            await tier.aclose()

    async def _lookup_or_compute(
        self, key: str, compute: Callable[[], Awaitable[Computed]]
    ) -> Found:
        found = await self.get(key)
        if found is not None:
            return found
        value, ttl_seconds = await compute()
        if ttl_seconds is not None:
            await self.set(key, value, ttl_seconds)
        return value, None

    def _landed(self, key: str, flight: asyncio.Task[Found]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if not flight.cancelled():
            flight.exception()  # retrieved here too: every waiter may have been cancelled

    async def _write(
        self, tiers: Sequence[ResultCache], key: str, value: dict[str, Any], expires_at: float
    ) -> None:
        now = self._clock()
        await asyncio.gather(*(_put(tier, key, value, now, expires_at) for tier in tiers))


async def _put(
    tier: ResultCache, key: str, value: dict[str, Any], now: float, expires_at: float
) -> None:
    ttl = min(expires_at - now, tier.ttl_seconds)
    if ttl > 0:
        await tier.set(key, {VALUE_FIELD: value, EXPIRY_FIELD: now + ttl}, ttl)


def _open(envelope: dict[str, Any] | None, now: float) -> tuple[dict[str, Any], float] | None:
    """The value and its expiry, or None when absent, malformed or already expired."""
    if envelope is None:
        return None
    value, expires_at = envelope.get(VALUE_FIELD), envelope.get(EXPIRY_FIELD)
    if not isinstance(value, dict) or isinstance(expires_at, bool):
        return None
    if not isinstance(expires_at, int | float) or expires_at <= now:
        return None
    return value, float(expires_at)
