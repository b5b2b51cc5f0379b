"""Plays LINE's webhook side: builds complete signed events, posts them, reads what the bot sent."""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

DEFAULT_DESTINATION = "U" + "0" * 24 + "b07d4e51"
SIGNATURE_HEADER = "x-line-signature"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ULID_TIME_CHARS = 10
ULID_RANDOM_BITS = 80
ULID_RANDOM_CHARS = 16
STICKER_PACKAGE_ID = "446"
STICKER_ID = "1988"
POLL_INTERVAL_SECONDS = 0.05
HTTP_TIMEOUT_SECONDS = 30.0

Json = dict[str, Any]


@dataclass(frozen=True)
class WebhookResult:
    status: int
    body: str
    elapsed: float
    events: list[Json]


def new_ulid(now_ms: int | None = None) -> str:
    """A ULID-shaped id: 48-bit millisecond time then 80 random bits, Crockford base32."""
    stamp = int(time.time() * 1000) if now_ms is None else now_ms
    value = (stamp << ULID_RANDOM_BITS) | secrets.randbits(ULID_RANDOM_BITS)
    chars = ULID_TIME_CHARS + ULID_RANDOM_CHARS
    return "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(chars)))


def sign(body: bytes, channel_secret: str) -> str:
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _message_id() -> str:
    return str(secrets.randbelow(9 * 10**17) + 10**17)


class WebhookDriver:
    """Sends webhook events the way the LINE platform does, against a bot and a `LineSimulator`."""

    def __init__(
        self,
        webhook_url: str,
        channel_secret: str,
        sim_url: str,
        *,
        destination: str = DEFAULT_DESTINATION,
        sim_token: str | None = None,
    ) -> None:
        """`sim_token`: the bearer token the simulator's control routes want, if any."""
        self.webhook_url = webhook_url
        self.sim_url = sim_url.rstrip("/")
        self.destination = destination
        self._secret = channel_secret
        self._http = httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS)
        self._sim_headers = {"Authorization": f"Bearer {sim_token}"} if sim_token else {}

    async def __aenter__(self) -> WebhookDriver:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # ---- event builders -------------------------------------------------------------------

    def _event(self, kind: str, user_id: str, reply_token: str | None) -> Json:
        event: Json = {
            "type": kind,
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user_id},
            "webhookEventId": new_ulid(),
            "deliveryContext": {"isRedelivery": False},
        }
        if reply_token is not None:
            event["replyToken"] = reply_token
        return event

    def _message_event(self, user_id: str, reply_token: str, message: Json) -> Json:
        event = self._event("message", user_id, reply_token)
        tokens = {"quoteToken": secrets.token_urlsafe(24), "markAsReadToken": secrets.token_hex(16)}
        event["message"] = {**message, **tokens}
        return event

    def build_image_event(
        self,
        user_id: str,
        message_id: str,
        reply_token: str,
        *,
        image_set: Mapping[str, Any] | None = None,
    ) -> Json:
        """`image_set` is `{"id": str, "index": int, "total": int}` (index may be left out)."""
        message: Json = {"id": message_id, "type": "image", "contentProvider": {"type": "line"}}
        if image_set is not None:
            message["imageSet"] = dict(image_set)
        return self._message_event(user_id, reply_token, message)

    def build_text_event(self, user_id: str, text: str, reply_token: str) -> Json:
        message = {"id": _message_id(), "type": "text", "text": text}
        return self._message_event(user_id, reply_token, message)

    def build_sticker_event(self, user_id: str, reply_token: str) -> Json:
        message = {
            "id": _message_id(),
            "type": "sticker",
            "packageId": STICKER_PACKAGE_ID,
            "stickerId": STICKER_ID,
            "stickerResourceType": "STATIC",
        }
        return self._message_event(user_id, reply_token, message)

    def build_message_event(self, user_id: str, reply_token: str, message: Json) -> Json:
        """Any other message type (video, audio, file, location …) as LINE sends it."""
        return self._message_event(user_id, reply_token, {"id": _message_id(), **message})

    def build_postback_event(self, user_id: str, data: str, reply_token: str) -> Json:
        """A tap on a postback button (a Flex button or a quick reply) whose data is `data`."""
        event = self._event("postback", user_id, reply_token)
        event["postback"] = {"data": data}
        return event

    def build_unfollow_event(self, user_id: str) -> Json:
        return self._event("unfollow", user_id, None)  # LINE gives no reply token here

    def build_follow_event(self, user_id: str, reply_token: str) -> Json:
        event = self._event("follow", user_id, reply_token)
        event["follow"] = {"isUnblocked": False}
        return event

    # ---- posting --------------------------------------------------------------------------

    async def post(
        self,
        events: list[Json],
        *,
        raw_body: bytes | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> WebhookResult:
        """POST one webhook request; `signature=""` omits the header, other values replace it."""
        payload = {"destination": self.destination, "events": events}
        body = (
            raw_body if raw_body is not None else json.dumps(payload, ensure_ascii=False).encode()
        )
        sent = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        signature = sign(body, self._secret) if signature is None else signature
        if signature:
            sent[SIGNATURE_HEADER] = signature
        started = time.perf_counter()
        response = await self._http.post(self.webhook_url, content=body, headers=sent)
        elapsed = time.perf_counter() - started
        return WebhookResult(response.status_code, response.text, elapsed, events)

    async def send_image(
        self,
        user_id: str,
        image: bytes,
        content_type: str = "image/jpeg",
        *,
        image_set: Mapping[str, Any] | None = None,
    ) -> WebhookResult:
        message_id = await self.upload_content(image, content_type)
        reply_token = await self.reply_token(user_id)
        event = self.build_image_event(user_id, message_id, reply_token, image_set=image_set)
        return await self.post([event])

    async def send_text(self, user_id: str, text: str) -> WebhookResult:
        return await self.post(
            [self.build_text_event(user_id, text, await self.reply_token(user_id))]
        )

    async def send_postback(self, user_id: str, data: str) -> WebhookResult:
        token = await self.reply_token(user_id)
        return await self.post([self.build_postback_event(user_id, data, token)])

    async def send_sticker(self, user_id: str) -> WebhookResult:
        return await self.post([self.build_sticker_event(user_id, await self.reply_token(user_id))])

    async def follow(self, user_id: str) -> WebhookResult:
        return await self.post([self.build_follow_event(user_id, await self.reply_token(user_id))])

    async def redeliver(self, result: WebhookResult) -> WebhookResult:
        """The same events again (same webhookEventId, same reply token) marked as redelivered."""
        events = copy.deepcopy(result.events)
        for event in events:
            event["deliveryContext"] = {"isRedelivery": True}
        return await self.post(events)

    # ---- simulator control API ------------------------------------------------------------

    async def upload_content(self, data: bytes, content_type: str) -> str:
        headers = {**self._sim_headers, "Content-Type": content_type}
        response = await self._http.post(
            f"{self.sim_url}/_sim/content", content=data, headers=headers
        )
        response.raise_for_status()
        return str(response.json()["messageId"])

    async def reply_token(self, user_id: str) -> str:
        response = await self._http.post(
            f"{self.sim_url}/_sim/reply-token", json={"userId": user_id}, headers=self._sim_headers
        )
        response.raise_for_status()
        return str(response.json()["replyToken"])

    async def deliveries(self, user_id: str, after: int = 0) -> list[Json]:
        params = {"userId": user_id, "after": str(after)}
        response = await self._http.get(
            f"{self.sim_url}/_sim/deliveries", params=params, headers=self._sim_headers
        )
        response.raise_for_status()
        found: list[Json] = response.json()["deliveries"]
        return found

    async def wait_for_deliveries(
        self,
        user_id: str,
        count: int,
        *,
        after: int = 0,
        timeout: float = 30.0,
    ) -> list[Json]:
        """Polls until `count` deliveries after the first `after`; returns what it has by then."""
        deadline = time.monotonic() + timeout
        found = await self.deliveries(user_id, after)
        while len(found) < count and time.monotonic() < deadline:
            await asyncio.sleep(POLL_INTERVAL_SECONDS)
            found = await self.deliveries(user_id, after)
        return found


# ---- plain-text rendering of LINE messages ------------------------------------------------
