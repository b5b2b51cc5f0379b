"""Drops redelivered webhook events: each webhookEventId is claimed once for a TTL (LINE may
redeliver the same event, with the same id, for up to a day)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from cachetools import TTLCache

from namecard.domain.errors import StateUnavailable
from namecard.state.client import NO_PREFIX, Redis
from namecard.state.faults import faults_as_unavailable, unavailable_on_fault
from namecard.state.keys import KeySpace

logger = logging.getLogger(__name__)


class EventDedupe(Protocol):
    async def claim(self, event_id: str) -> bool:
        """True the first time an id is seen within the TTL, False for a duplicate."""
        ...

    async def release(self, event_id: str) -> None:
        """Forget a claim whose event could not be accepted, so a redelivery is processed."""
        ...

    async def confirm(self, event_id: str) -> bool:
        """For an event accepted while the claim could not be made: claim it now; False when
        another process holds the claim (it took a duplicate delivery of the event)."""
        ...


class MemoryDedupe:
    """In-process TTL set, bounded so a flood of ids cannot grow it without limit."""

    def __init__(
        self,
        ttl_seconds: float,
        *,
        max_entries: int = 200_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Expired ids are dropped by the cache; when full, the oldest claim goes first (a
        # membership test does not refresh an entry).
        self._seen: TTLCache[str, bool] = TTLCache(max_entries, ttl_seconds, timer=clock)

    async def claim(self, event_id: str) -> bool:
        if event_id in self._seen:
            return False
        self._seen[event_id] = True
        return True

    async def release(self, event_id: str) -> None:
        self._seen.pop(event_id, None)

    async def confirm(self, event_id: str) -> bool:
        return True  # one process: its claims never fail


class RedisDedupe:
    """Shared by every worker process and instance: SET NX with an expiry."""

    def __init__(
        self,
        redis: Redis,
        ttl_seconds: int,
        *,
        keys: KeySpace = NO_PREFIX,
        owner: str = "1",
    ) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._keys = keys
        self._owner = owner.encode()  # who claimed: lets `confirm` recognise its own claims

    async def claim(self, event_id: str) -> bool:
        try:
            with faults_as_unavailable():
                key = self._keys.dedupe(event_id)
                return bool(await self._redis.set(key, self._owner, nx=True, ex=self._ttl))
        except StateUnavailable as exc:
            # Accepting a possible duplicate beats refusing (and so losing) a photo.
            logger.warning("dedupe unavailable, accepting event %s: %s", event_id, exc)
            return True

    async def release(self, event_id: str) -> None:
        try:
            with faults_as_unavailable():
                await self._redis.delete(self._keys.dedupe(event_id))
        except StateUnavailable as exc:
            logger.warning("dedupe unavailable, could not release %s: %s", event_id, exc)

    @unavailable_on_fault
    async def confirm(self, event_id: str) -> bool:
        """Raises StateUnavailable while Redis is unreachable (the caller retries later)."""
        key = self._keys.dedupe(event_id)
        if await self._redis.set(key, self._owner, nx=True, ex=self._ttl):
            return True
        return bool(await self._redis.get(key) == self._owner)
