"""The same person photographed again: find their page by e-mail or phone, and update it with
what is new (old values kept in the notes) instead of creating a second contact. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import phonenumbers

from namecard.cards.model import Card, PhoneKind
from namecard.domain.notes import merged_notes, replaced_value
from namecard.store.notion.mapping import (
    PROPERTY_EMAIL,
    PROPERTY_INFLUENCE,
    PROPERTY_NOTES,
    PROPERTY_PHONE,
    PROPERTY_SOURCE,
    rich_text,
)
from namecard.store.notion.schema import PROPERTY_CARD_ID

Properties = dict[str, Any]
TEXT_TYPES = frozenset({"title", "rich_text"})
PHONE_FILTER_TYPES = frozenset({"phone_number", "rich_text"})
# Properties the bot owns and rewrites freely; their old values are not worth a note.
QUIET = frozenset({PROPERTY_CARD_ID, PROPERTY_SOURCE, PROPERTY_INFLUENCE, PROPERTY_NOTES})


def duplicate_filter(card: Card, schema: Mapping[str, str]) -> Properties | None:
    """A query filter matching a page with the card's first e-mail or one of its mobile
    numbers. Office and fax numbers are shared by colleagues, so they never identify a person."""
    clauses: list[Properties] = []
    if card.emails and schema.get(PROPERTY_EMAIL) == "email":
        clauses.append({"property": PROPERTY_EMAIL, "email": {"equals": card.emails[0]}})
    phone_type = schema.get(PROPERTY_PHONE)
    if phone_type in PHONE_FILTER_TYPES:
        numbers = [p.number for p in card.phones_of(PhoneKind.MOBILE) if p.number]
        clauses += [
            {"property": PROPERTY_PHONE, phone_type: {"contains": number}} for number in numbers
        ]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"or": clauses}


def person_identities(card: Card) -> list[str]:
    """What makes two cards one person, as `duplicate_filter` looks for it: the first e-mail
    and the mobile numbers (for the per-person save lock)."""
    identities = [f"email:{card.emails[0].lower()}"] if card.emails else []
    identities += [f"mobile:{p.number}" for p in card.phones_of(PhoneKind.MOBILE) if p.number]
    return identities


def page_identities(page: Mapping[str, Any], region: str) -> list[str]:
    """What a page answers to, as `person_identities` spells it: its e-mail, and every number
    in its phone property (E.164; a number typed by hand is read in `region`). The query this
    replaces matched any page whose phone text contains the card's mobile, whatever its kind."""
    values = plain_values(page)
    email = values.get(PROPERTY_EMAIL, "").strip().lower()
    identities = [f"email:{email}"] if email else []
    for part in values.get(PROPERTY_PHONE, "").split(","):
        number = _e164(part.split("#")[0].strip(), region)
        if number:
            identities.append(f"mobile:{number}")
    return identities


def _e164(text: str, region: str) -> str | None:
    if not text:
        return None
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def plain_values(page: Mapping[str, Any]) -> dict[str, str]:
    """A page's properties as plain text (title, text, select, e-mail, phone, URL)."""
    values = {}
    for name, prop in (page.get("properties") or {}).items():
        values[name] = _plain(prop.get("type", ""), prop.get(prop.get("type", "")))
    return values


def merge(existing: Mapping[str, str], new: Properties, *, stamp: str) -> Properties:
    """The update for a page holding `existing` plain values: empty fields filled, changed ones
    replaced, and each replaced value kept in the notes ("舊職稱: 經理")."""
    update: Properties = {}
    replaced: list[str] = []
    for name, payload in new.items():
        kind = next(iter(payload))
        value, old = _plain(kind, payload[kind]), existing.get(name, "")
        if name == PROPERTY_NOTES or not value or value == old:
            continue
        update[name] = payload
        if old and name not in QUIET:
            replaced.append(replaced_value(name, old))
    notes = _notes(existing.get(PROPERTY_NOTES, ""), new.get(PROPERTY_NOTES), replaced, stamp)
    if notes is not None:
        update[PROPERTY_NOTES] = {"rich_text": rich_text(notes)}
    return update


def _notes(old: str, new: Properties | None, replaced: list[str], stamp: str) -> str | None:
    added = _plain("rich_text", new.get("rich_text")) if new else ""
    return merged_notes(old, added, replaced, stamp)


def _plain(kind: str, value: Any) -> str:
    if kind in TEXT_TYPES:
        items = value or []
        return "".join(
            item.get("plain_text") or (item.get("text") or {}).get("content", "") for item in items
        )
    if kind == "select":
        return str(value.get("name", "")) if isinstance(value, dict) else ""
    if kind == "multi_select":
        return ", ".join(str(option.get("name", "")) for option in value or [])
    return str(value) if isinstance(value, str | int | float) else ""
