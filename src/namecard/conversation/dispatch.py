"""Turns inbound LINE events into jobs: photos become card jobs, commands and words replies."""

from __future__ import annotations

import logging

from namecard.conversation.commands import Command, parse_command
from namecard.domain.inbound import Inbound, InboundKind
from namecard.domain.jobs import Job, JobKind

logger = logging.getLogger(__name__)

COMMAND_JOBS = {
    Command.HELP: JobKind.HELP,
    Command.BATCH_START: JobKind.BATCH_START,
    Command.BATCH_END: JobKind.BATCH_END,
    Command.STATUS: JobKind.STATUS,
    Command.CANCEL: JobKind.CANCEL,
}

KIND_JOBS = {
    InboundKind.FOLLOW: JobKind.WELCOME,
    InboundKind.UNFOLLOW: JobKind.UNFOLLOW,
    InboundKind.PHOTO: JobKind.CARD_PHOTO,
    InboundKind.EXTERNAL_PHOTO: JobKind.UNSUPPORTED_PHOTO,
    InboundKind.OTHER_MESSAGE: JobKind.HINT,
}


def job_for(event: Inbound) -> Job | None:
    """The job an event asks for, or None for events that need nothing (join, postback, …)."""
    if event.chat_id is None or not event.event_id:
        return None
    kind = _kind_of(event)
    if kind is None:
        return None
    return Job(
        kind=kind,
        event_id=event.event_id,
        chat_id=event.chat_id,
        user_id=event.user_id,
        reply_token=event.reply_token,
        message_id=event.message_id,
        is_redelivery=event.is_redelivery,
        image_set=event.image_set,
    )


def _kind_of(event: Inbound) -> JobKind | None:
    if event.kind is InboundKind.TEXT:
        command = parse_command(event.text or "")
        return COMMAND_JOBS[command] if command is not None else JobKind.HINT
    return KIND_JOBS.get(event.kind)
