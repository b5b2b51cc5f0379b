"""Turns typed LINE events into jobs: photos become card jobs, words become replies."""

from __future__ import annotations

import logging

from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    MessageEvent,
    RoomSource,
    TextMessageContent,
    UserSource,
)

from namecard.pipeline.jobs import Job, JobKind

logger = logging.getLogger(__name__)

HELP_WORDS = frozenset({"help", "幫助", "說明", "?", "？"})


def job_for(event: Event) -> Job | None:
    """The job an event asks for, or None for events that need no answer (unfollow, …)."""
    chat_id, user_id = _chat_of(event)
    event_id = getattr(event, "webhook_event_id", None)
    if chat_id is None or not event_id:
        return None
    kind = _kind_of(event)
    if kind is None:
        return None
    delivery = getattr(event, "delivery_context", None)
    message = getattr(event, "message", None)
    return Job(
        kind=kind,
        event_id=event_id,
        chat_id=chat_id,
        user_id=user_id,
        reply_token=getattr(event, "reply_token", None),
        message_id=getattr(message, "id", None),
        is_redelivery=bool(delivery and delivery.is_redelivery),
    )


def _kind_of(event: Event) -> JobKind | None:
    if isinstance(event, FollowEvent):
        return JobKind.WELCOME
    if not isinstance(event, MessageEvent):
        return None
    message = event.message
    if isinstance(message, ImageMessageContent):
        provider = message.content_provider
        if provider is not None and provider.type != "line":
            return JobKind.UNSUPPORTED_PHOTO
        return JobKind.CARD_PHOTO
    if isinstance(message, TextMessageContent) and is_help(message.text):
        return JobKind.HELP
    return JobKind.HINT


def is_help(text: str) -> bool:
    return text.strip().lower() in HELP_WORDS


def _chat_of(event: Event) -> tuple[str | None, str | None]:
    source = getattr(event, "source", None)
    if isinstance(source, UserSource):
        return source.user_id, source.user_id
    if isinstance(source, GroupSource):
        return source.group_id, source.user_id
    if isinstance(source, RoomSource):
        return source.room_id, source.user_id
    return None, None
