"""E-mail, website, LINE ID and Taiwan tax id (統一編號) clean-up; None means "not valid"."""

from __future__ import annotations

import re
import unicodedata

# A label before the value ("E-mail:", "網址：", "LINE ID:"), up to and including its colon.
_EMAIL_LABEL = re.compile(r"^(?:e-?mail|mail|電子郵件|電子信箱|信箱|郵件|電郵|e)\s*[:：]\s*", re.I)
_URL_LABEL = re.compile(r"^(?:web\s*site|web|url|homepage|網址|網站|官網|w)\s*[:：]\s*", re.I)
_LINE_LABEL = re.compile(r"^(?:line\s*id|line|id)(?:\s*[:：]\s*|\s+)", re.I)
_TAX_LABEL = re.compile(r"^(?:統一編號|統編|tax\s*id|vat(?:\s*no\.?)?|ubn)\s*[:：]?\s*", re.I)
_MAILTO = re.compile(r"^mailto:", re.I)
# Any white space at the edges, tabs too (":\t.0" cleaned once must not clean again to "0").
_SPACE = " \t\n\r\f\v\u3000"
_EDGE_PUNCTUATION = ".,;:!?。，、；：)]>）」'\""
_LEADING_PUNCTUATION = "([<（「'\""
_AT_WORDS = re.compile(r"\s*[(\[{（]\s*at\s*[)\]}）]\s*|\s+at\s+|©", re.I)
_DOT_WORDS = re.compile(r"\s*[(\[{（]\s*dot\s*[)\]}）]\s*", re.I)
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
    r"(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$"
)
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[^\s/@]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?$", re.I)
_LINE_ID = re.compile(r"^@?[A-Za-z0-9._-]{1,32}$")

TAX_ID_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)
TAX_ID_DIVISOR = 5  # the Ministry of Finance rule since 2023 (it was 10 before)
_SEVENTH_DIGIT_SPECIAL = 7


def _clean(text: str, label: re.Pattern[str]) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    text = label.sub("", text, count=1)
    while True:  # until stable, so "(.0" and ".0" clean to the same thing (idempotence)
        trimmed = text.strip(_EDGE_PUNCTUATION + _SPACE).lstrip(_LEADING_PUNCTUATION + _SPACE)
        if trimmed == text:
            return text
        text = trimmed


def _fix_at_sign(text: str) -> str:
    """OCR and anti-spam spellings of @ and ., used only when exactly one reading is possible."""
    if "@" in text or len(_AT_WORDS.findall(text)) != 1:
        return text
    return _DOT_WORDS.sub(".", _AT_WORDS.sub("@", text))


def normalise_email(text: str) -> str | None:
    """'Mailto: John.Doe@Example.COM.' -> 'John.Doe@example.com'; None when not an address."""
    text = _fix_at_sign(_MAILTO.sub("", _clean(text, _EMAIL_LABEL)))
    text = "".join(text.split()).strip(_EDGE_PUNCTUATION)
    local, at, domain = text.rpartition("@")
    if not at:
        return None
    email = f"{local}@{domain.lower()}"
    return email if _EMAIL.match(email) else None


def normalise_url(text: str) -> str | None:
    """Whitespace, labels and trailing punctuation removed; otherwise kept as printed. A scheme is
    never added ("www.example.com.tw" stays so): stores and replies decide how to link it."""
    text = "".join(_clean(text, _URL_LABEL).split()).strip(_EDGE_PUNCTUATION)
    return text if _URL.match(text) else None


def normalise_line_id(text: str) -> str | None:
    """'LINE ID: @shop.tw' -> '@shop.tw'; None when it cannot be a LINE ID."""
    text = "".join(_clean(text, _LINE_LABEL).split())
    return text if _LINE_ID.match(text) else None


def _digit_sum(n: int) -> int:
    return n // 10 + n % 10


def is_valid_tax_id(digits: str) -> bool:
    """統一編號 checksum: weighted digit sums divisible by 5; when the 7th digit is 7 its product
    (28 -> 10) may count as 1 or 0, so the sum plus one divisible by 5 also passes."""
    if len(digits) != len(TAX_ID_WEIGHTS) or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(_digit_sum(int(d) * w) for d, w in zip(digits, TAX_ID_WEIGHTS, strict=True))
    if total % TAX_ID_DIVISOR == 0:
        return True
    return digits[6] == str(_SEVENTH_DIGIT_SPECIAL) and (total + 1) % TAX_ID_DIVISOR == 0


def normalise_tax_id(text: str) -> str | None:
    """'統一編號：2453 6806' -> '24536806'; None unless 8 digits that pass the checksum."""
    text = "".join(_clean(text, _TAX_LABEL).split()).replace("-", "")
    return text if is_valid_tax_id(text) else None
