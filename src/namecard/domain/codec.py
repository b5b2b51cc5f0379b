"""Extraction results (and contacts found) to and from JSON for the caches; anything malformed
decodes to None."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from namecard.cards.model import Card, Extraction, Phone, PhoneKind, SavedContact, StoredContact


class _Strict(BaseModel):
    """A cached entry must be exactly the shape extraction_to_json writes (no coercion)."""

    model_config = ConfigDict(strict=True, allow_inf_nan=False, frozen=True)


class _PhoneJson(_Strict):
    number: str
    type: str = PhoneKind.OTHER.value
    extension: str | None = None
    national: str | None = None


class _CardJson(_Strict):
    name: str | None = None
    company: str | None = None
    department: str | None = None
    title: str | None = None
    address: str | None = None
    website: str | None = None
    line_id: str | None = None
    tax_id: str | None = None
    notes: str | None = None
    phones: list[_PhoneJson] = []
    emails: list[str] = []
    confidence: float = 0.0
    uncertain_fields: list[str] = []


class _ExtractionJson(_Strict):
    cards: list[_CardJson]
    source: str
    model: str | None = None


def extraction_to_json(extraction: Extraction) -> dict[str, Any]:
    """Plain JSON of the cards and their reader; never any image bytes."""
    return {
        "cards": [card.to_dict() for card in extraction.cards],
        "source": extraction.source,
        "model": extraction.model,
    }


def extraction_from_json(data: Any) -> Extraction | None:
    """The inverse of extraction_to_json; None for anything that is not exactly its shape."""
    try:
        parsed = _ExtractionJson.model_validate(data)
        cards = tuple(_card(card) for card in parsed.cards)
    except (ValidationError, ValueError):  # ValueError: a phone type we do not know
        return None
    return Extraction(cards=cards, source=parsed.source, model=parsed.model)


def _card(data: _CardJson) -> Card:
    return Card(
        **data.model_dump(exclude={"phones", "emails", "uncertain_fields"}),
        phones=tuple(_phone(phone) for phone in data.phones),
        emails=tuple(data.emails),
        uncertain_fields=tuple(data.uncertain_fields),
    )


def _phone(data: _PhoneJson) -> Phone:
    return Phone(
        number=data.number,
        kind=PhoneKind(data.type),
        extension=data.extension,
        national=data.national,
    )


class _StoredJson(_Strict):
    card: _CardJson
    contact_id: str
    url: str | None = None
    notes: str | None = None


_STORED_LIST = TypeAdapter(list[_StoredJson])


def contacts_to_json(contacts: Sequence[StoredContact]) -> str:
    """Contacts found by a search, for the short per-user search cache."""
    return json.dumps(
        [
            {"card": c.card.to_dict(), "contact_id": c.saved.contact_id, "url": c.saved.url,
             "notes": c.notes}
            for c in contacts
        ],
        ensure_ascii=False,
    )  # fmt: skip


def contacts_from_json(raw: str | bytes) -> list[StoredContact] | None:
    """The inverse of contacts_to_json; None for anything else."""
    try:
        parsed = _STORED_LIST.validate_json(raw)
        return [
            StoredContact(_card(item.card), SavedContact(item.contact_id, item.url, created=False),
                          item.notes)
            for item in parsed
        ]  # fmt: skip
    except (ValidationError, ValueError):
        return None
