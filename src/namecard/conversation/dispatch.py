"""Turns inbound LINE events into jobs: photos become card jobs, commands and words replies,
taps on the bot's buttons postback jobs."""

from __future__ import annotations

import logging

from namecard.conversation.commands import Command, parse_command, parse_with_argument
from namecard.domain.inbound import Inbound, InboundKind
from namecard.domain.jobs import Job, JobKind

logger = logging.getLogger(__name__)

COMMAND_JOBS = {
    Command.HELP: JobKind.HELP,
    Command.BATCH_START: JobKind.BATCH_START,
    Command.BATCH_END: JobKind.BATCH_END,
    Command.STATUS: JobKind.STATUS,
    Command.CANCEL: JobKind.CANCEL,
    Command.RECENT: JobKind.RECENT,
    Command.FORGET_ME: JobKind.FORGET_ME,
    Command.SEARCH: JobKind.SEARCH,
    Command.NOTE: JobKind.NOTE,
    Command.DELETE: JobKind.DELETE,
}

KIND_JOBS = {
    InboundKind.FOLLOW: JobKind.WELCOME,
    InboundKind.UNFOLLOW: JobKind.UNFOLLOW,
    InboundKind.PHOTO: JobKind.CARD_PHOTO,
    InboundKind.EXTERNAL_PHOTO: JobKind.UNSUPPORTED_PHOTO,
    InboundKind.OTHER_MESSAGE: JobKind.HINT,
    InboundKind.POSTBACK: JobKind.POSTBACK,
}


def job_for(event: Inbound) -> Job | None:
    """The job an event asks for, or None for events that need nothing (join, leave, …)."""
    if event.chat_id is None or not event.event_id:
        return None
    kind, text = _kind_of(event)
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
        text=text,
        postback=event.postback if kind is JobKind.POSTBACK else None,
    )


def _kind_of(event: Inbound) -> tuple[JobKind | None, str | None]:
    """The job kind and the text it carries: a command's argument, or the whole plain text
    (a HINT job with text may be the answer to a pending question, or a search)."""
    if event.kind is InboundKind.TEXT:
        text = event.text or ""
        command = parse_command(text)
        if command is not None:
            return COMMAND_JOBS[command], None
        with_argument = parse_with_argument(text)
        if with_argument is not None:
            return COMMAND_JOBS[with_argument[0]], with_argument[1]
        return JobKind.HINT, text
    return KIND_JOBS.get(event.kind), None
