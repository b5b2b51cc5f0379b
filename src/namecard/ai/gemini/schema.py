"""The model's structured output (the trust boundary) and its conversion to domain cards."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from namecard.cards.model import Card, Phone, PhoneKind

PhoneType = Literal["mobile", "office", "fax", "other"]
_PHONE_TYPES: frozenset[str] = frozenset(("mobile", "office", "fax", "other"))
CARD_FIELDS: tuple[str, ...] = (
    "name",
    "company",
    "department",
    "title",
    "phones",
    "emails",
    "address",
    "website",
    "line_id",
    "tax_id",
    "notes",
)


def _all_required(schema: dict[str, Any]) -> None:
    """The model is asked for every key (null when absent); parsing stays lenient."""
    schema["required"] = list(schema.get("properties", {}))


class PhoneOut(BaseModel):
    model_config = ConfigDict(json_schema_extra=_all_required)

    number: str = Field(description="The number as printed, without the extension.")
    type: PhoneType = Field(default="other", description="mobile, office, fax or other.")
    extension: str | None = Field(default=None, description="Extension digits (分機/ext./#).")

    @field_validator("type", mode="before")
    @classmethod
    def _lenient_type(cls, value: Any) -> Any:
        """A type outside the four known ones is still a phone number: keep it as 'other'."""
        if value is None:
            return "other"
        if isinstance(value, str):
            lowered = value.strip().lower()
            return lowered if lowered in _PHONE_TYPES else "other"
        return value


class CardOut(BaseModel):
    model_config = ConfigDict(json_schema_extra=_all_required)

    name: str | None = None
    company: str | None = None
    department: str | None = None
    title: str | None = None
    phones: list[PhoneOut] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    address: str | None = None
    website: str | None = None
    line_id: str | None = None
    tax_id: str | None = Field(default=None, description="統一編號 (8 digits).")
    notes: str | None = None
    confidence: float = Field(default=0.0, description="0..1, how sure the reading is.")
    uncertain_fields: list[str] = Field(default_factory=list)


class ExtractionOut(BaseModel):
    model_config = ConfigDict(json_schema_extra=_all_required)

    cards: list[CardOut] = Field(default_factory=list)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def _phone(out: PhoneOut) -> Phone | None:
    number = _clean(out.number)
    if number is None:
        return None
    return Phone(number=number, kind=PhoneKind(out.type), extension=_clean(out.extension))


def _unique(values: list[str]) -> tuple[str, ...]:
    cleaned = (_clean(value) for value in values)
    return tuple(dict.fromkeys(value for value in cleaned if value))


def _card(out: CardOut) -> Card:
    phones = tuple(phone for phone in map(_phone, out.phones) if phone is not None)
    return Card(
        name=_clean(out.name),
        company=_clean(out.company),
        department=_clean(out.department),
        title=_clean(out.title),
        phones=phones,
        emails=_unique(out.emails),
        address=_clean(out.address),
        website=_clean(out.website),
        line_id=_clean(out.line_id),
        tax_id=_clean(out.tax_id),
        notes=_clean(out.notes),
        confidence=min(1.0, max(0.0, out.confidence)),
        uncertain_fields=_unique(out.uncertain_fields),
    )


def _has_content(card: Card) -> bool:
    return any(getattr(card, field) for field in CARD_FIELDS)


def to_cards(out: ExtractionOut) -> tuple[Card, ...]:
    """Domain cards from the model's answer: trimmed, empties dropped, confidence within 0..1."""
    return tuple(card for card in map(_card, out.cards) if _has_content(card))
