"""A card photo, step by step: read it, save its cards, answer the user exactly once.

A photo is answered on its own unless the conversation takes its answer over
(`conversation/held.py` decides which). Whatever fails, the user hears about it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field, replace
from typing import Any

from namecard.ai.base import Extractor
from namecard.cards.model import CardRef, Extraction, SavedContact
from namecard.conversation.held import HeldPhotos
from namecard.conversation.jobs import ConversationJobs
from namecard.domain import catalogue
from namecard.domain.catalogue import Sentence
from namecard.domain.errors import (
    ConfigError,
    NamecardError,
    QuotaExhausted,
)
from namecard.domain.jobs import Job, JobKind, JobOutcome
from namecard.domain.replies import Reply
from namecard.line.delivery import Deliverer
from namecard.line.messenger import Messenger
from namecard.line.replies import Replies
from namecard.line.texts import clock_time
from namecard.metrics.counters import Count
from namecard.metrics.stats import JobRecord, Metrics
from namecard.pipeline.steps import PhotoSteps, PipelineConfig
from namecard.store.base import ContactStore

logger = logging.getLogger(__name__)

LOADING_SECONDS = 20
MIN_DEFER_SECONDS = 1.0

Finished = Callable[[], Awaitable[None]]


@dataclass(slots=True)
class _Outcome:
    label: JobOutcome = JobOutcome.FAILED
    error: str | None = None  # the NamecardError class, when one ended the job
    cards: int = 0
    success: bool = False
    cache_hit: bool = False
    saves: list[asyncio.Task[SavedContact]] = field(default_factory=list)


class JobHandler:
    """Handles every job kind; `finished` is awaited once the job is completely done (its
    contacts saved), which is when the queue may forget it."""

    def __init__(
        self,
        *,
        line: Messenger,
        extractor: Extractor,
        store: ContactStore,
        metrics: Metrics,
        config: PipelineConfig,
        deliverer: Deliverer,
        messages: Replies,
        conversation: ConversationJobs,
        requeue: Callable[[Job, float], Awaitable[None]] | None = None,
    ) -> None:
        self.line = line
        self.extractor = extractor
        self.store = store
        self.metrics = metrics
        self.config = config
        self.deliverer = deliverer
        self.messages = messages
        self.conversation = conversation
        self.held = HeldPhotos(conversation)
        self._requeue = requeue
        self.steps = PhotoSteps(
            line=line, extractor=extractor, store=store, metrics=metrics, config=config
        )
        self._background: set[asyncio.Task[None]] = set()

    async def __call__(self, job: Job, finished: Finished) -> None:
        if job.kind is not JobKind.CARD_PHOTO:
            try:
                await self.conversation.handle(job)
            finally:
                await finished()
            return
        await self._card_photo(job, finished)

    async def dead_letter(self, job: Job) -> None:
        """The job failed too often: tell the user once and let a held answer still come."""
        if job.kind is JobKind.CARD_PHOTO and await self.held.take_failure(
            job, catalogue.DEAD_LETTER
        ):
            return
        await self.deliverer.answer(job, self.messages.dead_letter(), purpose="dead")

    async def drain(self, timeout: float) -> None:
        """Wait (up to `timeout`) for saves that outlived their replies."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=timeout)

    # A card photo ------------------------------------------------------------------------------
    async def _card_photo(self, job: Job, finished: Finished) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        outcome = _Outcome()
        self.metrics.job_started()
        await self.held.photo_started(job)
        try:
            await self._run_photo(job, started + self.config.job_deadline_seconds, outcome)
        finally:
            reply_seconds = loop.time() - started
            if any(not task.done() for task in outcome.saves):
                # Saves outlived the reply: finish them without holding this worker.
                self._in_background(self._finish_saves(job, outcome, reply_seconds, finished))
            else:
                self._record(job, outcome, reply_seconds)
                await finished()

    async def _run_photo(self, job: Job, deadline: float, outcome: _Outcome) -> None:
        failure: Sentence | None = None
        try:
            async with asyncio.timeout_at(deadline):
                extraction, fingerprint = await self._read(job, deadline, outcome)
        except TimeoutError:
            outcome.label, failure = JobOutcome.TIMEOUT, catalogue.TIMEOUT
        except QuotaExhausted as exc:
            outcome.success = await self._defer(job, exc)
            outcome.label = JobOutcome.DEFERRED if outcome.success else JobOutcome.NO_KEY
            if not outcome.success:
                failure = ConfigError.user_message
        except NamecardError as exc:
            outcome.error, failure = type(exc).__name__, exc.user_message
            logger.warning("job %s user %s: %s", job.event_id, job.user_hash, exc)
        except Exception:
            outcome.label, failure = JobOutcome.CRASH, catalogue.UNEXPECTED
            logger.exception("job %s user %s crashed", job.event_id, job.user_hash)
        if failure is not None:
            await self._photo_failed(job, failure)
        elif outcome.label is not JobOutcome.DEFERRED:
            await self._answer(job, extraction, fingerprint, deadline, outcome)

    async def _photo_failed(self, job: Job, failure: Sentence) -> None:
        if await self.held.take_failure(job, failure):
            return
        await self.deliverer.answer(job, self.messages.failure(failure))

    async def _read(self, job: Job, deadline: float, outcome: _Outcome) -> tuple[Extraction, str]:
        if job.user_id and job.chat_id == job.user_id and job.reply_token:
            # Cosmetic and best effort: never wait for it before reading the photo.
            self._in_background(self.line.show_loading(job.user_id, LOADING_SECONDS))
        image, mime_type = await self.steps.download(job, deadline)
        fingerprint = hashlib.sha256(image).hexdigest()
        extraction = await self.steps.extract(image, mime_type, deadline)
        del image  # the photo is not needed past this point and is never stored
        outcome.cards = len(extraction.cards)
        outcome.cache_hit = extraction.cache_tier is not None
        return extraction, fingerprint

    async def _answer(
        self,
        job: Job,
        extraction: Extraction,
        fingerprint: str,
        deadline: float,
        outcome: _Outcome,
    ) -> None:
        if not extraction.cards:
            outcome.label, outcome.success = JobOutcome.NO_CARD, True
            if not await self.held.take_no_card(job, extraction):
                summary = await self.conversation.idle_summary(job)
                await self.deliverer.answer(
                    job, self.messages.combine(summary, self.messages.no_card())
                )
            return
        loop = asyncio.get_running_loop()
        save_deadline = max(deadline, loop.time() + self.config.save_deadline_seconds)
        outcome.saves = [
            asyncio.create_task(
                self.steps.save(card, CardRef(fingerprint, index), job, save_deadline)
            )
            for index, card in enumerate(extraction.cards)
        ]
        if self.held.holds(job):
            await self._answer_held(job, extraction, outcome)
        else:
            await self._reply_with_cards(job, extraction, outcome)

    async def _answer_held(self, job: Job, extraction: Extraction, outcome: _Outcome) -> None:
        """A held photo: its answer waits for every save."""
        await asyncio.wait(outcome.saves)
        saved = tuple(_result_or_none(task) for task in outcome.saves)
        failed = saved.count(None)
        outcome.success, outcome.label = (
            not failed,
            JobOutcome.SAVED if not failed else JobOutcome.SAVE_FAILED,
        )
        if not await self.held.take_saved(job, extraction, saved):
            await self.deliverer.answer(job, self._card_messages(extraction, saved, pending=False))

    async def _reply_with_cards(self, job: Job, extraction: Extraction, outcome: _Outcome) -> None:
        budget = self.config.reply_save_budget_seconds
        _, pending = await asyncio.wait(outcome.saves, timeout=budget)
        saved = [_result_or_none(task) for task in outcome.saves]
        cards = self._card_messages(extraction, saved, pending=bool(pending))
        summary = await self.conversation.idle_summary(job)
        await self.deliverer.answer(job, self.messages.combine(summary, cards))
        if pending:
            outcome.label = JobOutcome.SAVING  # settled by _finish_saves once the saves are done
            return
        failed = saved.count(None)
        outcome.success, outcome.label = (
            not failed,
            JobOutcome.SAVED if not failed else JobOutcome.SAVE_FAILED,
        )

    def _card_messages(self, extraction: Extraction, saved: Any, *, pending: bool) -> Reply:
        return self.messages.cards(
            extraction.cards,
            saved,
            store_name=self.store.name,
            pending_save=pending,
            fallback_reader=extraction.source != self.extractor.name,
        )

    async def _finish_saves(
        self, job: Job, outcome: _Outcome, reply_seconds: float, finished: Finished
    ) -> None:
        try:
            await asyncio.wait(outcome.saves)
            failed = sum(_result_or_none(task) is None for task in outcome.saves)
            if outcome.label is JobOutcome.SAVING:
                outcome.success, outcome.label = (
                    not failed,
                    JobOutcome.SAVED if not failed else JobOutcome.SAVE_FAILED,
                )
                if failed:
                    # The reply said "saving…": the user must hear once that it did not work out.
                    await self.deliverer.answer(
                        job, self.messages.save_failed(), purpose="save-failed"
                    )
            self._record(job, outcome, reply_seconds)
        finally:
            await finished()

    async def _defer(self, job: Job, exc: QuotaExhausted) -> bool:
        """No Gemini key now and no offline reader: keep the job until a key returns."""
        if exc.available_at is None or self._requeue is None:
            return False
        delay = max(MIN_DEFER_SECONDS, exc.available_at - time.time())
        if job.deferrals == 0:
            when = clock_time(time.time() + delay)
            await self.deliverer.answer(job, self.messages.deferred(when), purpose="deferred")
        later = replace(job, reply_token=None, deferrals=job.deferrals + 1, paced=False)
        await self._requeue(later, delay)
        self.metrics.incr(Count.JOBS_DEFERRED)
        logger.info("job %s waits %.0fs for a Gemini key", job.event_id, delay)
        return True

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _record(self, job: Job, outcome: _Outcome, reply_seconds: float) -> None:
        record = JobRecord(
            time.time(), reply_seconds, outcome.success, outcome.cards, outcome.cache_hit,
            outcome.error or outcome.label,
        )  # fmt: skip
        self.metrics.job_finished(record)
        logger.info(
            "job %s user=%s outcome=%s cards=%d photo_to_reply=%.3fs",
            job.event_id, job.user_hash, outcome.error or outcome.label, outcome.cards,
            reply_seconds,
        )  # fmt: skip


def _result_or_none(task: asyncio.Task[SavedContact]) -> SavedContact | None:
    if not task.done() or task.cancelled() or task.exception() is not None:
        return None
    return task.result()
