"""The protocol every card reader implements."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Protocol

from namecard.cards.model import Card, Extraction
from namecard.cards.normalise import normalise_cards
from namecard.domain.errors import NoExtractorConfigured


class Extractor(Protocol):
    """Reads the cards in one photo. Raises ExtractionFailed (with a user sentence) on failure,
    TransientError when a retry may help; an empty `cards` tuple means "no card in this photo"."""

    name: str
    version: str  # changes whenever the same photo could be read differently (cache keys use it)

    async def extract(self, image: bytes, mime_type: str) -> Extraction: ...

    async def aclose(self) -> None: ...


class UnconfiguredExtractor:
    """Stands in when no reader is configured: every photo gets a clear, friendly refusal."""

    name = "none"
    version = "none"

    async def extract(self, image: bytes, mime_type: str) -> Extraction:
        raise NoExtractorConfigured("no Gemini key and no offline reader")

    async def aclose(self) -> None:
        return None


class NormalisingExtractor:
    """Wraps any reader so every card it returns is normalised the same way (phones in E.164,
    Taiwan addresses, e-mails, …), whichever reader produced it."""

    def __init__(self, inner: Extractor, *, region: str) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = inner.version
        self._region = region

    async def extract(self, image: bytes, mime_type: str) -> Extraction:
        extraction = await self.inner.extract(image, mime_type)
        return replace(extraction, cards=_normalised(tuple(extraction.cards), self._region))

    async def aclose(self) -> None:
        await self.inner.aclose()


# Cards already normalised in this process, by value: the cache keeps what the reader read (so
# a normaliser fix reaches cached readings after a restart), and a photo sent again is a cache
# hit whose cards equal the last ones. Normalising them again (phone parsing above all) was
# 13% of the event loop's time in `make bench`'s cache round (py-spy, issue 15). Normalising is
# a pure function of the cards and the region, so the answer is the same.
NORMALISED_MEMORY = 1024


@lru_cache(maxsize=NORMALISED_MEMORY)
def _normalised(cards: tuple[Card, ...], region: str) -> tuple[Card, ...]:
    return normalise_cards(cards, region=region)
