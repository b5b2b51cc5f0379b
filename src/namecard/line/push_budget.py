"""LINE push quota: count pushes per Taipei calendar month and refuse those past the caps.

LINE bills a push as one message per recipient, however many bubbles it carries; replies are
free. Callers pass that billed count as `messages` (1 for a one-to-one chat), and the caps
(`monthly_cap` for the whole bot, `user_monthly_cap` per user; None = no cap) compare with the
month's total of it. Redis keys: `{prefix}push:{YYYY-MM}` (hash: pushes, push_messages, refused,
`user:{user}` = that user's messages) and `{prefix}push:{YYYY-MM}:users` (zset user -> pushes),
both kept 40 days.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from namecard.state.client import Redis
from namecard.state.keys import KeySpace

logger = logging.getLogger(__name__)

QUOTA_ZONE = ZoneInfo("Asia/Taipei")  # the LINE Official Account's billing month
MONTH_TTL_SECONDS = 40 * 86400
TOP_USERS = 5

# KEYS: month hash. ARGV: messages, user field, total cap (-1: none), user cap (-1: none).
ALLOW_LUA = """
local messages = tonumber(ARGV[1])
local total_cap, user_cap = tonumber(ARGV[3]), tonumber(ARGV[4])
local total = tonumber(redis.call('HGET', KEYS[1], 'push_messages') or '0')
local mine = tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0')
if (total_cap >= 0 and total + messages > total_cap)
    or (user_cap >= 0 and mine + messages > user_cap) then
  redis.call('HINCRBY', KEYS[1], 'refused', 1)
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return 0
end
return 1
"""


def quota_month(now: float) -> str:
    """The billing month `now` falls in, as "YYYY-MM"."""
    return datetime.fromtimestamp(now, QUOTA_ZONE).strftime("%Y-%m")


class PushBudget(Protocol):
    async def allow(self, user: str, *, messages: int, now: float) -> bool: ...
    async def record(self, user: str, *, messages: int, now: float) -> None: ...
    async def snapshot(self, now: float) -> dict[str, Any]: ...
    async def forget_user(self, user: str, now: float) -> bool:
        """Drop the user's counts of the months still kept; whether there were any."""


@dataclass
class _Month:
    pushes: int = 0
    push_messages: int = 0
    refused: int = 0
    user_pushes: Counter[str] = field(default_factory=Counter)
    user_messages: Counter[str] = field(default_factory=Counter)


class MemoryPushBudget:
    """PushBudget for one process; only the current month is kept."""

    def __init__(self, *, monthly_cap: int | None, user_monthly_cap: int | None) -> None:
        self._caps = (monthly_cap, user_monthly_cap)
        self._months: dict[str, _Month] = {}

    async def allow(self, user: str, *, messages: int, now: float) -> bool:
        month = self._month(now)
        total_cap, user_cap = self._caps
        refused = (total_cap is not None and month.push_messages + messages > total_cap) or (
            user_cap is not None and month.user_messages[user] + messages > user_cap
        )
        if refused:
            month.refused += 1
            logger.warning("push refused: monthly push cap reached (user %s)", user)
        return not refused

    async def record(self, user: str, *, messages: int, now: float) -> None:
        month = self._month(now)
        month.pushes += 1
        month.push_messages += messages
        month.user_pushes[user] += 1
        month.user_messages[user] += messages

    async def snapshot(self, now: float) -> dict[str, Any]:
        month = self._month(now)
        top = month.user_pushes.most_common(TOP_USERS)
        counts = {"pushes": month.pushes, "push_messages": month.push_messages}
        counts["refused"] = month.refused
        return _snapshot(quota_month(now), self._caps, counts, len(month.user_pushes), top)

    async def forget_user(self, user: str, now: float) -> bool:
        month = self._month(now)
        found = user in month.user_pushes
        month.user_pushes.pop(user, None)
        month.user_messages.pop(user, None)
        return found

    def _month(self, now: float) -> _Month:
        name = quota_month(now)
        if name not in self._months:
            self._months = {name: _Month()}  # a new month starts from zero
        return self._months[name]


class RedisPushBudget:
    """PushBudget shared by every process. A check and its record are two steps: two processes
    pushing at the very same moment may pass the cap by one push each."""

    def __init__(
        self,
        redis: Redis,
        *,
        keys: KeySpace,
        monthly_cap: int | None,
        user_monthly_cap: int | None,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._caps = (monthly_cap, user_monthly_cap)
        self._allow = redis.register_script(ALLOW_LUA)

    async def allow(self, user: str, *, messages: int, now: float) -> bool:
        total_cap, user_cap = (-1 if cap is None else cap for cap in self._caps)
        args: list[str | int] = [messages, f"user:{user}", total_cap, user_cap, MONTH_TTL_SECONDS]
        allowed = bool(await self._allow(keys=[self._hash(now)], args=args))
        if not allowed:
            logger.warning("push refused: monthly push cap reached (user %s)", user)
        return allowed

    async def record(self, user: str, *, messages: int, now: float) -> None:
        counts, users = self._hash(now), self._hash(now) + ":users"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(counts, "pushes", 1)
            pipe.hincrby(counts, "push_messages", messages)
            pipe.hincrby(counts, f"user:{user}", messages)
            pipe.zincrby(users, 1, user)
            pipe.expire(counts, MONTH_TTL_SECONDS)
            pipe.expire(users, MONTH_TTL_SECONDS)
            await pipe.execute()

    async def snapshot(self, now: float) -> dict[str, Any]:
        counts, users = self._hash(now), self._hash(now) + ":users"
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hmget(counts, ["pushes", "push_messages", "refused"])
            pipe.zcard(users)
            pipe.zrevrange(users, 0, TOP_USERS - 1, withscores=True)
            (pushes, messages, refused), distinct, top = await pipe.execute()
        totals = {"pushes": int(pushes or 0), "push_messages": int(messages or 0)}
        totals["refused"] = int(refused or 0)
        top_users = [(_text(user), int(score)) for user, score in top]
        return _snapshot(quota_month(now), self._caps, totals, int(distinct), top_users)

    async def forget_user(self, user: str, now: float) -> bool:
        """The months kept (MONTH_TTL_SECONDS reaches back into the previous one): the user's
        field and ranking entry removed; the month's totals stay (they name nobody)."""
        months = {self._hash(now), self._hash(now - MONTH_TTL_SECONDS)}
        async with self._redis.pipeline(transaction=True) as pipe:
            for counts in sorted(months):
                pipe.hdel(counts, f"user:{user}")
                pipe.zrem(counts + ":users", user)
            removed = await pipe.execute()
        return any(removed)

    def _hash(self, now: float) -> str:
        return self._keys.push_budget(quota_month(now))


def _snapshot(
    month: str,
    caps: tuple[int | None, int | None],
    counts: dict[str, int],
    users: int,
    top: list[tuple[str, int]],
) -> dict[str, Any]:
    return {
        "month": month,
        **counts,
        "monthly_cap": caps[0],
        "user_monthly_cap": caps[1],
        "users": users,
        "top_users": [{"user": user, "pushes": pushes} for user, pushes in top],
    }


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
