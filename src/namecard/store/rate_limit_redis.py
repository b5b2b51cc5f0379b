"""A token bucket shared by every worker process and instance through one Redis hash; while
Redis is down, each process paces itself with its own bucket."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from namecard.domain.errors import StateUnavailable
from namecard.state.client import Redis, run_script
from namecard.state.faults import faults_as_unavailable
from namecard.store.rate_limit import LimiterStats, TokenBucket, wait_for_token

logger = logging.getLogger(__name__)

IDLE_MARGIN_MS = 1_000  # the hash outlives the moment its bucket is full again by this much

# KEYS: the bucket hash (fields `tokens`, `updated`). ARGV: now (seconds), rate, burst, margin ms.
# Reserves one token (the balance may go negative: a queue of reservations) and returns the
# seconds the caller waits, as a string (Lua numbers become integers in replies). A clock that
# lags the last writer's adds nothing, so instances with slightly skewed clocks stay safe. The
# hash expires once the bucket would be full again: a missing hash is a full bucket.
RESERVE_LUA = """
local now, rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens, updated = tonumber(state[1]), tonumber(state[2])
if tokens == nil or updated == nil then
  tokens, updated = burst, now
end
if now > updated then
  tokens = math.min(burst, tokens + (now - updated) * rate)
  updated = now
end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens),
           'updated', string.format('%.17g', updated))
local full_in_ms = math.ceil((burst - tokens) / rate * 1000)
redis.call('PEXPIRE', KEYS[1], full_in_ms + tonumber(ARGV[4]))
if tokens >= 0 then return '0' end
return string.format('%.17g', -tokens / rate)
"""


class RedisTokenBucket:
    """Implements RateLimiter for all processes at once: `rate` calls per second on average and
    bursts of up to `burst`, counted in the Redis hash `key` by one atomic script. Reservations
    are served in arrival order across processes. `clock` must be wall time (shared by hosts)."""

    def __init__(
        self,
        redis: Redis,
        *,
        rate: float,
        burst: int,
        key: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._local = TokenBucket(rate, burst, clock=clock)  # validates rate and burst
        self.rate = rate
        self._key = key
        self._clock = clock
        self._redis = redis
        self._script = redis.register_script(RESERVE_LUA)
        self._stats = LimiterStats(rate, burst)
        self._degraded = False
        self._fallbacks = 0

    async def reserve(self) -> float:
        """Take one token from the shared bucket; return the seconds to wait before using it."""
        now = self._clock()
        try:
            reply = await run_script(self._script, [self._key], self._args(now))
            wait = max(float(reply), 0.0)
        except StateUnavailable as exc:
            self._fault(exc)
            self._fallbacks += 1
            wait = self._local.reserve()
        else:
            self._answered()
        self._stats.record(now, wait)
        return wait

    async def acquire(self) -> None:
        wait = await self.reserve()
        if wait > 0:
            await asyncio.sleep(wait)

    async def reservation(self) -> float:
        return await self.reserve()

    async def predicted_wait(self) -> float:
        """The shared queue's length in seconds, read without taking a token (HMGET; the
        refill arithmetic is the script's)."""
        now = self._clock()
        try:
            with faults_as_unavailable():
                tokens, updated = await self._redis.hmget(self._key, ["tokens", "updated"])
        except StateUnavailable:
            return self._local.peek()
        if tokens is None or updated is None:
            return 0.0  # a missing hash is a full bucket
        level = float(tokens) + max(now - float(updated), 0.0) * self._local.rate
        return wait_for_token(min(float(self._local.burst), level), self._local.rate)

    def stats(self) -> dict[str, Any]:
        extra = {"shared": not self._degraded, "local_fallbacks": self._fallbacks}
        return self._stats.describe(self._clock()) | extra

    def _args(self, now: float) -> list[float | int]:
        return [now, self._local.rate, self._local.burst, IDLE_MARGIN_MS]

    def _fault(self, exc: StateUnavailable) -> None:
        if not self._degraded:
            self._degraded = True
            logger.warning(
                "Redis unavailable for the Notion rate limiter (%s); this process paces "
                "itself alone until Redis answers",
                exc.fault,
            )

    def _answered(self) -> None:
        if self._degraded:
            self._degraded = False
            logger.info("Redis answers again; the Notion rate limiter is shared again")
