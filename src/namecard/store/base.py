"""The protocol every contact store implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from namecard.cards.edits import CardField
from namecard.cards.model import Card, CardRef, SavedContact, StoredContact
from namecard.domain.health import Problem

SEARCH_LIMIT = 10  # matches shown for one search (a carousel holds 12)
RECENT_LIMIT = 5


@dataclass(frozen=True, slots=True)
class SaveOutlook:
    """What a reply may expect of a card's save, asked just before the save starts."""

    known: SavedContact | None = None  # the card's page exists: answer with its link at once
    in_flight: bool = False  # an earlier save of this card runs: answer "saving" at once
    seconds: float = 0.0  # when a save started now is predicted to be done
    queued: float = 0.0  # how long its first request waits behind saves promised earlier


class ContactStore(Protocol):
    """Saves contacts, and finds and edits them again from the chat. `start` runs once at boot
    (schema discovery); every call raises StoreError, TransientError or ConfigError from
    namecard.domain.errors, never an SDK exception. Contact ids are the store's own (a Notion
    page id, a local row number); users are `hash_user` pseudonyms."""

    name: str
    problem: Problem | None  # a configuration problem it reported (for /health), else None

    async def start(self) -> None: ...

    async def save(self, card: Card, ref: CardRef, *, user_hash: str) -> SavedContact: ...

    async def search(self, query: str, *, limit: int = SEARCH_LIMIT) -> list[StoredContact]:
        """Contacts whose name, company, e-mail or phone digits hold `query` (width, case and
        Traditional/Simplified folded), best first."""

    async def get(self, contact_id: str) -> StoredContact | None:
        """The contact as stored now; None when it is gone (archived, deleted, unknown)."""

    async def update_field(
        self, contact_id: str, field: CardField, value: str, *, stamp: str
    ) -> StoredContact | None:
        """Set one field (normalised); the old value is kept in the notes under `stamp` (a
        date), as a merge keeps it. None when the contact is gone."""

    async def append_note(self, contact_id: str, note: str, *, stamp: str) -> StoredContact | None:
        """Add `stamp note` to the contact's notes. None when the contact is gone."""

    async def archive(self, contact_id: str) -> bool:
        """Remove the contact from view (Notion: to the trash, never a hard delete; the local
        book: the row is deleted). False when it was already gone."""

    async def recent(self, user_hash: str, *, limit: int = RECENT_LIMIT) -> list[StoredContact]:
        """The contacts this user saved last, newest first (those still there)."""

    async def forget_user(self, user_hash: str) -> int:
        """Forget which contacts this user saved (the contacts stay); the links removed."""

    async def outlook(self, ref: CardRef) -> SaveOutlook:
        """Asked by a reply before it starts the card's save: whether waiting for it is worth
        it. A store with a shared request budget reserves the save's first request here."""

    def stats(self) -> dict[str, Any]:
        """What its writer is doing, for /stats (empty when there is nothing to tell)."""

    async def aclose(self) -> None: ...
