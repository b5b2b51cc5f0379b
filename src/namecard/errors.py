"""The one error hierarchy: integrations translate SDK errors into it; the pipeline acts on it."""

from __future__ import annotations


class NamecardError(Exception):
    """Base class; `user_message` is the sentence a LINE user may see (never raw error text)."""

    user_message = "處理時發生問題，請稍後再試一次。"

    def __init__(self, detail: str = "", *, user_message: str | None = None) -> None:
        super().__init__(detail or self.__class__.__name__)
        if user_message is not None:
            self.user_message = user_message


class ConfigError(NamecardError):
    """The operator's configuration is wrong (bad credentials, missing database, unknown model)."""

    user_message = "服務設定有誤，管理員已收到通知，請稍後再試。"


class TransientError(NamecardError):
    """A dependency failed in a way that may succeed if retried (timeout, 5xx, 429);
    `retry_after` is the wait the dependency asked for (Retry-After), when it said."""

    retry_after: float | None = None


class PermanentError(NamecardError):
    """A dependency refused the request for good; retrying will not help."""


class ContentRejected(NamecardError):
    """The user's upload cannot be processed (too large, not an image, gone from LINE)."""

    user_message = "這張圖片無法處理，請傳送 JPEG、PNG 或 WebP 格式的名片照片。"


class ExtractionFailed(NamecardError):
    """The card reader could not produce cards from this photo."""

    user_message = "這張照片沒有辨識出名片內容，請在光線充足處重新拍攝一次。"


class NoExtractorConfigured(ExtractionFailed):
    """No card reader is available (no Gemini key; the offline reader has not been installed)."""

    user_message = (
        "目前尚未設定名片辨識服務（沒有 Gemini API 金鑰，離線辨識也尚未啟用），"
        "照片已收到但無法讀取。請管理員設定 GOOGLE_API_KEY。"
    )


class QuotaExhausted(NamecardError):
    """No Gemini key can be used now; `available_at` (epoch seconds) is when the first returns,
    None when every key is disabled."""

    user_message = "名片辨識服務今日的額度已用完，你的名片會在額度恢復後處理。"

    def __init__(self, detail: str, *, available_at: float | None) -> None:
        super().__init__(detail)
        self.available_at = available_at


class StoreError(NamecardError):
    """The contact could not be saved."""

    user_message = "名片已辨識，但儲存聯絡人時發生問題，請稍後再傳一次。"


class ReplyTokenExpired(NamecardError):
    """LINE refused the reply token (used or expired); the caller falls back to push."""
