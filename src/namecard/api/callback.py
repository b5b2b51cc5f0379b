"""POST /callback: verify, parse, dedupe, enqueue, answer 200 — no other I/O on this path."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from quart import Blueprint, Response, jsonify, request

from namecard.api import limits
from namecard.api.context import get_services
from namecard.bootstrap.services import Services
from namecard.conversation.dispatch import job_for
from namecard.domain.inbound import Inbound
from namecard.domain.jobs import Job, JobKind, hash_user
from namecard.line.webhook import (
    ParsedWebhook,
    WebhookRejected,
    describe_skipped,
    parse_events,
    verify_signature,
)
from namecard.metrics.counters import Count
from namecard.pipeline.queue import QueueFull

logger = logging.getLogger(__name__)

blueprint = Blueprint("callback", __name__)

BUSY_RETRY_AFTER_SECONDS = "5"
ROOM_FOR_PHOTO = 2


@blueprint.post("/callback")
async def callback() -> tuple[Response, int]:
    services = get_services()
    if services is None or not services.accepting:
        response = jsonify(status="shutting_down", reason="the service is not accepting webhooks")
        response.headers["Retry-After"] = BUSY_RETRY_AFTER_SECONDS
        return response, 503
    services.metrics.incr(Count.WEBHOOK_REQUESTS)
    try:
        body = await _read_body(services.settings.max_webhook_body_bytes)
        verify_signature(body, request.headers.get("X-Line-Signature"), services.channel_secret())
        parsed = parse_events(body)
    except WebhookRejected as rejected:
        services.metrics.incr(rejected.counter)
        if (limited := await limits.unsigned_over_limit(services, rejected)) is not None:
            return limited  # counted, not logged: a flood must not flood the log
        logger.warning("webhook rejected (%d): %s", rejected.status, rejected.reason)
        return jsonify(error=rejected.reason), rejected.status
    _count(services, parsed)
    if services.identity.is_other(parsed.destination):
        _skip_other_bots(services, parsed)
        return jsonify(status="ok", accepted=0), 200
    enqueued = await _enqueue(services, parsed.events)
    if enqueued.refused:
        services.metrics.incr(Count.WEBHOOK_REJECTED_BUSY)
        response = jsonify(
            error="too many photos waiting; LINE will redeliver the events not accepted",
            accepted=enqueued.accepted,
            refused=enqueued.refused,
        )
        response.headers["Retry-After"] = BUSY_RETRY_AFTER_SECONDS
        return response, 503
    services.metrics.incr(Count.WEBHOOK_ACCEPTED)
    return jsonify(status="ok", accepted=enqueued.accepted), 200


def _count(services: Services, parsed: ParsedWebhook) -> None:
    """Counters, and one log line for the whole request about the events it skipped."""
    services.metrics.incr(Count.WEBHOOK_EVENTS, len(parsed.events) + parsed.unparsed)
    services.metrics.incr(Count.WEBHOOK_EVENTS_UNPARSED, parsed.unparsed)
    if parsed.skipped:
        logger.error(
            "webhook: %d of %d events could not be read and were skipped: %s",
            parsed.unparsed, len(parsed.events) + parsed.unparsed, describe_skipped(parsed.skipped),
        )  # fmt: skip


def _skip_other_bots(services: Services, parsed: ParsedWebhook) -> None:
    """A webhook for another bot (a misrouted channel): answered 200 so LINE does not retry it."""
    services.metrics.incr(Count.WEBHOOK_EVENTS_OTHER_BOT, len(parsed.events))
    destination = hash_user(parsed.destination) if parsed.destination else "-"
    logger.warning("webhook for another bot (destination %s): %d events skipped",
                   destination, len(parsed.events))  # fmt: skip


async def _read_body(limit: int) -> bytes:
    """The raw bytes, refused with 413 beyond `limit`. The rest of an oversized body is read and
    discarded (never kept), so the sender gets the 413 instead of a reset connection."""
    too_large = WebhookRejected(
        413, f"body larger than {limit} bytes", Count.WEBHOOK_REJECTED_TOO_LARGE
    )
    declared = request.content_length
    chunks = bytearray()
    async for chunk in request.body:
        if len(chunks) + len(chunk) > limit or (declared is not None and declared > limit):
            chunks.clear()
            async for _ in request.body:
                pass
            raise too_large
        chunks.extend(chunk)
    return bytes(chunks)


@dataclass(frozen=True, slots=True)
class Enqueued:
    accepted: int
    refused: int = 0  # events left for LINE's redelivery: the queue had no room for them


async def _enqueue(services: Services, events: list[Inbound]) -> Enqueued:
    """Queue the events' jobs in order while there is room. When the queue fills, the rest are
    refused (the webhook answers 503); LINE redelivers the whole webhook, the events accepted now
    are recognised as duplicates then, and the rest go in as the queue drains."""
    jobs = [job for job in map(job_for, events) if job is not None]
    services.metrics.incr(Count.WEBHOOK_EVENTS_IGNORED, len(events) - len(jobs))
    room = await services.queue.room()
    accepted = duplicates = refused = 0
    for index, job in enumerate(jobs):
        if not await services.dedupe.claim(job.event_id):
            duplicates += 1  # taken from an earlier delivery: needs no room
            continue
        try:
            if room < _room_for(job):
                raise QueueFull("no room left for this webhook's events")
            room -= await _accept(services, job)
        except QueueFull:  # also when another worker took the room meanwhile
            await services.dedupe.release(job.event_id)
            refused = len(jobs) - index
            break
        accepted += 1
    _count_duplicates(services, duplicates)
    return Enqueued(accepted, refused)


def _room_for(job: Job) -> int:
    """Queue entries a job may take: a photo held back by pacing brings a notice ahead of it."""
    return ROOM_FOR_PHOTO if job.kind is JobKind.CARD_PHOTO else 1


def _count_duplicates(services: Services, duplicates: int) -> None:
    if duplicates:
        services.metrics.incr(Count.WEBHOOK_EVENTS_DUPLICATE, duplicates)
        logger.info("webhook: %d redelivered events already taken, dropped", duplicates)


async def _accept(services: Services, job: Job) -> int:
    """The job (stamped with its conversation: batch, pacing) and any notice it brings; returns
    how many queue entries they took."""
    admitted = await services.shared.gate.admit(job)
    for entry in admitted:
        if entry.delay > 0:
            await services.queue.put_later(entry.job, entry.delay)
        else:
            await services.queue.put(entry.job)
    return len(admitted)
