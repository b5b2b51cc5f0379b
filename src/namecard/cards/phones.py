"""Phone numbers: extension split, OCR clean-up, E.164 storage and national display."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from namecard.cards.model import Phone, PhoneKind

DEFAULT_REGION = "TW"
MAX_EXTENSION_DIGITS = 6

# An extension marker and its digits at the end of the text ("分機 123", "ext. 204", "#5678").
_EXTENSION = re.compile(
    r"[\s,;(（]*(?:分機|分机|轉|转|ext(?:ension)?|x|#)\s*[.:：#]?\s*"
    rf"(\d{{1,{MAX_EXTENSION_DIGITS}}})\s*[)）]?\s*$",
    re.IGNORECASE,
)
# Letters OCR reads in place of digits; only replaced next to a digit.
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})
_OCR_CONFUSION = re.compile(r"(?<=\d)[OoIl|]|[OoIl|](?=\d)")
_KEPT_AS_READ = re.compile(r"[^\d+\-() ]")
_TW_MOBILE = re.compile(r"^09\d{8}$")
# "+44 (0)20 …": the trunk zero printed in brackets after the country code is never dialled.
_TRUNK_ZERO = re.compile(r"^(\+\s*\d{1,3})[\s-]*\(\s*0\s*\)\s*")
# "81-52-123-4567": a country code printed without its plus, as the first group of digits.
_BARE_COUNTRY_CODE = re.compile(r"^([1-9]\d{0,2})[\s-]")
# Digits after a number whose extension marker was lost: apart, or glued to a last group of four.
_TRAILING_GROUP = re.compile(rf"^(?P<number>.*\d)\s+(?P<ext>\d{{1,{MAX_EXTENSION_DIGITS - 1}}})$")
_GLUED_TO_LAST_GROUP = re.compile(
    rf"^(?P<number>.*[\s)-]\d{{4}})(?P<ext>\d{{1,{MAX_EXTENSION_DIGITS - 1}}})$"
)
# A mainland Chinese mobile (11 digits, 13x-19x) is one whatever region the card is read in.
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_CN = "CN"
# Eleven digits or more, not starting with 0: an international number whose plus was not read.
_INTERNATIONAL_DIGITS = 11
_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE})
_FIXED_TYPES = frozenset({PhoneNumberType.FIXED_LINE})


def split_extension(text: str) -> tuple[str, str | None]:
    """("02-2345-6789 分機 123") -> ("02-2345-6789", "123"); text without an extension is kept."""
    text = unicodedata.normalize("NFKC", text).strip()
    match = _EXTENSION.search(text)
    if match is None or not re.search(r"\d", text[: match.start()]):
        return text, None
    return text[: match.start()].strip(), match.group(1)


def _fix_ocr(text: str) -> str:
    """Replace O/o, I/l, | with 0 and 1 where they touch a digit, until nothing changes."""
    for _ in range(len(text)):
        fixed = _OCR_CONFUSION.sub(lambda m: m.group().translate(_OCR_DIGITS), text)
        if fixed == text:
            break
        text = fixed
    return text


def _as_read(text: str) -> str:
    """Only digits, +, dashes, parentheses and single spaces survive."""
    kept = _KEPT_AS_READ.sub(" ", text.replace("（", "(").replace("）", ")"))
    return " ".join(kept.split())


def _parse(candidate: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        parsed = phonenumbers.parse(candidate, region)
    except NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number(parsed) else None


def _misread_country_code(digits: str, region: str) -> phonenumbers.PhoneNumber | None:
    """ "+86 90-9816-7285" on a Japanese card: the region's own country code one digit off the
    printed one, when the number after it is valid there (the OCR confuses 1 and 6)."""
    own = str(phonenumbers.country_code_for_region(region))
    printed = digits[: len(own)]
    if own == "0" or len(printed) != len(own) or printed == own:
        return None
    if sum(a != b for a, b in zip(printed, own, strict=True)) != 1:
        return None
    return _parse(f"+{own}{digits[len(own) :]}", region)


def _parse_any(candidate: str, digits: str, region: str) -> phonenumbers.PhoneNumber | None:
    """The number in `region`, else by its own shape: a country code printed without its plus,
    or a mainland mobile on a card read with another region."""
    if candidate.startswith("+"):
        return _misread_country_code(digits, region) or _parse(candidate, region)
    own = _own_country_code_first(candidate, digits, region)
    if own is not None:
        return own
    parsed = _parse(candidate, region)
    if parsed is not None:
        return parsed
    bare = _BARE_COUNTRY_CODE.match(candidate)
    long_international = len(digits) >= _INTERNATIONAL_DIGITS and not digits.startswith("0")
    if long_international or (
        bare and phonenumbers.region_code_for_country_code(int(bare.group(1))) != "ZZ"
    ):
        parsed = _parse(f"+{digits}", region)
        if parsed is not None:
            return parsed
    if _CN_MOBILE.match(digits):
        return _parse(digits, _CN)
    return _plus_misread(digits, region) if long_international else None


def _own_country_code_first(
    candidate: str, digits: str, region: str
) -> phonenumbers.PhoneNumber | None:
    """ "49 151 2345 6555" on a German card: a first group that is the region's own country code
    is that code with its plus unread, when the number is valid with the plus put back. Dialled
    at home the number would start with the trunk 0; Germany's open plan would otherwise take
    "491…" for an area code."""
    bare = _BARE_COUNTRY_CODE.match(candidate)
    if bare is None or bare.group(1) != str(phonenumbers.country_code_for_region(region)):
        return None
    return _parse(f"+{digits}", region)


def _plus_misread(digits: str, region: str) -> phonenumbers.PhoneNumber | None:
    """ "1886-2-…" or "880-9…" on a Taiwan card: the plus read as a 1 before the region's own
    country code, or that code read one digit off, with no plus."""
    own = str(phonenumbers.country_code_for_region(region))
    if own != "0" and digits.startswith(f"1{own}"):
        parsed = _parse(f"+{digits[1:]}", region)
        if parsed is not None:
            return parsed
    return _misread_country_code(digits, region)


def _lost_extension_marker(
    candidate: str, region: str
) -> tuple[phonenumbers.PhoneNumber | None, str | None]:
    """ "(02)2867-5004 63", "(03)618-92230104": an extension whose marker (分機, ext.) the OCR
    lost, apart from the number or glued to its last group of four; taken only when the number
    does not parse as read and does without those digits."""
    for pattern in (_TRAILING_GROUP, _GLUED_TO_LAST_GROUP):
        match = pattern.match(candidate)
        if match is None:
            continue
        number = match.group("number")
        parsed = _parse_any(number, re.sub(r"\D", "", number), region)
        if parsed is not None:
            return parsed, match.group("ext")
    return None, None


def _infer_kind(kind: PhoneKind, parsed: phonenumbers.PhoneNumber | None, digits: str) -> PhoneKind:
    if kind is not PhoneKind.OTHER:
        return kind
    if parsed is None:
        return PhoneKind.MOBILE if _TW_MOBILE.match(digits) else PhoneKind.OTHER
    number_type = phonenumbers.number_type(parsed)
    if number_type in _MOBILE_TYPES:
        return PhoneKind.MOBILE
    if number_type in _FIXED_TYPES:
        return PhoneKind.OFFICE
    return PhoneKind.OTHER


def _clean_extension(extension: str | None) -> str | None:
    if extension is None:
        return None
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", extension) if ch.isdigit())
    return digits or None


def normalise_phone(
    text: str,
    kind: PhoneKind = PhoneKind.OTHER,
    *,
    region: str = DEFAULT_REGION,
    extension: str | None = None,
) -> Phone:
    """E.164 `number` and national `national` when the number parses; otherwise the text as read
    (digits, +, spaces, dashes, parentheses) with `national` None. Labels ("Tel:", "手機") and
    other letters are dropped after OCR fixes, so vanity letters never become digits. An explicit
    `extension` wins over one found in the text."""
    number_text, found = split_extension(text)
    candidate = _TRUNK_ZERO.sub(r"\1 ", _as_read(_fix_ocr(number_text)))
    digits = re.sub(r"\D", "", candidate)
    parsed = _parse_any(candidate, digits, region.upper()) if candidate else None
    if parsed is None and found is None and candidate:
        parsed, found = _lost_extension_marker(candidate, region.upper())
    ext = _clean_extension(extension) or _clean_extension(found)
    if not digits:  # nothing phone-like: keep the text itself rather than an empty number
        return Phone(" ".join(text.split()), kind, _clean_extension(extension), None)
    if parsed is None:
        # An unverifiable international number is still written one way ("+447700900123"), so
        # the same number read twice compares equal; a local one stays as read.
        number = f"+{digits}" if candidate.startswith("+") else candidate
        return Phone(number, _infer_kind(kind, None, digits), ext, None)
    return Phone(
        number=phonenumbers.format_number(parsed, PhoneNumberFormat.E164),
        kind=_infer_kind(kind, parsed, digits),
        extension=ext,
        national=phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL),
    )


def shown_to(phone: Phone, home: str) -> Phone:
    """The phone as a user in `home` should read it: a number of another country keeps its
    country code ("+1 415-555-0132"), one of `home` its national form ("02 2345 6789")."""
    if phone.national is None:
        return phone
    try:
        parsed = phonenumbers.parse(phone.number, None)
    except NumberParseException:
        return phone
    if phonenumbers.region_code_for_number(parsed) == home.upper():
        return phone
    shown = phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)
    return replace(phone, national=shown)
