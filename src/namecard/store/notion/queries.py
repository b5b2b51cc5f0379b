"""The Notion store's chat side: search, a contact again, corrections, notes, trash, recent.

Every call goes through the writer's `_call` (the shared rate limit, errors translated), so a
search waits its turn with the saves like any other Notion request. A search reads at most
MAX_SEARCH_PAGES pages of results (100 contacts each) and ranks them here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from notion_client import AsyncClient
from notion_client.typing import SyncAsync

from namecard.cards.edits import CardField, corrected, field_value
from namecard.cards.model import StoredContact
from namecard.domain.errors import StoreError
from namecard.domain.labels import FIELD_LABELS
from namecard.domain.notes import appended_note, corrected_notes, replaced_value
from namecard.store.notion import contacts
from namecard.store.notion.mapping import PROPERTY_NOTES, rich_text
from namecard.store.ranking import ranked
from namecard.store.user_contacts import UserContacts

logger = logging.getLogger(__name__)

MAX_SEARCH_PAGES = 3
PAGE_SIZE = 100
_LABELS = {
    CardField.NAME: FIELD_LABELS["name"],
    CardField.COMPANY: FIELD_LABELS["company"],
    CardField.TITLE: FIELD_LABELS["title"],
    CardField.PHONE: FIELD_LABELS["phones"],
    CardField.EMAIL: FIELD_LABELS["emails"],
    CardField.ADDRESS: FIELD_LABELS["address"],
}


class _Calls(Protocol):
    async def __call__(
        self, pending: SyncAsync[Any], action: str, *, missing_ok: bool = False
    ) -> Any: ...


class NotionContacts:
    """What the chat asks of the Notion database; `schema` and `source` are read when called
    (the writer learns them at start and again after a schema change)."""

    def __init__(
        self,
        *,
        client: AsyncClient,
        call: _Calls,
        schema: Callable[[], Mapping[str, str]],
        source: Callable[[], str | None],
        links: UserContacts,
    ) -> None:
        self._client = client
        self._call = call
        self._current_schema = schema
        self._current_source = source
        self._links = links

    @property
    def _schema(self) -> Mapping[str, str]:
        return self._current_schema()

    async def search(self, query: str, *, limit: int) -> list[StoredContact]:
        query_filter = contacts.search_filter(query, self._schema)
        source = self._current_source()
        if query_filter is None or source is None:
            return []
        found: list[StoredContact] = []
        cursor: str | None = None
        for _ in range(MAX_SEARCH_PAGES):
            body = await self._call(
                self._client.data_sources.query(
                    data_source_id=source, filter=query_filter, page_size=PAGE_SIZE,
                    **({"start_cursor": cursor} if cursor else {}),
                ),
                "search contacts",
            )  # fmt: skip
            found += [contacts.stored_contact(page, self._schema) for page in _results(body)]
            cursor = body.get("next_cursor") if isinstance(body, dict) else None
            if not cursor or not body.get("has_more"):
                break
        return ranked(found, query, limit)

    async def get(self, contact_id: str) -> StoredContact | None:
        page = await self._page(contact_id)
        return None if page is None else contacts.stored_contact(page, self._schema)

    async def update_field(
        self, contact_id: str, field: CardField, value: str, *, stamp: str
    ) -> StoredContact | None:
        current = await self.get(contact_id)
        if current is None:
            return None
        card = corrected(current.card, field, value)
        properties, displaced = contacts.field_update(card, field, self._schema)
        old = field_value(current.card, field)
        changed = old is not None and old != field_value(card, field)
        replaced = [replaced_value(_LABELS[field], old)] if old and changed else []
        notes = corrected_notes(current.notes, replaced, stamp)
        if displaced:
            notes = appended_note(notes or current.notes, displaced, stamp)
        if notes is not None and self._schema.get(PROPERTY_NOTES) == "rich_text":
            properties[PROPERTY_NOTES] = {"rich_text": rich_text(notes)}
        return await self._update(contact_id, properties, "correct the contact")

    async def append_note(self, contact_id: str, note: str, *, stamp: str) -> StoredContact | None:
        current = await self.get(contact_id)
        if current is None:
            return None
        if self._schema.get(PROPERTY_NOTES) != "rich_text":
            raise StoreError(f"the Notion database has no rich text {PROPERTY_NOTES} property")
        notes = appended_note(current.notes, note, stamp)
        properties = {PROPERTY_NOTES: {"rich_text": rich_text(notes)}}
        return await self._update(contact_id, properties, "add a note")

    async def archive(self, contact_id: str) -> bool:
        if await self._page(contact_id) is None:
            return False
        await self._call(
            self._client.pages.update(page_id=contact_id, in_trash=True), "move the page to trash"
        )
        logger.info("Notion page %s moved to the trash from the chat", contact_id)
        return True

    async def recent(self, user_hash: str, *, limit: int) -> list[StoredContact]:
        ids = await self._links.newest(user_hash, limit * 2)
        found = await asyncio.gather(*(self.get(contact_id) for contact_id in ids))
        return [contact for contact in found if contact is not None][:limit]

    async def _page(self, contact_id: str) -> dict[str, Any] | None:
        page = await self._call(
            self._client.pages.retrieve(page_id=contact_id), "read a page", missing_ok=True
        )
        if not isinstance(page, dict) or contacts.is_gone(page):
            return None
        return page

    async def _update(
        self, contact_id: str, properties: dict[str, Any], action: str
    ) -> StoredContact:
        page = await self._call(
            self._client.pages.update(page_id=contact_id, properties=properties), action
        )
        return contacts.stored_contact(page, self._schema)


def _results(body: Any) -> list[dict[str, Any]]:
    results = body.get("results") if isinstance(body, dict) else None
    return [page for page in results or [] if isinstance(page, dict)]
