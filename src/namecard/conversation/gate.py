"""Where a webhook event meets the user's conversation: batch sessions and per-user pacing.

Run at the webhook, in event order, so a photo sent right after `批次` belongs to the batch
whichever worker reads it, and `結束批次` knows every photo sent before it. The decisions are
stamped on the job (`batch_id`, `summary_batch_id`, `notice`, ...) and the worker acts on them.
If the state store cannot be reached, the event goes on unchanged: the photo is answered on its
own rather than lost.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from namecard.conversation.pacing import PaceLimits
from namecard.conversation.state import ConversationStore
from namecard.domain.conversation import BatchSession, PhotoOutcome, PhotoStatus
from namecard.domain.errors import StateUnavailable
from namecard.domain.jobs import Job, JobKind, Notice, NoticeKind

logger = logging.getLogger(__name__)

NOTICE_SUFFIX = ":notice"
NOTICE_SETTLE_SECONDS = 3.0  # photos sent together arrive within a second or two of each other


@dataclass(frozen=True, slots=True)
class Admitted:
    job: Job
    delay: float = 0.0


class ConversationGate:
    def __init__(
        self,
        store: ConversationStore,
        *,
        batch_idle_seconds: float,
        pacing: PaceLimits,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.batch_idle_seconds = batch_idle_seconds
        self.pacing = pacing
        self.clock = clock

    async def admit(self, job: Job) -> list[Admitted]:
        """The jobs to queue for `job` (itself, maybe delayed, and maybe a notice first)."""
        if job.user_id is None or job.chat_id != job.user_id:
            return [Admitted(job)]  # groups and rooms: no conversation state
        try:
            return await self._admit(job)
        except StateUnavailable as exc:
            logger.warning("conversation state unavailable (%s); event %s goes on unchanged",
                           type(exc).__name__, job.event_id)  # fmt: skip
            return [Admitted(job)]

    async def _admit(self, job: Job) -> list[Admitted]:
        user, now = job.user_hash, self.clock()
        if job.kind is JobKind.UNFOLLOW:
            await self.store.clear_user(user)
            return [Admitted(job)]
        job, session = await self._expire_idle(job, now)
        if job.kind in (JobKind.BATCH_END, JobKind.CANCEL):
            ended = await self.store.end_batch(user)
            batch_id = ended.batch_id if ended else job.summary_batch_id
            return [Admitted(replace(job, summary_batch_id=batch_id))]
        if job.kind is JobKind.BATCH_START:
            session, created = await self.store.start_batch(user, job.event_id, now)
            opened = replace(job, batch_id=session.batch_id, batch_already_open=not created)
            return [Admitted(opened)]
        if job.kind is JobKind.STATUS:
            return [Admitted(replace(job, batch_id=session.batch_id if session else None))]
        if job.kind is JobKind.CARD_PHOTO:
            return await self._photo(job, user, now, session)
        return [Admitted(job)]

    async def _expire_idle(self, job: Job, now: float) -> tuple[Job, BatchSession | None]:
        """A batch left idle too long ends now; its summary rides on this event's answer.
        Returns the job and the user's batch still open (read once per event: issue 15)."""
        session = await self.store.current_batch(job.user_hash)
        if session is None or session.idle_for(now) <= self.batch_idle_seconds:
            return job, session
        ended = await self.store.end_batch(job.user_hash)
        if ended is None:
            return job, None
        logger.info("batch %s of user %s ended after %.0fs idle", ended.batch_id, job.user_hash,
                    session.idle_for(now))  # fmt: skip
        return replace(job, summary_batch_id=ended.batch_id, summary_idle=True), None

    async def _photo(
        self, job: Job, user: str, now: float, session: BatchSession | None
    ) -> list[Admitted]:
        if session is not None:
            await self.store.touch_batch(user, now)
            pending = PhotoOutcome(job.event_id, 0, PhotoStatus.PENDING, received_at=now)
            await self.store.add_photo(session.batch_id, pending)
            job = replace(job, batch_id=session.batch_id)
        admission = await self.store.admit_photo(user, now, self.pacing)
        if admission.delay <= 0:
            return [Admitted(job)]
        admitted: list[Admitted] = []
        notice = _notice(
            admission.waiting,
            admission.delay,
            admission.paused_until,
            paused=admission.notify_paused,
            waiting=admission.notify_waiting,
        )
        if notice is not None and job.summary_batch_id is None:
            # The notice takes this photo's reply token; the photo's answer comes later anyway.
            # "N waiting" goes out a moment later, so the photos sent with this one are counted.
            settle = 0.0 if notice.kind is NoticeKind.PAUSED else NOTICE_SETTLE_SECONDS
            admitted.append(Admitted(_notice_job(job, notice), min(settle, admission.delay)))
            job = replace(job, reply_token=None)
        admitted.append(Admitted(replace(job, paced=True), admission.delay))
        return admitted


def _notice(
    waiting_count: int, delay: float, paused_until: float | None, *, paused: bool, waiting: bool
) -> Notice | None:
    if paused and paused_until is not None:
        return Notice(NoticeKind.PAUSED, until=float(round(paused_until)))
    if waiting:
        minutes = max(1, math.ceil(delay / 60))
        return Notice(NoticeKind.WAITING, waiting=waiting_count, minutes=minutes)
    return None


def _notice_job(job: Job, notice: Notice) -> Job:
    return replace(
        job,
        kind=JobKind.NOTICE,
        event_id=job.event_id + NOTICE_SUFFIX,
        message_id=None,
        batch_id=None,
        image_set=None,
        notice=notice,
    )
