"""Which Notion page holds which card, so the same card of the same photo is saved once and a
repeated photo costs no Notion call. With Redis it is shared by every worker and instance."""

from __future__ import annotations

import json
import logging
from typing import Protocol

from cachetools import LRUCache
from redis.asyncio import Redis
from redis.exceptions import RedisError

from namecard.cards.model import SavedContact
from namecard.state.keys import CARD_PAGE_KEY_PREFIX

logger = logging.getLogger(__name__)

CARD_PAGE_TTL_SECONDS = 30 * 24 * 3600
MEMORY_ENTRIES = 10_000


class CardPages(Protocol):
    async def get(self, card_id: str) -> SavedContact | None: ...

    async def remember(self, card_id: str, saved: SavedContact) -> None: ...


class MemoryCardPages:
    """Per process, the most recent cards only."""

    def __init__(self, max_entries: int = MEMORY_ENTRIES) -> None:
        self._pages: LRUCache[str, SavedContact] = LRUCache(maxsize=max_entries)

    async def get(self, card_id: str) -> SavedContact | None:
        return self._pages.get(card_id)

    async def remember(self, card_id: str, saved: SavedContact) -> None:
        self._pages[card_id] = saved


class RedisCardPages:
    """Shared; a Redis fault only costs a Notion call (the look-up is an optimisation)."""

    def __init__(self, redis: Redis, *, key_prefix: str = "") -> None:
        self._redis = redis
        self._prefix = key_prefix + CARD_PAGE_KEY_PREFIX

    async def get(self, card_id: str) -> SavedContact | None:
        try:
            raw = await self._redis.get(self._prefix + card_id)
            data = json.loads(raw) if raw else None
            return SavedContact(str(data["id"]), data.get("url")) if data else None
        except (RedisError, ValueError, KeyError, TypeError) as exc:
            logger.warning("card page look-up failed for %s: %s", card_id, type(exc).__name__)
            return None

    async def remember(self, card_id: str, saved: SavedContact) -> None:
        value = json.dumps({"id": saved.contact_id, "url": saved.url})
        try:
            await self._redis.set(self._prefix + card_id, value, ex=CARD_PAGE_TTL_SECONDS)
        except RedisError as exc:
            logger.warning("could not remember the page of card %s: %s", card_id, exc)
