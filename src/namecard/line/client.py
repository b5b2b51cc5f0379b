"""The bot's LINE client: reply, push, content download and loading animation (line-bot-sdk v3)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import quote

import aiohttp
from linebot.v3.messaging import (  # type: ignore[import-untyped, unused-ignore]
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    ShowLoadingAnimationRequest,
)
from pydantic import SecretStr

from namecard.domain import catalogue
from namecard.domain.errors import (
    ConfigError,
    ContentRejected,
    NamecardError,
    PermanentError,
    ReplyTokenExpired,
    TransientError,
)
from namecard.domain.health import Problem, ProblemCode
from namecard.domain.replies import Reply

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.line.me"
DEFAULT_DATA_API_BASE_URL = "https://api-data.line.me"
CONTENT_PATH = "/v2/bot/message/{message_id}/content"
REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"
RETRY_KEY_HEADER = "X-Line-Retry-Key"
SILENT_NO = {"notificationDisabled": False}  # what the SDK's request models send
CONTENT_CHUNK_BYTES = 64 * 1024
NOT_READY_ATTEMPTS = 5
NOT_READY_DELAY_SECONDS = 0.5
EXPIRED_REPLY_MESSAGE = "Invalid reply token"
ACCEPTED_REQUEST_ID_HEADER = "x-line-accepted-request-id"
BYTES_PER_MB = 1024 * 1024
TOO_LARGE_MESSAGE = catalogue.PHOTO_TOO_LARGE
GONE_MESSAGE = catalogue.PHOTO_GONE
GONE_STATUSES = (404, 410)
CONFIG_STATUSES = (401, 403)  # the channel access token is wrong or lacks permission
NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError)
DEFAULT_CONNECTIONS = 100  # calls in flight at once, per host


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def _line_error(body: Any) -> tuple[str, Any]:
    """LINE's error `message` and `details` from an ApiException body (a JSON string)."""
    try:
        parsed = json.loads(body) if body else {}
    except ValueError:
        return "", None
    if not isinstance(parsed, dict):
        return "", None
    return str(parsed.get("message", "")), parsed.get("details")


def _api_error(action: str, exc: Any) -> NamecardError:
    status = int(exc.status or 0)
    message, details = _line_error(exc.body)
    logger.warning("LINE %s answered %s: %s %s", action, status, message, details or "")
    if _retryable(status):
        return TransientError(f"LINE {action} answered {status}")
    if status in CONFIG_STATUSES:
        return ConfigError(f"LINE {action} answered {status}: check LINE_CHANNEL_ACCESS_TOKEN")
    return PermanentError(f"LINE {action} answered {status}: {message}")


def _too_large(max_bytes: int) -> ContentRejected:
    size = f"{round(max_bytes / BYTES_PER_MB, 1):g}"
    return ContentRejected("image over cap", user_message=TOO_LARGE_MESSAGE.format(mb=size))


def _check_content_status(status: int) -> None:
    if status in GONE_STATUSES:
        raise ContentRejected("content gone from LINE", user_message=GONE_MESSAGE)
    if _retryable(status):
        raise TransientError(f"LINE content answered {status}")
    if not 200 <= status < 300:
        raise ConfigError(f"LINE content answered {status}")


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The body, refused as soon as it is known to exceed `max_bytes` (header or bytes read)."""
    if response.content_length is not None and response.content_length > max_bytes:
        raise _too_large(max_bytes)
    buffer = bytearray()
    async for chunk in response.content.iter_chunked(CONTENT_CHUNK_BYTES):
        buffer += chunk
        if len(buffer) > max_bytes:
            raise _too_large(max_bytes)
    return bytes(buffer)


def _configuration(token: str, host: str, connections: int) -> Configuration:
    """The SDK's configuration, with room for `connections` calls at once. The SDK's own
    default is five per CPU (ten on a two-core machine): fifty photos at once then queued for
    a connection, each download and reply waiting for others' round trips (issue 15)."""
    configuration = Configuration(access_token=token, host=host)
    configuration.connection_pool_maxsize = connections
    return configuration


class LineClient:
    """One client per process: two SDK API clients (api host and data host) with a call timeout.

    Build it inside a running event loop (the SDK opens its aiohttp session in the constructor)."""

    def __init__(
        self,
        *,
        access_token: SecretStr,
        api_base_url: str = DEFAULT_API_BASE_URL,
        data_api_base_url: str = DEFAULT_DATA_API_BASE_URL,
        timeout: float = 10.0,
        connections: int = DEFAULT_CONNECTIONS,
    ) -> None:
        token = access_token.get_secret_value()
        self._api_host = api_base_url.rstrip("/")
        self._data_host = data_api_base_url.rstrip("/")
        self._api_client = AsyncApiClient(_configuration(token, self._api_host, connections))
        self._blob_client = AsyncApiClient(_configuration(token, self._data_host, connections))
        self._api = AsyncMessagingApi(self._api_client)
        self._timeout = timeout
        self.problem: Problem | None = None  # LINE refused our token; cleared by an accepted call

    def _accepted(self) -> None:
        if self.problem is not None:
            logger.info("LINE accepts the channel access token again")
        self.problem = None

    def _refused(self, action: str, status: int) -> None:
        """401/403: the token is revoked or lacks permission; /health says so until LINE
        accepts a call again."""
        if status in CONFIG_STATUSES:
            self.problem = Problem(ProblemCode.LINE_AUTH, f"LINE {action} answered {status}")

    def _api_error(self, action: str, exc: Any) -> NamecardError:
        self._refused(action, int(exc.status or 0))
        return _api_error(action, exc)

    async def aclose(self) -> None:
        await self._api_client.close()
        await self._blob_client.close()

    async def show_loading(self, user_id: str, seconds: int = 20) -> None:
        """Best effort: the animation is cosmetic, so any failure is logged and ignored."""
        try:
            request = ShowLoadingAnimationRequest(chat_id=user_id, loading_seconds=seconds)
            await self._api.show_loading_animation(request, _request_timeout=self._timeout)
        except Exception as exc:  # the animation is cosmetic: never fail a job
            logger.debug("loading animation not shown: %s", getattr(exc, "status", type(exc)))

    async def bot_user_id(self) -> str:
        """The bot's own user id (GET /v2/bot/info): the `destination` of its webhooks."""
        try:
            info = await self._api.get_bot_info(_request_timeout=self._timeout)
        except ApiException as exc:
            raise _api_error("bot info", exc) from exc
        except NETWORK_ERRORS as exc:
            raise TransientError(f"LINE bot info failed: {type(exc).__name__}") from exc
        return str(info.user_id)

    async def reply(self, reply_token: str, reply: Reply) -> None:
        body = {"replyToken": reply_token, "messages": list(reply.payloads), **SILENT_NO}
        try:
            await self._post_messages(REPLY_PATH, body)
        except ApiException as exc:
            if exc.status == 400 and _line_error(exc.body)[0] == EXPIRED_REPLY_MESSAGE:
                self._accepted()  # LINE checks the access token before the reply token
                raise ReplyTokenExpired("reply token used or expired") from exc
            raise self._api_error("reply", exc) from exc
        except NETWORK_ERRORS as exc:
            raise TransientError(f"LINE reply failed: {type(exc).__name__}") from exc
        self._accepted()

    async def push(self, to: str, reply: Reply, *, retry_key: str) -> None:
        """Push with an idempotency key; a 409 means LINE already delivered this push."""
        body = {"to": to, "messages": list(reply.payloads), **SILENT_NO}
        try:
            await self._post_messages(PUSH_PATH, body, {RETRY_KEY_HEADER: retry_key})
        except ApiException as exc:
            if exc.status == 409:
                accepted = (exc.headers or {}).get(ACCEPTED_REQUEST_ID_HEADER)
                logger.info("LINE push already accepted (request %s)", accepted)
                self._accepted()
                return
            raise self._api_error("push", exc) from exc
        except NETWORK_ERRORS as exc:
            raise TransientError(f"LINE push failed: {type(exc).__name__}") from exc
        self._accepted()

    async def _post_messages(
        self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        """POST a reply or push through the SDK's transport and credentials, its messages as
        the JSON `line.replies` already made from the SDK's own models.

        `AsyncMessagingApi.reply_message` would rebuild every message as a model (`from_dict`),
        serialise it again (`to_dict`, `sanitize_for_serialization`) and parse LINE's answer
        into a model nobody reads: under a burst of fifty replies that round trip was the
        largest CPU cost of a cached photo (issue 15). The SDK's `request` raises the same
        `ApiException` for a non-2xx answer.
        """
        sent = {**self._api_client.default_headers, "Accept": "application/json"}
        await self._api_client.request(
            "POST",
            self._api_host + path,
            headers={**sent, "Content-Type": "application/json", **(headers or {})},
            body=body,
            _request_timeout=self._timeout,
        )

    async def get_content(self, message_id: str, *, max_bytes: int) -> bytes:
        """The user's upload, never holding more than `max_bytes` plus one chunk in memory."""
        for attempt in range(NOT_READY_ATTEMPTS):
            if attempt:
                await asyncio.sleep(NOT_READY_DELAY_SECONDS * attempt)
            data = await self._download(message_id, max_bytes)
            if data is not None:
                return data
        raise TransientError("LINE content still not ready")

    async def _download(self, message_id: str, max_bytes: int) -> bytes | None:
        """One attempt; None while LINE answers 202 (content not ready yet)."""
        try:
            async with await self._open_content(message_id) as response:
                self._refused("content", response.status)
                if response.status == 202:
                    return None
                _check_content_status(response.status)
                self._accepted()
                return await _read_capped(response, max_bytes)
        except NETWORK_ERRORS as exc:
            raise TransientError(f"LINE content failed: {type(exc).__name__}") from exc

    async def _open_content(self, message_id: str) -> aiohttp.ClientResponse:
        """A streaming GET through the SDK's own transport and credentials.

        `AsyncMessagingApiBlob.get_message_content_with_http_info(..., _preload_content=False)`
        cannot be used: in line-bot-sdk 3.27 it opens the aiohttp response and then fails building
        `ApiResponse` (`ClientResponse` has no `getheaders`), leaking the response. The SDK's
        `AsyncApiClient.request(..., _preload_content=False)` returns the unread aiohttp response.
        """
        path = CONTENT_PATH.format(message_id=quote(message_id, safe=""))
        headers = {**self._blob_client.default_headers, "Accept": "*/*"}
        response: aiohttp.ClientResponse = await self._blob_client.request(
            "GET",
            self._data_host + path,
            headers=headers,
            _preload_content=False,
            _request_timeout=self._timeout,
        )
        return response
