"""The state every worker and instance shares: jobs, their progress, conversations, push budget.

With REDIS_URL it lives in Redis (one namespace, `REDIS_KEY_PREFIX`; each key is documented by
the module that owns it: `pipeline/stream_queue.py`, `state/progress.py`,
`pipeline/dedupe.py`, `conversation/state_redis.py`, `line/push_budget.py`,
`cache/redis_tier.py`, `ai/gemini/key_pool_redis.py`, `store/card_pages.py`,
`store/rate_limit_redis.py`, `state/ip_limit.py`). Without it, in this process's memory, and the
server runs a single worker process.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass
from functools import cache
from typing import Any

from namecard.bootstrap.settings import Settings
from namecard.conversation.contacts import ContactJobs
from namecard.conversation.gate import ConversationGate
from namecard.conversation.jobs import ConversationJobs
from namecard.conversation.pacing import PaceLimits
from namecard.conversation.state import ConversationStore, MemoryConversationStore
from namecard.conversation.state_redis import RedisConversationStore
from namecard.domain.jobs import Job, JobKind
from namecard.line.contact_replies import ContactReplies
from namecard.line.delivery import Deliverer
from namecard.line.messenger import Messenger
from namecard.line.push_budget import MemoryPushBudget, PushBudget, RedisPushBudget
from namecard.line.replies import Replies
from namecard.metrics.stats import Metrics
from namecard.pipeline.dedupe import EventDedupe
from namecard.pipeline.fallback_queue import FallbackQueue
from namecard.pipeline.queue import JobQueue, MemoryJobQueue
from namecard.pipeline.stream_queue import RedisStreamQueue
from namecard.state.client import SharedRedis
from namecard.state.faults import REDIS_FAULTS
from namecard.state.progress import JobProgress, MemoryJobProgress, RedisJobProgress
from namecard.store.base import ContactStore

logger = logging.getLogger(__name__)

SECONDS_PER_MINUTE = 60.0
MAX_HEARTBEAT_SECONDS = 10.0  # a running job's lease is refreshed at least this often


@cache
def instance_id() -> str:
    """This process's name as a stream consumer and a dedupe claim owner."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass
class SharedState:
    settings: Settings
    queue: JobQueue
    progress: JobProgress
    conversations: ConversationStore
    push_budget: PushBudget
    gate: ConversationGate
    stream: RedisStreamQueue | None = None

    def deliverer(self, line: Messenger, metrics: Metrics) -> Deliverer:
        return Deliverer(
            line=line, progress=self.progress, metrics=metrics, budget=self.push_budget
        )

    def conversation_jobs(
        self,
        deliverer: Deliverer,
        messages: Replies,
        store_name: str,
        *,
        store: ContactStore | None = None,
    ) -> ConversationJobs:
        contacts = None
        if store is not None:  # search, recent, notes, corrections, delete, forget-me
            contacts = ContactJobs(
                store=store,
                state=self.conversations,
                replies=ContactReplies(messages.builder.language),
                push_budget=self.push_budget,
            )
        return ConversationJobs(
            store=self.conversations,
            deliverer=deliverer,
            messages=messages,
            store_name=store_name,
            batch_end_wait_seconds=self.settings.batch_end_wait_seconds,
            pacing=self.gate.pacing,
            contacts=contacts,
        )

    async def push_snapshot(self) -> dict[str, Any]:
        try:
            return await self.push_budget.snapshot(time.time())
        except REDIS_FAULTS as exc:
            return {"error": type(exc).__name__}

    def queue_stats(self) -> dict[str, Any]:
        return self.stream.stats() if self.stream is not None else {"kind": "in-process"}


async def open_shared_state(
    settings: Settings, redis: SharedRedis | None, stack: AsyncExitStack, *, dedupe: EventDedupe
) -> SharedState:
    pacing = PaceLimits(
        rate_per_min=settings.user_rate_per_min,
        flood_limit=settings.user_flood_limit,
        flood_window=settings.user_flood_window_minutes * SECONDS_PER_MINUTE,
        pause_seconds=settings.user_pause_minutes * SECONDS_PER_MINUTE,
    )
    caps = {
        "monthly_cap": settings.push_monthly_cap,
        "user_monthly_cap": settings.push_user_monthly_cap,
    }
    idle = settings.batch_idle_minutes * SECONDS_PER_MINUTE
    if redis is None:
        memory_queue = MemoryJobQueue(settings.queue_size)
        stack.push_async_callback(memory_queue.aclose)
        conversations: ConversationStore = MemoryConversationStore()
        gate = ConversationGate(conversations, batch_idle_seconds=idle, pacing=pacing)
        return SharedState(
            settings, memory_queue, MemoryJobProgress(), conversations,
            MemoryPushBudget(**caps), gate,
        )  # fmt: skip
    stream = RedisStreamQueue(
        redis.client,
        keys=redis.keys,
        consumer=instance_id(),
        capacity=settings.queue_size,
        claim_idle_seconds=settings.job_claim_idle_seconds,
        heartbeat_seconds=min(MAX_HEARTBEAT_SECONDS, settings.job_claim_idle_seconds / 3),
    )

    async def still_ours(job: Job) -> bool:
        if job.deferrals or job.paced or job.kind is JobKind.NOTICE:
            return True  # re-queued by a worker, not a webhook: its claim was made earlier
        return await dedupe.confirm(job.event_id)

    queue = FallbackQueue(stream, capacity=settings.local_queue_size, on_flush=still_ours)
    await queue.start()
    stack.push_async_callback(queue.aclose)
    conversations = RedisConversationStore(redis.client, keys=redis.keys)
    gate = ConversationGate(conversations, batch_idle_seconds=idle, pacing=pacing)
    return SharedState(
        settings, queue, RedisJobProgress(redis.client, keys=redis.keys), conversations,
        RedisPushBudget(redis.client, keys=redis.keys, **caps), gate, stream,
    )  # fmt: skip
