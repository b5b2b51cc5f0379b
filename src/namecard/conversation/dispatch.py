"""Turns typed LINE events into jobs: photos become card jobs, commands and words replies."""

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
    UnfollowEvent,
    UserSource,
)

from namecard.conversation.commands import Command, parse_command
from namecard.domain.jobs import ImageSet, Job, JobKind

logger = logging.getLogger(__name__)

COMMAND_JOBS = {
    Command.HELP: JobKind.HELP,
    Command.BATCH_START: JobKind.BATCH_START,
    Command.BATCH_END: JobKind.BATCH_END,
    Command.STATUS: JobKind.STATUS,
    Command.CANCEL: JobKind.CANCEL,
}


def job_for(event: Event) -> Job | None:
    """The job an event asks for, or None for events that need nothing (join, postback, …)."""
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
        image_set=_image_set(message),
    )


def _image_set(message: object) -> ImageSet | None:
    """LINE's grouping of photos sent together; a set of one is just a photo."""
    found = (
        getattr(message, "image_set", None) if isinstance(message, ImageMessageContent) else None
    )
    if found is None or not found.id or not found.total or found.total < 2:
        return None
    return ImageSet(id=found.id, total=int(found.total), index=found.index)


def _kind_of(event: Event) -> JobKind | None:
    if isinstance(event, FollowEvent):
        return JobKind.WELCOME
    if isinstance(event, UnfollowEvent):
        return JobKind.UNFOLLOW
    if not isinstance(event, MessageEvent):
        return None
    message = event.message
    if isinstance(message, ImageMessageContent):
        provider = message.content_provider
        if provider is not None and provider.type != "line":
            return JobKind.UNSUPPORTED_PHOTO
        return JobKind.CARD_PHOTO
    if isinstance(message, TextMessageContent):
        command = parse_command(message.text)
        if command is not None:
            return COMMAND_JOBS[command]
    return JobKind.HINT


def _chat_of(event: Event) -> tuple[str | None, str | None]:
    source = getattr(event, "source", None)
    if isinstance(source, UserSource):
        return source.user_id, source.user_id
    if isinstance(source, GroupSource):
        return source.group_id, source.user_id
    if isinstance(source, RoomSource):
        return source.room_id, source.user_id
    return None, None
