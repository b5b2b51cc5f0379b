"""Reader decorators: answer a photo seen before from the cache; bound concurrent AI calls."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from dataclasses import replace
from typing import Any

from namecard.ai.base import Extractor
from namecard.ai.concurrency import AdaptiveLimit
from namecard.cache.keys import cache_key
from namecard.cache.tiered import TieredCache
from namecard.cards.model import Extraction
from namecard.domain.codec import extraction_from_json, extraction_to_json
from namecard.domain.errors import NamecardError, Overloaded
from namecard.metrics.counters import Count
from namecard.metrics.stats import Metrics

logger = logging.getLogger(__name__)

OVERLOAD_PAUSE = 0.2  # seconds (plus as much jitter) before an overloaded reading tries again
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
    """At most `limit.limit` readings at once (adaptive, under MAX_CONCURRENT_AI), counted in
    the metrics. A reading refused as "overloaded" shrinks the limit and waits for a slot
    again (after OVERLOAD_PAUSE): the photo is not failed for Gemini being full."""

    def __init__(self, inner: Extractor, limit: AdaptiveLimit, metrics: Metrics) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = inner.version
        self.limit = limit
        self._metrics = metrics

    async def extract(self, image: bytes, mime_type: str) -> Extraction:
        while True:
            async with self.limit.slot() as epoch:
                self._metrics.incr(Count.AI_CALLS)
                started = time.monotonic()
                try:
                    extraction = await self.inner.extract(image, mime_type)
                except Overloaded:
                    self._metrics.incr(Count.AI_ERRORS)
                    await self.limit.overloaded(epoch)
                except NamecardError:
                    self._metrics.incr(Count.AI_ERRORS)
                    raise
                else:
                    await self.limit.succeeded(epoch, time.monotonic() - started)
                    return extraction
            await asyncio.sleep(OVERLOAD_PAUSE + random.random() * OVERLOAD_PAUSE)

    async def aclose(self) -> None:
        await self.inner.aclose()
