"""A web chat at `/sim/chat` that plays one LINE user against the bot and its LINE simulator.

How it works: the page (`chat_page/`, plain HTML, CSS and JS served from package data, no
external assets) sends what the user types, taps or drops to `/sim/chat/api/*`. Each becomes
what LINE itself would send: a photo goes into the simulator's content store, in memory, exactly
as LINE holds an upload for the bot to fetch; then a signed webhook (built by `WebhookDriver`,
several photos at once as one image set) is posted to the app's own `/callback`, with a reply
token the simulator issued. The bot answers through the simulator as it would through LINE, and
the simulator records each reply, push and loading call. The page reads them back from
`/sim/chat/api/feed`, a long poll: it returns as soon as there is something newer than the
page's cursor (a time stamp) or the typing dots came or went, else after FEED_WAIT_SECONDS with
nothing, and the page asks again.

Why only on loopback: the page has no password, and through it anyone could speak as any LINE
user of this bot and read what the bot answered them. It is therefore answered only to a browser
on this machine that names this machine (see `web_chat_guard`), even when SIM_ALLOW_REMOTE opens
the rest of the simulator (whose control routes want the development channel's token).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from quart import Blueprint, Response, request

from namecard.sim.driver import WebhookDriver
from namecard.sim.line import LineSimulator
from namecard.sim.line_control import parse_json, request_body
from namecard.sim.line_control_input import describe
from namecard.sim.web_chat_feed import ChatFeed, Json, Sent
from namecard.sim.web_chat_guard import refusal

CHAT_PREFIX = "/sim/chat"
PHOTO_RULE = "/api/photo"
MAX_PHOTO_BYTES = 20 * 1024 * 1024  # the photo route's body limit (LINE sends up to ~10 MB)
DEFAULT_USER = "U" + hashlib.sha256(b"namecard-web-chat-user").hexdigest()[:32]
USER_ID = r"^U[0-9a-f]{32}$"
MAX_TEXT_CHARS = 5000  # LINE's limit on a text message
MAX_POSTBACK_DATA = 300  # LINE's limit on a postback action's data
MAX_SET_PHOTOS = 50  # LINE sends at most this many photos in one go
FEED_WAIT_SECONDS = 10.0
FEED_POLL_SECONDS = 0.15
PAGE_FILES = {
    "index.html": "text/html; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
    "chat.js": "text/javascript; charset=utf-8",
    "flex.js": "text/javascript; charset=utf-8",
}
# The page's own files only; images in a Flex message may come from the web, as in LINE.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' blob: data: https:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
IMAGE_TYPES = re.compile(r"^image/(jpeg|png|webp|gif|heic|heif|bmp)$")


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    user_id: str = Field(DEFAULT_USER, alias="userId", pattern=USER_ID)


class TextInput(_Input):
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)


class PostbackInput(_Input):
    data: str = Field(min_length=1, max_length=MAX_POSTBACK_DATA)
    display_text: str = Field("", alias="displayText", max_length=MAX_TEXT_CHARS)


class PhotoQuery(_Input):
    """One photo; `set`, `index` and `total` when it is one of several sent together."""

    image_set: str = Field("", alias="set", max_length=64, pattern=r"^[0-9A-Za-z-]*$")
    index: int = Field(1, ge=1, le=MAX_SET_PHOTOS)
    total: int = Field(1, ge=1, le=MAX_SET_PHOTOS)


class FeedQuery(_Input):
    after: float = Field(0.0, ge=0)
    loading: bool = False  # whether the page shows the typing dots now
    wait: bool = True


def _json(body: Json, status: int = 200) -> Response:
    text = json.dumps(body, ensure_ascii=False)
    response = Response(text, status, content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


class WebChat:
    """The chat page and its API, for one app; `blueprint()` mounts it at CHAT_PREFIX."""

    def __init__(
        self,
        sim: LineSimulator,
        webhook_url: str,
        channel_secret: str,
        *,
        clock: Callable[[], float] = time.time,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        """`stopping`: whether the app is draining; open feed polls then end at once, so a
        page left open does not hold up the server's shutdown."""
        self._sim = sim
        self._stopping = stopping
        self._webhook_url = webhook_url
        self._secret = channel_secret
        self.feed = ChatFeed(sim, clock)
        self._driver: WebhookDriver | None = None
        self._page = {name: _page_file(name) for name in PAGE_FILES}

    def blueprint(self) -> Blueprint:
        bp = Blueprint("web_chat", __name__)
        bp.before_request(self._guard)
        bp.before_app_serving(self._open)
        bp.after_app_serving(self._close)
        bp.add_url_rule("", "page", self._index, methods=["GET"])
        bp.add_url_rule("/", "page_slash", self._index, methods=["GET"])
        bp.add_url_rule("/<name>", "asset", self._asset, methods=["GET"])
        bp.add_url_rule("/api/text", "text", self._text, methods=["POST"])
        bp.add_url_rule("/api/postback", "postback", self._postback, methods=["POST"])
        bp.add_url_rule(PHOTO_RULE, "photo", self._photo, methods=["POST"])
        bp.add_url_rule("/api/feed", "feed", self._feed_view, methods=["GET"])
        bp.register_error_handler(ValidationError, self._invalid)
        return bp

    # ---- lifecycle and guard --------------------------------------------------------------

    async def _open(self) -> None:
        # The driver only builds and signs webhooks here; its simulator URL is never used
        # (photos and reply tokens go to the simulator in this process directly).
        self._driver = WebhookDriver(self._webhook_url, self._secret, sim_url="")

    async def _close(self) -> None:
        if self._driver is not None:
            await self._driver.aclose()
            self._driver = None

    async def _guard(self) -> Response | None:
        why = refusal(
            method=request.method,
            peer=request.remote_addr,
            host=request.host,
            origin=request.headers.get("Origin"),
            content_type=request.headers.get("Content-Type", ""),
        )
        return None if why is None else _json({"message": why}, 403)

    async def _invalid(self, exc: ValidationError) -> Response:
        return _json({"message": describe(exc)}, 400)

    # ---- the page -------------------------------------------------------------------------

    async def _index(self) -> Response:
        return self._serve("index.html")

    async def _asset(self, name: str) -> Response:
        if name not in PAGE_FILES:
            return _json({"message": "Not found"}, 404)
        return self._serve(name)

    def _serve(self, name: str) -> Response:
        response = Response(self._page[name], 200, content_type=PAGE_FILES[name])
        response.headers["Content-Security-Policy"] = PAGE_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-cache"
        return response

    # ---- what the user sends --------------------------------------------------------------

    async def _text(self) -> Response:
        sent = TextInput.model_validate(await _body_json())
        self.feed.record(Sent(sent.user_id, "text", self.feed.now(), text=sent.text))
        driver = self._ready()
        token = self._sim.issue_reply_token(sent.user_id)
        return await self._post(driver, [driver.build_text_event(sent.user_id, sent.text, token)])

    async def _postback(self) -> Response:
        sent = PostbackInput.model_validate(await _body_json())
        if sent.display_text:
            self.feed.record(
                Sent(sent.user_id, "postback", self.feed.now(), text=sent.display_text)
            )
        driver = self._ready()
        token = self._sim.issue_reply_token(sent.user_id)
        event = driver.build_postback_event(sent.user_id, sent.data, token)
        return await self._post(driver, [event])

    async def _photo(self) -> Response:
        query = PhotoQuery.model_validate(request.args.to_dict())
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not IMAGE_TYPES.match(content_type):
            return _json({"message": "send a photo (JPEG, PNG, WebP, GIF or HEIC)"}, 415)
        data = await request_body()  # held in memory only, as the simulator holds uploads
        if not data:
            return _json({"message": "the photo is empty"}, 400)
        try:
            message_id = self._sim.add_content(data, content_type)
        except ValueError as exc:
            return _json({"message": str(exc)}, 413)
        set_id = (query.image_set or secrets.token_hex(16)) if query.total > 1 else ""
        image_set = {"id": set_id, "index": query.index, "total": query.total} if set_id else None
        now = self.feed.now()
        self.feed.record(Sent(query.user_id, "image", now, message_id=message_id, image_set=set_id))
        driver = self._ready()
        token = self._sim.issue_reply_token(query.user_id)
        event = driver.build_image_event(query.user_id, message_id, token, image_set=image_set)
        return await self._post(driver, [event], messageId=message_id)

    def _ready(self) -> WebhookDriver:
        if self._driver is None:  # only between the app's start and its end
            raise RuntimeError("the web chat is not serving")
        return self._driver

    async def _post(self, driver: WebhookDriver, events: list[Json], **extra: Any) -> Response:
        result = await driver.post(events)
        return _json({"webhookStatus": result.status, **extra})

    # ---- what the page reads --------------------------------------------------------------

    async def _feed_view(self) -> Response:
        query = FeedQuery.model_validate(request.args.to_dict())
        deadline = time.monotonic() + (FEED_WAIT_SECONDS if query.wait else 0.0)
        page = self.feed.read(query.user_id, query.after)
        while not page.items and page.loading == query.loading and time.monotonic() < deadline:
            if self._stopping():
                return _json({"message": "the bot is stopping"}, 503)
            await asyncio.sleep(FEED_POLL_SECONDS)
            page = self.feed.read(query.user_id, query.after)
        return _json(page.to_json())


async def _body_json() -> Json:
    """The JSON body, with the query string's `userId` (the page names its user there)."""
    parsed = parse_json(await request_body())
    return {**request.args.to_dict(), **(parsed if isinstance(parsed, dict) else {})}


def _page_file(name: str) -> bytes:
    return resources.files("namecard.sim").joinpath("chat_page", name).read_bytes()
