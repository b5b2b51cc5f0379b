"""When no Gemini key can be used, the offline reader answers instead (and says so)."""

from __future__ import annotations

import logging

from namecard.ai.base import Extractor
from namecard.cards.model import Extraction
from namecard.domain.errors import QuotaExhausted
from namecard.metrics.counters import Count
from namecard.metrics.stats import Metrics

logger = logging.getLogger(__name__)


class FallbackExtractor:
    """`primary` first; on QuotaExhausted, `fallback`. The Extraction's `source` tells which
    reader answered, so the reply can say the offline reader read this card."""

    def __init__(self, primary: Extractor, fallback: Extractor, metrics: Metrics) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name
        self.version = primary.version
        self._metrics = metrics

    async def extract(self, image: bytes, mime_type: str) -> Extraction:
        try:
            return await self.primary.extract(image, mime_type)
        except QuotaExhausted as exc:
            logger.warning("no Gemini key available (%s): reading offline", exc)
            self._metrics.incr(Count.OFFLINE_FALLBACKS)
            return await self.fallback.extract(image, mime_type)

    async def aclose(self) -> None:
        await self.primary.aclose()
        await self.fallback.aclose()
