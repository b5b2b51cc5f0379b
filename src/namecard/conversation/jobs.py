"""Commands, batch summaries, image-set replies and notices: the conversation around photos.

Batch sessions and image sets live in the shared conversation store, so any worker of any
instance can finish what another started. A batch summary is sent once: the worker that sends it
first leaves a marker among the batch's photos, and a photo finishing after that marker is
answered on its own instead of disappearing into a summary already sent.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Sequence

from namecard.conversation.contacts import ContactJobs
from namecard.conversation.pacing import SECONDS_PER_MINUTE, PaceLimits, backlog
from namecard.conversation.state import ConversationStore
from namecard.domain import catalogue
from namecard.domain.conversation import PhotoOutcome, PhotoStatus
from namecard.domain.errors import StateUnavailable
from namecard.domain.jobs import Job, JobKind, NoticeKind
from namecard.domain.replies import Reply
from namecard.line.delivery import Deliverer
from namecard.line.replies import Replies
from namecard.line.texts import clock_time

logger = logging.getLogger(__name__)

SUMMARY_MARK = "summary-sent"  # a pseudo photo recorded once a batch's summary has gone out
PENDING_POLL_SECONDS = 0.5


class ConversationJobs:
    def __init__(
        self,
        *,
        store: ConversationStore,
        deliverer: Deliverer,
        messages: Replies,
        store_name: str,
        batch_end_wait_seconds: float,
        pacing: PaceLimits | None = None,
        contacts: ContactJobs | None = None,
    ) -> None:
        self.pacing = pacing
        self.contacts = contacts  # search, notes, corrections, delete (None: not offered)
        self.store = store
        self.deliverer = deliverer
        self.messages = messages
        self.store_name = store_name
        self.batch_end_wait_seconds = batch_end_wait_seconds

    async def handle(self, job: Job) -> None:
        """Every job that is not a card photo."""
        try:
            outgoing, worthy = await self._answer(job)
        except StateUnavailable as exc:
            logger.error("conversation state unavailable for %s: %s", job.event_id, exc)
            outgoing, worthy = self.messages.failure(catalogue.UNEXPECTED), False
        if outgoing:
            await self.deliverer.answer(job, outgoing, push_worthy=worthy)

    async def _answer(self, job: Job) -> tuple[Reply, bool]:
        kind, m = job.kind, self.messages
        if kind is JobKind.UNFOLLOW:
            return Reply(), False  # nobody to answer; the state was cleared at the webhook
        if kind is JobKind.NOTICE:
            return await self._notice(job), False
        if kind is JobKind.BATCH_END:
            if job.summary_batch_id is None:
                return m.batch_not_open(), False
            return await self._summary(job.summary_batch_id, idle=job.summary_idle), True
        if kind is JobKind.CANCEL:
            return await self._cancel(job)
        summary = await self.idle_summary(job)
        if self.contacts is not None:
            answered = await self.contacts.answer(job)
            if answered is not None:
                return m.combine(summary, answered[0]), answered[1] or bool(summary)
        own, worthy = await self._own_answer(job)
        return m.combine(summary, own), worthy or bool(summary)

    async def _cancel(self, job: Job) -> tuple[Reply, bool]:
        """取消 ends a batch, or drops the question the bot was waiting for an answer to."""
        m = self.messages
        had = job.summary_batch_id is not None
        question = self.contacts is not None and await self.contacts.cancel(job)
        if question and not had and self.contacts is not None:
            return self.contacts.replies.pending_cancelled(), False
        summary = await self.idle_summary(job, force=True)
        return m.combine(m.cancelled(had_batch=had), summary), had

    async def _own_answer(self, job: Job) -> tuple[Reply, bool]:
        kind, m = job.kind, self.messages
        if kind is JobKind.BATCH_START:
            return m.batch_started(already_open=job.batch_already_open), False
        if kind is JobKind.STATUS:
            if job.batch_id is None:
                return m.batch_not_open(), False
            return m.batch_status(await self._photos(job.batch_id)), False
        if kind is JobKind.HELP:
            return m.help(), False
        if kind is JobKind.WELCOME:
            return m.welcome(), False
        if kind is JobKind.UNSUPPORTED_PHOTO:
            return m.external_photo(), True
        return m.hint(), False

    # Batch summaries -----------------------------------------------------------------------------
    async def idle_summary(self, job: Job, *, force: bool = False) -> Reply:
        """The summary of a batch that ended by itself, to send along with this job's answer."""
        if job.summary_batch_id is None or not (force or job.summary_idle):
            return Reply()
        try:
            return await self._summary(job.summary_batch_id, idle=job.summary_idle)
        except StateUnavailable as exc:  # the job's own answer must still go out
            logger.error("batch summary for %s unavailable: %s", job.event_id, exc)
            return Reply()

    async def send_idle_summary(self, job: Job) -> None:
        """For a photo whose own answer comes later (batch or image set): the summary now."""
        summary = await self.idle_summary(job)
        if summary:
            await self.deliverer.answer(job, summary, push_worthy=True, purpose="idle-summary")

    async def _summary(self, batch_id: str, *, idle: bool) -> Reply:
        await self._wait_for_pending(batch_id)
        await self.store.finish_photo(batch_id, PhotoOutcome(SUMMARY_MARK, 0, PhotoStatus.SAVED))
        photos = await self._photos(batch_id)
        return self.messages.batch_summary(photos, store_name=self.store_name, ended_by_idle=idle)

    async def _wait_for_pending(self, batch_id: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.batch_end_wait_seconds
        while loop.time() < deadline:
            photos = await self._photos(batch_id)
            if not any(p.status is PhotoStatus.PENDING for p in photos):
                return
            await asyncio.sleep(PENDING_POLL_SECONDS)

    async def _photos(self, batch_id: str) -> list[PhotoOutcome]:
        return [p for p in await self.store.photos(batch_id) if p.event_id != SUMMARY_MARK]

    # Photos held back for a batch or an image set ------------------------------------------------
    async def conclude(self, job: Job, outcome: PhotoOutcome) -> bool:
        """Record a finished photo with its batch or image set; False when it must be answered
        on its own (no batch or set, the batch's summary already went out, or no state store)."""
        try:
            if job.batch_id is not None:
                return await self._conclude_batch(job.batch_id, outcome)
            if job.image_set is not None:
                await self._conclude_set(job, outcome)
                return True
        except StateUnavailable as exc:
            logger.error("conversation state unavailable for %s: %s", job.event_id, exc)
        return False

    async def _conclude_batch(self, batch_id: str, outcome: PhotoOutcome) -> bool:
        await self.store.finish_photo(batch_id, outcome)
        summarised = any(p.event_id == SUMMARY_MARK for p in await self.store.photos(batch_id))
        return not summarised

    async def _conclude_set(self, job: Job, outcome: PhotoOutcome) -> None:
        assert job.image_set is not None
        image_set = job.image_set
        done = await self.store.record_set_photo(image_set.id, outcome, image_set.total)
        if done is None:
            return  # another photo of the set is still being read
        tokens = _newest_first_tokens(done)
        outgoing = self.messages.image_set(done, store_name=self.store_name)
        await self.deliverer.answer(
            job, outgoing, push_worthy=True, purpose="set", other_tokens=tokens
        )

    async def photo_started(self, job: Job) -> None:
        try:
            await self.store.photo_started(job.user_hash)
        except StateUnavailable as exc:
            logger.warning("pacing state unavailable: %s", exc)

    # Delivery ------------------------------------------------------------------------------------
    async def _notice(self, job: Job) -> Reply:
        notice = job.notice
        if notice is None:
            return Reply()
        if notice.kind is NoticeKind.WAITING:
            return await self._waiting_notice(job, notice.waiting, notice.minutes)
        return self.messages.paused_notice(clock_time(notice.until))

    async def _waiting_notice(self, job: Job, waiting: int, minutes: int) -> Reply:
        """Told as it is when sent: every photo waiting by then, not only those before this one."""
        if self.pacing is not None:
            try:
                now = time.time()
                state = await self.store.pace_state(job.user_hash, now)
            except StateUnavailable as exc:
                logger.warning("pacing state unavailable, notice as decided: %s", exc)
            else:
                waiting, seconds = backlog(state, self.pacing, now)
                minutes = math.ceil(seconds / SECONDS_PER_MINUTE)
        return self.messages.waiting_notice(waiting, minutes) if waiting else Reply()


def _newest_first_tokens(photos: Sequence[PhotoOutcome]) -> list[str]:
    """The set's unused reply tokens, newest first (the likeliest to be still valid)."""
    ordered = sorted(photos, key=lambda p: p.received_at, reverse=True)
    return [p.reply_token for p in ordered if p.reply_token]
