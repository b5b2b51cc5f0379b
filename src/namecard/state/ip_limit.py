"""Requests per client IP and hour (GCRA), in process or shared by every instance through Redis.

GCRA keeps one number per address, the theoretical arrival time of its next request: the
guide's "100 an hour" becomes 100 at once, then one every 36 s, and a refused request is told
exactly when the next one is allowed. The Redis variant is a Lua script, as our other shared
limiters are, so the check and the update are one atomic step for every worker and instance.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cachetools import TTLCache

from namecard.state.client import Redis, SharedRedis
from namecard.state.faults import REDIS_FAULTS
from namecard.state.keys import KeySpace

logger = logging.getLogger(__name__)

HOUR_SECONDS = 3600.0
MEMORY_ADDRESSES = 10_000  # addresses remembered per process; the least recent go first
HASHED_IP_CHARS = 16
IPV6, IPV6_PREFIX = 6, 64

# KEYS: the address's TAT. ARGV: now, interval, tolerance (seconds). Returns the seconds to
# wait as a string ('0': allowed, TAT advanced); a refusal leaves the TAT alone. The key lives
# until its TAT has passed: a missing key is an address with its whole hour available.
GCRA_LUA = """
local now, interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if tat < now then tat = now end
if tat - now > tolerance then
  return string.format('%.17g', tat - now - tolerance)
end
tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.17g', tat), 'PX', math.ceil((tat - now) * 1000))
return '0'
"""


@dataclass(frozen=True, slots=True)
class HourlyRate:
    """`per_hour` requests at once, then one every hour/per_hour seconds."""

    per_hour: int

    @property
    def interval(self) -> float:
        return HOUR_SECONDS / self.per_hour

    @property
    def tolerance(self) -> float:
        return HOUR_SECONDS - self.interval


def subject(ip: str) -> str:
    """What one limit covers: an IPv4 address, or an IPv6 /64 (what one subscriber usually
    gets, so rotating addresses inside it buys nothing)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == IPV6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def gcra(tat: float | None, now: float, rate: HourlyRate) -> tuple[float | None, float]:
    """(the new TAT, 0) when a request is allowed now; (None, seconds to wait) when not."""
    tat = max(tat if tat is not None else now, now)
    if tat - now > rate.tolerance:
        return None, tat - now - rate.tolerance
    return tat + rate.interval, 0.0


class IpLimiter(Protocol):
    async def retry_after(self, ip: str) -> float:
        """Count one request from `ip`; 0 when allowed, else the seconds until it would be."""

    def stats(self) -> dict[str, Any]: ...


class MemoryIpLimiter:
    """Per process. An entry outlives its TAT (at most an hour ahead), so expiry loses nothing."""

    def __init__(self, rate: HourlyRate, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate
        self._clock = clock
        self._tats: TTLCache[str, float] = TTLCache(MEMORY_ADDRESSES, HOUR_SECONDS, timer=clock)
        self.counts: Counter[str] = Counter(limited=0)

    async def retry_after(self, ip: str) -> float:
        key = subject(ip)
        tat, wait = gcra(self._tats.get(key), self._clock(), self._rate)
        if tat is not None:
            self._tats[key] = tat
        else:
            self.counts["limited"] += 1
        return wait

    def stats(self) -> dict[str, Any]:
        return {"per_hour": self._rate.per_hour, "shared": False, **self.counts}


class RedisIpLimiter:
    """Shared by every worker and instance; while Redis fails, each process counts alone.
    Addresses are stored hashed. `clock` must be wall time (shared by hosts)."""

    def __init__(
        self,
        redis: Redis,
        rate: HourlyRate,
        *,
        keys: KeySpace,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._rate = rate
        self._keys = keys
        self._clock = clock
        self._script = redis.register_script(GCRA_LUA)
        self._local = MemoryIpLimiter(rate)
        self.counts: Counter[str] = Counter(limited=0, redis_errors=0)

    async def retry_after(self, ip: str) -> float:
        hashed = hashlib.sha256(subject(ip).encode()).hexdigest()[:HASHED_IP_CHARS]
        key = self._keys.ip_limit(hashed)
        args = [self._clock(), self._rate.interval, self._rate.tolerance]
        try:
            wait = max(float(await self._script(keys=[key], args=args)), 0.0)
        except REDIS_FAULTS as exc:
            if not self.counts["redis_errors"]:
                logger.warning("per-IP limit: Redis failed (%s); counting in this process", exc)
            self.counts["redis_errors"] += 1
            return await self._local.retry_after(ip)
        if wait > 0:
            self.counts["limited"] += 1
        return wait

    def stats(self) -> dict[str, Any]:
        return {"per_hour": self._rate.per_hour, "shared": True, **self.counts}


def build_ip_limiter(per_hour: int, redis: SharedRedis | None) -> IpLimiter | None:
    """None when the limit is off (IP_RATE_PER_HOUR=0)."""
    if per_hour <= 0:
        return None
    rate = HourlyRate(per_hour)
    return (
        MemoryIpLimiter(rate)
        if redis is None
        else RedisIpLimiter(redis.client, rate, keys=redis.keys)
    )
