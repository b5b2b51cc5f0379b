"""Gemini API emulator error bodies, shaped like google.rpc.Status with its usual details."""

from __future__ import annotations

from typing import Any

RETRY_DELAY_SECONDS = 2
_TYPE = "type.googleapis.com/google.rpc."
_RATE_DOC = "https://ai.google.dev/gemini-api/docs/rate-limits"
_KEY_INVALID = "API key not valid. Please pass a valid API key."


def error_body(code: int, status: str, message: str, *details: dict[str, Any]) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        error["details"] = list(details)
    return {"error": error}


def key_invalid_body() -> dict[str, Any]:
    info = {
        "@type": _TYPE + "ErrorInfo",
        "reason": "API_KEY_INVALID",
        "domain": "googleapis.com",
        "metadata": {"service": "generativelanguage.googleapis.com"},
    }
    localized = {"@type": _TYPE + "LocalizedMessage", "locale": "en-US", "message": _KEY_INVALID}
    return error_body(400, "INVALID_ARGUMENT", _KEY_INVALID, info, localized)


def rate_limited_body(
    model: str, *, daily: bool, retry_delay: float = RETRY_DELAY_SECONDS
) -> dict[str, Any]:
    period, limit = ("Day", 250) if daily else ("Minute", 10)
    metric = "generativelanguage.googleapis.com/generate_content_free_tier_requests"
    message = (
        "You exceeded your current quota, please check your plan and billing details. For more "
        f"information on this error, head to: {_RATE_DOC}. To monitor your current usage, head "
        "to: https://ai.dev/usage?tab=rate-limit. \n"
        f"* Quota exceeded for metric: {metric}, limit: {limit}, model: {model}\n"
        f"Please retry in {retry_delay:.1f}s."
    )
    violation = {
        "quotaMetric": metric,
        "quotaId": f"GenerateRequestsPer{period}PerProjectPerModel-FreeTier",
        "quotaDimensions": {"location": "global", "model": model},
        "quotaValue": str(limit),
    }
    return error_body(
        429,
        "RESOURCE_EXHAUSTED",
        message,
        {"@type": _TYPE + "QuotaFailure", "violations": [violation]},
        {"@type": _TYPE + "Help", "links": [{"description": "Learn more", "url": _RATE_DOC}]},
        {"@type": _TYPE + "RetryInfo", "retryDelay": f"{round(retry_delay, 3):g}s"},
    )


def overloaded_body() -> dict[str, Any]:
    """A 429 that names no quota: the shared capacity is full, try again soon."""
    return error_body(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).")


def model_not_found_body(model: str, api_version: str) -> dict[str, Any]:
    message = (
        f"models/{model} is not found for API version {api_version}, or is not supported for "
        "generateContent. Call ListModels to see the list of available models and their "
        "supported methods."
    )
    return error_body(404, "NOT_FOUND", message)
