"""The protocol every card reader implements."""

from __future__ import annotations

from typing import Protocol

from namecard.cards.model import Extraction
from namecard.errors import NoExtractorConfigured


class Extractor(Protocol):
    """Reads the cards in one photo. Raises ExtractionFailed (with a user sentence) on failure,
    TransientError when a retry may help; an empty `cards` tuple means "no card in this photo"."""

    name: str

    async def extract(self, image: bytes, mime_type: str) -> Extraction: ...

    async def aclose(self) -> None: ...


class UnconfiguredExtractor:
    """Stands in when no reader is configured: every photo gets a clear, friendly refusal."""

    name = "none"

    async def extract(self, image: bytes, mime_type: str) -> Extraction:
        raise NoExtractorConfigured("no Gemini key and no offline reader")

    async def aclose(self) -> None:
        return None
