"""The Flex contact card: one bubble per card (or a carousel of them), fitted to LINE's limits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from namecard.cards.alternates import Alternate, alternates_in
from namecard.cards.model import Card, PhoneKind, SavedContact
from namecard.domain import catalogue
from namecard.domain.catalogue import Language, Sentence
from namecard.line import texts
from namecard.line.flex_buttons import STORE_NOTION, footer

# LINE Messaging API limits (external-apis.md §A.8), with a little headroom where it is free.
MAX_BUBBLES = 12
MAX_ALT_TEXT_UTF16 = 400  # LINE allows 1,500; a notification shows far less
MAX_BUBBLE_BYTES = 30_000
MAX_CAROUSEL_BYTES = 50_000
CAROUSEL_OVERHEAD_BYTES = 200

MAX_ALT_LABEL_CHARS = 40

COLOR_MUTED = "#8C8C8C"
COLOR_WARN = "#B26A00"
COLOR_OK = "#1E8E3E"
COLOR_ERROR = "#D93025"

STORE_LOCAL = "local"

_FIELD_ALIASES = {"phone": "phones", "mobile": "phones", "fax": "phones", "email": "emails"}

_Row = tuple[str, str, bool]  # label, value, uncertain


class _Fit(NamedTuple):
    """How much of a card one bubble shows: longest value, phone and e-mail rows, buttons."""

    chars: int
    phones: int
    emails: int
    buttons: bool


# A bubble over its byte budget is rebuilt with the next, smaller step. Real cards fit the first
# step; the last one fits 12 pathological cards in one carousel (tests/line/test_messages.py).
FIT_STEPS = (
    _Fit(300, 6, 3, True),
    _Fit(120, 6, 3, True),
    _Fit(60, 6, 3, True),
    _Fit(30, 4, 2, True),
    _Fit(12, 2, 1, True),
    _Fit(12, 2, 1, False),
    _Fit(12, 0, 0, False),
)


class Style(NamedTuple):
    """What every bubble of one reply shares: where contacts go and the reply language."""

    store_name: str
    pending: bool = False
    language: Language = "zh-TW"
    listing: bool = False  # contacts found again (search, recent): no "saved to …" line


def flex_contents(
    cards: Sequence[Card], saved: Sequence[SavedContact | None], style: Style
) -> dict[str, Any]:
    """A bubble for one card, else a carousel; at most MAX_BUBBLES cards, fitted to the budget."""
    shown = cards[:MAX_BUBBLES]
    budget = MAX_BUBBLE_BYTES
    if len(shown) > 1:
        budget = min(budget, (MAX_CAROUSEL_BYTES - CAROUSEL_OVERHEAD_BYTES) // len(shown))
    bubbles = [
        _fit_bubble(card, saved_entry(saved, i), style, budget) for i, card in enumerate(shown)
    ]
    return bubbles[0] if len(bubbles) == 1 else {"type": "carousel", "contents": bubbles}


def saved_entry(saved: Sequence[SavedContact | None], index: int) -> SavedContact | None:
    return saved[index] if index < len(saved) else None


def _json_size(value: dict[str, Any]) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode())


# ---- alt text -----------------------------------------------------------------------------


def card_label(card: Card, language: Language = "zh-TW") -> str:
    """'王小明（大同公司）', or whichever of the two exists, or 未具名名片; clipped for a line."""
    name, company = texts.clean(card.name), texts.clean(card.company)
    if name and company:
        name, company = (texts.clip(v, MAX_ALT_LABEL_CHARS) for v in (name, company))
        return texts.short(catalogue.NAME_AND_COMPANY.format(name=name, company=company), language)
    if label := name or company:
        return texts.clip(label, MAX_ALT_LABEL_CHARS)
    return texts.short(catalogue.UNNAMED_CARD, language)


def alt_text(cards: Sequence[Card], language: Language = "zh-TW") -> str:
    """'名片：王小明（大同公司）' or '3 張名片：王小明、陳美玲': what a notification shows."""
    if len(cards) == 1:
        alt = catalogue.ALT_ONE_CARD.format(label=card_label(cards[0], language))
    else:
        separator = texts.short(catalogue.LIST_SEPARATOR, language)
        labels = separator.join(_short_label(card, language) for card in cards)
        alt = catalogue.ALT_MANY_CARDS.format(total=len(cards), labels=labels)
    return texts.truncate_utf16(texts.short(alt, language), MAX_ALT_TEXT_UTF16)


def _short_label(card: Card, language: Language) -> str:
    label = texts.clean(card.name) or texts.clean(card.company)
    return (
        texts.clip(label, MAX_ALT_LABEL_CHARS)
        if label
        else texts.short(catalogue.UNNAMED_CARD, language)
    )


# ---- bubble -------------------------------------------------------------------------------


def saved_note(store_name: str, *, created: bool = True, updated: bool = False) -> Sentence:
    """Where the contact went: Notion, the local contact book, or already there."""
    if updated:
        return catalogue.UPDATED_NOTION if store_name == STORE_NOTION else catalogue.UPDATED_LOCAL
    if store_name == STORE_NOTION:
        return catalogue.SAVED_NOTION if created else catalogue.ALREADY_NOTION
    if store_name == STORE_LOCAL:
        return catalogue.SAVED_LOCAL if created else catalogue.ALREADY_LOCAL
    return catalogue.SAVED_OTHER


def saving_note(store_name: str) -> Sentence:
    """The card is read and its save still runs (the reply did not wait for it)."""
    return catalogue.SAVING_NOTION if store_name == STORE_NOTION else catalogue.SAVING


def _fit_bubble(
    card: Card, entry: SavedContact | None, style: Style, budget: int
) -> dict[str, Any]:
    """The bubble with the longest field values that still fits `budget` bytes of JSON."""
    buttons = footer(card, entry, style.store_name, style.language)
    status = None if style.listing else _status(entry, style)
    bubble: dict[str, Any] = {}
    for fit in FIT_STEPS:
        bubble = {"type": "bubble", "body": _body(card, status, fit, style.language)}
        if buttons and fit.buttons:
            bubble["footer"] = buttons
        if _json_size(bubble) <= budget:
            break
    return bubble


def _uncertain(card: Card) -> frozenset[str]:
    names = (f.strip().lower() for f in card.uncertain_fields)
    return frozenset(_FIELD_ALIASES.get(name, name) for name in names)


def _body(
    card: Card, status: dict[str, Any] | None, fit: _Fit, language: Language
) -> dict[str, Any]:
    marks = _uncertain(card)
    mark = texts.short(catalogue.UNCERTAIN_MARK, language)
    others = alternates_in(card.notes)
    contents = _heading(card, marks, fit.chars, language, others)
    rows = _rows(card, marks, fit, language)
    if rows:
        contents.append({"type": "separator", "margin": "md"})
        contents.extend(_row(label, value, mark if flag else None) for label, value, flag in rows)
        contents.extend(_small(a.value, fit.chars) for a in others if a.field == "address")
    if status is not None:
        contents += [{"type": "separator", "margin": "md"}, status]
    return {"type": "box", "layout": "vertical", "spacing": "sm", "contents": contents}


def _heading(
    card: Card, marks: frozenset[str], limit: int, language: Language, others: Sequence[Alternate]
) -> list[dict[str, Any]]:
    """Name large and bold (or the company, or 未具名名片), then title, company, department; each
    followed in small print by what was read of it in the other language."""
    name, company = texts.clean(card.name), texts.clean(card.company)
    if name:
        top, top_field = name, "name"
    elif company:
        top, top_field, company = company, "company", None
    else:
        top, top_field = texts.short(catalogue.UNNAMED_CARD, language), ""
    mark = texts.short(catalogue.UNCERTAIN_MARK, language)

    def flag(field: str) -> str | None:
        return mark if field in marks else None

    def also(field: str) -> list[dict[str, Any]]:
        return [_small(a.value, limit) for a in others if a.field == field]

    lines = [_text(top, flag(top_field), limit, size="xl", bold=True), *also(top_field)]
    for field, value, size in (
        ("title", texts.clean(card.title), "sm"),
        ("company", company, "md"),
        ("department", texts.clean(card.department), "sm"),
    ):
        if value:
            lines.append(_text(value, flag(field), limit, size=size, muted=size == "sm"))
            lines.extend(also(field))
    return lines


def _small(value: str, limit: int) -> dict[str, Any]:
    text = texts.clip(value, limit)
    return {"type": "text", "text": text, "size": "xs", "color": COLOR_MUTED, "wrap": True}


def _rows(card: Card, marks: frozenset[str], fit: _Fit, language: Language) -> list[_Row]:
    limit = fit.chars
    rows: list[_Row] = []
    for phone in card.phones[: fit.phones]:
        if number := texts.clean(phone.national or phone.number):
            value = texts.clip(number, limit)
            if ext := texts.clean(phone.extension):
                suffix = catalogue.EXTENSION.format(extension=texts.clip(ext, limit))
                value += texts.short(suffix, language)
            label = catalogue.PHONE_LABELS.get(phone.kind, catalogue.PHONE_LABELS[PhoneKind.OTHER])
            rows.append((texts.short(label, language), value, "phones" in marks))
    email_label = texts.short(catalogue.LABEL_EMAIL, language)
    for email in card.emails[: fit.emails]:
        if cleaned := texts.clean(email):
            rows.append((email_label, texts.clip(cleaned, limit), "emails" in marks))
    for field, label in (
        ("address", catalogue.LABEL_ADDRESS),
        ("website", catalogue.LABEL_WEBSITE),
        ("line_id", catalogue.LABEL_LINE_ID),
        ("tax_id", catalogue.LABEL_TAX_ID),
    ):
        if text := texts.clean(getattr(card, field)):
            rows.append((texts.short(label, language), texts.clip(text, limit), field in marks))
    return rows


def _text(
    value: str, mark: str | None, limit: int, *, size: str, bold: bool = False, muted: bool = False
) -> dict[str, Any]:
    text = texts.clip(value, limit)
    component: dict[str, Any] = {"type": "text", "text": text, "size": size, "wrap": True}
    if bold:
        component["weight"] = "bold"
    if mark:
        component.update(text=f"{text} {mark}", color=COLOR_WARN)
    elif muted:
        component["color"] = COLOR_MUTED
    return component


def _row(label: str, value: str, mark: str | None) -> dict[str, Any]:
    shown: dict[str, Any] = {"type": "text", "text": value, "size": "sm", "wrap": True, "flex": 5}
    if mark:
        shown.update(text=f"{value} {mark}", color=COLOR_WARN)
    caption = {"type": "text", "text": label, "size": "sm", "color": COLOR_MUTED, "flex": 2}
    return {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [caption, shown]}


def _status(entry: SavedContact | None, style: Style) -> dict[str, Any]:
    if entry is not None:
        note = saved_note(style.store_name, created=entry.created, updated=entry.updated)
        text, color = "✓ " + texts.say(note, style.language), COLOR_OK
    elif style.pending:
        text, color = texts.say(saving_note(style.store_name), style.language), COLOR_MUTED
    else:
        text, color = texts.say(catalogue.CARD_SAVE_FAILED, style.language), COLOR_ERROR
    return {"type": "text", "text": text, "size": "xs", "color": color, "wrap": True}
