"""Reader decorators: answer a photo seen before from the cache; bound concurrent AI calls."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import replace
from typing import Any

from namecard.ai.base import Extractor
from namecard.cache.keys import cache_key
from namecard.cache.tiered import TieredCache
from namecard.cards.model import Extraction
from namecard.domain.codec import extraction_from_json, extraction_to_json
from namecard.domain.errors import NamecardError
from namecard.metrics.counters import Count
from namecard.metrics.stats import Metrics

logger = logging.getLogger(__name__)

KEEP = float(365 * 24 * 3600)  # "as long as the tier allows": every tier caps it at its own TTL


class CachingExtractor:
    """Keyed by the reader's version and the photo's SHA-256; concurrent identical photos
    share one reading (single flight). Only successful readings are cached; "no card found"
    only for `empty_ttl` seconds (0: never)."""

    def __init__(self, inner: Extractor, cache: TieredCache, *, empty_ttl: float) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = inner.version
        self._cache = cache
        self._empty_ttl = empty_ttl

    async def extract(self, image: bytes, mime_type: str) -> Extraction:
        key = cache_key(self.version, hashlib.sha256(image).hexdigest())

        async def read() -> tuple[dict[str, Any], float | None]:
            extraction = await self.inner.extract(image, mime_type)
            return extraction_to_json(extraction), self._ttl_for(extraction)

        value, tier = await self._cache.get_or_compute(key, read)
        extraction = extraction_from_json(value)
        if extraction is None:  # an entry this version cannot read: read the photo again
            logger.warning("unreadable cache entry %s; reading the photo again", key)
            return await self.inner.extract(image, mime_type)
        return replace(extraction, cache_tier=tier)

    def _ttl_for(self, extraction: Extraction) -> float | None:
        if extraction.cards:
            return KEEP
        return self._empty_ttl or None

    async def aclose(self) -> None:
        await self.inner.aclose()


class LimitedExtractor:
    """At most `slots` readings at once (MAX_CONCURRENT_AI), counted in the metrics."""

    def __init__(self, inner: Extractor, slots: asyncio.Semaphore, metrics: Metrics) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = inner.version
        self._slots = slots
        self._metrics = metrics

    async def extract(self, image: bytes, mime_type: str) -> Extraction:
        async with self._slots:
            self._metrics.incr(Count.AI_CALLS)
            try:
                return await self.inner.extract(image, mime_type)
            except NamecardError:
                self._metrics.incr(Count.AI_ERRORS)
                raise

    async def aclose(self) -> None:
        await self.inner.aclose()
