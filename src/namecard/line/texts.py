"""Plain-text rules for LINE: cleaning values, clipping, UTF-16 lengths, rendering sentences."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from namecard.domain.catalogue import Language, Sentence

USER_TIMEZONE = ZoneInfo("Asia/Taipei")  # the users' clock, for "around HH:MM"

ELLIPSIS = "…"
_BMP_MAX = 0xFFFF
_SURROGATES = range(0xD800, 0xE000)
# Values a reader may emit for "absent"; never shown (the old bot printed None).
MISSING_WORDS = frozenset({"none", "null"})


def clean(value: str | None) -> str | None:
    """Control characters and runs of whitespace become one space; blank or 'None' is absent."""
    if value is None:
        return None
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in value)
    text = " ".join(kept.split())
    return text if text and text.lower() not in MISSING_WORDS else None


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def utf16_len(text: str) -> int:
    """Length as LINE counts it: characters outside the BMP (most emoji) count twice."""
    return sum(2 if ord(ch) > _BMP_MAX else 1 for ch in text)


def without_surrogates(text: str) -> str:
    """Lone surrogates cannot be sent as UTF-8: replace each with U+FFFD."""
    return "".join("\ufffd" if ord(ch) in _SURROGATES else ch for ch in text)


def truncate_utf16(text: str, limit: int) -> str:
    """Cut to `limit` UTF-16 code units with a trailing ellipsis, never splitting a character."""
    if utf16_len(text) <= limit:
        return text
    units, out = 1, []  # one unit reserved for the ellipsis
    for ch in text:
        units += 2 if ord(ch) > _BMP_MAX else 1
        if units > limit:
            break
        out.append(ch)
    return "".join(out) + ELLIPSIS


def say(sentence: Sentence, language: Language) -> str:
    """The sentence as sent: one language, or zh then en (once when both read the same)."""
    if language == "both" and sentence.zh == sentence.en:
        return sentence.zh
    return sentence.render(language)


def short(sentence: Sentence, language: Language) -> str:
    """One language only, for labels and captions with no room for two: zh unless "en"."""
    return sentence.en if language == "en" else sentence.zh


def clock_time(epoch: float) -> str:
    """`epoch` as HH:MM on the users' clock."""
    return datetime.fromtimestamp(epoch, USER_TIMEZONE).strftime("%H:%M")
