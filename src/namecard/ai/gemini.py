"""The Gemini card reader: one structured-output call per photo, SDK errors mapped to ours."""

from __future__ import annotations

import asyncio
import logging
import math
from typing import Any

import aiohttp
import httpx2
from google import genai
from google.genai import errors, types
from pydantic import SecretStr, ValidationError

from namecard.ai.images import prepare_for_model
from namecard.ai.prompt import PROMPT_VERSION, SYSTEM_INSTRUCTION, USER_PROMPT
from namecard.ai.schema import ExtractionOut, to_cards
from namecard.cards.model import Extraction
from namecard.errors import ConfigError, ExtractionFailed, TransientError

logger = logging.getLogger(__name__)

SOURCE = "gemini"
# The pipeline owns retries (with the key pool); one attempt also disables the SDK's hidden
# sleep-and-retry on aiohttp connection errors.
SDK_ATTEMPTS = 1
TRANSIENT_CODES = frozenset((408, 429, 500, 502, 503, 504))
KEY_REJECTED_CODES = frozenset((401, 403))
BILLING_CODE = 402  # prepaid credits used up
# aiohttp (the SDK's async transport when installed) raises plain TimeoutError; httpx2 its own.
_NETWORK_ERRORS = (TimeoutError, aiohttp.ClientError, httpx2.TransportError, OSError)
_OK_FINISH = frozenset((types.FinishReason.STOP, types.FinishReason.FINISH_REASON_UNSPECIFIED))

MSG_BUSY = "名片辨識服務暫時忙碌，請稍後再傳一次照片。"
MSG_BLOCKED = "這張照片無法進行辨識，請確認拍的是名片後再傳一次。"
MSG_TOO_LONG = "這張照片的內容太多，無法一次讀完，請每次拍一到兩張名片再傳一次。"
MSG_UNREADABLE = "名片辨識結果不完整，請在光線充足處重新拍攝後再傳一次。"
MSG_REFUSED = "名片辨識服務無法處理這張照片，請換一張照片再試一次。"


class RateLimited(TransientError):
    """Gemini answered 429: the key pool may cool this key down for `retry_after` seconds."""

    def __init__(
        self, detail: str, *, retry_after: float | None, quota_id: str | None, daily: bool
    ) -> None:
        super().__init__(detail, user_message=MSG_BUSY)
        self.retry_after = retry_after
        self.quota_id = quota_id
        self.daily = daily


def _error_details(exc: errors.APIError) -> list[dict[str, Any]]:
    body = exc.details if isinstance(exc.details, dict) else {}
    error = body.get("error", body)
    details = error.get("details") if isinstance(error, dict) else None
    return [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []


def _detail_value(details: list[dict[str, Any]], type_suffix: str, key: str) -> Any:
    for detail in details:
        if str(detail.get("@type", "")).endswith(type_suffix) and key in detail:
            return detail[key]
    return None


def _seconds(duration: Any) -> float | None:
    """A protobuf Duration in JSON ("26s", "1.5s") as seconds."""
    try:
        return float(str(duration).removesuffix("s")) if duration is not None else None
    except ValueError:
        return None


def _rate_limited(exc: errors.APIError) -> RateLimited:
    details = _error_details(exc)
    retry_after = _seconds(_detail_value(details, "RetryInfo", "retryDelay"))
    violations = _detail_value(details, "QuotaFailure", "violations")
    first = violations[0] if isinstance(violations, list) and violations else None
    quota_id = first.get("quotaId") if isinstance(first, dict) else None
    daily = isinstance(quota_id, str) and "PerDay" in quota_id
    return RateLimited(
        f"Gemini rate limit (quota {quota_id}, retry after {retry_after} s)",
        retry_after=retry_after,
        quota_id=quota_id,
        daily=daily,
    )


class GeminiExtractor:
    """Reads the cards in a photo with Gemini structured output, validated by ExtractionOut."""

    name = SOURCE

    def __init__(
        self,
        *,
        api_key: SecretStr,
        model: str,
        base_url: str,
        api_version: str,
        timeout_seconds: float,
        max_image_side: int,
    ) -> None:
        self.model = model
        self.version = f"{model}.{PROMPT_VERSION}"
        self._key_hint = api_key.get_secret_value()[-4:]
        self._max_image_side = max_image_side
        http_options = types.HttpOptions(
            base_url=base_url,
            api_version=api_version,
            timeout=math.ceil(timeout_seconds * 1000),  # milliseconds
            retry_options=types.HttpRetryOptions(attempts=SDK_ATTEMPTS),
        )
        self._client = genai.Client(api_key=api_key.get_secret_value(), http_options=http_options)
        self._config = types.GenerateContentConfig(
            system_instruction=SYSTEM_INSTRUCTION,
            response_mime_type="application/json",
            response_schema=ExtractionOut,
            temperature=0.0,
        )

    async def extract(self, image: bytes, mime_type: str) -> Extraction:
        data, sent_type = await asyncio.to_thread(
            prepare_for_model, image, mime_type, self._max_image_side
        )
        response = await self._generate(data, sent_type)
        text = _answer_text(response)
        try:
            answer = ExtractionOut.model_validate_json(text)
        except ValidationError as exc:
            raise ExtractionFailed(
                "Gemini answer does not match the card schema", user_message=MSG_UNREADABLE
            ) from exc
        return Extraction(cards=to_cards(answer), source=SOURCE, model=self.model)

    async def aclose(self) -> None:
        await self._client.aio.aclose()
        self._client.close()  # the SDK also opens a sync HTTP client; closing it is local only

    async def _generate(self, data: bytes, mime_type: str) -> types.GenerateContentResponse:
        contents: list[Any] = [types.Part.from_bytes(data=data, mime_type=mime_type), USER_PROMPT]
        try:
            return await self._client.aio.models.generate_content(
                model=self.model, contents=contents, config=self._config
            )
        except errors.APIError as exc:
            raise self._translate(exc) from exc
        except _NETWORK_ERRORS as exc:
            kind = "timed out" if isinstance(exc, TimeoutError) else "connection failed"
            raise TransientError(f"Gemini request {kind}", user_message=MSG_BUSY) from exc

    def _translate(self, exc: errors.APIError) -> Exception:
        code, status = exc.code, exc.status
        logger.info("Gemini answered %s %s for model %s", code, status, self.model)
        if code == 429:
            return _rate_limited(exc)
        if code in TRANSIENT_CODES or code >= 500:
            return TransientError(f"Gemini answered {code} {status}", user_message=MSG_BUSY)
        key_invalid = _detail_value(_error_details(exc), "ErrorInfo", "reason") == "API_KEY_INVALID"
        if key_invalid or code in KEY_REJECTED_CODES:
            return ConfigError(f"Gemini rejected the API key (…{self._key_hint}): {code} {status}")
        if code == BILLING_CODE or status == "FAILED_PRECONDITION":
            return ConfigError(f"Gemini refused the project (billing or region): {code} {status}")
        if code == 404:
            return ConfigError(
                f"Gemini does not know the model {self.model!r}: check the GEMINI_MODEL setting"
            )
        return ExtractionFailed(
            f"Gemini refused the request: {code} {status}", user_message=MSG_REFUSED
        )


def _answer_text(response: types.GenerateContentResponse) -> str:
    """The JSON text of the first candidate, after checking every way the answer can be empty."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        raise ExtractionFailed(
            f"Gemini blocked the prompt: {feedback.block_reason}", user_message=MSG_BLOCKED
        )
    if not response.candidates:
        raise ExtractionFailed("Gemini returned no candidates", user_message=MSG_UNREADABLE)
    finish = response.candidates[0].finish_reason
    if finish == types.FinishReason.MAX_TOKENS:
        raise ExtractionFailed("Gemini answer was cut off (MAX_TOKENS)", user_message=MSG_TOO_LONG)
    if finish is not None and finish not in _OK_FINISH:
        raise ExtractionFailed(f"Gemini stopped: {finish}", user_message=MSG_BLOCKED)
    text = response.text
    if not text:
        raise ExtractionFailed("Gemini returned no text", user_message=MSG_UNREADABLE)
    return text
