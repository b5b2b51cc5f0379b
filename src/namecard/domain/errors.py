"""The one error hierarchy: integrations translate SDK errors into it; the pipeline acts on it."""

from __future__ import annotations

from namecard.domain import catalogue
from namecard.domain.catalogue import Sentence


class NamecardError(Exception):
    """Base class; `user_message` is the catalogue sentence a user may see (never error text)."""

    user_message: Sentence = catalogue.GENERIC_FAILURE

    def __init__(self, detail: str = "", *, user_message: Sentence | None = None) -> None:
        super().__init__(detail or self.__class__.__name__)
        if user_message is not None:
            self.user_message = user_message


class ConfigError(NamecardError):
    """The operator's configuration is wrong (bad credentials, missing database, unknown model)."""

    user_message = catalogue.CONFIG_FAILURE


class TransientError(NamecardError):
    """A dependency failed in a way that may succeed if retried (timeout, 5xx, 429);
    `retry_after` is the wait the dependency asked for (Retry-After), when it said."""

    retry_after: float | None = None


class Overloaded(TransientError):
    """The dependency is over its capacity for everyone (a 429 that names no quota, a 503):
    not the key's fault; fewer calls at once is the cure (see ai/concurrency.py)."""


class PermanentError(NamecardError):
    """A dependency refused the request for good; retrying will not help."""


class ContentRejected(NamecardError):
    """The user's upload cannot be processed (too large, not an image, gone from LINE)."""

    user_message = catalogue.CONTENT_REJECTED


class ExtractionFailed(NamecardError):
    """The card reader could not produce cards from this photo."""

    user_message = catalogue.EXTRACTION_FAILED


class NoExtractorConfigured(ExtractionFailed):
    """No card reader is available (no Gemini key; the offline reader has not been installed)."""

    user_message = catalogue.NO_EXTRACTOR


class QuotaExhausted(NamecardError):
    """No Gemini key can be used now; `available_at` (epoch seconds) is when the first returns,
    None when every key is disabled."""

    user_message = catalogue.QUOTA_EXHAUSTED

    def __init__(self, detail: str, *, available_at: float | None) -> None:
        super().__init__(detail)
        self.available_at = available_at


class StateUnavailable(NamecardError):
    """Shared state (Redis) did not answer; each caller degrades as its docstring says.
    `fault` names what went wrong (the Redis client's error class), for logs."""

    def __init__(self, detail: str = "", *, fault: str = "") -> None:
        super().__init__(detail)
        self.fault = fault or type(self).__name__


class StoreError(NamecardError):
    """The contact could not be saved."""

    user_message = catalogue.STORE_FAILED


class ReplyTokenExpired(NamecardError):
    """LINE refused the reply token (used or expired); the caller falls back to push."""
