"""L2: results shared by every worker and instance, as JSON strings in Redis with an expiry."""

from __future__ import annotations

import asyncio
import json
import logging
import math
from dataclasses import replace
from typing import Any

from namecard.cache.base import FaultLog, TierStats
from namecard.cache.memory import JSON_ERRORS, encode_compact
from namecard.state.client import NO_PREFIX, Redis
from namecard.state.keys import KeySpace

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 86400.0
DEFAULT_OP_TIMEOUT_SECONDS = 0.25


class GarbageValue(ValueError):
    """A stored value that is not a JSON object."""


class RedisCache:
    """Every operation is bounded by `op_timeout`, so a slow Redis costs a miss, not a job.
    `entries` and `bytes` count what this process wrote (Redis evicts on its own)."""

    name = "redis"

    def __init__(
        self,
        redis: Redis,
        *,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        keys: KeySpace = NO_PREFIX,
        op_timeout: float = DEFAULT_OP_TIMEOUT_SECONDS,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self._redis = redis
        self._keys = keys
        self._op_timeout = op_timeout
        self._stats = TierStats()
        self._faults = FaultLog(logger, self.name)

    async def get(self, key: str) -> dict[str, Any] | None:
        stored = self._keys.cache(key)
        try:
            async with asyncio.timeout(self._op_timeout):
                raw = await self._redis.get(stored)
        except Exception as exc:  # every fault of the tier is a miss, by contract
            self._miss("get", exc)
            return None
        if raw is None:
            self._stats.misses += 1
            return None
        try:
            value = _decode(raw)
        except GarbageValue as exc:
            await self._discard(stored)
            self._miss("decode", exc)
            return None
        self._stats.hits += 1
        return value

    async def set(self, key: str, value: dict[str, Any], ttl_seconds: float) -> None:
        ttl = min(ttl_seconds, self.ttl_seconds)
        if ttl <= 0:
            return
        try:
            encoded = encode_compact(value)
            async with asyncio.timeout(self._op_timeout):
                # EX is whole seconds; rounding up keeps short entries alive for at least `ttl`,
                # and the tiered cache's envelope expiry still ends them on time.
                await self._redis.set(self._keys.cache(key), encoded, ex=max(1, math.ceil(ttl)))
        except Exception as exc:  # a lost write is a later miss, never a failed job
            self._stats.errors += 1
            self._faults.record("set", exc)
            return
        self._stats.entries += 1
        self._stats.bytes += len(encoded.encode())

    def stats(self) -> TierStats:
        return replace(self._stats)

    async def aclose(self) -> None:
        """The Redis client belongs to whoever made it; nothing to release here."""

    def _miss(self, operation: str, exc: Exception) -> None:
        self._stats.misses += 1
        self._stats.errors += 1
        self._faults.record(operation, exc)

    async def _discard(self, stored: str) -> None:
        try:
            async with asyncio.timeout(self._op_timeout):
                await self._redis.delete(stored)
        except Exception as exc:  # the garbage stays until its own expiry
            self._faults.record("delete", exc)


def _decode(raw: bytes | str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except JSON_ERRORS as exc:
        raise GarbageValue("not JSON") from exc
    if not isinstance(value, dict):
        raise GarbageValue("not a JSON object")
    return value
