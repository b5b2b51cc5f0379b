"""A contact as a vCard 3.0 (RFC 2426): escaped, folded at 75 octets, CRLF, UTF-8.

Extensions are written the way tel: URIs carry them (RFC 3966), after the E.164 number:
`TEL;TYPE=WORK:+886223456789;ext=123`. Address books (Apple, Google, Android) read it
as number plus extension; the part before `;ext=` is always a dialable number."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from namecard.cards.model import Card

CRLF = "\r\n"
MAX_LINE_OCTETS = 75  # RFC 2426 §2.6 / RFC 6350 §3.2, excluding the line break
FOLD_PREFIX = " "
EXTENSION_SEPARATOR = ";ext="
UNNAMED = "未具名名片"
NOTE_SEPARATOR = "\n"
# Phone type (the card model's PhoneKind values) → vCard 3.0 TEL types.
TEL_TYPES: Mapping[str, str] = {
    "mobile": "CELL",
    "office": "WORK",
    "fax": "FAX",
    "other": "VOICE",
}
_CJK_CHARS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_NAME = re.compile(rf"[{_CJK_CHARS}]{{2,4}}")
_CJK_WORD = re.compile(rf"[{_CJK_CHARS}\u3005]{{1,4}}")  # 々 repeats a character in a word
_ESCAPES = str.maketrans({"\\": "\\\\", ",": "\\,", ";": "\\;"})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def to_vcard(contact: Mapping[str, Any] | Card) -> str:
    """One vCard for a card or a local contact row (phones as dicts with `type`, `number`,
    `extension`). Every line ends with CRLF, including the last."""
    fields = contact.to_dict() if isinstance(contact, Card) else contact
    lines = ["BEGIN:VCARD", "VERSION:3.0", *_properties(fields), "END:VCARD"]
    return "".join(fold(line) + CRLF for line in lines)


def escape(value: str) -> str:
    """A TEXT value: backslash, comma and semicolon escaped, every line break as `\\n`."""
    return _LINE_BREAK.sub("\\\\n", value.translate(_ESCAPES))


def fold(line: str) -> str:
    """Folds a logical line into physical lines of at most 75 octets of UTF-8, never inside
    a character; continuation lines start with one space."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > MAX_LINE_OCTETS:
            parts.append("".join(current))
            current, size = [FOLD_PREFIX], len(FOLD_PREFIX)
        current.append(char)
        size += octets
    parts.append("".join(current))
    return CRLF.join(parts)


def split_name(name: str) -> tuple[str, str]:
    """(family, given): a 2–4 character CJK name is surname (first character) plus given name; a
    CJK name of two words (a Japanese 渡辺 大輔) is family name first; otherwise the last word is
    the family name."""
    name = name.strip()
    if _CJK_NAME.fullmatch(name):
        return name[0], name[1:]
    words = name.split()
    if len(words) == 2 and all(_CJK_WORD.fullmatch(word) for word in words):
        return words[0], words[1]
    given, _, family = name.rpartition(" ")
    return (family, given.strip()) if given else ("", name)


def _properties(fields: Mapping[str, Any]) -> Iterator[str]:
    name, company = _text(fields, "name"), _text(fields, "company")
    yield f"FN:{escape(name or company or UNNAMED)}"
    family, given = split_name(name) if name else ("", "")
    yield f"N:{escape(family)};{escape(given)};;;"
    department = _text(fields, "department")
    if company or department:
        yield f"ORG:{escape(company)}" + (f";{escape(department)}" if department else "")
    if title := _text(fields, "title"):
        yield f"TITLE:{escape(title)}"
    yield from (_tel(phone) for phone in fields.get("phones") or () if phone.get("number"))
    yield from (f"EMAIL;TYPE=INTERNET:{escape(e)}" for e in fields.get("emails") or () if e)
    if address := _text(fields, "address"):
        yield f"ADR;TYPE=WORK:;;{escape(address)};;;;"
    if website := _text(fields, "website"):
        yield f"URL:{_LINE_BREAK.sub('', website)}"
    if note := _note(fields):
        yield f"NOTE:{escape(note)}"
    if card_id := _text(fields, "card_id"):
        yield f"UID:{escape(card_id)}"


def _tel(phone: Mapping[str, Any]) -> str:
    types = TEL_TYPES.get(str(phone.get("type")), TEL_TYPES["other"])
    number = _LINE_BREAK.sub("", str(phone["number"]))
    if extension := phone.get("extension"):
        number += f"{EXTENSION_SEPARATOR}{extension}"
    return f"TEL;TYPE={types}:{number}"


def _note(fields: Mapping[str, Any]) -> str:
    labelled = (("", "notes"), ("LINE ID: ", "line_id"), ("統一編號: ", "tax_id"))
    parts = [label + value for label, key in labelled if (value := _text(fields, key))]
    return NOTE_SEPARATOR.join(parts)


def _text(fields: Mapping[str, Any], key: str) -> str:
    value = fields.get(key)
    return str(value).strip() if value else ""
