"""Which Notion page holds which card, so the same card of the same photo is saved once and a
repeated photo costs no Notion call. With Redis it is shared by every worker and instance."""

from __future__ import annotations

import json
import logging
from typing import Protocol

from cachetools import LRUCache

from namecard.cards.model import SavedContact
from namecard.domain.errors import StateUnavailable
from namecard.state.client import NO_PREFIX, Redis
from namecard.state.faults import faults_as_unavailable
from namecard.state.keys import KeySpace

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

    def __init__(self, redis: Redis, *, keys: KeySpace = NO_PREFIX) -> None:
        self._redis = redis
        self._keys = keys

    async def get(self, card_id: str) -> SavedContact | None:
        try:
            with faults_as_unavailable():
                raw = await self._redis.get(self._keys.card_page(card_id))
            data = json.loads(raw) if raw else None
            return SavedContact(str(data["id"]), data.get("url")) if data else None
        except StateUnavailable as exc:
            logger.warning("card page look-up failed for %s: %s", card_id, exc.fault)
            return None
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("card page look-up failed for %s: %s", card_id, type(exc).__name__)
            return None

    async def remember(self, card_id: str, saved: SavedContact) -> None:
        value = json.dumps({"id": saved.contact_id, "url": saved.url})
        try:
            with faults_as_unavailable():
                await self._redis.set(
                    self._keys.card_page(card_id), value, ex=CARD_PAGE_TTL_SECONDS
                )
        except StateUnavailable as exc:
            logger.warning("could not remember the page of card %s: %s", card_id, exc)
