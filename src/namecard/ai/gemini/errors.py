"""Gemini's errors in our terms: which are the key's fault, which are transient, which are final."""

from __future__ import annotations

import logging
from typing import Any

from google.genai import errors

from namecard.domain import catalogue
from namecard.domain.errors import (
    ConfigError,
    ExtractionFailed,
    NamecardError,
    Overloaded,
    TransientError,
)

logger = logging.getLogger(__name__)

TRANSIENT_CODES = frozenset((408, 429, 500, 502, 503, 504))
KEY_REJECTED_CODES = frozenset((401, 403))
# A 429 naming no quota (no QuotaFailure, no RetryInfo: "Resource has been exhausted", as
# shared capacity answers) and a 503 "model overloaded" mean too many calls at once.
OVERLOAD_CODES = frozenset((429, 503))
BILLING_CODE = 402  # prepaid credits used up

MSG_BUSY = catalogue.READER_BUSY
MSG_BLOCKED = catalogue.READER_BLOCKED
MSG_TOO_LONG = catalogue.READER_TOO_LONG
MSG_UNREADABLE = catalogue.READER_UNREADABLE
MSG_REFUSED = catalogue.READER_REFUSED


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


def _names_a_quota(exc: errors.APIError) -> bool:
    details = _error_details(exc)
    return any(
        _detail_value(details, suffix, key) is not None
        for suffix, key in (("QuotaFailure", "violations"), ("RetryInfo", "retryDelay"))
    )


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


class KeyRejected(ConfigError):
    """This key is invalid, revoked or reported leaked: the pool disables it, others serve."""

    def __init__(self, detail: str, *, reason: str) -> None:
        super().__init__(detail)
        self.reason = reason


def translate(exc: errors.APIError, *, model: str, key_hint: str) -> NamecardError:
    code, status = exc.code, exc.status
    logger.info("Gemini answered %s %s for model %s (key …%s)", code, status, model, key_hint)
    if code == 429 and _names_a_quota(exc):
        return _rate_limited(exc)
    if code in OVERLOAD_CODES:
        return Overloaded(f"Gemini answered {code} {status}", user_message=MSG_BUSY)
    if code in TRANSIENT_CODES or code >= 500:
        return TransientError(f"Gemini answered {code} {status}", user_message=MSG_BUSY)
    key_invalid = _detail_value(_error_details(exc), "ErrorInfo", "reason") == "API_KEY_INVALID"
    if key_invalid or code in KEY_REJECTED_CODES:
        reason = "API_KEY_INVALID" if key_invalid else f"{code} {status}"
        return KeyRejected(f"Gemini rejected the API key (…{key_hint}): {reason}", reason=reason)
    if code == BILLING_CODE or status == "FAILED_PRECONDITION":
        return ConfigError(f"Gemini refused the project (billing or region): {code} {status}")
    if code == 404:
        return ConfigError(
            f"Gemini does not know the model {model!r}: check the GEMINI_MODEL setting"
        )
    return ExtractionFailed(
        f"Gemini refused the request: {code} {status}", user_message=MSG_REFUSED
    )
