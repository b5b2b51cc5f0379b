"""The Gemini card reader: one structured-output call per photo, SDK errors mapped to ours."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

import aiohttp
import httpx2
from google import genai
from google.genai import errors, types
from pydantic import SecretStr, ValidationError

from namecard.ai.decode_budget import run_decode
from namecard.ai.gemini.errors import (
    MSG_BLOCKED,
    MSG_BUSY,
    MSG_TOO_LONG,
    MSG_UNREADABLE,
    KeyRejected,
    RateLimited,
    translate,
)
from namecard.ai.gemini.key_pool import KeyPool, KeyPoolProtocol, NoKey
from namecard.ai.gemini.prompt import PROMPT_VERSION, SYSTEM_INSTRUCTION, USER_PROMPT
from namecard.ai.gemini.schema import ExtractionOut, to_cards
from namecard.ai.images import prepare_for_model
from namecard.cards.model import Extraction
from namecard.domain.errors import ExtractionFailed, QuotaExhausted, TransientError

logger = logging.getLogger(__name__)

SOURCE = "gemini"
# The pipeline and the key pool own retries; one attempt also disables the SDK's hidden
# sleep-and-retry on aiohttp connection errors.
SDK_ATTEMPTS = 1
# aiohttp (the SDK's async transport when installed) raises plain TimeoutError; httpx2 its own.
_NETWORK_ERRORS = (TimeoutError, aiohttp.ClientError, httpx2.TransportError, OSError)
_OK_FINISH = frozenset((types.FinishReason.STOP, types.FinishReason.FINISH_REASON_UNSPECIFIED))


class GeminiExtractor:
    """Reads the cards in a photo with Gemini structured output, validated by ExtractionOut.

    Keys come from a pool: a 429 rests that key and the same request goes at once to the next
    one; a rejected key is disabled; when no key is left it raises QuotaExhausted with the
    moment the first one returns."""

    name = SOURCE

    def __init__(
        self,
        *,
        keys: Mapping[str, SecretStr],
        model: str,
        base_url: str,
        api_version: str,
        timeout_seconds: float,
        max_image_side: int,
        pool: KeyPoolProtocol | None = None,
    ) -> None:
        self.model = model
        self.version = f"{model}.{PROMPT_VERSION}"
        self._max_image_side = max_image_side
        self._hints = {key_id: key.get_secret_value()[-4:] for key_id, key in keys.items()}
        self._pool = pool or KeyPool(list(keys), labels=key_labels(keys))
        http_options = types.HttpOptions(
            base_url=base_url,
            api_version=api_version,
            timeout=math.ceil(timeout_seconds * 1000),  # milliseconds
            retry_options=types.HttpRetryOptions(attempts=SDK_ATTEMPTS),
        )
        self._clients = {
            key_id: genai.Client(api_key=key.get_secret_value(), http_options=http_options)
            for key_id, key in keys.items()
        }
        self._config = types.GenerateContentConfig(
            system_instruction=SYSTEM_INSTRUCTION,
            response_mime_type="application/json",
            response_schema=_schema_once(next(iter(self._clients.values()), None)),
            temperature=0.0,
        )

    @property
    def pool(self) -> KeyPoolProtocol:
        return self._pool

    async def extract(self, image: bytes, mime_type: str) -> Extraction:
        data, sent_type = await run_decode(
            prepare_for_model, image, mime_type, self._max_image_side
        )
        response = await self._generate_with_pool(data, sent_type)
        text = _answer_text(response)
        try:
            answer = ExtractionOut.model_validate_json(text)
        except ValidationError as exc:
            raise ExtractionFailed(
                "Gemini answer does not match the card schema", user_message=MSG_UNREADABLE
            ) from exc
        return Extraction(cards=to_cards(answer), source=SOURCE, model=self.model)

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aio.aclose()
            client.close()  # the SDK also opens a sync HTTP client; closing it is local only

    async def _generate_with_pool(
        self, data: bytes, mime_type: str
    ) -> types.GenerateContentResponse:
        for _ in range(2 * len(self._clients)):  # every key may be tried, each at most twice
            lease = await self._pool.lease()
            if isinstance(lease, NoKey):
                raise QuotaExhausted("no Gemini key available", available_at=lease.available_at)
            try:
                response = await self._generate(lease.key_id, data, mime_type)
            except RateLimited as exc:
                await self._pool.rate_limited(
                    lease.key_id, retry_after=exc.retry_after, daily=exc.daily
                )
                continue
            except KeyRejected as exc:
                logger.error("%s: key disabled, serving with the others", exc)
                await self._pool.disable(lease.key_id, exc.reason)
                continue
            except TransientError:  # Overloaded included: the key is fine, the service is full
                await self._pool.failed(lease.key_id)
                raise
            await self._pool.succeeded(lease.key_id)
            return response
        raise QuotaExhausted("every Gemini key refused this photo", available_at=None)

    async def _generate(
        self, key_id: str, data: bytes, mime_type: str
    ) -> types.GenerateContentResponse:
        contents: list[Any] = [types.Part.from_bytes(data=data, mime_type=mime_type), USER_PROMPT]
        client = self._clients[key_id]
        try:
            return await client.aio.models.generate_content(
                model=self.model, contents=contents, config=self._config
            )
        except errors.APIError as exc:
            raise translate(exc, model=self.model, key_hint=self._hints[key_id]) from exc
        except _NETWORK_ERRORS as exc:
            kind = "timed out" if isinstance(exc, TimeoutError) else "connection failed"
            raise TransientError(f"Gemini request {kind}", user_message=MSG_BUSY) from exc


def _schema_once(client: genai.Client | None) -> types.Schema | type[ExtractionOut]:
    """ExtractionOut as the SDK's Schema, converted once. Given the pydantic class, the SDK
    rebuilds its JSON schema on every request (about 4 ms of event-loop time idle, 40 ms under
    a 50-photo burst, measured with py-spy in `make bench`: issue 15); given the Schema it
    produced, it sends the same request body. The converter is the SDK's own (`t_schema`, a
    private module): if it is ever missing, the class is passed as before."""
    try:
        from google.genai import _transformers

        schema = _transformers.t_schema(client._api_client if client else None, ExtractionOut)
    except (ImportError, AttributeError, TypeError, ValueError):
        return ExtractionOut
    return schema if schema is not None else ExtractionOut


def key_labels(keys: Mapping[str, SecretStr]) -> dict[str, str]:
    """What operators see of each key: its last four characters, never more."""
    return {key_id: "…" + key.get_secret_value()[-4:] for key_id, key in keys.items()}


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
