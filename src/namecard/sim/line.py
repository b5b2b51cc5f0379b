"""Emulator of the LINE platform: reply, push, content, loading, bot info, faults, recording."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from quart import Blueprint, Quart, Response, request

from namecard.sim.body_limits import request_class_with_limits
from namecard.sim.bounded import Bounded, SimLimits
from namecard.sim.driver import DEFAULT_DESTINATION
from namecard.sim.line_control import UPLOAD_RULE, ControlViews, parse_json, request_body
from namecard.sim.line_rich_menu import RichMenuState
from namecard.sim.line_validation import Json, detail, validate_messages

__all__ = ["Delivery", "LineSimulator", "RecordedCall", "SimLimits", "validate_messages"]

ENDPOINTS = ("reply", "push", "content", "loading", "info", "richmenu")
MAX_UPLOAD_BYTES = 64 * 1024 * 1024  # the upload route's body limit
API_BODY_BYTES = 1024 * 1024  # every other route's
RETRY_KEY_WINDOW_SECONDS = 24 * 3600
RETRY_KEY_HEADER = "X-Line-Retry-Key"
REQUEST_ID_HEADER = "x-line-request-id"
ACCEPTED_REQUEST_ID_HEADER = "x-line-accepted-request-id"
DEFAULT_LOADING_SECONDS = 20
LOADING_SECONDS = range(5, 61, 5)
CONTENT_CHUNK_BYTES = 64 * 1024
FIRST_MESSAGE_ID = 468_000_000_000_000_000
# Content ids are drawn at random among LINE's 18-digit ids (~2^60), so holding one never
# leads to another user's photo; the ids of messages the bot sends may run in sequence.
CONTENT_ID_LOW, CONTENT_ID_SPAN = 10**17, 9 * 10**17
USER_ID = re.compile(r"U[0-9a-f]{32}")
AUTH_FAILED = (
    "Authentication failed. Confirm that the access token in the authorization header is valid."
)
DEFAULT_FAULT_MESSAGES = {
    400: "The request body has 1 error(s)",
    401: AUTH_FAILED,
    403: "The request is not authorized.",
    404: "Not found",
    429: "The API rate limit has been exceeded. Try again later.",
}


@dataclass(frozen=True)
class RecordedCall:
    endpoint: str
    method: str
    path: str
    status: int
    body: Any
    retry_key: str | None
    at: float


@dataclass(frozen=True)
class Delivery:
    user_id: str
    channel: Literal["reply", "push"]
    messages: list[Json]
    at: float
    retry_key: str | None

    def to_json(self) -> Json:
        return {
            "userId": self.user_id,
            "channel": self.channel,
            "messages": self.messages,
            "at": self.at,
            "retryKey": self.retry_key,
        }


@dataclass(frozen=True)
class _Answer:
    status: int
    body: Json | bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    chunked: bool = False


@dataclass(frozen=True)
class _Incoming:
    body: Any
    request_id: str
    retry_key: str | None = None
    message_id: str = ""  # the id in the path (a message's, a rich menu's)
    size: int = 0
    raw: bytes = b""
    content_type: str = ""


@dataclass
class _Content:
    data: bytes
    content_type: str
    not_ready: int
    chunked: bool


@dataclass(frozen=True)
class _Issued:
    user_id: str
    at: float


@dataclass(frozen=True)
class _Accepted:
    request_id: str
    at: float
    sent: list[Json]


def _error(status: int, message: str, details: list[Json] | None = None) -> _Answer:
    body: Json = {"message": message}
    if details:
        body["details"] = details
    return _Answer(status, body)


def _invalid(errors: list[Json]) -> _Answer:
    return _error(400, f"The request body has {len(errors)} error(s)", errors)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), CONTENT_CHUNK_BYTES):
        yield data[start : start + CONTENT_CHUNK_BYTES]


def _response(answer: _Answer, request_id: str) -> Response:
    headers = {REQUEST_ID_HEADER: request_id, **answer.headers}
    if isinstance(answer.body, bytes):
        payload: Any = _chunks(answer.body) if answer.chunked else answer.body
        return Response(payload, answer.status, headers, content_type=answer.content_type)
    text = json.dumps(answer.body, ensure_ascii=False)
    return Response(text, answer.status, headers, content_type="application/json")


def _check_endpoint(endpoint: str) -> None:
    if endpoint not in ENDPOINTS:
        raise ValueError(f"unknown endpoint {endpoint!r}; expected one of {ENDPOINTS}")


class LineSimulator:
    """Thread-safe state of a fake LINE platform, served by `blueprint()` or `create_app()`."""

    def __init__(
        self,
        access_tokens: Collection[str] | None = None,
        reply_token_ttl: float = 60.0,
        latency: float = 0.0,
        monthly_push_limit: int | None = None,
        *,
        control_token: str | None = None,
        limits: SimLimits | None = None,
        clock: Callable[[], float] = time.time,
        bot_user_id: str = DEFAULT_DESTINATION,  # the `destination` of the driver's webhooks
    ) -> None:
        """`access_tokens`: the channel tokens LINE accepts (None: any bearer token);
        `control_token`: the bearer token the `/_sim` control routes want (None: none)."""
        self.bot_user_id = bot_user_id
        self._access_tokens = frozenset(access_tokens) if access_tokens is not None else None
        self._control_token = control_token
        self.limits = limits or SimLimits()
        self.reply_token_ttl = reply_token_ttl
        self.latency = latency
        self.monthly_push_limit = monthly_push_limit
        self._clock = clock
        self._cond = threading.Condition()
        self._ids = itertools.count(FIRST_MESSAGE_ID)
        self._in_flight = 0
        self.peak_in_flight = 0  # the most platform calls being answered at once
        self.reset()

    # ---- Python control API -------------------------------------------------------------

    def reset(self) -> None:
        with self._cond:
            limits = self.limits
            self._calls: Bounded[int, RecordedCall] = Bounded(limits.calls, limits.call_bytes)
            self._deliveries: Bounded[int, Delivery] = Bounded(
                limits.deliveries, limits.delivery_bytes
            )
            self._contents: Bounded[str, _Content] = Bounded(limits.contents, limits.content_bytes)
            self._reply_tokens: Bounded[str, _Issued] = Bounded(limits.reply_tokens)
            self._retry_keys: Bounded[str, _Accepted] = Bounded(limits.retry_keys)
            self._faults: dict[str, deque[_Answer]] = {
                name: deque(maxlen=limits.queued_faults) for name in ENDPOINTS
            }
            self._delays: dict[str, deque[float]] = {
                name: deque(maxlen=limits.queued_faults) for name in ENDPOINTS
            }
            self._recorded = itertools.count()
            self._pushed_messages = 0
            self.rich_menus = RichMenuState()
            self._cond.notify_all()

    def add_content(
        self, data: bytes, content_type: str, *, not_ready: int = 0, chunked: bool = False
    ) -> str:
        """Store a user upload; `chunked` serves it without Content-Length (streamed). The oldest
        uploads are dropped beyond `limits`; one larger than all of them is a ValueError."""
        with self._cond:
            message_id = self._new_content_id()
            item = _Content(data, content_type, not_ready, chunked)
            self._contents.put(message_id, item, len(data))
            return message_id

    def has_content(self, message_id: str) -> bool:
        with self._cond:
            return message_id in self._contents

    def issue_reply_token(self, user_id: str) -> str:
        with self._cond:
            token = secrets.token_hex(16)
            self._reply_tokens.put(token, _Issued(user_id, self._clock()))
            return token

    def deliveries(self, user_id: str | None = None) -> list[Delivery]:
        with self._cond:
            return self._deliveries_of(user_id)

    def wait_for_deliveries(self, user_id: str, count: int, timeout: float) -> list[Delivery]:
        with self._cond:
            self._cond.wait_for(lambda: len(self._deliveries_of(user_id)) >= count, timeout)
            return self._deliveries_of(user_id)

    @property
    def calls(self) -> list[RecordedCall]:
        with self._cond:
            return self._calls.values()

    def fail_next(
        self, endpoint: str, status: int, body: Json | None = None, times: int = 1
    ) -> None:
        _check_endpoint(endpoint)
        if body is None:
            message = DEFAULT_FAULT_MESSAGES.get(status, "Internal server error")
            body = {"message": message} if status >= 400 else {}
        answer = _Answer(status, body)
        with self._cond:
            self._faults[endpoint].extend([answer] * times)

    def delay_next(self, endpoint: str, seconds: float, times: int = 1) -> None:
        _check_endpoint(endpoint)
        with self._cond:
            self._delays[endpoint].extend([seconds] * times)

    def _new_content_id(self) -> str:
        candidate = ""
        while not candidate or candidate in self._contents:
            candidate = str(CONTENT_ID_LOW + secrets.randbelow(CONTENT_ID_SPAN))
        return candidate

    def _deliveries_of(self, user_id: str | None) -> list[Delivery]:
        return [d for d in self._deliveries.values() if user_id is None or d.user_id == user_id]

    # ---- platform behaviour (called with the lock held) ---------------------------------

    def _authorized(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return False
        return self._access_tokens is None or token in self._access_tokens

    def _deliver(
        self, user_id: str, channel: Literal["reply", "push"], incoming: _Incoming
    ) -> Json:
        messages: list[Json] = incoming.body["messages"]
        now = self._clock()
        delivery = Delivery(user_id, channel, messages, now, incoming.retry_key)
        self._deliveries.put(next(self._recorded), delivery, incoming.size)
        self._cond.notify_all()
        sent = [{"id": str(next(self._ids)), "quoteToken": secrets.token_urlsafe(24)}]
        sent += [{"id": str(next(self._ids))} for _ in messages[1:]]
        return {"sentMessages": sent}

    def _reply(self, incoming: _Incoming) -> _Answer:
        if not isinstance(incoming.body, dict):
            return _invalid([detail("must be a JSON object", "body")])
        errors = validate_messages(incoming.body.get("messages"))
        if errors:
            return _invalid(errors)
        token = incoming.body.get("replyToken")
        issued = self._reply_tokens.pop(token) if isinstance(token, str) else None
        if issued is None or self._clock() - issued.at > self.reply_token_ttl:
            return _error(400, "Invalid reply token")
        return _Answer(200, self._deliver(issued.user_id, "reply", incoming))

    def _push(self, incoming: _Incoming) -> _Answer:
        key = incoming.retry_key
        if key is not None and not _is_uuid(key):
            return _error(400, "The retry key must be a UUID.")
        accepted = self._accepted(key)
        if accepted is not None:
            conflict = {
                "message": "The retry key is already accepted",
                "sentMessages": accepted.sent,
            }
            return _Answer(409, conflict, {ACCEPTED_REQUEST_ID_HEADER: accepted.request_id})
        body: Json = incoming.body if isinstance(incoming.body, dict) else {}
        errors = [] if isinstance(body.get("to"), str) else [detail("must be specified", "to")]
        errors += validate_messages(body.get("messages"))
        if errors:
            return _invalid(errors)
        count = len(body["messages"])
        limit = self.monthly_push_limit
        if limit is not None and self._pushed_messages + count > limit:
            return _error(429, "You have reached your monthly limit.")
        self._pushed_messages += count
        result = self._deliver(body["to"], "push", incoming)
        if key is not None:
            accepted = _Accepted(incoming.request_id, self._clock(), result["sentMessages"])
            self._retry_keys.put(key, accepted)
        return _Answer(200, result)

    def _accepted(self, key: str | None) -> _Accepted | None:
        accepted = self._retry_keys.get(key) if key is not None else None
        if accepted is None or self._clock() - accepted.at > RETRY_KEY_WINDOW_SECONDS:
            return None
        return accepted

    def _content(self, incoming: _Incoming) -> _Answer:
        item = self._contents.get(incoming.message_id)
        if item is None:
            return _error(404, "Not found")
        if item.not_ready > 0:
            item.not_ready -= 1
            return _Answer(202, b"", content_type="application/octet-stream")
        return _Answer(200, item.data, content_type=item.content_type, chunked=item.chunked)

    def _info(self, incoming: _Incoming) -> _Answer:
        return _Answer(200, {"userId": self.bot_user_id, "basicId": "@000namecard",
                             "displayName": "namecard", "chatMode": "bot",
                             "markAsReadMode": "auto"})  # fmt: skip

    def _loading(self, incoming: _Incoming) -> _Answer:
        body: Json = incoming.body if isinstance(incoming.body, dict) else {}
        errors: list[Json] = []
        chat_id = body.get("chatId")
        if not isinstance(chat_id, str) or not USER_ID.fullmatch(chat_id):
            errors.append(detail("The chat ID must be a user ID", "chatId"))
        seconds = body.get("loadingSeconds", DEFAULT_LOADING_SECONDS)
        if type(seconds) is not int or seconds not in LOADING_SECONDS:
            errors.append(detail("must be a multiple of 5 between 5 and 60", "loadingSeconds"))
        return _invalid(errors) if errors else _Answer(202, {})

    # Rich menus (line_rich_menu.py holds their state and rules) ---------------------------
    def _rich(self, status_body: tuple[int, Json]) -> _Answer:
        return _Answer(*status_body)

    async def _richmenu_view(self, menu_id: str = "", what: str = "") -> Response:
        menus = self.rich_menus
        method = request.method
        handlers: dict[tuple[str, str], Callable[[_Incoming], _Answer]] = {
            ("POST", "create"): lambda i: self._rich(menus.create(i.body)),
            ("GET", "list"): lambda i: self._rich(menus.listing()),
            ("GET", "one"): lambda i: self._rich(menus.get(i.message_id)),
            ("DELETE", "one"): lambda i: self._rich(menus.delete(i.message_id)),
            ("POST", "content"): lambda i: self._rich(
                menus.upload(i.message_id, i.raw, i.content_type)
            ),
            ("POST", "default"): lambda i: self._rich(menus.set_default(i.message_id)),
            ("GET", "default"): lambda i: self._rich(menus.get_default()),
        }
        return await self._platform("richmenu", handlers[(method, what)], menu_id)

    def _richmenu_routes(self) -> list[tuple[str, Callable[..., Any], str]]:
        view = self._richmenu_view

        async def create() -> Response:
            return await view("", "create")

        async def listing() -> Response:
            return await view("", "list")

        async def one(menu_id: str) -> Response:
            return await view(menu_id, "one")

        async def content(menu_id: str) -> Response:
            return await view(menu_id, "content")

        async def default_set(menu_id: str) -> Response:
            return await view(menu_id, "default")

        async def default_get() -> Response:
            return await view("", "default")

        return [
            ("/v2/bot/richmenu", create, "POST"),
            ("/v2/bot/richmenu/list", listing, "GET"),
            ("/v2/bot/richmenu/<menu_id>", one, "GET"),
            ("/v2/bot/richmenu/<menu_id>", one, "DELETE"),
            ("/v2/bot/richmenu/<menu_id>/content", content, "POST"),
            ("/v2/bot/user/all/richmenu/<menu_id>", default_set, "POST"),
            ("/v2/bot/user/all/richmenu", default_get, "GET"),
        ]

    # ---- HTTP layer -------------------------------------------------------------------------

    async def _platform(
        self, endpoint: str, handler: Callable[[_Incoming], _Answer], message_id: str = ""
    ) -> Response:
        with self._cond:
            delay = self._delays[endpoint].popleft() if self._delays[endpoint] else 0.0
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            await asyncio.sleep(self.latency + delay)
        finally:
            with self._cond:
                self._in_flight -= 1
        raw = await request_body()
        body = parse_json(raw) if request.method == "POST" else None
        key = request.headers.get(RETRY_KEY_HEADER)
        incoming = _Incoming(
            body, str(uuid.uuid4()), key, message_id, len(raw), raw,
            request.headers.get("Content-Type", ""),
        )  # fmt: skip
        auth = request.headers.get("Authorization", "")
        with self._cond:
            answer = self._answer(endpoint, handler, incoming, auth)
            now = self._clock()
            call = RecordedCall(
                endpoint, request.method, request.path, answer.status, body, key, now
            )
            self._calls.put(next(self._recorded), call, incoming.size)
        return _response(answer, incoming.request_id)

    def _answer(
        self, endpoint: str, handler: Callable[[_Incoming], _Answer], incoming: _Incoming, auth: str
    ) -> _Answer:
        if not self._authorized(auth):
            return _error(401, AUTH_FAILED)
        if self._faults[endpoint]:
            return self._faults[endpoint].popleft()
        return handler(incoming)

    async def _reply_view(self) -> Response:
        return await self._platform("reply", self._reply)

    async def _push_view(self) -> Response:
        return await self._platform("push", self._push)

    async def _content_view(self, message_id: str) -> Response:
        return await self._platform("content", self._content, message_id)

    async def _loading_view(self) -> Response:
        return await self._platform("loading", self._loading)

    async def _info_view(self) -> Response:
        return await self._platform("info", self._info)

    def blueprint(self) -> Blueprint:
        """Routes relative to the blueprint root; mount with `url_prefix="/sim/line"`."""
        bp = Blueprint("line_sim", __name__)
        routes: list[tuple[str, Callable[..., Any], str]] = [
            ("/v2/bot/message/reply", self._reply_view, "POST"),
            ("/v2/bot/message/push", self._push_view, "POST"),
            ("/v2/bot/message/<message_id>/content", self._content_view, "GET"),
            ("/v2/bot/chat/loading/start", self._loading_view, "POST"),
            ("/v2/bot/info", self._info_view, "GET"),
        ]
        routes += ControlViews(self, ENDPOINTS, self._control_token).routes()
        for rule, view, method in routes:
            bp.add_url_rule(rule, view.__name__.strip("_"), view, methods=[method])
        for rule, view, method in self._richmenu_routes():
            bp.add_url_rule(rule, f"richmenu_{view.__name__}_{method}", view, methods=[method])
        return bp

    def create_app(self) -> Quart:
        app = Quart(__name__)
        app.config["MAX_CONTENT_LENGTH"] = API_BODY_BYTES
        app.request_class = request_class_with_limits({UPLOAD_RULE: MAX_UPLOAD_BYTES})
        app.register_blueprint(self.blueprint())
        return app
