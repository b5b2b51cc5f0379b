"""Extraction results to and from JSON for the cache; anything malformed decodes to None."""

from __future__ import annotations

import math
from typing import Any

from namecard.cards.model import Card, Extraction, Phone, PhoneKind

_TEXT_FIELDS = (
    "name",
    "company",
    "department",
    "title",
    "address",
    "website",
    "line_id",
    "tax_id",
    "notes",
)


class _Malformed(Exception):
    """Raised inside the decoder only; the public function turns it into None."""


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
        obj = _object(data)
        cards = tuple(_card(item) for item in _list(obj.get("cards")))
        source, model = _text(obj.get("source")), _optional(obj, "model")
        return Extraction(cards=cards, source=source, model=model)
    except _Malformed:
        return None


def _card(data: Any) -> Card:
    obj = _object(data)
    text = {name: _optional(obj, name) for name in _TEXT_FIELDS}
    return Card(
        **text,
        phones=tuple(_phone(item) for item in _list(obj.get("phones", []))),
        emails=tuple(_text(item) for item in _list(obj.get("emails", []))),
        confidence=_number(obj.get("confidence", 0.0)),
        uncertain_fields=tuple(_text(item) for item in _list(obj.get("uncertain_fields", []))),
    )


def _phone(data: Any) -> Phone:
    obj = _object(data)
    try:
        kind = PhoneKind(_text(obj.get("type", PhoneKind.OTHER.value)))
    except ValueError as exc:
        raise _Malformed from exc
    return Phone(
        number=_text(obj.get("number")),
        kind=kind,
        extension=_optional(obj, "extension"),
        national=_optional(obj, "national"),
    )


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Malformed
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Malformed
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Malformed
    return value


def _optional(obj: dict[str, Any], name: str) -> str | None:
    value = obj.get(name)
    return None if value is None else _text(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Malformed
    return float(value)
