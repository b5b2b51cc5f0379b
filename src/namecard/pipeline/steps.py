"""The three calls a photo makes outside: download, read, save; each retried and counted."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from cachetools import LRUCache

from namecard.ai.base import Extractor
from namecard.ai.decode_budget import run_decode
from namecard.ai.images import MAX_IMAGE_PIXELS, sniff_image
from namecard.cards.model import Card, CardRef, Extraction, SavedContact
from namecard.domain.errors import ContentRejected
from namecard.domain.jobs import Job
from namecard.domain.retry import RetryPolicy, retry_transient
from namecard.line.messenger import Messenger
from namecard.metrics.counters import Count, cache_hits
from namecard.metrics.stats import Metrics
from namecard.store.base import ContactStore, SaveOutlook

logger = logging.getLogger(__name__)

SAVE_RETRY = RetryPolicy(attempts=40, base_delay=1.0, max_delay=30.0)
# Photos already checked whole and in bounds, by SHA-256: the same bytes give the same answer,
# so a photo sent again (a cache hit) skips the check's draft decode on the decode threads.
VALIDATED_PHOTOS = 4096


@dataclass(frozen=True, slots=True)
class Photo:
    """A downloaded photo, checked: its bytes (never stored), type and SHA-256."""

    data: bytes
    mime_type: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    job_deadline_seconds: float
    reply_save_budget_seconds: float
    max_image_bytes: int
    max_image_pixels: int = MAX_IMAGE_PIXELS
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # A save outlives its job: after the reply it keeps trying (an accepted card is never
    # dropped because Notion was down for a minute), until this long after the photo arrived.
    save_deadline_seconds: float = 600.0
    save_retry: RetryPolicy = field(default_factory=lambda: SAVE_RETRY)


class PhotoSteps:
    """Each step retries transient failures until its deadline and counts what happened."""

    def __init__(
        self,
        *,
        line: Messenger,
        extractor: Extractor,
        store: ContactStore,
        metrics: Metrics,
        config: PipelineConfig,
    ) -> None:
        self.line = line
        self.extractor = extractor
        self.store = store
        self.metrics = metrics
        self.config = config
        self._validated: LRUCache[str, str] = LRUCache(maxsize=VALIDATED_PHOTOS)

    async def download(self, job: Job, deadline: float) -> Photo:
        if not job.message_id:
            raise ContentRejected("image event without a message id")
        message_id = job.message_id
        image = await retry_transient(
            lambda: self.line.get_content(message_id, max_bytes=self.config.max_image_bytes),
            policy=self.config.retry,
            deadline=deadline,
            what="download",
        )
        fingerprint = hashlib.sha256(image).hexdigest()
        mime_type = self._validated.get(fingerprint)
        if mime_type is None:
            try:
                mime_type = await run_decode(sniff_image, image, self.config.max_image_pixels)
            except ContentRejected:
                self.metrics.incr(Count.PHOTOS_REJECTED)
                raise
            if mime_type is None:
                self.metrics.incr(Count.PHOTOS_REJECTED)
                raise ContentRejected(f"undecodable upload of {len(image)} bytes")
            self._validated[fingerprint] = mime_type
        return Photo(image, mime_type, fingerprint)

    async def extract(self, image: bytes, mime_type: str, deadline: float) -> Extraction:
        extraction = await retry_transient(
            lambda: self.extractor.extract(image, mime_type),
            policy=self.config.retry,
            deadline=deadline,
            what=f"extract ({self.extractor.name})",
        )
        self.metrics.incr(Count.CARDS_READ, len(extraction.cards))
        if extraction.cache_tier is not None:
            self.metrics.incr(cache_hits(extraction.cache_tier))
        return extraction

    async def outlook(self, ref: CardRef) -> SaveOutlook:
        """Whether the reply may wait for this card's save; never a reason to fail the job."""
        try:
            return await self.store.outlook(ref)
        except Exception:
            logger.exception("save outlook of card %s failed: not waiting for it", ref.card_id)
            return SaveOutlook(seconds=float("inf"))

    async def save(self, card: Card, ref: CardRef, job: Job, deadline: float) -> SavedContact:
        try:
            saved = await retry_transient(
                lambda: self.store.save(card, ref, user_hash=job.user_hash),
                policy=self.config.save_retry,
                deadline=deadline,
                what=f"save ({self.store.name})",
            )
        except Exception:
            self.metrics.incr(Count.CONTACT_SAVE_ERRORS)
            logger.exception("saving card %s of job %s failed", ref.card_id, job.event_id)
            raise
        self.metrics.incr(Count.CONTACTS_SAVED)
        return saved
