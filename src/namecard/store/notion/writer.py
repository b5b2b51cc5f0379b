"""Saves contacts as pages of a Notion database (API 2025-09-03, through its data source)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, TypeVar

import httpx
from notion_client import RetryOptions
from notion_client.errors import HTTPResponseError, RequestTimeoutError
from notion_client.typing import SyncAsync
from pydantic import BaseModel, SecretStr, ValidationError

from namecard.cards.model import Card, CardRef, SavedContact
from namecard.domain.errors import ConfigError, NamecardError, StoreError, TransientError
from namecard.domain.health import Problem, ProblemCode
from namecard.store.card_pages import CardPages, MemoryCardPages
from namecard.store.notion.client import Database, DataSource, open_client
from namecard.store.notion.mapping import build_properties, missing_properties
from namecard.store.notion.merge import duplicate_filter, merge, person_identities, plain_values
from namecard.store.notion.schema import PROPERTY_CARD_ID
from namecard.store.person_locks import KeyedLocks, MemoryPersonLocks, PersonLocks
from namecard.store.rate_limit import RateLimiter, TokenBucket
from namecard.store.writer_stats import WriterStats

logger = logging.getLogger(__name__)
_Model = TypeVar("_Model", bound=BaseModel)

DEFAULT_RATE_PER_SECOND = 3.0  # Notion's documented average per integration
DEFAULT_BURST = 3
SDK_MAX_RETRIES = 2  # the SDK retries only 429s (any method) and 500/503 on GET
SDK_MAX_RETRY_DELAY_MS = 10_000  # a longer Retry-After is the pipeline's retry to schedule
_SDK_LOGGER = f"{__name__}.sdk"
_TRANSIENT_CLIENT_ERRORS = frozenset({409, 429})
_REFUSED_UNPROCESSED = frozenset({409, 429, 529})
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
        self._client = open_client(
            api_key, base_url=base_url, timeout_seconds=timeout_seconds, logger_name=_SDK_LOGGER,
            retry=RetryOptions(max_retries=max_retries, max_retry_delay_ms=SDK_MAX_RETRY_DELAY_MS),
        )  # fmt: skip
        self._data_source_id: str | None = None
        self._schema: dict[str, str] = {}

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

    async def save(self, card: Card, ref: CardRef, *, user_hash: str) -> SavedContact:
        if self._data_source_id is None:
            raise RuntimeError("NotionStore.start() must be awaited before save()")
        async with self._card_locks.hold(ref.card_id):
            with self.writer.saving():
                try:
                    saved = await self._save_once(card, ref, user_hash)
                except (ConfigError, StoreError):
                    self.writer.counts["failures"] += 1
                    raise
        outcome = (
            "written" if saved.created else "updated" if saved.updated else "duplicates_avoided"
        )
        self.writer.counts[outcome] += 1
        return saved

    def stats(self) -> dict[str, Any]:
        return self.writer.describe(self._limiter.stats())

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
        """A page with the card's e-mail or one of its phones: the same person seen before."""
        query_filter = duplicate_filter(card, self._schema)
        if query_filter is None:
            return None
        body = await self._call(
            self._client.data_sources.query(
                data_source_id=str(self._data_source_id), filter=query_filter, page_size=1
            ),
            "look for the same person",
        )
        results = body.get("results") if isinstance(body, dict) else None
        return results[0] if results and isinstance(results[0], dict) else None

    async def _update_same_person(self, page: dict[str, Any], card: Card) -> SavedContact:
        properties, _ = build_properties(card, self._schema)
        update = merge(plain_values(page), properties, stamp=date.today().isoformat())
        found = _parse(_Page, page, "page")
        if update:
            await self._call(
                self._client.pages.update(page_id=found.id, properties=update), "update the page"
            )
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
        return _parse(_Page, body, "page")

    async def _call(self, pending: SyncAsync[Any], action: str) -> Any:
        with self.writer.waiting_for_budget():
            await self._limiter.acquire()  # the request is only sent when `pending` is awaited
        try:
            answer = await pending
        except (HTTPResponseError, RequestTimeoutError, httpx.HTTPError) as exc:
            self.writer.error(exc.status if isinstance(exc, HTTPResponseError) else None)
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
