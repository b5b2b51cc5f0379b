"""Verifies X-Line-Signature over the raw body, then parses each event on its own, loudly."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from linebot.v3.webhooks import Event

from namecard.domain.inbound import Inbound
from namecard.line.events import inbound
from namecard.metrics.counters import Count

logger = logging.getLogger(__name__)

# LINE's numbers (timestamps in ms, sizes, ids) are far shorter; a longer one is hostile and
# would make `int()` raise for the whole body (Python refuses strings of more than 4300 digits).
MAX_INTEGER_DIGITS = 64
LABEL_CHARS = 40  # an event's type or id as logged: LINE's are far shorter
LOGGED_EXAMPLES = 3  # skipped events named in the one log line of a request
MALFORMED = Count.WEBHOOK_REJECTED_MALFORMED


class WebhookRejected(Exception):
    """The request is refused with `status` and a one-line `reason` for the caller."""

    def __init__(self, status: int, reason: str, counter: Count) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.counter = counter


@dataclass(frozen=True, slots=True)
class SkippedEvent:
    """An event that could not be read: its type, id and why, never its content."""

    kind: str
    event_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedWebhook:
    destination: str | None
    events: list[Inbound]
    skipped: tuple[SkippedEvent, ...] = ()

    @property
    def unparsed(self) -> int:
        return len(self.skipped)


def signature_of(body: bytes, channel_secret: str) -> str:
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_signature(body: bytes, signature: str | None, channel_secret: str) -> None:
    """Constant-time check of the signature LINE computed over exactly these bytes."""
    if not signature:
        raise WebhookRejected(
            400, "missing X-Line-Signature header", Count.WEBHOOK_REJECTED_SIGNATURE
        )
    expected = signature_of(body, channel_secret)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise WebhookRejected(400, "invalid X-Line-Signature", Count.WEBHOOK_REJECTED_SIGNATURE)


def parse_events(body: bytes) -> ParsedWebhook:
    """Parse a verified body into `Inbound` events (LINE's types stay in line/). Each event is
    read on its own: one that cannot be read (the SDK raises, or would silently turn it into an
    UnknownEvent) is skipped and reported, never costing the others."""
    payload = _load(body)
    raw_events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(payload, dict) or not isinstance(raw_events, list):
        raise WebhookRejected(400, "body has no 'events' list", MALFORMED)
    destination = payload.get("destination")
    events: list[Inbound] = []
    skipped: list[SkippedEvent] = []
    for raw in raw_events:
        parsed = _parse_one(raw)
        if isinstance(parsed, SkippedEvent):
            skipped.append(parsed)
        else:
            events.append(parsed)
    return ParsedWebhook(
        destination if isinstance(destination, str) else None, events, tuple(skipped)
    )


def _load(body: bytes) -> object:
    try:
        return json.loads(body.decode("utf-8"), parse_int=_bounded_int)
    except RecursionError as exc:
        raise WebhookRejected(400, "body is nested too deeply", MALFORMED) from exc
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise WebhookRejected(400, "body is not valid JSON", MALFORMED) from exc


def _bounded_int(digits: str) -> int | float:
    """An over-long number becomes NaN, which no event field accepts: only its event is lost."""
    return int(digits) if len(digits) <= MAX_INTEGER_DIGITS else float("nan")


def _parse_one(raw: object) -> Inbound | SkippedEvent:
    if not isinstance(raw, dict):
        return SkippedEvent(f"<{type(raw).__name__}>", "-", "not an object")
    try:
        event = Event.from_dict(raw)
    except Exception as exc:  # the SDK's generated code raises anything on odd input: skip it
        return SkippedEvent(_label(raw.get("type")), _label(raw.get("webhookEventId")), _why(exc))
    if event is None:
        return SkippedEvent(_label(raw.get("type")), _label(raw.get("webhookEventId")), "no type")
    return inbound(event)


def _why(exc: Exception) -> str:
    """A reason naming fields, never values (the SDK's own messages quote the whole event)."""
    errors = getattr(exc, "errors", None)
    found = errors() if callable(errors) else None  # pydantic's ValidationError
    if found:
        field = ".".join(str(part) for part in found[0].get("loc", ()))
        return _label(f"{field}: {found[0].get('type', 'invalid')}")
    if isinstance(exc, KeyError):
        return _label(f"missing {exc.args[0] if exc.args else 'field'}")
    if isinstance(exc, ValueError) and "discriminator" in str(exc):
        return "unknown type"
    return type(exc).__name__


def _label(value: object) -> str:
    """A short, printable, single-line rendering of an attacker-controlled value."""
    if value is None:
        return "-"
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    clean = "".join(ch if ch.isprintable() else "?" for ch in value[:LABEL_CHARS])
    return clean + ("…" if len(value) > LABEL_CHARS else "")


def describe_skipped(skipped: Sequence[SkippedEvent]) -> str:
    """The first few skipped events, for the one log line a request may write about them."""
    named = "; ".join(f"{s.kind} {s.event_id}: {s.reason}" for s in skipped[:LOGGED_EXAMPLES])
    more = len(skipped) - LOGGED_EXAMPLES
    return named + (f"; and {more} more" if more > 0 else "")
