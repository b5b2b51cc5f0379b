"""Saves contacts as pages of a Notion database (API 2025-09-03, through its data source)."""

from __future__ import annotations

import asyncio
import logging
import math
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import httpx
from notion_client import RetryOptions
from notion_client.errors import HTTPResponseError, RequestTimeoutError
from notion_client.typing import SyncAsync
from pydantic import BaseModel, SecretStr, ValidationError

from namecard.cards.edits import CardField
from namecard.cards.model import Card, CardRef, SavedContact, StoredContact
from namecard.domain.errors import ConfigError, NamecardError, StoreError, TransientError
from namecard.domain.health import Problem, ProblemCode
from namecard.store.base import RECENT_LIMIT, SEARCH_LIMIT, SaveOutlook
from namecard.store.card_pages import CardPages, MemoryCardPages
from namecard.store.notion.budget import SaveBudget
from namecard.store.notion.client import Database, DataSource, open_client
from namecard.store.notion.directory import PersonDirectory
from namecard.store.notion.mapping import build_properties, missing_properties
from namecard.store.notion.merge import (
    duplicate_filter,
    merge,
    page_identities,
    person_identities,
    plain_values,
)
from namecard.store.notion.person_index import MemoryPersonIndex, PersonIndex
from namecard.store.notion.queries import NotionContacts
from namecard.store.notion.schema import PROPERTY_CARD_ID
from namecard.store.person_locks import KeyedLocks, MemoryPersonLocks, PersonLocks
from namecard.store.rate_limit import RateLimiter, TokenBucket
from namecard.store.user_contacts import MemoryUserContacts, UserContacts
from namecard.store.writer_stats import WriterStats

logger = logging.getLogger(__name__)
_Model = TypeVar("_Model", bound=BaseModel)

DEFAULT_RATE_PER_SECOND = 3.0  # Notion's documented average per integration
DEFAULT_BURST = 3
DEFAULT_INDEX_REFRESH_SECONDS = 120.0
SDK_MAX_RETRIES = 2  # the SDK retries only 429s (any method) and 500/503 on GET
SDK_MAX_RETRY_DELAY_MS = 10_000  # a longer Retry-After is the pipeline's retry to schedule
_SDK_LOGGER = f"{__name__}.sdk"
_TRANSIENT_CLIENT_ERRORS = frozenset({409, 429})
_REFUSED_UNPROCESSED = frozenset({409, 429, 529})
_MISSING = frozenset({400, 404})  # a page id Notion does not know (or cannot be one)
_CONFIG_HINTS = {
    401: "Notion refused the integration token (401): check NOTION_API_KEY.",
    403: "the Notion integration may not use database {db} (403): give it access to the "
    "database (… menu → Connections) with insert-content capability.",
    404: "Notion database {db} was not found (404): check NOTION_DATABASE_ID and share the "
    "database with the integration (… menu → Connections).",
}


class _SchemaMismatch(StoreError):
    """Notion refused the properties (400 validation_error): the schema may have changed."""


class _Page(BaseModel):
    id: str
    url: str | None = None


class NotionStore:
    """`start()` discovers the data source and its schema once; `save()` creates one page."""

    name = "notion"

    def __init__(
        self,
        *,
        api_key: SecretStr,
        database_id: str,
        base_url: str,
        timeout_seconds: float,
        max_retries: int = SDK_MAX_RETRIES,
        rate_per_second: float = DEFAULT_RATE_PER_SECOND,
        burst: int = DEFAULT_BURST,
        pages: CardPages | None = None,
        limiter: RateLimiter | None = None,
        merge_duplicates: bool = True,
        person_locks: PersonLocks | None = None,
        links: UserContacts | None = None,
        on_status: Callable[[int], None] | None = None,
        person_index: PersonIndex | None = None,
        index_refresh_seconds: float = DEFAULT_INDEX_REFRESH_SECONDS,
        phone_region: str = "TW",
    ) -> None:
        self._database_id = database_id
        self._pages: CardPages = pages or MemoryCardPages()
        self._card_locks = KeyedLocks()  # one save per card at a time in this process
        self._person_locks: PersonLocks = person_locks or MemoryPersonLocks()
        self._uncertain: set[str] = set()  # cards whose create may have happened unanswered
        self._merge_duplicates = merge_duplicates
        self.writer = WriterStats()
        self.problem: Problem | None = None  # a configuration problem Notion reported
        self._limiter: RateLimiter = limiter or TokenBucket(rate_per_second, burst)
        self._budget = SaveBudget(self._limiter)
        self._saving: Counter[str] = Counter()  # card id → saves of it running in this process
        self._region = phone_region
        self._directory = PersonDirectory(
            person_index or MemoryPersonIndex(), self._query, region=phone_region,
            refresh_seconds=index_refresh_seconds,
        )  # fmt: skip
        self._syncing: asyncio.Task[None] | None = None
        self._client = open_client(
            api_key, base_url=base_url, timeout_seconds=timeout_seconds, logger_name=_SDK_LOGGER,
            retry=RetryOptions(max_retries=max_retries, max_retry_delay_ms=SDK_MAX_RETRY_DELAY_MS),
            on_status=on_status,
        )  # fmt: skip
        self._data_source_id: str | None = None
        self._schema: dict[str, str] = {}
        self._links: UserContacts = links or MemoryUserContacts()
        self.contacts = NotionContacts(
            client=self._client, call=self._call, schema=lambda: self._schema,
            source=lambda: self._data_source_id,
            links=self._links,
        )  # fmt: skip

    async def start(self) -> None:
        database = await self._call(
            self._client.databases.retrieve(database_id=self._database_id), "read the database"
        )
        refs = _parse(Database, database, "database").data_sources
        if not refs:
            raise ConfigError(f"Notion database {self._database_id} has no data source")
        self._data_source_id = refs[0].id
        await self._load_schema()
        missing = missing_properties(self._schema)
        if missing:
            logger.warning(
                "Notion database %s lacks properties %s: those values go to the notes or are "
                "skipped; add them to the database to fill them",
                self._database_id,
                ", ".join(missing),
            )
        logger.info("Notion store ready: data source %s", self._data_source_id)
        if self._merge_duplicates and self._syncing is None:
            self._syncing = asyncio.create_task(self._directory.run(), name="person-index")

    async def save(self, card: Card, ref: CardRef, *, user_hash: str) -> SavedContact:
        if self._data_source_id is None:
            raise RuntimeError("NotionStore.start() must be awaited before save()")
        self._budget.claim(ref.card_id)
        self._saving[ref.card_id] += 1
        try:
            saved = await self._save_locked(card, ref, user_hash)
        finally:
            self._saving[ref.card_id] -= 1
            if not self._saving[ref.card_id]:
                del self._saving[ref.card_id]
        outcome = (
            "written" if saved.created else "updated" if saved.updated else "duplicates_avoided"
        )
        self.writer.counts[outcome] += 1
        return saved

    async def outlook(self, ref: CardRef) -> SaveOutlook:
        """A page known for this card answers at once; so does a save of it already running
        here ("saving"). Otherwise the save's first request is reserved now and the forecast
        counts one request for a person the index can place, two (query and create) before."""
        known = await self._pages.get(ref.card_id)
        if known is not None:
            return SaveOutlook(known=SavedContact(known.contact_id, known.url, created=False))
        if self._saving[ref.card_id]:
            return SaveOutlook(in_flight=True)
        if self._data_source_id is None:
            return SaveOutlook(seconds=math.inf)
        calls = 1 if self._directory.ready or not self._merge_duplicates else 2
        seconds, turn = await self._budget.forecast(ref.card_id, calls)
        return SaveOutlook(seconds=seconds, queued=turn)

    async def _save_locked(self, card: Card, ref: CardRef, user_hash: str) -> SavedContact:
        async with self._card_locks.hold(ref.card_id):
            with self.writer.saving():
                try:
                    saved = await self._save_once(card, ref, user_hash)
                except (ConfigError, StoreError):
                    self.writer.counts["failures"] += 1
                    raise
        await self._links.add(user_hash, saved.contact_id)
        return saved

    def stats(self) -> dict[str, Any]:
        return self.writer.describe(self._limiter.stats()) | {
            "person_index": self._directory.stats(),
            "recent_p95_seconds": round(self._budget.latency.p95(), 3),
        }

    # The chat side (store/notion/queries.py) ------------------------------------------------
    async def search(self, query: str, *, limit: int = SEARCH_LIMIT) -> list[StoredContact]:
        return await self.contacts.search(query, limit=limit)

    async def get(self, contact_id: str) -> StoredContact | None:
        return await self.contacts.get(contact_id)

    async def update_field(
        self, contact_id: str, field: CardField, value: str, *, stamp: str
    ) -> StoredContact | None:
        return await self.contacts.update_field(contact_id, field, value, stamp=stamp)

    async def append_note(self, contact_id: str, note: str, *, stamp: str) -> StoredContact | None:
        return await self.contacts.append_note(contact_id, note, stamp=stamp)

    async def archive(self, contact_id: str) -> bool:
        return await self.contacts.archive(contact_id)

    async def recent(self, user_hash: str, *, limit: int = RECENT_LIMIT) -> list[StoredContact]:
        return await self.contacts.recent(user_hash, limit=limit)

    async def forget_user(self, user_hash: str) -> int:
        return await self._links.forget(user_hash)

    async def _save_once(self, card: Card, ref: CardRef, user_hash: str) -> SavedContact:
        """The same card saved concurrently (one photo sent by several users) waits here for
        the first save and then finds its page instead of creating a second one."""
        known = await self._pages.get(ref.card_id) or await self._created_before(ref)
        if known is not None:
            logger.info("card %s of user %s already in Notion page %s", ref.card_id, user_hash,
                        known.contact_id)  # fmt: skip
            return SavedContact(known.contact_id, known.url, created=False)
        if not self._merge_duplicates:
            return await self._create(card, ref, user_hash)
        # Two photos of one person (from two users, say) must not both look before either
        # page exists: the look-up and the create go one person at a time, across processes.
        async with self._person_locks.hold(person_identities(card)):
            same_person = await self._find_same_person(card)
            if same_person is None:
                return await self._create(card, ref, user_hash)
            saved = await self._update_same_person(same_person, card)
            await self._pages.remember(ref.card_id, saved)
            return saved

    async def _create(self, card: Card, ref: CardRef, user_hash: str) -> SavedContact:
        try:
            page = await self._create_page(card, ref)
        except TransientError as exc:
            if _maybe_created(exc):
                self._uncertain.add(ref.card_id)  # it may exist: look before creating again
            raise
        except _SchemaMismatch:
            # Someone may have edited the database since start: re-read it and retry once.
            schema = self._schema
            await self._load_schema()
            if self._schema == schema:
                raise
            page = await self._create_page(card, ref)
        logger.info("card %s of user %s saved to Notion page %s", ref.card_id, user_hash, page.id)
        saved = SavedContact(contact_id=page.id, url=page.url, created=True)
        await self._pages.remember(ref.card_id, saved)
        self._uncertain.discard(ref.card_id)
        return saved

    async def _find_same_person(self, card: Card) -> dict[str, Any] | None:
        """A page with the card's e-mail or one of its mobiles: the same person seen before.
        The index answers without a request; a hit is confirmed by reading the page (it may
        have been edited or trashed by hand since), and a failed confirmation, or an index
        not built yet, asks Notion with a query."""
        query_filter = duplicate_filter(card, self._schema)
        if query_filter is None:
            return None
        identities = person_identities(card)
        answered, page_id = await self._directory.find(identities)
        if answered and page_id is None:
            return None
        if page_id is not None:
            page = await self._confirmed(page_id, identities)
            if page is not None:
                return page
        body = await self._query({"filter": query_filter, "page_size": 1})
        results = body.get("results")
        found = results[0] if results and isinstance(results[0], dict) else None
        if found is not None:
            await self._directory.learned(found)
        return found

    async def _confirmed(self, page_id: str, identities: list[str]) -> dict[str, Any] | None:
        try:
            page = await self._call(self._client.pages.retrieve(page_id=page_id), "read the page")
        except StoreError:  # 404: deleted, or no longer shared with the integration
            await self._directory.learned({"id": page_id, "in_trash": True})
            return None
        if not isinstance(page, dict):
            return None
        await self._directory.learned(page)
        gone = page.get("in_trash") or page.get("archived")
        if gone or not set(identities) & set(page_identities(page, self._region)):
            return None
        return page

    async def _query(self, body: dict[str, Any]) -> dict[str, Any]:
        """One query of the data source (the directory reads the whole source through it)."""
        answer = await self._call(
            self._client.data_sources.query(data_source_id=str(self._data_source_id), **body),
            "query the database",
        )
        return answer if isinstance(answer, dict) else {}

    async def _update_same_person(self, page: dict[str, Any], card: Card) -> SavedContact:
        properties, _ = build_properties(card, self._schema)
        update = merge(plain_values(page), properties, stamp=date.today().isoformat())
        found = _parse(_Page, page, "page")
        if update:
            answer = await self._call(
                self._client.pages.update(page_id=found.id, properties=update), "update the page"
            )
            if isinstance(answer, dict):
                await self._directory.learned(answer)
        logger.info("card matched page %s: %d properties updated", found.id, len(update))
        return SavedContact(found.id, found.url, created=False, updated=bool(update))

    async def _created_before(self, ref: CardRef) -> SavedContact | None:
        """After a create whose outcome is unknown (timeout, 5xx), find the page by its Card ID
        instead of creating a second one. Needs the database's `Card ID` property."""
        if ref.card_id not in self._uncertain or self._schema.get(PROPERTY_CARD_ID) != "rich_text":
            return None
        body = await self._call(
            self._client.data_sources.query(
                data_source_id=str(self._data_source_id),
                filter={"property": PROPERTY_CARD_ID, "rich_text": {"equals": ref.card_id}},
                page_size=1,
            ),
            "look up the card",
        )
        self._uncertain.discard(ref.card_id)
        results = body.get("results") if isinstance(body, dict) else None
        if not results:
            return None
        page = _parse(_Page, results[0], "page")
        found = SavedContact(contact_id=page.id, url=page.url, created=False)
        await self._pages.remember(ref.card_id, found)
        logger.info("card %s was created before its answer was lost: page %s", ref.card_id, page.id)
        return found

    async def aclose(self) -> None:
        if self._syncing is not None:
            self._syncing.cancel()
        await self._client.aclose()

    async def _load_schema(self) -> None:
        source = await self._call(
            self._client.data_sources.retrieve(data_source_id=str(self._data_source_id)),
            "read the database schema",
        )
        properties = _parse(DataSource, source, "data source").properties
        self._schema = {name: config.type for name, config in properties.items()}

    async def _create_page(self, card: Card, ref: CardRef) -> _Page:
        properties, skipped = build_properties(card, self._schema)
        if self._schema.get(PROPERTY_CARD_ID) == "rich_text":
            properties[PROPERTY_CARD_ID] = {"rich_text": [{"text": {"content": ref.card_id}}]}
        if skipped:
            logger.info("card %s: properties not written: %s", ref.card_id, ", ".join(skipped))
        body = await self._call(
            self._client.pages.create(
                parent={"data_source_id": self._data_source_id}, properties=properties
            ),
            "create the page",
        )
        page = _parse(_Page, body, "page")
        await self._directory.learned(body)
        return page

    async def _call(self, pending: SyncAsync[Any], action: str, *, missing_ok: bool = False) -> Any:
        """`missing_ok`: a page Notion does not know answers None (not a configuration error)."""
        with self.writer.waiting_for_budget():
            await self._budget.acquire()  # the request is only sent when `pending` is awaited
        try:
            with self._budget.timed():
                answer = await pending
        except HTTPResponseError as exc:
            if missing_ok and exc.status in _MISSING:
                return None
            self.writer.error(exc.status)
            raise self._translate(exc, action) from exc
        except (RequestTimeoutError, httpx.HTTPError) as exc:
            self.writer.error(None)
            raise self._translate(exc, action) from exc
        self.problem = None  # Notion accepted a call: its configuration works (again)
        return answer

    def _translate(self, exc: Exception, action: str) -> NamecardError:
        if not isinstance(exc, HTTPResponseError):
            logger.warning("Notion unreachable trying to %s: %s", action, type(exc).__name__)
            return TransientError(f"Notion did not answer ({type(exc).__name__}) to {action}")
        detail = f"Notion answered {exc.status} {exc.code} to {action}"
        hint = _CONFIG_HINTS.get(exc.status)
        if hint is not None:
            sentence = hint.format(db=self._database_id)
            logger.error("%s", sentence)
            # surfaced in /health and /stats until a save succeeds
            self.problem = Problem(ProblemCode.CONTACT_STORE_CONFIG, sentence)
            return ConfigError(sentence)
        if exc.status >= 500 or exc.status in _TRANSIENT_CLIENT_ERRORS:
            retry_after = _seconds(exc.headers.get("retry-after"))
            logger.warning("%s (retry after %s s)", detail, retry_after or "?")
            error = TransientError(detail)
            error.retry_after = retry_after
            return error
        logger.error("%s: %s", detail, exc)
        if exc.code == "validation_error":
            return _SchemaMismatch(f"{detail}: {exc}")
        return StoreError(f"{detail}: {exc}")


def _maybe_created(exc: TransientError) -> bool:
    """A timeout, a lost connection or a 5xx may hide a page Notion created anyway; a 409,
    429 or 529 refusal did not create anything."""
    cause = exc.__cause__
    return not (isinstance(cause, HTTPResponseError) and cause.status in _REFUSED_UNPROCESSED)


def _seconds(header: str | None) -> float | None:
    try:
        return float(header) if header else None
    except ValueError:
        return None


def _parse(model: type[_Model], body: Any, what: str) -> _Model:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise StoreError(f"unexpected Notion {what} object: {exc.error_count()} errors") from exc
