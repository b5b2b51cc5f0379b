"""How many Gemini calls may be in flight: an AIMD limit under the MAX_CONCURRENT_AI ceiling.

Additive increase (+1/limit per success, about +1 per window of calls, as TCP's congestion
avoidance) while the limit is below its ceiling and was reached (a limit nobody presses
against learns nothing); multiplicative decrease (x BACKOFF) when
Gemini answers "overloaded" (429 naming no quota, 503) or latency rises: the median of the
last LATENCY_WINDOW calls is more than LATENCY_TOLERANCE times the fastest recent call and at
least LATENCY_MIN_EXCESS seconds slower. One slow card is not overload, nor is a busy machine
turning 0.2 s calls into 0.5 s ones (that shrank the limit in CI and kept it from growing back);
Gemini queueing our calls adds seconds to every one of them. A decrease counts once per epoch: the
refusals of calls sent under the old limit do not shrink it again (TCP halves once per
window for the same reason). Hand-written: the arithmetic is ten lines and must run inside a
Redis script to be shared, which no asyncio library offers.

With Redis, the limit and its epoch live in the hash `namecard:ai-concurrency` (fields `limit`,
`epoch`; expires a day after its last change), so every worker learns what Gemini accepts;
calls in flight are counted per process. A Redis fault keeps this process on its own copy.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from namecard.domain.errors import StateUnavailable
from namecard.state.client import NO_PREFIX, Redis, run_script
from namecard.state.keys import KeySpace

logger = logging.getLogger(__name__)

BACKOFF = 0.75
FLOOR = 1.0
LATENCY_TOLERANCE = 2.0  # recent calls this many times slower than the fastest: overload
LATENCY_WINDOW = 5  # "recent calls": the median of this many
LATENCY_MIN_EXCESS = 1.0  # seconds; less is jitter, not a queue at Gemini
RECENT_LATENCIES = 50
TIMELINE_POINTS = 200
STATE_TTL_SECONDS = 24 * 3600

AIMD_LUA = """
local limit = tonumber(redis.call('HGET', KEYS[1], 'limit') or ARGV[2])
local epoch = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '0')
local ceiling, floor, backoff = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
limit = math.min(limit, ceiling)
if ARGV[1] == 'up' then
  limit = math.min(ceiling, limit + 1 / limit)
elseif ARGV[1] == 'down' and tonumber(ARGV[5]) >= epoch then
  limit = math.max(floor, limit * backoff)
  epoch = epoch + 1
end
redis.call('HSET', KEYS[1], 'limit', string.format('%.17g', limit), 'epoch', epoch)
redis.call('EXPIRE', KEYS[1], ARGV[6])
return {string.format('%.17g', limit), tostring(epoch)}
"""


@dataclass(frozen=True, slots=True)
class Aimd:
    """The pure rule: the next (limit, epoch) after `event` ("up", "down" or "read")."""

    ceiling: float
    floor: float = FLOOR
    backoff: float = BACKOFF

    def step(self, limit: float, epoch: int, event: str, call_epoch: int) -> tuple[float, int]:
        limit = min(limit, self.ceiling)
        if event == "up":
            return min(self.ceiling, limit + 1 / limit), epoch
        if event == "down" and call_epoch >= epoch:
            return max(self.floor, limit * self.backoff), epoch + 1
        return limit, epoch


class LimitState(Protocol):
    async def update(self, event: str, call_epoch: int) -> tuple[float, int]: ...


class MemoryLimitState:
    def __init__(self, rule: Aimd) -> None:
        self.rule = rule
        self.limit, self.epoch = rule.ceiling, 0

    async def update(self, event: str, call_epoch: int) -> tuple[float, int]:
        self.limit, self.epoch = self.rule.step(self.limit, self.epoch, event, call_epoch)
        return self.limit, self.epoch


class RedisLimitState:
    """Shared by every worker; on a Redis fault, this process's own copy answers."""

    def __init__(self, redis: Redis, rule: Aimd, *, keys: KeySpace = NO_PREFIX) -> None:
        self._script = redis.register_script(AIMD_LUA)
        self._key = keys.ai_concurrency
        self._rule = rule
        self._local = MemoryLimitState(rule)

    async def update(self, event: str, call_epoch: int) -> tuple[float, int]:
        args = [event, self._rule.ceiling, self._rule.floor, self._rule.backoff, call_epoch,
                STATE_TTL_SECONDS]  # fmt: skip
        try:
            limit, epoch = await run_script(self._script, [self._key], args)
        except StateUnavailable as exc:
            logger.warning("AI concurrency not shared (%s): this process adapts alone", exc.fault)
            return await self._local.update(event, call_epoch)
        self._local.limit, self._local.epoch = float(limit), int(epoch)
        return self._local.limit, self._local.epoch


class AdaptiveLimit:
    """`slot()` waits until fewer calls than the limit are in flight and yields the epoch the
    call is sent under; the caller reports `succeeded(epoch, seconds)` or `overloaded(epoch)`."""

    def __init__(self, ceiling: int, state: LimitState | None = None) -> None:
        self.ceiling = ceiling
        self._state = state or MemoryLimitState(Aimd(float(ceiling)))
        self.limit, self.epoch = float(ceiling), 0
        self.in_flight = 0
        self.decreases = 0
        self._changed = asyncio.Condition()
        self._latencies: deque[float] = deque(maxlen=RECENT_LATENCIES)
        self.timeline: deque[tuple[float, float]] = deque(maxlen=TIMELINE_POINTS)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[int]:
        async with self._changed:
            await self._changed.wait_for(lambda: self.in_flight < max(1, int(self.limit)))
            self.in_flight += 1
        try:
            yield self.epoch
        finally:
            async with self._changed:
                self.in_flight -= 1
                self._changed.notify_all()

    async def succeeded(self, epoch: int, seconds: float) -> None:
        self._latencies.append(seconds)
        if self._latency_rose():
            await self.overloaded(epoch)
        else:  # grow only a limit that was in the way ("read" also learns the shared value)
            await self._apply("up" if self.in_flight >= int(self.limit) else "read", epoch)

    def _latency_rose(self) -> bool:
        fastest = min(self._latencies)
        recent = statistics.median(list(self._latencies)[-LATENCY_WINDOW:])
        return recent > LATENCY_TOLERANCE * fastest and recent - fastest >= LATENCY_MIN_EXCESS

    async def overloaded(self, epoch: int) -> None:
        before = self.epoch
        await self._apply("down", epoch)
        if self.epoch != before:
            self.decreases += 1
            logger.info("Gemini overloaded: at most %d calls at once now", int(self.limit))

    async def _apply(self, event: str, epoch: int) -> None:
        limit, self.epoch = await self._state.update(event, epoch)
        if int(limit) != int(self.limit):
            self.timeline.append((time.time(), round(limit, 2)))
        self.limit = limit
        async with self._changed:
            self._changed.notify_all()

    def stats(self) -> dict[str, Any]:
        return {
            "concurrency_limit": int(self.limit),
            "concurrency_ceiling": self.ceiling,
            "ai_in_flight": self.in_flight,
            "concurrency_decreases": self.decreases,
        }
