"""An emulator of the Gemini API's generateContent: answers from ground truth, faults on script."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from quart import Quart, Response, request

from namecard.sim.gemini_errors import (
    error_body,
    key_invalid_body,
    model_not_found_body,
    overloaded_body,
    rate_limited_body,
)

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 128 * 1024 * 1024  # the real API takes 100 MB of inline data (base64) per request
API_VERSIONS = frozenset(("v1", "v1beta"))
DEFAULT_CONFIDENCE = 0.95
DEFAULT_SLOW_SECONDS = 5.0
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
_PROMPT_TOKENS = 1290  # roughly one image plus the instructions
_CANCELLED = 499  # what the real API logs when the client hangs up


class GeminiFault(StrEnum):
    RATE_LIMITED = "rate_limited"
    RATE_LIMITED_DAILY = "rate_limited_daily"
    SERVER_ERROR = "server_error"
    UNAVAILABLE = "unavailable"
    DEADLINE = "deadline"
    PROMPT_BLOCKED = "prompt_blocked"
    SAFETY = "safety"
    TRUNCATED = "truncated"
    INVALID_JSON = "invalid_json"
    SLOW = "slow"
    PERMISSION_DENIED = "permission_denied"
    OVERLOADED = "overloaded"  # more calls in flight than `max_concurrent`


@dataclass(frozen=True, slots=True)
class GeminiCall:
    model: str
    api_version: str
    key_suffix: str | None  # the last 4 characters of the key, never more
    image_sha256: str | None
    status: int
    at: float
    fault: GeminiFault | None = None


_ERROR_FAULTS: dict[GeminiFault, tuple[int, str, str]] = {
    GeminiFault.SERVER_ERROR: (500, "INTERNAL", "An internal error has occurred."),
    GeminiFault.UNAVAILABLE: (503, "UNAVAILABLE", "The model is overloaded. Try again later."),
    GeminiFault.DEADLINE: (504, "DEADLINE_EXCEEDED", "Deadline expired before operation finished."),
    GeminiFault.PERMISSION_DENIED: (
        403,
        "PERMISSION_DENIED",
        "Your API key was reported as leaked. Please use another API key.",
    ),
}


def _field(obj: Mapping[str, Any], camel: str, snake: str) -> Any:
    """Proto-JSON accepts both spellings, and google-genai sends a mix of the two."""
    return obj.get(camel, obj.get(snake))


def _parts(body: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    contents = body.get("contents")
    for content in contents if isinstance(contents, list) else [contents]:
        parts = content.get("parts") if isinstance(content, dict) else None
        yield from (part for part in parts or () if isinstance(part, dict))


def _parse(raw: str | bytes) -> tuple[dict[str, Any], bytes | None]:
    """The request body and its first inline image; ValueError when either is malformed."""
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("the request body is not a JSON object")
    for part in _parts(body):
        inline = _field(part, "inlineData", "inline_data")
        if isinstance(inline, dict) and isinstance(inline.get("data"), str):
            return body, _b64decode(inline["data"])
    return body, None


def _b64decode(text: str) -> bytes:
    standard = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)


def _usage(text: str) -> dict[str, int]:
    answer = len(text) // 4
    return {
        "promptTokenCount": _PROMPT_TOKENS,
        "candidatesTokenCount": answer,
        "totalTokenCount": _PROMPT_TOKENS + answer,
    }


def _answer_text(cards: list[dict[str, Any]]) -> str:
    answered = [
        {"confidence": DEFAULT_CONFIDENCE, "uncertain_fields": [], **card} for card in cards
    ]
    return json.dumps({"cards": answered}, ensure_ascii=False)


def _candidate(fault: GeminiFault | None, text: str) -> dict[str, Any]:
    if fault is GeminiFault.SAFETY:
        rating = {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH"}
        return {"finishReason": "SAFETY", "index": 0, "safetyRatings": [rating | {"blocked": True}]}
    finish = "STOP"
    if fault is GeminiFault.TRUNCATED:
        text, finish = text[: max(1, len(text) // 2)], "MAX_TOKENS"
    elif fault is GeminiFault.INVALID_JSON:
        text = "Sorry, I could not read this card clearly. It seems to show a name and a phone."
    content = {"role": "model", "parts": [{"text": text}]}
    return {"content": content, "finishReason": finish, "index": 0}


def _generated(model: str, fault: GeminiFault | None, text: str) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if fault is GeminiFault.PROMPT_BLOCKED:
        body["promptFeedback"] = {"blockReason": "SAFETY"}
    else:
        body["candidates"] = [_candidate(fault, text)]
    body["usageMetadata"] = _usage(text)
    body["modelVersion"] = model
    body["responseId"] = secrets.token_urlsafe(16)
    return body


def _json(body: Mapping[str, Any], status: int) -> Response:
    text = json.dumps(body, ensure_ascii=False)
    return Response(text, status=status, content_type=JSON_CONTENT_TYPE)


class GeminiEmulator:
    """Serves `POST /{v1,v1beta}/models/{model}:generateContent` from `truth` (sha256 → cards)."""

    def __init__(
        self,
        truth: Mapping[str, list[dict[str, Any]]] | None = None,
        *,
        api_keys: Collection[str] | None = None,
        latency: float = 0.0,
        retired_models: Collection[str] = (),
        max_concurrent: int | None = None,
    ) -> None:
        self.truth: dict[str, list[dict[str, Any]]] = dict(truth or {})
        self.api_keys = frozenset(api_keys) if api_keys is not None else None
        self.latency = latency
        self.slow_seconds = DEFAULT_SLOW_SECONDS
        self.retired_models = frozenset(retired_models)
        self._lock = threading.Lock()
        self._faults: deque[GeminiFault] = deque()
        self._throttled: dict[str, float] = {}  # key → epoch seconds until which it answers 429
        self._calls: list[GeminiCall] = []
        # Above this many generate calls in flight, a call answers 429 at once (None: never).
        self.max_concurrent = max_concurrent
        self._in_flight = 0
        self.peak_in_flight = 0

    # Test controls (called from the test's thread) ------------------------------------------
    def script(self, fault: GeminiFault, times: int = 1) -> None:
        """The next `times` generate requests (after auth) answer with `fault`."""
        with self._lock:
            self._faults.extend([fault] * times)

    def throttle(self, key: str, seconds: float) -> None:
        """Requests with `key` answer 429 (RetryInfo = the time left) for the next `seconds`,
        like a project out of its per-minute quota; other keys are unaffected."""
        with self._lock:
            self._throttled[key] = time.time() + seconds

    def _throttled_for(self, key: str | None) -> float:
        with self._lock:
            until = self._throttled.get(key or "", 0.0)
        return max(0.0, until - time.time())

    @property
    def calls(self) -> list[GeminiCall]:
        with self._lock:
            return list(self._calls)

    @property
    def generate_count(self) -> int:
        """Requests answered 200 with candidates (what a real project would be billed for)."""
        blocked = GeminiFault.PROMPT_BLOCKED
        return sum(1 for c in self.calls if c.status == 200 and c.fault is not blocked)

    # Serving ---------------------------------------------------------------------------------
    def create_app(self) -> Quart:
        app = Quart(__name__)
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

        @app.post("/<api_version>/models/<model>:generateContent")
        async def generate_content(api_version: str, model: str) -> Response:
            return await self._generate(api_version, model.removeprefix("models/"))

        @app.get("/<api_version>/models/<model>")
        async def get_model(api_version: str, model: str) -> Response:
            return self._model_info(api_version, model.removeprefix("models/"))

        return app

    def _model_info(self, api_version: str, model: str) -> Response:
        """`models.get`, as `namecard doctor` asks it: the key checked, the model described
        (no quota spent, like Gemini's own)."""
        key = request.headers.get("x-goog-api-key") or request.args.get("key")
        if api_version not in API_VERSIONS:
            return _json(error_body(404, "NOT_FOUND", f"API version {api_version} not found."), 404)
        if self.api_keys is not None and key not in self.api_keys:
            return _json(key_invalid_body(), 400)
        if model in self.retired_models:
            return _json(model_not_found_body(model, api_version), 404)
        info = {
            "name": f"models/{model}",
            "version": "001",
            "displayName": model,
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": ["generateContent", "countTokens"],
        }
        return _json(info, 200)

    def _next_fault(self) -> GeminiFault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _record(self, call: GeminiCall) -> None:
        with self._lock:
            self._calls.append(call)

    async def _generate(self, api_version: str, model: str) -> Response:
        key = request.headers.get("x-goog-api-key") or request.args.get("key")
        suffix = key[-4:] if key else None
        try:
            body, image = _parse(await request.get_data())
        except ValueError:  # includes binascii.Error (bad base64)
            body, image = None, None
        digest = hashlib.sha256(image).hexdigest() if image is not None else None
        fault, status, payload = self._decide(api_version, model, key, body, digest)
        if status == 200 and not self._admit():
            fault, status, payload = GeminiFault.OVERLOADED, 429, overloaded_body()
        call = GeminiCall(model, api_version, suffix, digest, status, time.time(), fault)
        if fault is GeminiFault.OVERLOADED:
            self._record(call)
            return _json(payload, status)
        try:
            await self._delay(fault)
        except asyncio.CancelledError:
            self._record(replace(call, status=_CANCELLED))
            raise
        finally:
            if status == 200:
                self._leave()
        self._record(call)
        return _json(payload, status)

    def _admit(self) -> bool:
        """One more call in flight, unless `max_concurrent` are already (shared capacity)."""
        with self._lock:
            if self.max_concurrent is not None and self._in_flight >= self.max_concurrent:
                return False
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
            return True

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _decide(
        self,
        api_version: str,
        model: str,
        key: str | None,
        body: dict[str, Any] | None,
        digest: str | None,
    ) -> tuple[GeminiFault | None, int, dict[str, Any]]:
        if api_version not in API_VERSIONS:
            return None, 404, error_body(404, "NOT_FOUND", f"API version {api_version} not found.")
        if self.api_keys is not None and key not in self.api_keys:
            return None, 400, key_invalid_body()
        if model in self.retired_models:
            return None, 404, model_not_found_body(model, api_version)
        if body is None:
            return None, 400, error_body(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        if (left := self._throttled_for(key)) > 0:
            throttled = rate_limited_body(model, daily=False, retry_delay=left)
            return GeminiFault.RATE_LIMITED, 429, throttled
        fault = self._next_fault()
        if fault in (GeminiFault.RATE_LIMITED, GeminiFault.RATE_LIMITED_DAILY):
            daily = fault is GeminiFault.RATE_LIMITED_DAILY
            return fault, 429, rate_limited_body(model, daily=daily)
        if fault in _ERROR_FAULTS:
            code, status, message = _ERROR_FAULTS[fault]
            return fault, code, error_body(code, status, message)
        text = _answer_text(self.truth.get(digest, []) if digest else [])
        return fault, 200, _generated(model, fault, text)

    async def _delay(self, fault: GeminiFault | None) -> None:
        seconds = self.latency + (self.slow_seconds if fault is GeminiFault.SLOW else 0.0)
        if seconds > 0:
            await asyncio.sleep(seconds)


def load_truth(fixtures_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """sha256(image bytes) → cards, for every `*.json` ground truth with its image beside it."""
    truth: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(fixtures_dir.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            image = path.with_name(record["file"]).read_bytes()
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning(
                "skipping ground truth %s: unreadable or its image is missing", path.name
            )
            continue
        truth[hashlib.sha256(image).hexdigest()] = list(record.get("cards") or [])
    return truth
