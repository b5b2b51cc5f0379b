"""A LINE webhook event as the bot reads it: who wrote, in which chat, and what they sent."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from namecard.domain.jobs import ImageSet


class InboundKind(StrEnum):
    FOLLOW = "follow"  # the user added the bot
    UNFOLLOW = "unfollow"  # the user blocked the bot
    PHOTO = "photo"  # a photo uploaded to LINE
    EXTERNAL_PHOTO = "external_photo"  # a photo LINE only links to (content provider not LINE)
    TEXT = "text"
    OTHER_MESSAGE = "other_message"  # a sticker, a video, a location, …
    POSTBACK = "postback"  # a tapped postback button; `postback` is its data
    OTHER = "other"  # join, leave, … : events that need nothing


@dataclass(frozen=True, slots=True)
class Inbound:
    """Made from the SDK's event by `line/events.py`; `conversation/dispatch.py` reads it."""

    kind: InboundKind
    event_id: str | None
    chat_id: str | None  # the user, group or room to answer in; None when LINE gave no source
    user_id: str | None = None
    reply_token: str | None = None
    message_id: str | None = None
    is_redelivery: bool = False
    text: str | None = None
    image_set: ImageSet | None = None
    postback: str | None = None
