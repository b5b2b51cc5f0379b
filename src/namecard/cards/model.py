"""The domain model of a business card, shared by every extractor, store and reply builder."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    OFFICE = "office"
    FAX = "fax"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Phone:
    """`number` is E.164 ("+886223456789") once normalised, else as read; `national` is the
    national format for display ("02 2345 6789"), when the number could be parsed."""

    number: str
    kind: PhoneKind = PhoneKind.OTHER
    extension: str | None = None
    national: str | None = None

    def display(self) -> str:
        """For people: the national format and the extension, "02 2345 6789 #123"."""
        return self._with_extension(self.national or self.number)

    def stored(self) -> str:
        """For stores: the E.164 number and the extension, "+886223456789 #123"."""
        return self._with_extension(self.number)

    def _with_extension(self, number: str) -> str:
        return f"{number} #{self.extension}" if self.extension else number


@dataclass(frozen=True, slots=True)
class Card:
    """One person's card as read from a photo; empty strings are never used, absent is None."""

    name: str | None = None
    company: str | None = None
    department: str | None = None
    title: str | None = None
    phones: tuple[Phone, ...] = ()
    emails: tuple[str, ...] = ()
    address: str | None = None
    website: str | None = None
    line_id: str | None = None
    tax_id: str | None = None
    notes: str | None = None
    confidence: float = 0.0
    uncertain_fields: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not any(
            (self.name, self.company, self.phones, self.emails, self.address, self.title)
        )

    def label(self) -> str:
        """A short human label: 'name (company)', whichever parts exist."""
        if self.name and self.company:
            return f"{self.name}（{self.company}）"
        return self.name or self.company or "未具名名片"

    def phones_of(self, kind: PhoneKind) -> tuple[Phone, ...]:
        return tuple(p for p in self.phones if p.kind is kind)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields, with the card model's names (phones carry their `type`)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["phones"] = [
            {
                "type": str(p.kind),
                "number": p.number,
                "extension": p.extension,
                "national": p.national,
            }
            for p in self.phones
        ]
        data["emails"] = list(self.emails)
        data["uncertain_fields"] = list(self.uncertain_fields)
        return data


@dataclass(frozen=True, slots=True)
class Extraction:
    """What a reader produced for one photo; `source` names the reader (gemini, offline, cache)."""

    cards: tuple[Card, ...]
    source: str
    model: str | None = None
    cache_tier: str | None = None  # the cache tier that answered, None when freshly read


@dataclass(frozen=True, slots=True)
class SavedContact:
    """Where a card was saved: `url` opens it (a Notion page link or a local reference)."""

    contact_id: str
    url: str | None = None
    created: bool = True
    updated: bool = False  # an existing contact (the same person) was updated instead


@dataclass(frozen=True, slots=True)
class CardRef:
    """The stable identity of a card: image fingerprint plus its index within the photo."""

    image_sha256: str
    index: int = field(default=0)

    @property
    def card_id(self) -> str:
        return f"{self.image_sha256[:32]}-{self.index}"


@dataclass(frozen=True, slots=True)
class StoredContact:
    """A contact as a store holds it now (search, recent, corrections): its card and where it
    is. `notes` are the store's notes (grown by merges, corrections and chat notes)."""

    card: Card
    saved: SavedContact
    notes: str | None = None
