"""The SDK's typed webhook events turned into the bot's own `Inbound`: LINE types stop here."""

from __future__ import annotations

from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)

from namecard.domain.inbound import Inbound, InboundKind
from namecard.domain.jobs import ImageSet


def inbound(event: Event) -> Inbound:
    chat_id, user_id = _chat_of(event)
    delivery = getattr(event, "delivery_context", None)
    message = getattr(event, "message", None)
    return Inbound(
        kind=_kind_of(event),
        event_id=getattr(event, "webhook_event_id", None) or None,
        chat_id=chat_id,
        user_id=user_id,
        reply_token=getattr(event, "reply_token", None),
        message_id=getattr(message, "id", None),
        is_redelivery=bool(delivery and delivery.is_redelivery),
        text=message.text if isinstance(message, TextMessageContent) else None,
        image_set=_image_set(message),
        postback=event.postback.data if isinstance(event, PostbackEvent) else None,
    )


def _image_set(message: object) -> ImageSet | None:
    """LINE's grouping of photos sent together; a set of one is just a photo."""
    found = (
        getattr(message, "image_set", None) if isinstance(message, ImageMessageContent) else None
    )
    if found is None or not found.id or not found.total or found.total < 2:
        return None
    return ImageSet(id=found.id, total=int(found.total), index=found.index)


def _kind_of(event: Event) -> InboundKind:
    if isinstance(event, FollowEvent):
        return InboundKind.FOLLOW
    if isinstance(event, UnfollowEvent):
        return InboundKind.UNFOLLOW
    if isinstance(event, PostbackEvent):
        return InboundKind.POSTBACK
    if not isinstance(event, MessageEvent):
        return InboundKind.OTHER
    message = event.message
    if isinstance(message, ImageMessageContent):
        provider = message.content_provider
        if provider is not None and provider.type != "line":
            return InboundKind.EXTERNAL_PHOTO
        return InboundKind.PHOTO
    if isinstance(message, TextMessageContent):
        return InboundKind.TEXT
    return InboundKind.OTHER_MESSAGE


def _chat_of(event: Event) -> tuple[str | None, str | None]:
    source = getattr(event, "source", None)
    if isinstance(source, UserSource):
        return source.user_id, source.user_id
    if isinstance(source, GroupSource):
        return source.group_id, source.user_id
    if isinstance(source, RoomSource):
        return source.room_id, source.user_id
    return None, None
