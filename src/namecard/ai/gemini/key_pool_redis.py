"""The Gemini key pool shared by every worker process and instance through Redis: a Lua script
makes each lease decision atomically; while Redis is down, this process's own pool takes over."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from namecard.ai.gemini.key_pool import (
    BACKOFF_BASE_SECONDS,
    BACKOFF_CAP_SECONDS,
    DISABLED_DEFAULT_REASON,
    KeyPool,
    Lease,
    NoKey,
    fixed_cooldown,
)
from namecard.ai.gemini.quota_clock import RECENT_MINUTES, SECONDS_PER_MINUTE, KeyUsage, QuotaWindow
from namecard.ai.gemini.quota_clock import describe as describe_pool
from namecard.domain.errors import StateUnavailable
from namecard.state.client import NO_PREFIX, Redis, run_script
from namecard.state.faults import faults_as_unavailable
from namecard.state.keys import KeySpace

logger = logging.getLogger(__name__)

# Per-minute counters also feed the recent rate, so they outlive their minute.
MINUTE_TTL_SECONDS = (RECENT_MINUTES + 1) * SECONDS_PER_MINUTE
DAY_TTL_SECONDS = 2 * 24 * 3600  # a Pacific day lasts at most 25 h

# KEYS: cursor, then n stats hashes, n minute counters, n day counters (in key order).
# ARGV: n, now, rpm (0: none), rpd (0: none), next minute, next Pacific midnight, TTLs.
# Returns {1, index} for a lease (its request counted), else {0, earliest ready time or ""}.
LEASE_LUA = """
local n, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local rpm, rpd = tonumber(ARGV[3]), tonumber(ARGV[4])
local next_minute, next_day = tonumber(ARGV[5]), tonumber(ARGV[6])
local start = tonumber(redis.call('GET', KEYS[1]) or '0') % n
local earliest = nil
for step = 0, n - 1 do
  local i = (start + step) % n
  local stats, minute, day = KEYS[2 + i], KEYS[2 + n + i], KEYS[2 + 2 * n + i]
  local fields = redis.call('HMGET', stats, 'disabled_reason', 'cooldown_until')
  if not fields[1] then
    local ready = math.max(tonumber(fields[2] or '0'), now)
    if rpm > 0 and tonumber(redis.call('GET', minute) or '0') >= rpm then
      ready = math.max(ready, next_minute)
    end
    if rpd > 0 and tonumber(redis.call('GET', day) or '0') >= rpd then
      ready = math.max(ready, next_day)
    end
    if ready <= now then
      redis.call('SET', KEYS[1], (i + 1) % n)
      redis.call('HINCRBY', stats, 'requests', 1)
      redis.call('INCR', minute)
      redis.call('EXPIRE', minute, ARGV[7])
      redis.call('INCR', day)
      redis.call('EXPIRE', day, ARGV[8])
      return {1, i}
    end
    if earliest == nil or ready < earliest then earliest = ready end
  end
end
if earliest == nil then return {0, ''} end
return {0, string.format('%.6f', earliest)}
"""

# KEYS: the stats hash. ARGV: now, fixed end of the cooldown ("" to back off), base, cap.
RATE_LIMITED_LUA = """
local now = tonumber(ARGV[1])
local streak = tonumber(redis.call('HGET', KEYS[1], 'streak') or '0')
local untl = tonumber(ARGV[2])
if untl == nil then
  untl = now + math.min(tonumber(ARGV[3]) * 2 ^ math.min(streak, 16), tonumber(ARGV[4]))
end
local current = tonumber(redis.call('HGET', KEYS[1], 'cooldown_until') or '0')
if untl > current then
  redis.call('HSET', KEYS[1], 'cooldown_until', string.format('%.6f', untl))
end
redis.call('HINCRBY', KEYS[1], 'streak', 1)
redis.call('HINCRBY', KEYS[1], 'rate_limited', 1)
return string.format('%.6f', untl)
"""


class RedisKeyPool:
    """Implements KeyPoolProtocol with cooldowns, disabled keys, counters and the round-robin
    cursor in Redis. Every process must use the same key ids for the same keys, in one order.
    A local KeyPool mirrors this process's leases and reports, and serves while Redis is down."""

    def __init__(
        self,
        redis: Redis,
        key_ids: Sequence[str],
        *,
        labels: Mapping[str, str] | None = None,
        rpm: int | None = None,
        rpd: int | None = None,
        keys: KeySpace = NO_PREFIX,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._local = KeyPool(key_ids, labels=labels, rpm=rpm, rpd=rpd, clock=clock)
        self._redis = redis
        self._keys = keys
        self._clock = clock
        self._lease_script = redis.register_script(LEASE_LUA)
        self._rate_limited_script = redis.register_script(RATE_LIMITED_LUA)
        self._degraded = False

    async def lease(self) -> Lease | NoKey:
        ids = self._local.key_ids
        if not ids:
            return NoKey(None)
        window = QuotaWindow.at(self._clock())
        keys = [self._keys.key_pool("cursor"), *map(self._stats_key, ids)]
        keys += [self._minute_key(key_id, window.minute) for key_id in ids]
        keys += [self._day_key(key_id, window.day) for key_id in ids]
        limits = self._local.limits
        args = [len(ids), window.now, limits.rpm or 0, limits.rpd or 0, window.next_minute]
        args += [window.next_day, MINUTE_TTL_SECONDS, DAY_TTL_SECONDS]
        try:
            found, value = await run_script(self._lease_script, keys, args)
        except StateUnavailable as exc:
            self._fault("lease", exc)
            return self._local.try_lease()
        self._answered()
        if int(found):
            self._local.record_lease(ids[int(value)])
            return Lease(ids[int(value)])
        return NoKey(float(value) if value else None)

    async def succeeded(self, key_id: str) -> None:
        if self._known(key_id):
            self._local.record_success(key_id)
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hincrby(self._stats_key(key_id), "successes", 1)
                pipe.hset(self._stats_key(key_id), "streak", 0)
                await self._report("success", pipe.execute())

    async def rate_limited(self, key_id: str, *, retry_after: float | None, daily: bool) -> None:
        if self._known(key_id):
            self._local.record_rate_limit(key_id, retry_after=retry_after, daily=daily)
            window = QuotaWindow.at(self._clock())
            until = fixed_cooldown(window, retry_after, daily)
            args = [window.now, "" if until is None else until]
            args += [BACKOFF_BASE_SECONDS, BACKOFF_CAP_SECONDS]
            keys = [self._stats_key(key_id)]
            await self._report("rate limit", self._rate_limited_script(keys=keys, args=args))

    async def failed(self, key_id: str) -> None:
        if self._known(key_id):
            self._local.record_failure(key_id)
            await self._report("error", self._redis.hincrby(self._stats_key(key_id), "errors", 1))

    async def disable(self, key_id: str, reason: str) -> None:
        if self._known(key_id):
            self._local.record_disabled(key_id, reason)
            reason = reason or DISABLED_DEFAULT_REASON
            stats = self._stats_key(key_id)
            await self._report("disable", self._redis.hset(stats, "disabled_reason", reason))

    async def snapshot(self) -> dict[str, Any]:
        window = QuotaWindow.at(self._clock())
        try:
            with faults_as_unavailable():
                usages = await self._read_usages(window)
        except StateUnavailable as exc:
            self._fault("snapshot", exc)
            return self._local.describe(shared=False)
        self._answered()
        labels, limits = self._local.labels, self._local.limits
        return describe_pool(usages, labels, limits, window, shared=True)

    async def _read_usages(self, window: QuotaWindow) -> list[KeyUsage]:
        ids = self._local.key_ids
        async with self._redis.pipeline(transaction=False) as pipe:
            for key_id in ids:
                pipe.hgetall(self._stats_key(key_id))
                pipe.get(self._day_key(key_id, window.day))
                pipe.mget([self._minute_key(key_id, m) for m in window.recent_minutes])
            replies = await pipe.execute()
        return [
            _usage(key_id, window, *replies[3 * index : 3 * index + 3])
            for index, key_id in enumerate(ids)
        ]

    async def _report(self, what: str, pending: Awaitable[Any]) -> None:
        try:
            with faults_as_unavailable():
                await pending
        except StateUnavailable as exc:
            self._fault(what, exc)

    def _known(self, key_id: str) -> bool:
        if key_id in self._local.key_ids:
            return True
        logger.warning("report about unknown gemini key id %s ignored", key_id)
        return False

    def _fault(self, what: str, exc: StateUnavailable) -> None:
        if not self._degraded:
            self._degraded = True
            logger.warning(
                "Redis unavailable for the gemini key pool (%s: %s); this process uses its own "
                "pool and drops shared reports until Redis answers",
                what,
                exc,
            )

    def _answered(self) -> None:
        if self._degraded:
            self._degraded = False
            logger.info("Redis answers again; the gemini key pool is shared again")

    def _stats_key(self, key_id: str) -> str:
        return self._keys.key_pool(f"key:{key_id}")

    def _minute_key(self, key_id: str, minute: int) -> str:
        return self._keys.key_pool(f"minute:{key_id}:{minute}")

    def _day_key(self, key_id: str, day: str) -> str:
        return self._keys.key_pool(f"day:{key_id}:{day}")


def _text(value: Any) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _usage(
    key_id: str, window: QuotaWindow, stats: Mapping[Any, Any], today: Any, recent: list[Any]
) -> KeyUsage:
    fields = {_text(name): _text(value) for name, value in stats.items()}
    per_minute = {
        m: int(count) for m, count in zip(window.recent_minutes, recent, strict=True) if count
    }
    return KeyUsage(
        key_id=key_id,
        requests=int(fields.get("requests") or 0),
        successes=int(fields.get("successes") or 0),
        rate_limited=int(fields.get("rate_limited") or 0),
        errors=int(fields.get("errors") or 0),
        cooldown_until=float(fields.get("cooldown_until") or 0.0),
        disabled_reason=fields.get("disabled_reason"),
        requests_this_minute=per_minute.get(window.minute, 0),
        requests_today=int(today or 0),
        recent=per_minute,
    )
