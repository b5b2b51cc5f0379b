"""Contacts read back from Notion pages, and the pieces of a search or a correction. Pure.

A search is one data source query: an `or` of `contains` conditions on the properties the
database has and can filter that way (title and text, e-mail, phone number), one condition per
spelling of the query (as typed, Simplified, Traditional: Notion compares text as stored, case
aside), plus the phone digits when the query has a few. The matches are ranked here
(`store/ranking.py`), since Notion cannot rank by where a text was found.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from namecard.cards.edits import CardField, field_value
from namecard.cards.folding import phone_digits, variants
from namecard.cards.influence import decision_influence
from namecard.cards.model import Card, PhoneKind, SavedContact, StoredContact
from namecard.cards.phones import normalise_phone, split_extension
from namecard.store.notion.mapping import (
    PHONE_SEPARATOR,
    PROPERTY_ADDRESS,
    PROPERTY_COMPANY,
    PROPERTY_DEPARTMENT,
    PROPERTY_EMAIL,
    PROPERTY_INFLUENCE,
    PROPERTY_NAME,
    PROPERTY_NOTES,
    PROPERTY_PHONE,
    PROPERTY_TITLE,
    UNNAMED_CARD,
    Properties,
    render_value,
)
from namecard.store.notion.merge import plain_values

MIN_DIGITS = 3  # a query with this many digits is also looked for in phone numbers
TEXT_FILTERS = {"title": "title", "rich_text": "rich_text", "email": "email"}
FIELD_PROPERTIES = {
    CardField.COMPANY: PROPERTY_COMPANY,
    CardField.TITLE: PROPERTY_TITLE,
    CardField.PHONE: PROPERTY_PHONE,
    CardField.EMAIL: PROPERTY_EMAIL,
    CardField.ADDRESS: PROPERTY_ADDRESS,
}


def title_property(schema: Mapping[str, str]) -> str:
    """The data source's title property (`Name`, or whatever the database calls it)."""
    return next((name for name, kind in schema.items() if kind == "title"), PROPERTY_NAME)


def search_filter(query: str, schema: Mapping[str, str]) -> Properties | None:
    """The `or` filter of a search; None when the database has nothing to search in."""
    searched = [title_property(schema), PROPERTY_COMPANY, PROPERTY_EMAIL]
    clauses: list[Properties] = []
    for prop in searched:
        kind = TEXT_FILTERS.get(schema.get(prop, ""))
        if kind is not None:
            clauses += [{"property": prop, kind: {"contains": form}} for form in variants(query)]
    wanted = phone_digits(query)
    phone_kind = schema.get(PROPERTY_PHONE)
    if len(wanted) >= MIN_DIGITS and phone_kind in ("phone_number", "rich_text"):
        # Stored in E.164 (+886912345678): a national "0912…" is looked for without its 0.
        clauses.append({"property": PROPERTY_PHONE, phone_kind: {"contains": wanted.lstrip("0")}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"or": clauses}


def stored_contact(page: Mapping[str, Any], schema: Mapping[str, str]) -> StoredContact:
    """A page as a card (what the bubble shows) and where it is."""
    values = plain_values(page)
    company = values.get(PROPERTY_COMPANY) or None
    name = values.get(title_property(schema)) or None
    if name in (UNNAMED_CARD, company):
        name = None  # the title stood in for a card without a name
    card = Card(
        name=name,
        company=company,
        department=values.get(PROPERTY_DEPARTMENT) or None,
        title=values.get(PROPERTY_TITLE) or None,
        phones=_phones(values.get(PROPERTY_PHONE, "")),
        emails=(values[PROPERTY_EMAIL],) if values.get(PROPERTY_EMAIL) else (),
        address=values.get(PROPERTY_ADDRESS) or None,
    )
    saved = SavedContact(str(page.get("id", "")), page.get("url"), created=False)
    return StoredContact(card, saved, values.get(PROPERTY_NOTES) or None)


def is_gone(page: Mapping[str, Any]) -> bool:
    return bool(page.get("in_trash") or page.get("archived"))


def field_update(
    card: Card, field: CardField, schema: Mapping[str, str]
) -> tuple[Properties, str | None]:
    """The properties that write `field` of `card`, and the value as a note when no property
    of the database can hold it ("職稱: 技術長")."""
    prop = title_property(schema) if field is CardField.NAME else FIELD_PROPERTIES[field]
    value = _property_text(card, field)
    kind = schema.get(prop)
    rendered = render_value(value, kind) if value and kind else None
    if value and rendered is None:
        return {}, f"{prop}: {value}"
    properties: Properties = {prop: rendered} if rendered else {}
    influence = decision_influence(card.title) if field is CardField.TITLE else None
    if influence and schema.get(PROPERTY_INFLUENCE) == "select":
        properties[PROPERTY_INFLUENCE] = {"select": {"name": influence}}
    return properties, None


def _property_text(card: Card, field: CardField) -> str | None:
    if field is CardField.PHONE:
        numbers = [p.stored() for p in card.phones if p.kind is not PhoneKind.FAX]
        return PHONE_SEPARATOR.join(numbers) or None
    return field_value(card, field)


def _phones(text: str) -> tuple[Any, ...]:
    phones = []
    for part in text.split(PHONE_SEPARATOR.strip()):
        number, extension = split_extension(part.strip())
        if number:
            phones.append(normalise_phone(number, extension=extension))
    return tuple(phones)
