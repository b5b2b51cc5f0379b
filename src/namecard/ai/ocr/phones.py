"""Phone numbers in a line of OCR text: typed by label or shape, postal codes left alone."""

from __future__ import annotations

import re

from namecard.cards.model import Phone, PhoneKind

PHONE_RE = re.compile(
    r"(?<![A-Za-z0-9@.\-])(?P<number>\+?\(?\d[\d\s\-().]{5,}\d)"
    r"(?:\s*(?:分機|分机|轉|转|ext\.?|extn\.?|x|#)\s*(?P<ext>\d{1,6}))?",
    re.IGNORECASE,
)
_PHONE_DIGITS = (7, 15)
# Postal codes printed like phone numbers: after 〒 or a postal label, or a Japanese 123-4567
# sharing its line with other text (a phone number has its own line or its label).
_POSTAL_MARK = re.compile(r"〒|郵遞區號|郵便番号|邮编|ZIP|Postal", re.IGNORECASE)
_POSTAL_MARK_REACH = 12
_POSTAL_SHAPE = re.compile(r"\d{3}-\d{4}")
# 1-19-29, 7-12-18: a Japanese block number (a phone starts with 0 or +, or has longer groups);
# never four groups or more ("81-45-202-9627" is a number with its country code, no plus).
_BLOCK_NUMBER = re.compile(r"[1-9]\d?-\d{1,2}-\d+(?![\d-]*-\d)")
_CJK_NEXT = re.compile(r"\s*[\u3040-\u30ff\u3400-\u9fff]")
# Mobile numbers by shape: Taiwan 09, Japan 070/080/090, mainland China 13x-19x; with the
# country code when the number starts with "+", in national form otherwise.
_MOBILE_INTERNATIONAL = re.compile(r"8869\d{8}|81[789]0\d{8}|861[3-9]\d{9}")
_MOBILE_NATIONAL = re.compile(r"09\d{8}|0[789]0\d{8}|1[3-9]\d{9}")
_LANDLINE_TW = re.compile(r"0[2-8]\d{6,9}")
# Two numbers printed with only a dot, comma or slash between them, or none at all, read as one
# run of digits (real photo: "15645350650.13504536826", "0453-561915915945353536"): split where
# a separator leaves two numbers of phone length, else where a mainland mobile (11 digits,
# 13x-19x) begins or ends the run.
_GLUE = re.compile(r"[.,/]")
_CN_MOBILE_AT_END = re.compile(r"^(?P<head>.*?\d)(?P<tail>1[3-9](?:[\s-]?\d){9})$")
_CN_MOBILE_AT_START = re.compile(r"^(?P<head>1[3-9](?:[\s-]?\d){9})(?P<tail>[\s-]?\d.*)$")


def phone_kind(number: str, label: PhoneKind | None) -> tuple[PhoneKind, bool]:
    """The phone's type from its label, else from its shape; True when it was guessed."""
    if label is not None:
        return label, False
    digits = re.sub(r"\D", "", number)
    shapes = _MOBILE_INTERNATIONAL if number.lstrip("(").startswith("+") else _MOBILE_NATIONAL
    if shapes.fullmatch(digits):
        return PhoneKind.MOBILE, False
    if _LANDLINE_TW.fullmatch(digits):
        return PhoneKind.OFFICE, True
    return PhoneKind.OTHER, True


def _postal_code(match: re.Match[str], labelled: bool) -> bool:
    """〒550-0005, "Tokyo 160-0022": a postal code, which stays in its address line; also a
    Japanese block number (1-19-29), which no phone number looks like."""
    if _BLOCK_NUMBER.match(match.group("number")):
        return True
    before = match.string[max(0, match.start() - _POSTAL_MARK_REACH) : match.start()]
    if _POSTAL_MARK.search(before):
        return True
    number = match.group("number").strip(" -.")
    if not _POSTAL_SHAPE.fullmatch(number):
        return False
    if _CJK_NEXT.match(match.string, match.end()):
        return True  # a phone number is never followed by its address
    others = (match.string[: match.start()] + match.string[match.end() :]).strip(" ,")
    return not labelled and bool(others)


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _phone_length(text: str) -> bool:
    return _PHONE_DIGITS[0] <= _digits(text) <= _PHONE_DIGITS[1]


def _unglued(number: str) -> list[str]:
    """The numbers inside a run too long to be one: two numbers glued together."""
    if _digits(number) <= _PHONE_DIGITS[1]:
        return [number]
    parts = [part.strip(" -") for part in _GLUE.split(number)]
    if len(parts) > 1 and all(_phone_length(part) for part in parts):
        return parts
    if spaced := _split_at_country_code(number):
        return spaced
    for shape in (_CN_MOBILE_AT_END, _CN_MOBILE_AT_START):
        match = shape.match(number)
        if match is not None:
            head, tail = match.group("head").strip(" -."), match.group("tail").strip(" -.")
            if _phone_length(head) and _phone_length(tail):
                return [head, tail]
    return [number]


def _split_at_country_code(number: str) -> list[str] | None:
    """ "+8135361-6699 813 3353-5588": two international numbers on one line, the second's plus
    lost; split at the space where the second starts with a plus or the first's country code."""
    first_digits = re.sub(r"\D", "", number)[:2]
    for space in (m.start() for m in re.finditer(r"\s", number)):
        head, tail = number[:space].strip(" -"), number[space:].strip(" -")
        if not (_phone_length(head) and _phone_length(tail) and head.startswith("+")):
            continue
        if tail.startswith("+") or re.sub(r"\D", "", tail).startswith(first_digits):
            return [head, tail]
    return None


def _open_bracket_cut(number: str) -> tuple[str, str]:
    """ "13766640071(2" of "13766640071（2号线）": a bracket opened after the number and never
    closed in it is a note that follows the number ("(店)", "(1号线)"), not its area code."""
    opened = number.rfind("(")
    if opened <= 0 or ")" in number[opened:]:
        return number, ""
    return number[:opened].rstrip(" -."), number[opened:]


def find_phones(
    text: str, label: PhoneKind | None, *, labelled: bool
) -> tuple[list[tuple[Phone, bool]], str]:
    """Phone numbers in the text (number as printed, extension apart) and the text without them;
    `label` is the phone label the text came with, `labelled` whether it had any label."""
    found: list[tuple[Phone, bool]] = []

    def take(match: re.Match[str]) -> str:
        number, note = _open_bracket_cut(match.group("number").strip(" -."))
        numbers = _unglued(number)
        if not all(map(_phone_length, numbers)) or _postal_code(match, labelled):
            return match.group(0)
        for index, each in enumerate(numbers):
            kind, guessed = phone_kind(each, label)
            extension = match.group("ext") if index == len(numbers) - 1 else None
            found.append((Phone(each, kind, extension=extension), guessed))
        return f" {note} " if note else " "

    rest = PHONE_RE.sub(take, text)
    return found, rest
