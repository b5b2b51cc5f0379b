"""One field of a card corrected by hand: which fields can be, and the card it leaves.

The new value goes through the same normaliser as a card read from a photo, so a corrected
phone is stored in E.164 and shown in its national form, a corrected e-mail is cleaned, and so
on. Pure.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from namecard.cards.model import Card, Phone, PhoneKind
from namecard.cards.normalise import normalise_card


class CardField(StrEnum):
    """The fields a user may correct from the chat (the quick replies offer them in order)."""

    NAME = "name"
    COMPANY = "company"
    TITLE = "title"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"


def field_value(card: Card, field: CardField) -> str | None:
    """The value shown for `field`: the first phone (stored form) or e-mail for those."""
    if field is CardField.PHONE:
        return card.phones[0].stored() if card.phones else None
    if field is CardField.EMAIL:
        return card.emails[0] if card.emails else None
    return getattr(card, field.value)  # type: ignore[no-any-return]


def corrected(card: Card, field: CardField, value: str) -> Card:
    """`card` with `field` set to the normalised `value`; the first phone or e-mail is the one
    replaced, the others stay. Fields other than the corrected one are left as they were."""
    text = " ".join(value.split())
    if field is CardField.PHONE:
        kind = card.phones[0].kind if card.phones else PhoneKind.OTHER
        fixed = normalise_card(Card(phones=(Phone(text, kind),))).phones
        return replace(card, phones=fixed[:1] + card.phones[1:])
    if field is CardField.EMAIL:
        fixed_emails = normalise_card(Card(emails=(text,))).emails or (text,)
        return replace(card, emails=fixed_emails[:1] + card.emails[1:])
    if field is CardField.COMPANY:
        return replace(card, company=normalise_card(Card(company=text)).company or text)
    if field is CardField.ADDRESS:
        return replace(card, address=normalise_card(Card(address=text)).address or text)
    if field is CardField.NAME:
        return replace(card, name=text or None)
    return replace(card, title=text or None)
