"""Which contacts each user saved, newest first: the card→user links behind 最近 and 備註.

Contacts belong to the team's database; this is only who saved what, so that 最近 shows a
user's own cards and a note goes to the card they saved last. `刪除我的資料` forgets it.
With Redis, one list per user, `namecard:user-contacts:{user}` (contact ids, newest first, at
most KEEP, kept LINK_TTL_SECONDS past the last save); without, the same in process memory.
"""

from __future__ import annotations

import logging
from typing import Protocol

from cachetools import LRUCache

from namecard.domain.errors import StateUnavailable
from namecard.state.client import Redis
from namecard.state.faults import faults_as_unavailable
from namecard.state.keys import KeySpace

logger = logging.getLogger(__name__)

KEEP = 50  # more than 最近 shows: a contact deleted meanwhile leaves the next ones
LINK_TTL_SECONDS = 180 * 86400
MEMORY_USERS = 10_000


class UserContacts(Protocol):
    async def add(self, user: str, contact_id: str) -> None: ...
    async def newest(self, user: str, limit: int) -> list[str]: ...
    async def forget(self, user: str) -> int: ...


class MemoryUserContacts:
    def __init__(self) -> None:
        self._links: LRUCache[str, list[str]] = LRUCache(maxsize=MEMORY_USERS)

    async def add(self, user: str, contact_id: str) -> None:
        ids = [i for i in self._links.get(user, []) if i != contact_id]
        self._links[user] = [contact_id, *ids][:KEEP]

    async def newest(self, user: str, limit: int) -> list[str]:
        return self._links.get(user, [])[:limit]

    async def forget(self, user: str) -> int:
        return len(self._links.pop(user, []))


class RedisUserContacts:
    """Shared by every worker; a Redis fault costs only 最近 (a save never fails for it)."""

    def __init__(self, redis: Redis, *, keys: KeySpace) -> None:
        self._redis = redis
        self._keys = keys

    async def add(self, user: str, contact_id: str) -> None:
        key = self._keys.user_contacts(user)
        try:
            with faults_as_unavailable():
                async with self._redis.pipeline(transaction=True) as pipe:
                    pipe.lrem(key, 0, contact_id)
                    pipe.lpush(key, contact_id)
                    pipe.ltrim(key, 0, KEEP - 1)
                    pipe.expire(key, LINK_TTL_SECONDS)
                    await pipe.execute()
        except StateUnavailable as exc:
            logger.warning("could not link contact %s to user %s: %s", contact_id, user, exc)

    async def newest(self, user: str, limit: int) -> list[str]:
        with faults_as_unavailable():
            values = await self._redis.lrange(self._keys.user_contacts(user), 0, limit - 1)
        return [v.decode() if isinstance(v, bytes) else str(v) for v in values]

    async def forget(self, user: str) -> int:
        key = self._keys.user_contacts(user)
        with faults_as_unavailable():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.llen(key)
                pipe.delete(key)
                count, _ = await pipe.execute()
        return int(count)
