"""Verifies X-Line-Signature over the raw body, then parses typed events, loudly."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from linebot.v3.webhooks import Event

logger = logging.getLogger(__name__)


class WebhookRejected(Exception):
    """The request is refused with `status` and a one-line `reason` for the caller."""

    def __init__(self, status: int, reason: str, counter: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.counter = counter


@dataclass(frozen=True, slots=True)
class ParsedWebhook:
    events: list[Event]
    unparsed: int


def signature_of(body: bytes, channel_secret: str) -> str:
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_signature(body: bytes, signature: str | None, channel_secret: str) -> None:
    """Constant-time check of the signature LINE computed over exactly these bytes."""
    if not signature:
        raise WebhookRejected(400, "missing X-Line-Signature header", "webhook_rejected_signature")
    expected = signature_of(body, channel_secret)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise WebhookRejected(400, "invalid X-Line-Signature", "webhook_rejected_signature")


def parse_events(body: bytes) -> ParsedWebhook:
    """Parse a verified body. An event the SDK cannot model is logged and counted here,
    where the SDK's own parser would silently turn it into an UnknownEvent."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WebhookRejected(400, "body is not valid JSON", "webhook_rejected_malformed") from exc
    raw_events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(raw_events, list):
        raise WebhookRejected(400, "body has no 'events' list", "webhook_rejected_malformed")
    events: list[Event] = []
    unparsed = 0
    for raw in raw_events:
        event = _parse_one(raw)
        if event is None:
            unparsed += 1
        else:
            events.append(event)
    return ParsedWebhook(events=events, unparsed=unparsed)


def _parse_one(raw: object) -> Event | None:
    try:
        if not isinstance(raw, dict):
            raise ValueError("event is not an object")
        event = Event.from_dict(raw)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        kind = raw.get("type") if isinstance(raw, dict) else type(raw).__name__
        event_id = raw.get("webhookEventId") if isinstance(raw, dict) else None
        logger.error(
            "unparseable webhook event type=%s id=%s: %s", kind, event_id, _first_line(exc)
        )
        return None
    if event is None:
        logger.error("webhook event of unknown type %s", raw.get("type"))
    return event


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
