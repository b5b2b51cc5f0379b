"""Photos whose answer is held back: a batch's summary or an image set's one reply says it.

The photo handler asks through these few calls and never looks at a batch or an image set
itself; each `take_*` call returns True when the conversation took the photo's answer over, and
False when the photo must be answered on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from namecard.cards.model import Extraction, SavedContact
from namecard.conversation.jobs import ConversationJobs
from namecard.domain.catalogue import Sentence
from namecard.domain.conversation import PhotoStatus, failed_outcome, photo_outcome
from namecard.domain.errors import StoreError
from namecard.domain.jobs import Job


class HeldPhotos:
    def __init__(self, conversation: ConversationJobs) -> None:
        self.conversation = conversation

    @staticmethod
    def holds(job: Job) -> bool:
        """True when the photo belongs to a batch or an image set: its answer waits for every
        save (it is a line of a summary), and comes from the conversation when it can."""
        return job.batch_id is not None or job.image_set is not None

    async def photo_started(self, job: Job) -> None:
        """Pacing counts the photo; a held photo sends the summary of an idle batch now, since
        its own answer comes later."""
        if job.paced:
            await self.conversation.photo_started(job)
        if self.holds(job) and job.summary_batch_id is not None:
            await self.conversation.send_idle_summary(job)

    async def take_failure(self, job: Job, failure: Sentence) -> bool:
        return self.holds(job) and await self.conversation.conclude(
            job, failed_outcome(job, failure)
        )

    async def take_no_card(self, job: Job, extraction: Extraction) -> bool:
        outcome = photo_outcome(job, PhotoStatus.NO_CARD, extraction, ())
        return self.holds(job) and await self.conversation.conclude(job, outcome)

    async def take_saved(
        self, job: Job, extraction: Extraction, saved: Sequence[SavedContact | None]
    ) -> bool:
        """Every save has finished (`None` for one that failed)."""
        failed = None in saved
        status = PhotoStatus.FAILED if failed else PhotoStatus.SAVED
        outcome = photo_outcome(job, status, extraction, tuple(saved))
        if failed:
            outcome = replace(outcome, reason=StoreError.user_message)
        return self.holds(job) and await self.conversation.conclude(job, outcome)
