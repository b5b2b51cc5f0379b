"""A card photo, step by step: read it, save its cards, answer the user exactly once.

A photo is answered on its own unless the conversation takes its answer over
(`conversation/held.py` decides which). Whatever fails, the user hears about it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
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
from namecard.metrics.stats import JobRecord, Metrics, Step
from namecard.pipeline.steps import PhotoSteps, PipelineConfig
from namecard.store.base import ContactStore, SaveOutlook

logger = logging.getLogger(__name__)

LOADING_SECONDS = 20
# The typing dots are asked for only when the reading has not ended this soon: a photo read
# before is answered at once without them. LINE shows the dots from the loading call until the
# bot's next message, so a loading call LINE takes after the reply would leave them running
# under the answer: the reply waits for the loading call (at most LOADING_WAIT_SECONDS).
LOADING_AFTER_SECONDS = 0.3
LOADING_WAIT_SECONDS = 2.0
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
    reader: str = "none"  # the reader that answered (metrics/ledger.py)
    loading: asyncio.Task[None] | None = None  # the typing dots' call, when one was made
    steps: dict[Step, float] = field(default_factory=dict)  # seconds per step reached

    @contextmanager
    def timed(self, step: Step) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.steps[step] = self.steps.get(step, 0.0) + time.monotonic() - started

    def time_saves(self) -> None:
        """SAVING runs from now until the last save is done (it may outlive the reply)."""
        started = time.monotonic()

        def done(_: object) -> None:
            self.steps[Step.SAVING] = time.monotonic() - started

        for task in self.saves:
            task.add_done_callback(done)


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
        outcome.steps[Step.QUEUE_WAIT] = max(0.0, time.time() - job.received_at)
        self.metrics.job_started()
        await self.held.photo_started(job)
        try:
            await self._run_photo(job, started + self.config.job_deadline_seconds, outcome)
        finally:
            reply_seconds = loop.time() - started
            # SAVING: the reply said "saving…"; its saves may have ended during the reply, and
            # _finish_saves settles the outcome (and tells the user if they failed) either way.
            if outcome.label is JobOutcome.SAVING or any(not t.done() for t in outcome.saves):
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
            await self._photo_failed(job, failure, outcome)
        elif outcome.label is not JobOutcome.DEFERRED:
            await self._answer(job, extraction, fingerprint, deadline, outcome)

    async def _photo_failed(self, job: Job, failure: Sentence, outcome: _Outcome) -> None:
        if await self.held.take_failure(job, failure):
            return
        with outcome.timed(Step.REPLY):
            await self.deliverer.answer(job, self.messages.failure(failure))

    async def _read(self, job: Job, deadline: float, outcome: _Outcome) -> tuple[Extraction, str]:
        with outcome.timed(Step.DOWNLOAD):
            photo = await self.steps.download(job, deadline)
        fingerprint = photo.fingerprint
        with outcome.timed(Step.READING):
            reading = asyncio.ensure_future(
                self.steps.extract(photo.data, photo.mime_type, deadline)
            )
            try:
                done, _ = await asyncio.wait({reading}, timeout=LOADING_AFTER_SECONDS)
                if not done and job.user_id and job.chat_id == job.user_id and job.reply_token:
                    # Cosmetic and best effort: the reading never waits for it.
                    outcome.loading = self._in_background(
                        self.line.show_loading(job.user_id, LOADING_SECONDS)
                    )
                extraction = await reading
            finally:
                reading.cancel()  # when the job's deadline ended the wait; a no-op once done
                if outcome.loading is not None:  # LINE takes it before any answer
                    await asyncio.wait({outcome.loading}, timeout=LOADING_WAIT_SECONDS)
        del photo, reading  # the photo is not needed past this point and is never stored
        outcome.reader = extraction.source
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
                with outcome.timed(Step.REPLY):
                    await self.deliverer.answer(
                        job, self.messages.combine(summary, self.messages.no_card())
                    )
            return
        loop = asyncio.get_running_loop()
        save_deadline = max(deadline, loop.time() + self.config.save_deadline_seconds)
        refs = [CardRef(fingerprint, index) for index in range(len(extraction.cards))]
        held = self.held.holds(job)
        # Asked before the saves start: a store with a shared budget reserves each one's turn.
        outlooks = [] if held else [await self.steps.outlook(ref) for ref in refs]
        outcome.saves = [
            asyncio.create_task(self.steps.save(card, ref, job, save_deadline))
            for card, ref in zip(extraction.cards, refs, strict=True)
        ]
        outcome.time_saves()
        if held:
            await self._answer_held(job, extraction, outcome)
        else:
            await self._reply_with_cards(job, extraction, outcome, outlooks)

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
            with outcome.timed(Step.REPLY):
                await self.deliverer.answer(
                    job, self._card_messages(extraction, saved, pending=False)
                )

    async def _reply_with_cards(
        self, job: Job, extraction: Extraction, outcome: _Outcome, outlooks: list[SaveOutlook]
    ) -> None:
        """The reply waits for the saves only when they can be done within the budget; a
        card whose page is known shows its link at once."""
        _, pending = await asyncio.wait(outcome.saves, timeout=self._save_wait(outlooks))
        saved = [
            _result_or_none(task) or outlook.known
            for task, outlook in zip(outcome.saves, outlooks, strict=True)
        ]
        unsaid = any(
            task in pending and entry is None
            for task, entry in zip(outcome.saves, saved, strict=True)
        )
        cards = self._card_messages(extraction, saved, pending=unsaid)
        summary = await self.conversation.idle_summary(job)
        with outcome.timed(Step.REPLY):
            await self.deliverer.answer(job, self.messages.combine(summary, cards))
        if pending:
            outcome.label = JobOutcome.SAVING  # settled by _finish_saves once the saves are done
            return
        failed = saved.count(None)
        outcome.success, outcome.label = (
            not failed,
            JobOutcome.SAVED if not failed else JobOutcome.SAVE_FAILED,
        )

    def _save_wait(self, outlooks: list[SaveOutlook]) -> float:
        if all(outlook.known is not None for outlook in outlooks):
            return 0.0
        budget = self.config.reply_save_budget_seconds
        unknown = [o for o in outlooks if o.known is None]
        if any(o.in_flight or o.queued > 0 or o.seconds > budget for o in unknown):
            return 0.0
        return budget

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

    def _in_background(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def _record(self, job: Job, outcome: _Outcome, reply_seconds: float) -> None:
        record = JobRecord(
            time.time(), reply_seconds, outcome.success, outcome.cards, outcome.cache_hit,
            outcome.error or outcome.label, outcome.reader, tuple(outcome.steps.items()),
        )  # fmt: skip
        self.metrics.job_finished(record)
        logger.info(
            "job %s user=%s outcome=%s reader=%s cards=%d photo_to_reply=%.3fs %s",
            job.event_id, job.user_hash, outcome.error or outcome.label, outcome.reader,
            outcome.cards, reply_seconds,
            " ".join(f"{step}={seconds:.3f}s" for step, seconds in outcome.steps.items()),
        )  # fmt: skip


def _result_or_none(task: asyncio.Task[SavedContact]) -> SavedContact | None:
    if not task.done() or task.cancelled() or task.exception() is not None:
        return None
    return task.result()
