"""The steps of one job: read the photo, reply with its cards, save them; always answer the user."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from linebot.v3.messaging import Message

from namecard.ai.base import Extractor
from namecard.ai.images import sniff_image
from namecard.cards.model import Card, CardRef, Extraction, SavedContact
from namecard.errors import ConfigError, ContentRejected, NamecardError, QuotaExhausted, StoreError
from namecard.line import messages
from namecard.line.client import LineClient
from namecard.metrics.stats import JobRecord, Metrics
from namecard.pipeline.jobs import Job, JobKind, retry_key_for
from namecard.pipeline.retry import RetryPolicy, retry_transient
from namecard.store.base import ContactStore

logger = logging.getLogger(__name__)

LOADING_SECONDS = 20
LATE_ANSWER_SECONDS = 10.0  # time allowed to tell the user about a failure after the deadline
TIMEOUT_SENTENCE = "這張名片處理太久了，請稍後再傳一次。"
UNEXPECTED_SENTENCE = "處理這張照片時發生未預期的問題，請稍後再試一次。"
FALLBACK_SENTENCE = "這張名片由離線辨識讀取（雲端辨識額度暫時用完），部分欄位可能需要確認。"
DEFERRED_SENTENCE = "名片辨識服務的額度暫時用完了，我會在 {when} 左右讀取這張名片並回覆你。"
USER_TIMEZONE = ZoneInfo("Asia/Taipei")  # the users' clock, for "I will answer around HH:MM"
MIN_DEFER_SECONDS = 1.0
SAVE_RETRY = RetryPolicy(attempts=40, base_delay=1.0, max_delay=30.0)
EXTERNAL_PHOTO_SENTENCE = "請直接在聊天室傳送名片照片（不要分享連結），我就能幫你讀取。"


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    job_deadline_seconds: float
    reply_save_budget_seconds: float
    max_image_bytes: int
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # A save outlives its job: after the reply it keeps trying (an accepted card is never
    # dropped because Notion was down for a minute), until this long after the photo arrived.
    save_deadline_seconds: float = 600.0
    save_retry: RetryPolicy = field(default_factory=lambda: SAVE_RETRY)


@dataclass(slots=True)
class _Outcome:
    label: str = "failed"
    cards: int = 0
    success: bool = False
    cache_hit: bool = False
    saves: list[asyncio.Task[SavedContact]] = field(default_factory=list)


class JobHandler:
    """Handles every job kind; a card job is answered exactly once, whatever fails."""

    def __init__(
        self,
        *,
        line: LineClient,
        extractor: Extractor,
        store: ContactStore,
        metrics: Metrics,
        config: PipelineConfig,
        requeue: Callable[[Job, float], None] | None = None,
    ) -> None:
        self.line = line
        self.extractor = extractor
        self.store = store
        self.metrics = metrics
        self.config = config
        self._requeue = requeue
        self._background: set[asyncio.Task[None]] = set()

    async def __call__(self, job: Job) -> None:
        if job.kind is JobKind.CARD_PHOTO:
            await self._card_photo(job)
            return
        try:
            await self._deliver(job, _canned_reply(job.kind))
        except NamecardError as exc:
            logger.warning("reply to %s job %s failed: %s", job.kind, job.event_id, exc)

    # A card photo ------------------------------------------------------------------------------
    async def _card_photo(self, job: Job) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + self.config.job_deadline_seconds
        outcome = _Outcome()
        self.metrics.job_started()
        try:
            async with asyncio.timeout_at(deadline):
                await self._read_and_answer(job, deadline, outcome)
        except TimeoutError:
            outcome.label = "timeout"
            await self._tell_failure(job, TIMEOUT_SENTENCE)
        except QuotaExhausted as exc:
            outcome.success = await self._defer(job, exc)
            outcome.label = "deferred" if outcome.success else "no_key"
        except NamecardError as exc:
            outcome.label = type(exc).__name__
            logger.warning("job %s user %s: %s", job.event_id, job.user_hash, exc)
            await self._tell_failure(job, exc.user_message)
        except Exception:
            outcome.label = "crash"
            logger.exception("job %s user %s crashed", job.event_id, job.user_hash)
            await self._tell_failure(job, UNEXPECTED_SENTENCE)
        finally:
            reply_seconds = loop.time() - started
            if any(not task.done() for task in outcome.saves):
                # Saves outlived the reply: finish them without holding this worker.
                self._in_background(self._finish_saves(job, outcome, reply_seconds))
            else:
                self._record(job, outcome, reply_seconds)

    def _record(self, job: Job, outcome: _Outcome, reply_seconds: float) -> None:
        record = JobRecord(
            time.time(),
            reply_seconds,
            outcome.success,
            outcome.cards,
            outcome.cache_hit,
            outcome.label,
        )
        self.metrics.job_finished(record)
        logger.info(
            "job %s user=%s outcome=%s cards=%d photo_to_reply=%.3fs",
            job.event_id, job.user_hash, outcome.label, outcome.cards, reply_seconds,
        )  # fmt: skip

    async def _finish_saves(self, job: Job, outcome: _Outcome, reply_seconds: float) -> None:
        await asyncio.wait(outcome.saves)
        failed = sum(_result_or_none(task) is None for task in outcome.saves)
        if outcome.label == "saving":
            outcome.success, outcome.label = not failed, "saved" if not failed else "save_failed"
            if failed:
                # The reply said "saving…": the user must hear once that it did not work out.
                await self._tell_failure(job, StoreError.user_message, purpose="save-failed")
        self._record(job, outcome, reply_seconds)

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self, timeout: float) -> None:
        """Wait (up to `timeout`) for saves that outlived their replies."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=timeout)

    async def _read_and_answer(self, job: Job, deadline: float, outcome: _Outcome) -> None:
        if job.user_id and job.chat_id == job.user_id:
            # Cosmetic and best effort: never wait for it before reading the photo.
            self._in_background(self.line.show_loading(job.user_id, LOADING_SECONDS))
        image, mime_type = await self._download(job, deadline)
        fingerprint = hashlib.sha256(image).hexdigest()
        extraction = await self._extract(image, mime_type, deadline)
        del image  # the photo is not needed past this point and is never stored
        outcome.cards = len(extraction.cards)
        outcome.cache_hit = extraction.cache_tier is not None
        if not extraction.cards:
            outcome.label, outcome.success = "no_card", True
            await self._deliver(job, messages.no_card_messages())
            return
        await self._save_and_reply(job, extraction, fingerprint, deadline, outcome)

    async def _defer(self, job: Job, exc: QuotaExhausted) -> bool:
        """No Gemini key now and no offline reader: keep the job until a key returns."""
        if exc.available_at is None or self._requeue is None:
            await self._tell_failure(job, ConfigError.user_message)
            return False
        delay = max(MIN_DEFER_SECONDS, exc.available_at - time.time())
        if job.deferrals == 0:
            when = datetime.fromtimestamp(time.time() + delay, USER_TIMEZONE).strftime("%H:%M")
            await self._tell_failure(job, DEFERRED_SENTENCE.format(when=when), purpose="deferred")
        self._requeue(replace(job, reply_token=None, deferrals=job.deferrals + 1), delay)
        self.metrics.incr("jobs_deferred")
        logger.info("job %s waits %.0fs for a Gemini key", job.event_id, delay)
        return True

    async def _download(self, job: Job, deadline: float) -> tuple[bytes, str]:
        if not job.message_id:
            raise ContentRejected("image event without a message id")
        message_id = job.message_id
        image = await retry_transient(
            lambda: self.line.get_content(message_id, max_bytes=self.config.max_image_bytes),
            policy=self.config.retry,
            deadline=deadline,
            what="download",
        )
        mime_type = await asyncio.to_thread(sniff_image, image)
        if mime_type is None:
            self.metrics.incr("photos_rejected")
            raise ContentRejected(f"undecodable upload of {len(image)} bytes")
        return image, mime_type

    async def _extract(self, image: bytes, mime_type: str, deadline: float) -> Extraction:
        extraction = await retry_transient(
            lambda: self.extractor.extract(image, mime_type),
            policy=self.config.retry,
            deadline=deadline,
            what=f"extract ({self.extractor.name})",
        )
        self.metrics.incr("cards_read", len(extraction.cards))
        if extraction.cache_tier is not None:
            self.metrics.incr(f"cache_hits_{extraction.cache_tier}")
        return extraction

    async def _save_and_reply(
        self, job: Job, extraction: Extraction, fingerprint: str, deadline: float, outcome: _Outcome
    ) -> None:
        cards = extraction.cards
        loop = asyncio.get_running_loop()
        save_deadline = max(deadline, loop.time() + self.config.save_deadline_seconds)
        outcome.saves = [
            asyncio.create_task(self._save(card, CardRef(fingerprint, index), job, save_deadline))
            for index, card in enumerate(cards)
        ]
        budget = self.config.reply_save_budget_seconds
        _, pending = await asyncio.wait(outcome.saves, timeout=budget)
        saved = [_result_or_none(task) for task in outcome.saves]
        outgoing = messages.card_messages(
            cards, saved, store_name=self.store.name, pending_save=bool(pending)
        )
        if extraction.source != self.extractor.name:  # a fallback reader answered
            outgoing.append(messages.text_message(FALLBACK_SENTENCE))
        await self._deliver(job, outgoing)
        if pending:
            outcome.label = "saving"  # settled by _finish_saves once the saves are done
            return
        failed = saved.count(None)
        outcome.success, outcome.label = not failed, "saved" if not failed else "save_failed"

    async def _save(self, card: Card, ref: CardRef, job: Job, deadline: float) -> SavedContact:
        try:
            saved = await retry_transient(
                lambda: self.store.save(card, ref, user_hash=job.user_hash),
                policy=self.config.save_retry,
                deadline=deadline,
                what=f"save ({self.store.name})",
            )
        except Exception:
            self.metrics.incr("contact_save_errors")
            logger.exception("saving card %s of job %s failed", ref.card_id, job.event_id)
            raise
        self.metrics.incr("contacts_saved")
        return saved

    # Answering -----------------------------------------------------------------------------------
    async def _deliver(
        self, job: Job, outgoing: Sequence[Message], *, purpose: str = "result"
    ) -> None:
        async def once() -> str:
            return await self.line.deliver(
                reply_token=job.reply_token,
                user_id=job.chat_id,
                messages=outgoing,
                retry_key=retry_key_for(job.event_id, purpose),
            )

        loop = asyncio.get_running_loop()
        try:
            channel = await retry_transient(
                once,
                policy=self.config.retry,
                deadline=loop.time() + LATE_ANSWER_SECONDS,
                what="reply",
            )
        except NamecardError:
            self.metrics.incr("line_delivery_errors")
            raise
        self.metrics.incr("line_replies" if channel == "reply" else "line_pushes")

    async def _tell_failure(self, job: Job, sentence: str, *, purpose: str = "failure") -> None:
        try:
            async with asyncio.timeout(LATE_ANSWER_SECONDS):
                await self._deliver(job, messages.failure_messages(sentence), purpose=purpose)
        except (NamecardError, TimeoutError) as exc:
            logger.error("could not tell user %s about a failure: %s", job.user_hash, exc)


def _canned_reply(kind: JobKind) -> list[Message]:
    if kind is JobKind.HELP:
        return messages.help_messages()
    if kind is JobKind.WELCOME:
        return messages.welcome_messages()
    if kind is JobKind.UNSUPPORTED_PHOTO:
        return messages.failure_messages(EXTERNAL_PHOTO_SENTENCE)
    return messages.hint_messages()


def _result_or_none(task: asyncio.Task[SavedContact]) -> SavedContact | None:
    if not task.done() or task.cancelled() or task.exception() is not None:
        return None
    return task.result()
