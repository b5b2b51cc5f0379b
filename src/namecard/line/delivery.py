"""The reply policy: a reply token first, a push only when it is worth the monthly quota.

Replies are free and pushes count against the LINE account's monthly message quota, so:
- every answer tries the job's reply token (and, for an image set, the other unused tokens of
  the set, newest first) before anything else;
- an answer nobody is waiting for (help, hints, "batch started") is dropped when no token works;
- a push carries an `X-Line-Retry-Key` derived from the event and the answer's purpose, so a
  retried push is shown once; it is refused when the push budget (`PUSH_MONTHLY_CAP`,
  `PUSH_USER_MONTHLY_CAP`) is spent;
- each answer is recorded in the job's progress, so a job resumed by another worker after a
  crash does not answer twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Sequence
from typing import Literal, Protocol

from namecard.domain.errors import NamecardError, ReplyTokenExpired, StateUnavailable
from namecard.domain.jobs import Job, retry_key_for
from namecard.domain.replies import Reply
from namecard.domain.retry import RetryPolicy, retry_transient
from namecard.line.messenger import Messenger
from namecard.metrics.counters import Count
from namecard.metrics.stats import Metrics
from namecard.state.progress import JobProgress

logger = logging.getLogger(__name__)

LATE_ANSWER_SECONDS = 10.0  # time allowed for one answer, retries included
BILLED_PER_PUSH = 1  # LINE bills a push once per recipient, whatever its message objects


Outcome = Literal["reply", "push", "already", "skipped", "refused"]


class PushBudgetProtocol(Protocol):
    async def allow(self, user: str, *, messages: int, now: float) -> bool: ...

    async def record(self, user: str, *, messages: int, now: float) -> None: ...


class Deliverer:
    def __init__(
        self,
        *,
        line: Messenger,
        progress: JobProgress,
        metrics: Metrics,
        budget: PushBudgetProtocol | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.line = line
        self.progress = progress
        self.metrics = metrics
        self.budget = budget
        self.retry = retry or RetryPolicy()

    async def send(
        self,
        job: Job,
        reply: Reply,
        *,
        purpose: str = "result",
        push_worthy: bool = True,
        other_tokens: Sequence[str] = (),
    ) -> Outcome:
        """Answer `job` once with `reply`; raises NamecardError when LINE keeps failing."""
        if await self._already_sent(job, purpose):
            self.metrics.incr(Count.LINE_ANSWERS_ALREADY_SENT)
            logger.info("job %s: %s answer was already sent", job.event_id, purpose)
            return "already"
        try:
            async with asyncio.timeout(LATE_ANSWER_SECONDS):
                outcome = await self._send(job, reply, purpose, push_worthy, other_tokens)
        except (NamecardError, TimeoutError):
            self.metrics.incr(Count.LINE_DELIVERY_ERRORS)
            raise
        await self._note(self.progress.sent(job.event_id, purpose, outcome))
        return outcome

    async def answer(
        self,
        job: Job,
        reply: Reply,
        *,
        purpose: str = "result",
        push_worthy: bool = True,
        other_tokens: Sequence[str] = (),
    ) -> None:
        """`send`, for callers that have nothing left to do when LINE keeps failing: the
        failure is logged (the user cannot be told by another way)."""
        try:
            await self.send(
                job, reply, purpose=purpose, push_worthy=push_worthy, other_tokens=other_tokens
            )
        except (NamecardError, TimeoutError) as exc:
            logger.error("could not answer user %s (%s): %s", job.user_hash, purpose, exc)

    async def _already_sent(self, job: Job, purpose: str) -> bool:
        """Without the progress record (Redis down) the answer is sent: a rare duplicate after
        a crash beats a user who is never answered."""
        try:
            return (await self.progress.load(job.event_id)).was_sent(purpose)
        except StateUnavailable as exc:
            logger.warning("job progress unavailable (%s); answering anyway", type(exc).__name__)
            return False

    async def _note(self, write: Awaitable[None]) -> None:
        try:
            await write
        except StateUnavailable as exc:
            logger.warning("job progress not recorded: %s", type(exc).__name__)

    async def _send(
        self,
        job: Job,
        reply: Reply,
        purpose: str,
        push_worthy: bool,
        other_tokens: Sequence[str],
    ) -> Outcome:
        tokens = [t for t in (job.reply_token, *other_tokens) if t]
        for token in dict.fromkeys(tokens):
            if await self._reply(token, reply):
                self.metrics.incr(Count.LINE_REPLIES)
                return "reply"
        if not push_worthy:
            self.metrics.incr(Count.LINE_PUSHES_SKIPPED)
            logger.info("job %s: no reply token left for a %s answer; not pushed", job.event_id,
                        purpose)  # fmt: skip
            return "skipped"
        now = time.time()
        if self.budget is not None and not await self.budget.allow(
            job.user_hash, messages=BILLED_PER_PUSH, now=now
        ):
            self.metrics.incr(Count.LINE_PUSHES_REFUSED_CAP)
            logger.warning("job %s: push budget spent; %s answer not pushed", job.event_id, purpose)
            return "refused"
        await retry_transient(
            lambda: self.line.push(
                job.chat_id, reply, retry_key=retry_key_for(job.event_id, purpose)
            ),
            policy=self.retry,
            deadline=asyncio.get_running_loop().time() + LATE_ANSWER_SECONDS,
            what="push",
        )
        if self.budget is not None:
            await self.budget.record(job.user_hash, messages=BILLED_PER_PUSH, now=now)
        self.metrics.incr(Count.LINE_PUSHES)
        return "push"

    async def _reply(self, token: str, reply: Reply) -> bool:
        """True when LINE took the reply; False when the token was used or has expired."""
        try:
            await retry_transient(
                lambda: self.line.reply(token, reply),
                policy=self.retry,
                deadline=asyncio.get_running_loop().time() + LATE_ANSWER_SECONDS,
                what="reply",
            )
        except ReplyTokenExpired:
            return False
        return True
