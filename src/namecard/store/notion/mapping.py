"""Maps a Card onto Notion page properties, adapting each value to the database's actual types."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from namecard.cards.influence import decision_influence
from namecard.cards.model import Card, PhoneKind

PROPERTY_NAME = "Name"
PROPERTY_COMPANY = "公司名稱"
PROPERTY_DEPARTMENT = "部門"
PROPERTY_TITLE = "職稱"
PROPERTY_INFLUENCE = "決策影響力"
PROPERTY_EMAIL = "Email"
PROPERTY_PHONE = "電話"
PROPERTY_ADDRESS = "地址"
PROPERTY_SOURCE = "取得聯繫來源"
PROPERTY_NOTES = "聯繫注意事項"
WANTED_PROPERTIES = (
    PROPERTY_NAME,
    PROPERTY_COMPANY,
    PROPERTY_DEPARTMENT,
    PROPERTY_TITLE,
    PROPERTY_INFLUENCE,
    PROPERTY_EMAIL,
    PROPERTY_PHONE,
    PROPERTY_ADDRESS,
    PROPERTY_SOURCE,
    PROPERTY_NOTES,
)
CONTACT_SOURCE = "名片交換"
UNNAMED_CARD = "未具名名片"

# Notion request limits (lengths in UTF-16 code units, as Notion counts them).
MAX_TEXT_ITEM = 2000
MAX_TEXT_ITEMS = 100
MAX_OPTION_NAME = 100
MAX_EMAIL = 200
MAX_PHONE = 200
MAX_URL = 2000
NOTES_SEPARATOR = "; "
PHONE_SEPARATOR = ", "
# The label a value carries into the notes when its own property cannot hold it.
_NOTE_LABELS = {PROPERTY_NAME: "姓名"}

_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE_RE = re.compile(r"(?=.*\d)[\d\s+()#*.,/\-]+")
_URL_RE = re.compile(r"(https?://)?[^\s/@]+\.[^\s]+", re.IGNORECASE)
_COMMA_RE = re.compile(r"\s*,\s*")

Properties = dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Wanted:
    prop: str
    value: str
    from_card: bool = True  # read from the card: kept in the notes if its property can't hold it


def build_properties(card: Card, schema: Mapping[str, str]) -> tuple[Properties, list[str]]:
    """The `properties` payload for `card` and the wanted properties that could not be written.

    `schema` maps property name to Notion type. A value whose property is missing or of a type
    that cannot hold it is listed as skipped and, if it came from the card, kept in the notes."""
    targets = _targets(schema)
    properties: Properties = {}
    skipped: list[str] = []
    displaced: list[str] = []
    for wanted in _wanted_values(card):
        target = targets.get(wanted.prop)
        rendered = render_value(wanted.value, schema[target]) if target else None
        if rendered is not None and target is not None:
            properties[target] = rendered
            continue
        skipped.append(wanted.prop)
        if wanted.from_card:
            displaced.append(f"{_NOTE_LABELS.get(wanted.prop, wanted.prop)}: {wanted.value}")
    notes = NOTES_SEPARATOR.join([*_card_notes(card), *displaced])
    notes_target = targets.get(PROPERTY_NOTES)
    rendered_notes = render_value(notes, schema[notes_target]) if notes and notes_target else None
    if rendered_notes is not None and notes_target is not None:
        properties[notes_target] = rendered_notes
    elif notes:
        skipped.append(PROPERTY_NOTES)
    return properties, skipped


def missing_properties(schema: Mapping[str, str]) -> list[str]:
    """The wanted properties this database lacks (a differently named title stands in for Name)."""
    targets = _targets(schema)
    return [name for name in WANTED_PROPERTIES if name not in targets]


def _targets(schema: Mapping[str, str]) -> dict[str, str]:
    targets = {name: name for name in WANTED_PROPERTIES if name in schema}
    title = next((name for name, kind in schema.items() if kind == "title"), None)
    if title is not None and title not in WANTED_PROPERTIES:
        targets[PROPERTY_NAME] = title
    return targets


def _wanted_values(card: Card) -> list[_Wanted]:
    phones = PHONE_SEPARATOR.join(p.stored() for p in card.phones if p.kind is not PhoneKind.FAX)
    candidates = (
        (PROPERTY_NAME, card.name or card.company or UNNAMED_CARD, card.name is not None),
        (PROPERTY_COMPANY, card.company, True),
        (PROPERTY_DEPARTMENT, card.department, True),
        (PROPERTY_TITLE, card.title, True),
        (PROPERTY_INFLUENCE, decision_influence(card.title), False),
        (PROPERTY_EMAIL, card.emails[0] if card.emails else None, True),
        (PROPERTY_PHONE, phones, True),
        (PROPERTY_ADDRESS, card.address, True),
        (PROPERTY_SOURCE, CONTACT_SOURCE, False),
    )
    return [_Wanted(prop, value, keep) for prop, value, keep in candidates if value]


def _card_notes(card: Card) -> list[str]:
    """The card's own notes, then every value no other property holds."""
    parts = [card.notes] if card.notes else []
    parts += [f"傳真: {phone.stored()}" for phone in card.phones_of(PhoneKind.FAX)]
    parts += [f"其他 Email: {email}" for email in card.emails[1:]]
    labelled = (("網站", card.website), ("LINE ID", card.line_id), ("統一編號", card.tax_id))
    parts += [f"{label}: {value}" for label, value in labelled if value]
    if card.uncertain_fields:
        parts.append("待確認欄位: " + "、".join(card.uncertain_fields))
    return parts


def render_value(value: str, kind: str) -> Properties | None:
    """`value` as a property of type `kind`, or None when that type cannot hold it."""
    render = _RENDERERS.get(kind)
    return render(value) if render else None


def rich_text(value: str) -> list[dict[str, Any]]:
    """Rich text items of at most 2,000 UTF-16 units each, at most 100 items."""
    return [{"type": "text", "text": {"content": chunk}} for chunk in split_text(value)]


def split_text(text: str, limit: int = MAX_TEXT_ITEM) -> list[str]:
    """Splits on character boundaries (never inside a surrogate pair); keeps ≤ 100 chunks."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        units = 2 if ord(char) > 0xFFFF else 1
        if size + units > limit:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += units
    if current:
        chunks.append("".join(current))
    return chunks[:MAX_TEXT_ITEMS]


def option_name(value: str) -> str | None:
    """A select option name: commas (forbidden by Notion) replaced; None if too long or empty."""
    replacement = " " if value.isascii() else "，"
    name = _COMMA_RE.sub(replacement, value).strip()
    return name if name and utf16_len(name) <= MAX_OPTION_NAME else None


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fits(value: str, pattern: re.Pattern[str], limit: int) -> bool:
    return utf16_len(value) <= limit and pattern.fullmatch(value) is not None


def _select(value: str) -> Properties | None:
    name = option_name(value)
    return {"select": {"name": name}} if name else None


def _multi_select(value: str) -> Properties | None:
    name = option_name(value)
    return {"multi_select": [{"name": name}]} if name else None


_RENDERERS: Mapping[str, Callable[[str], Properties | None]] = {
    "title": lambda value: {"title": rich_text(value)},
    "rich_text": lambda value: {"rich_text": rich_text(value)},
    "select": _select,
    "multi_select": _multi_select,
    "email": lambda value: {"email": value} if _fits(value, _EMAIL_RE, MAX_EMAIL) else None,
    "phone_number": lambda value: (
        {"phone_number": value} if _fits(value, _PHONE_RE, MAX_PHONE) else None
    ),
    "url": lambda value: {"url": value} if _fits(value, _URL_RE, MAX_URL) else None,
}
