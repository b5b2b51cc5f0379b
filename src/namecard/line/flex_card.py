"""The Flex contact card: one bubble per card (or a carousel of them), fitted to LINE's limits."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

from namecard.cards.model import Card, PhoneKind, SavedContact
from namecard.line import texts

# LINE Messaging API limits (external-apis.md §A.8), with a little headroom where it is free.
MAX_BUBBLES = 12
MAX_ALT_TEXT_UTF16 = 400  # LINE allows 1,500; a notification shows far less
MAX_BUTTON_LABEL = 20
MAX_URI = 1000
MAX_FOOTER_BUTTONS = 4
MAX_BUBBLE_BYTES = 30_000
MAX_CAROUSEL_BYTES = 50_000
CAROUSEL_OVERHEAD_BYTES = 200

MAX_ALT_LABEL_CHARS = 40
MAX_EMAIL_CHARS = 254
MIN_DIAL_DIGITS = 3
MAX_DIAL_CHARS = 32

COLOR_MUTED = "#8C8C8C"
COLOR_WARN = "#B26A00"
COLOR_OK = "#1E8E3E"
COLOR_ERROR = "#D93025"

_FIELD_ALIASES = {"phone": "phones", "mobile": "phones", "fax": "phones", "email": "emails"}
_WEB_SCHEMES = frozenset({"http", "https"})

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


def flex_contents(
    cards: Sequence[Card], saved: Sequence[SavedContact | None], store_name: str, pending: bool
) -> dict[str, Any]:
    """A bubble for one card, else a carousel; at most MAX_BUBBLES cards, fitted to the budget."""
    shown = cards[:MAX_BUBBLES]
    budget = MAX_BUBBLE_BYTES
    if len(shown) > 1:
        budget = min(budget, (MAX_CAROUSEL_BYTES - CAROUSEL_OVERHEAD_BYTES) // len(shown))
    bubbles = [
        _fit_bubble(card, saved_entry(saved, i), store_name, pending, budget)
        for i, card in enumerate(shown)
    ]
    return bubbles[0] if len(bubbles) == 1 else {"type": "carousel", "contents": bubbles}


def saved_entry(saved: Sequence[SavedContact | None], index: int) -> SavedContact | None:
    return saved[index] if index < len(saved) else None


def _json_size(value: dict[str, Any]) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode())


# ---- alt text -----------------------------------------------------------------------------


def _card_label(card: Card) -> str:
    label = texts.clean(card.name) or texts.clean(card.company) or texts.UNNAMED_CARD
    return texts.clip(label, MAX_ALT_LABEL_CHARS)


def alt_text(cards: Sequence[Card]) -> str:
    if len(cards) == 1:
        card = cards[0]
        parts = [texts.clean(v) for v in (card.name, card.title, card.company)]
        alt = texts.single_card_alt([texts.clip(p, MAX_ALT_LABEL_CHARS) for p in parts if p])
    else:
        alt = texts.many_cards_alt(len(cards), [_card_label(c) for c in cards])
    return texts.truncate_utf16(alt, MAX_ALT_TEXT_UTF16)


# ---- bubble -------------------------------------------------------------------------------


def _fit_bubble(
    card: Card, entry: SavedContact | None, store_name: str, pending: bool, budget: int
) -> dict[str, Any]:
    """The bubble with the longest field values that still fits `budget` bytes of JSON."""
    footer = _footer(card, entry, store_name)
    status = _status(entry, store_name, pending)
    bubble: dict[str, Any] = {}
    for fit in FIT_STEPS:
        bubble = {"type": "bubble", "body": _body(card, status, fit)}
        if footer and fit.buttons:
            bubble["footer"] = footer
        if _json_size(bubble) <= budget:
            break
    return bubble


def _uncertain(card: Card) -> frozenset[str]:
    names = (f.strip().lower() for f in card.uncertain_fields)
    return frozenset(_FIELD_ALIASES.get(name, name) for name in names)


def _body(card: Card, status: dict[str, Any], fit: _Fit) -> dict[str, Any]:
    marks = _uncertain(card)
    contents = _heading(card, marks, fit.chars)
    rows = _rows(card, marks, fit)
    if rows:
        contents.append({"type": "separator", "margin": "md"})
        contents.extend(_row(label, value, flag) for label, value, flag in rows)
    contents += [{"type": "separator", "margin": "md"}, status]
    return {"type": "box", "layout": "vertical", "spacing": "sm", "contents": contents}


def _heading(card: Card, marks: frozenset[str], limit: int) -> list[dict[str, Any]]:
    """Name large and bold (or the company, or 未具名名片), then title, company, department."""
    name, company = texts.clean(card.name), texts.clean(card.company)
    if name:
        top, top_field = name, "name"
    elif company:
        top, top_field, company = company, "company", None
    else:
        top, top_field = texts.UNNAMED_CARD, ""
    lines = [_text(top, top_field in marks, limit, size="xl", bold=True)]
    for field, value, size in (
        ("title", texts.clean(card.title), "sm"),
        ("company", company, "md"),
        ("department", texts.clean(card.department), "sm"),
    ):
        if value:
            lines.append(_text(value, field in marks, limit, size=size, muted=size == "sm"))
    return lines


def _rows(card: Card, marks: frozenset[str], fit: _Fit) -> list[_Row]:
    limit = fit.chars
    rows: list[_Row] = []
    for phone in card.phones[: fit.phones]:
        if number := texts.clean(phone.national or phone.number):
            ext = texts.clean(phone.extension)
            value = texts.clip(number, limit)
            if ext:
                value += texts.extension_suffix(texts.clip(ext, limit))
            rows.append((texts.phone_label(phone.kind), value, "phones" in marks))
    for email in card.emails[: fit.emails]:
        if cleaned := texts.clean(email):
            rows.append((texts.LABEL_EMAIL, texts.clip(cleaned, limit), "emails" in marks))
    for field, label in (
        ("address", texts.LABEL_ADDRESS),
        ("website", texts.LABEL_WEBSITE),
        ("line_id", texts.LABEL_LINE_ID),
        ("tax_id", texts.LABEL_TAX_ID),
    ):
        if text := texts.clean(getattr(card, field)):
            rows.append((label, texts.clip(text, limit), field in marks))
    return rows


def _text(
    value: str, uncertain: bool, limit: int, *, size: str, bold: bool = False, muted: bool = False
) -> dict[str, Any]:
    text = texts.clip(value, limit)
    component: dict[str, Any] = {"type": "text", "text": text, "size": size, "wrap": True}
    if bold:
        component["weight"] = "bold"
    if uncertain:
        component.update(text=f"{text} {texts.UNCERTAIN_MARK}", color=COLOR_WARN)
    elif muted:
        component["color"] = COLOR_MUTED
    return component


def _row(label: str, value: str, uncertain: bool) -> dict[str, Any]:
    shown: dict[str, Any] = {"type": "text", "text": value, "size": "sm", "wrap": True, "flex": 5}
    if uncertain:
        shown.update(text=f"{value} {texts.UNCERTAIN_MARK}", color=COLOR_WARN)
    caption = {"type": "text", "text": label, "size": "sm", "color": COLOR_MUTED, "flex": 2}
    return {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [caption, shown]}


def _status(entry: SavedContact | None, store_name: str, pending: bool) -> dict[str, Any]:
    if entry is not None:
        note = texts.saved_note(store_name, created=entry.created, updated=entry.updated)
        text, color = "✓ " + note, COLOR_OK
    elif pending:
        text, color = texts.SAVING, COLOR_MUTED
    else:
        text, color = texts.SAVE_FAILED, COLOR_ERROR
    return {"type": "text", "text": text, "size": "xs", "color": color, "wrap": True}


# ---- footer buttons -----------------------------------------------------------------------


def _footer(card: Card, entry: SavedContact | None, store_name: str) -> dict[str, Any] | None:
    actions = [_call_uri(card), _mail_uri(card), _web_uri(entry.url if entry else None)]
    labels = (texts.CALL_BUTTON_LABEL, texts.MAIL_BUTTON_LABEL, texts.open_button_label(store_name))
    buttons = [
        {
            "type": "button",
            "style": "link",
            "height": "sm",
            "action": {"type": "uri", "label": label[:MAX_BUTTON_LABEL], "uri": uri},
        }
        for label, uri in zip(labels, actions, strict=True)
        if uri
    ][:MAX_FOOTER_BUTTONS]
    if not buttons:
        return None
    return {"type": "box", "layout": "vertical", "spacing": "xs", "contents": buttons}


def _call_uri(card: Card) -> str | None:
    """tel: + the digits (and leading +) of the first mobile, else the first office phone."""
    for kind in (PhoneKind.MOBILE, PhoneKind.OFFICE):
        for phone in card.phones_of(kind):
            if dial := _dial_string(phone.number):
                return f"tel:{dial}"
    return None


def _dial_string(number: str) -> str | None:
    digits: list[str] = []
    for ch in unicodedata.normalize("NFKC", number):
        if ch == "+" and not digits:
            digits.append(ch)
        elif ch.isdecimal():
            digits.append(str(unicodedata.decimal(ch)))
    dial = "".join(digits)
    count = len(dial.lstrip("+"))
    return dial if count >= MIN_DIAL_DIGITS and len(dial) <= MAX_DIAL_CHARS else None


def _mail_uri(card: Card) -> str | None:
    for raw in card.emails:
        email = texts.clean(raw)
        if email and "@" in email and " " not in email and len(email) <= MAX_EMAIL_CHARS:
            uri = "mailto:" + quote(email, safe="@+")
            if len(uri) <= MAX_URI:
                return uri
    return None


def _web_uri(url: str | None) -> str | None:
    """An http(s) link LINE can open; anything else (a local reference) gets no button."""
    if not url or len(url) > MAX_URI or not url.isascii() or not url.isprintable() or " " in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    return url if parts.scheme.lower() in _WEB_SCHEMES and parts.netloc else None
