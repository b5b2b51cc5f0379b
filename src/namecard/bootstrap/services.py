"""Lifecycle of every long-lived client and of the workers, opened and closed in one place."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import psutil
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from namecard.ai.base import Extractor
from namecard.ai.concurrency import AdaptiveLimit
from namecard.ai.decode_budget import map_large_images
from namecard.ai.gemini.key_pool import KeyPoolProtocol
from namecard.ai.ocr.channel import HostPlace, instance_pid
from namecard.bootstrap.clients import contact_store, event_dedupe, line_client, open_redis
from namecard.bootstrap.readers import build_readers, build_result_cache
from namecard.bootstrap.settings import Settings
from namecard.bootstrap.shared_state import SharedState, open_shared_state
from namecard.bootstrap.startup_checks import warn_if_operator_endpoints_public
from namecard.cache.tiered import TieredCache
from namecard.domain.errors import ConfigError, NamecardError
from namecard.domain.health import Problem, ProblemCode, sorted_problems
from namecard.line.client import LineClient
from namecard.line.identity import BotIdentity
from namecard.line.replies import Replies
from namecard.metrics import payloads, report
from namecard.metrics.history import Beat, History, MemoryHistory
from namecard.metrics.processes import instance_processes
from namecard.metrics.prometheus import build_sink, process_exited
from namecard.metrics.recorder import Recorder, heartbeat
from namecard.metrics.stats import Metrics
from namecard.metrics.view import ServiceView, read_view
from namecard.pipeline.dedupe import EventDedupe
from namecard.pipeline.handler import JobHandler
from namecard.pipeline.queue import JobQueue
from namecard.pipeline.steps import PipelineConfig
from namecard.pipeline.workers import WorkerPool
from namecard.state.client import SharedRedis
from namecard.state.faults import REDIS_FAULTS
from namecard.state.ip_limit import IpLimiter, build_ip_limiter
from namecard.state.refusal import check_redis
from namecard.store.base import ContactStore

logger = logging.getLogger(__name__)

QUICK_ANSWER_SECONDS = 0.25
STORE_START_FIRST_DELAY, STORE_START_MAX_DELAY = 1.0, 30.0  # seconds between start attempts


@dataclass(slots=True)
class Lifecycle:
    """What changes while the service runs: whether it takes webhooks, the store's start."""

    accepting: bool = True
    store_problem: Problem | None = None
    drain_task: asyncio.Future[None] | None = None


@dataclass(frozen=True)
class Services:
    """Everything the routes and workers share; built once by `open_services`."""

    settings: Settings
    metrics: Metrics
    queue: JobQueue
    dedupe: EventDedupe
    line: LineClient
    extractor: Extractor
    store: ContactStore
    secret: SecretStr
    workers: WorkerPool
    handler: JobHandler
    cache: TieredCache
    key_pool: KeyPoolProtocol | None  # None without Gemini keys
    prometheus_registry: CollectorRegistry | None  # None in multiprocess mode (its files)
    shared: SharedState
    ip_limiter: IpLimiter | None  # None when IP_RATE_PER_HOUR is 0
    recorder: Recorder
    process: psutil.Process = field(default_factory=psutil.Process)
    identity: BotIdentity = field(default_factory=BotIdentity)
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    concurrency: AdaptiveLimit | None = None  # issue 15: the adaptive Gemini call limit

    @property
    def accepting(self) -> bool:
        return self.lifecycle.accepting

    async def drain(self) -> None:
        """Stop taking webhooks (503 `shutting_down`) and let the work in hand finish within
        DRAIN_SECONDS. Called on SIGTERM while the server still answers /health, and again
        (then at once) when the app stops."""
        if self.lifecycle.drain_task is None:
            self.lifecycle.accepting = False
            self.lifecycle.drain_task = asyncio.ensure_future(self._drain())
        await asyncio.shield(self.lifecycle.drain_task)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.drain_seconds
        shared_queue = self.settings.redis_url is not None
        await self.workers.drain(self.settings.drain_seconds, finish_queued=not shared_queue)
        await self.handler.drain(max(0.0, deadline - loop.time()))

    def channel_secret(self) -> str:
        return self.secret.get_secret_value()

    def problems(self) -> list[Problem]:
        """What degrades the service now, most of them for an operator to fix."""
        found = (
            self.lifecycle.store_problem,
            self.store.problem,
            self.queue.problem(),
            self.line.problem,
        )
        return sorted_problems(found)

    async def queue_depth(self) -> int | None:
        """Jobs accepted and not finished; None when the shared queue does not answer quickly
        (health checks must not hang on Redis)."""
        try:
            async with asyncio.timeout(QUICK_ANSWER_SECONDS):
                return await self.queue.depth()
        except (TimeoutError, *REDIS_FAULTS):
            return None

    async def view(self, hours: float) -> ServiceView:
        """The whole service over the last `hours`, from the shared history (this process's
        own when Redis does not answer); this worker's latest figures written first."""
        recorder = self.recorder
        await recorder.flush()
        histories: list[History] = [recorder.local]
        if recorder.shared is not None and not recorder.failing:
            histories.insert(0, recorder.shared)
        for history in histories:
            try:
                return await read_view(
                    history, now=time.time(), window_hours=hours,
                    gone_after=self.settings.instance_gone_seconds, own=recorder.beat(),
                )  # fmt: skip
            except REDIS_FAULTS as exc:
                logger.warning("metrics history unreadable (%s): this process's figures only",
                               type(exc).__name__)  # fmt: skip
        raise AssertionError("the local history always answers")

    async def performance_report(self, hours: float) -> dict[str, Any]:
        view = await self.view(hours)
        return report.performance_report(
            view, view.window, hours, quota=await self._quota(),
            daily_quota=self.settings.gemini_rpd,
        )  # fmt: skip

    async def _quota(self) -> dict[str, Any]:
        return await self.key_pool.snapshot() if self.key_pool is not None else {}

    async def stats(self) -> dict[str, Any]:
        payload = payloads.stats_payload(
            await self.view(payloads.STATS_WINDOW_HOURS),
            queue_depth=await self.queue_depth(),
            queue_capacity=self.queue.capacity,
            extras={
                "push_budget": await self.shared.push_snapshot(),
                "job_queue": self.shared.queue_stats(),
                "cache_stats": self.cache.stats(),
                "notion_writer": self.store.stats(),
                "modes": self.settings.describe_modes(),
                "process": payloads.process_stats(self.process),
                "processes": instance_memory(self.process.pid),
                "problems": [problem.private() for problem in self.problems()],
                "ip_limit": self.ip_limiter.stats() if self.ip_limiter else {"per_hour": 0},
            },
        )
        payload["ai_processor_stats"]["api_quota_status"] = await self._quota()
        if self.concurrency is not None:
            payload["ai_processor_stats"] |= self.concurrency.stats()
        return payload


def instance_memory(me: int) -> dict[str, Any]:
    """RSS of the instance's master, workers and OCR process (issue 19)."""
    try:
        place = HostPlace.of_this_instance()
    except OSError:  # no runtime directory: no OCR process either
        return instance_processes(instance_pid(), None, me)
    return instance_processes(place.instance, place.host_pid(), me)


async def open_services(settings: Settings, stack: AsyncExitStack) -> Services:
    """Open every client on `stack` (closed in reverse order) and start the workers."""
    warn_if_operator_endpoints_public(settings)
    map_large_images()
    sink, registry = build_sink()
    metrics = Metrics(instance=instance_name(settings), prom=sink)
    line, secret = line_client(settings)
    stack.push_async_callback(line.aclose)
    redis = open_redis(settings, stack)
    if redis is not None:
        await check_redis(redis.client)
    cache = build_result_cache(settings, redis)
    stack.push_async_callback(cache.aclose)
    readers = build_readers(settings, cache=cache, metrics=metrics, redis=redis)
    extractor = readers.extractor
    stack.push_async_callback(extractor.aclose)
    store = contact_store(settings, redis, metrics.notion_request)
    stack.push_async_callback(store.aclose)
    dedupe = event_dedupe(settings, redis)
    shared = await open_shared_state(settings, redis, stack, dedupe=dedupe)
    queue = shared.queue
    messages = Replies(settings.reply_language)
    deliverer = shared.deliverer(line, metrics)
    handler = JobHandler(
        line=line,
        extractor=extractor,
        store=store,
        metrics=metrics,
        config=PipelineConfig(
            job_deadline_seconds=settings.job_deadline_seconds,
            reply_save_budget_seconds=settings.reply_save_budget_seconds,
            max_image_bytes=settings.max_image_bytes,
            max_image_pixels=settings.max_image_pixels,
            save_deadline_seconds=settings.save_deadline_seconds,
        ),
        deliverer=deliverer,
        messages=messages,
        conversation=shared.conversation_jobs(deliverer, messages, store.name, store=store),
        requeue=queue.put_later,
    )
    workers = WorkerPool(
        queue, handler, settings.max_concurrent, metrics=metrics,
        max_attempts=settings.job_max_attempts,
    )  # fmt: skip
    services = Services(
        settings, metrics, queue, dedupe, line, extractor, store, secret, workers, handler, cache,
        key_pool=readers.key_pool,
        prometheus_registry=registry,
        shared=shared,
        concurrency=readers.concurrency,
        ip_limiter=build_ip_limiter(
            settings.ip_rate_per_hour, redis
        ),
        recorder=_recorder(settings, metrics, queue, redis),
    )  # fmt: skip
    recording = asyncio.create_task(services.recorder.run(), name="metrics-recorder")
    stack.push_async_callback(_last_flush, services, recording)
    # The store starts (Notion: find the data source, read its schema) off the start-up path:
    # its calls wait their turn in the rate limit shared with every instance, which after a
    # crash can mean a long backlog, and a server that cannot start is worse than one that
    # takes webhooks (kept in the queue) and works them once its store answers.
    starting = asyncio.create_task(_start_store_then_work(services), name="store-start")
    stack.callback(starting.cancel)
    learning = asyncio.create_task(services.identity.learn(line), name="bot-info")
    stack.callback(learning.cancel)
    stack.push_async_callback(services.drain)
    logger.info("namecard started: %s", settings.describe_modes())
    return services


async def _start_store_then_work(services: Services) -> None:
    """A misconfigured store must not stop the bot from answering: it reports degraded
    health and every save explains itself to the user."""
    lifecycle = services.lifecycle
    lifecycle.store_problem = Problem(ProblemCode.CONTACT_STORE_STARTING)
    delay = STORE_START_FIRST_DELAY
    while True:
        try:
            await services.store.start()
        except ConfigError as exc:
            lifecycle.store_problem = Problem(ProblemCode.CONTACT_STORE_CONFIG, str(exc))
            logger.error("contact store not ready: %s", exc)
            break
        except NamecardError as exc:  # unreachable for now: jobs wait in the queue meanwhile
            lifecycle.store_problem = Problem(ProblemCode.CONTACT_STORE_UNREACHABLE, str(exc))
            logger.warning("contact store did not start (%s); retrying in %.0fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, STORE_START_MAX_DELAY)
        else:
            lifecycle.store_problem = None
            break
    services.workers.start()


def instance_name(settings: Settings) -> str:
    """How /stats names this instance: INSTANCE_ID, else host and port (one name for every
    worker of the instance, the same after a restart)."""
    return settings.instance_id or f"{socket.gethostname()}:{settings.port}"


def _recorder(
    settings: Settings, metrics: Metrics, queue: JobQueue, redis: SharedRedis | None
) -> Recorder:
    from namecard.metrics.history_redis import RedisHistory

    process, pid = psutil.Process(), os.getpid()

    def beat() -> Beat:
        rss_mb = round(process.memory_info().rss / 1024 / 1024, 1)
        return heartbeat(
            instance=metrics.ledger.instance, pid=pid, started_at=metrics.started_at,
            active_tasks=metrics.active_tasks, queue_depth=queue.waiting,
            capacity=settings.max_concurrent, rss_mb=rss_mb,
        )  # fmt: skip

    shared = RedisHistory(redis) if redis is not None and settings.stats_recording else None
    return Recorder(
        metrics.ledger, MemoryHistory(), shared, beat, interval=settings.metrics_flush_seconds
    )


async def _last_flush(services: Services, recording: asyncio.Task[None]) -> None:
    """On the way out: stop the timer, write what is left, leave Prometheus's live sums."""
    recording.cancel()
    services.recorder.stopped = True
    try:
        await asyncio.wait_for(services.recorder.flush(), timeout=QUICK_ANSWER_SECONDS * 8)
    except (TimeoutError, *REDIS_FAULTS):
        logger.warning("the last metrics of this worker were not written")
    process_exited()
