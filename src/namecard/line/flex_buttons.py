"""The buttons under a contact card: call, write and open (URIs LINE accepts), and, once the
card is saved, 修正 / 加備註 / 刪除 (postbacks: their data's format is `domain/postbacks.py`,
`a=correct|note|delete&c=<contact id>`; the web chat of the simulator sends it back as is)."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import quote, urlsplit

from namecard.cards.model import Card, PhoneKind, SavedContact
from namecard.domain import catalogue
from namecard.domain.catalogue import Language
from namecard.domain.postbacks import Postback, PostbackAction
from namecard.line import texts

# LINE Messaging API limits (external-apis.md §A.8).
MAX_BUTTON_LABEL = 20
MAX_URI = 1000
MAX_FOOTER_BUTTONS = 4
MAX_EMAIL_CHARS = 254
MIN_DIAL_DIGITS = 3
MAX_DIAL_CHARS = 32
STORE_NOTION = "notion"

_WEB_SCHEMES = frozenset({"http", "https"})


def footer(
    card: Card, entry: SavedContact | None, store_name: str, language: Language
) -> dict[str, Any] | None:
    """Up to four link buttons; none (and no footer) when the card has nothing to act on."""
    actions = [_call_uri(card), _mail_uri(card), _web_uri(entry.url if entry else None)]
    opener = catalogue.BUTTON_OPEN_NOTION
    if store_name != STORE_NOTION:
        opener = catalogue.BUTTON_OPEN_CONTACT
    labels = (catalogue.BUTTON_CALL, catalogue.BUTTON_MAIL, opener)
    buttons = [
        {
            "type": "button",
            "style": "link",
            "height": "sm",
            "action": {
                "type": "uri",
                "label": texts.clip(texts.short(label, language), MAX_BUTTON_LABEL),
                "uri": uri,
            },
        }
        for label, uri in zip(labels, actions, strict=True)
        if uri
    ][:MAX_FOOTER_BUTTONS]
    contents: list[dict[str, Any]] = list(buttons)
    if entry is not None and entry.contact_id:
        contents.append(_edit_row(entry.contact_id, language))
    if not contents:
        return None
    return {"type": "box", "layout": "vertical", "spacing": "xs", "contents": contents}


def postback_action(label: str, postback: Postback, display: str | None = None) -> dict[str, Any]:
    """A postback action whose tap shows `display` (the label) in the chat as the user's."""
    shown = texts.clip(label, MAX_BUTTON_LABEL)
    return {
        "type": "postback",
        "label": shown,
        "data": postback.encode(),
        "displayText": display or shown,
    }


def _edit_row(contact_id: str, language: Language) -> dict[str, Any]:
    """修正 / 加備註 / 刪除 side by side, small, under the link buttons."""
    actions = (
        (catalogue.BUTTON_CORRECT, PostbackAction.CORRECT),
        (catalogue.BUTTON_NOTE, PostbackAction.NOTE),
        (catalogue.BUTTON_DELETE, PostbackAction.DELETE),
    )
    buttons = [
        {
            "type": "button",
            "style": "secondary",
            "height": "sm",
            "flex": 1,
            "action": postback_action(texts.short(label, language), Postback(action, contact_id)),
        }
        for label, action in actions
    ]
    return {"type": "box", "layout": "horizontal", "spacing": "sm", "margin": "md",
            "contents": buttons}  # fmt: skip


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
