"""Per-field confidence from what each field's own checks say, so that 0.9 means nine in ten."""

from __future__ import annotations

import re
from collections.abc import Callable

from namecard.cards.alternates import is_cjk
from namecard.cards.model import Card
from namecard.cards.titles import JAPANESE_SURNAMES, SURNAMES, is_title_text
from namecard.cards.tw_districts import names_a_district

# Fields reported below this are marked ⚠ in the reply (and listed in `uncertain_fields`).
FLAG_BELOW = 0.8
# What a field the reader or the normaliser doubts is reported at, at most.
DOUBTFUL = 0.5
# The share of fields of each shape found right on the tuning corpus (bench-accuracy's
# reliability table, docs/decisions.md); a field is reported at most at its shape's share.
SURE = 0.96
NAME_CJK_KNOWN_SURNAME = 0.92
NAME_CJK_OTHER = 0.65
NAME_LATIN = 0.92
NAME_OTHER = 0.6
TITLE_KNOWN_WORD = 0.93
TITLE_OTHER = 0.65
COMPANY_LEGAL_FORM = 0.88
COMPANY_OTHER = 0.7
COMPANY_STUB = 0.3
DEPARTMENT = 0.85
ADDRESS_KNOWN_DISTRICT = 0.9
ADDRESS_COMPLETE = 0.8
ADDRESS_OTHER = 0.6
PHONE_UNVERIFIED = 0.5
LINE_ID = 0.9

_LATIN_NAME = re.compile(r"[A-Z][A-Za-z'’.-]*(?:\s+[A-Z][A-Za-z'’.-]*){1,3}")
_LEGAL = re.compile(
    r"股份有限公司|有限公司|公司|株式会社|有限会社|\b(?:Co\.|Ltd|Inc|Corp|LLC|GmbH|AG|Limited|PLC|Pte)\b"
    r"|(?-i:\b(?:SA|SE|AB|BV|NV)$)",
    re.IGNORECASE,
)
# A legal form with at most one other character: 株式会社口 is a name the reader did not read.
_STUB = re.compile(r"^(?:株式会社|有限会社|股份有限公司|有限公司)\S?$|^\S?(?:株式会社|有限公司)$")
# An address that starts where addresses start: a postal code, a prefecture, province or city.
_CJK_ADDRESS_START = re.compile(
    r"^(?:〒?\s*\d{3}(?:-?\d{2,4})?\s*)?[\u4e00-\u9fff]{1,3}(?:都|道|府|県|省|市|縣|县)"
)
_LATIN_ADDRESS = re.compile(r"\d.*,.*[A-Za-z]{2,}")


def _name(value: str) -> float:
    compact = value.replace(" ", "")
    if is_cjk(compact):
        known = compact[:1] in SURNAMES or compact[:2] in JAPANESE_SURNAMES
        return NAME_CJK_KNOWN_SURNAME if known else NAME_CJK_OTHER
    return NAME_LATIN if _LATIN_NAME.fullmatch(value) else NAME_OTHER


def _title(value: str) -> float:
    return TITLE_KNOWN_WORD if is_title_text(value) else TITLE_OTHER


def _company(value: str) -> float:
    if _STUB.match(value.replace(" ", "")):
        return COMPANY_STUB
    return COMPANY_LEGAL_FORM if _LEGAL.search(value) else COMPANY_OTHER


def _address(value: str) -> float:
    if names_a_district(value):
        return ADDRESS_KNOWN_DISTRICT
    shaped = _CJK_ADDRESS_START if is_cjk(value) else _LATIN_ADDRESS
    return ADDRESS_COMPLETE if shaped.search(value) else ADDRESS_OTHER


_TEXT_CHECKS: dict[str, Callable[[str], float]] = {
    "name": _name,
    "title": _title,
    "company": _company,
    "department": lambda _: DEPARTMENT,
    "address": _address,
    "website": lambda _: SURE,
    "line_id": lambda _: LINE_ID,
    "tax_id": lambda _: SURE,
}


def field_checks(card: Card) -> dict[str, float]:
    """Per present field, the share of such fields found right, from the field's shape alone."""
    found = {
        name: check(value) for name, check in _TEXT_CHECKS.items() if (value := getattr(card, name))
    }
    if card.phones:
        verified = all(phone.national is not None for phone in card.phones)
        found["phones"] = SURE if verified else PHONE_UNVERIFIED
    if card.emails:
        found["emails"] = SURE
    return found


def field_confidences(card: Card) -> dict[str, float]:
    """The confidence reported per field: its shape's share, and DOUBTFUL at most for a field
    the reader or the normaliser doubts (the reader's own doubts arrive that way)."""
    doubted = set(card.uncertain_fields)
    return {
        name: round(min(share, DOUBTFUL if name in doubted else 1.0), 2)
        for name, share in field_checks(card).items()
    }


def calibrated(card: Card) -> tuple[float, tuple[str, ...]]:
    """The card's confidence (the reader's, at most the mean of its fields' shares) and its
    uncertain fields, plus every field whose share is below FLAG_BELOW."""
    checks = field_checks(card)
    if not checks:
        return card.confidence, card.uncertain_fields
    mean = sum(checks.values()) / len(checks)
    low = (name for name, share in checks.items() if share < FLAG_BELOW)
    return round(min(card.confidence, mean), 2), tuple(
        dict.fromkeys((*card.uncertain_fields, *low))
    )
