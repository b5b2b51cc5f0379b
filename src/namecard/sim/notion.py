"""Notion API emulator (version 2025-09-03): databases, data sources, pages, limits and faults."""

from __future__ import annotations

import asyncio
import copy
import json
import math
import threading
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from quart import Quart, request

from namecard.sim.notion_errors import (
    JsonDict,
    NotionApiError,
    not_found,
    parse_uuid,
    validation_error,
)
from namecard.sim.notion_objects import (
    Database,
    DataSource,
    data_source_object,
    database_object,
    iso_now,
    page_object,
)
from namecard.sim.notion_properties import property_config, validate_properties
from namecard.sim.notion_queries import compile_filter, page_values, sort_pages
from namecard.sim.notion_schema_update import reshape_page, update_schema

__all__ = [
    "API_VERSION",
    "NotionApiError",
    "NotionEmulator",
    "RecordedCall",
    "page_values",
    "validation_error",
]

API_VERSION = "2025-09-03"
ENDPOINTS = ("create", "query", "retrieve", "update")
RATE_LIMIT_REASON = "connection_rate_limit"
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class RecordedCall:
    endpoint: str
    method: str
    path: str
    status: int
    at: float
    query_filter: Any = None  # a query's `filter`, to tell a look-up from a listing


@dataclass(slots=True)
class _Fault:
    status: int
    code: str
    remaining: int


class NotionEmulator:
    """In-memory Notion: `create_app()` serves it; the other public methods drive it from tests.

    State is shared between the serving thread and the test thread, hence the lock. Queries
    return pages in creation order, or as timestamp `sorts` ask; property sorts are ignored."""

    def __init__(
        self,
        *,
        tokens: Collection[str] | None = None,
        rate_limit_per_second: float | None = 3.0,
        burst: int = 10,
        latency: float = 0.0,
    ) -> None:
        self.tokens = frozenset(tokens) if tokens is not None else None
        self.rate_limit_per_second = rate_limit_per_second
        self.burst = burst
        self.latency = latency
        self._lock = threading.RLock()
        self._clear()

    def _clear(self) -> None:
        self._databases: dict[str, Database] = {}
        self._data_sources: dict[str, DataSource] = {}
        self._pages: dict[str, JsonDict] = {}
        self._calls: list[RecordedCall] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._outages: dict[str, tuple[float, int, str]] = {}
        self._storm: tuple[int, int, str, int] = (0, 0, "", 0)
        self._storm_count = 0
        self._lost_creates = 0
        self._buckets: dict[str, tuple[float, float]] = {}

    # ---- control API (test thread) ----

    def reset(self) -> None:
        """Forget every database, page, recorded call, pending fault and rate-limit bucket."""
        with self._lock:
            self._clear()

    def add_database(
        self, properties: Mapping[str, str | JsonDict], *, title: str = "Contacts"
    ) -> tuple[str, str]:
        """A database with one data source; a property is a type name or a full config dict."""
        with self._lock:
            database = Database(str(uuid.uuid4()), title, iso_now())
            self._databases[database.id] = database
            return database.id, self.add_data_source(database.id, properties, name=title)

    def add_data_source(
        self, database_id: str, properties: Mapping[str, str | JsonDict], *, name: str = "Data"
    ) -> str:
        schema = {key: property_config(key, spec) for key, spec in properties.items()}
        if sum(1 for config in schema.values() if config["type"] == "title") != 1:
            raise ValueError("a data source needs exactly one title property")
        with self._lock:
            source = DataSource(str(uuid.uuid4()), database_id, name, schema, iso_now())
            self._data_sources[source.id] = source
            self._databases[database_id].data_source_ids.append(source.id)
            return source.id

    def set_property(self, data_source_id: str, name: str, spec: str | JsonDict | None) -> None:
        """Adds, retypes or (spec None) deletes a property, as a user editing the database."""
        with self._lock:
            properties = self._data_sources[data_source_id].properties
            if spec is None:
                properties.pop(name, None)
            else:
                properties[name] = property_config(name, spec)

    def contact_database(self) -> tuple[str, str]:
        """The schema existing users of the bot have (ten properties, 決策影響力 高/中/低)."""
        influence = {"type": "select", "select": {"options": [{"name": n} for n in "高中低"]}}
        return self.add_database(
            {
                "Name": "title",
                "公司名稱": "rich_text",
                "部門": "rich_text",
                "職稱": "select",
                "決策影響力": influence,
                "Email": "email",
                "電話": "phone_number",
                "地址": "rich_text",
                "取得聯繫來源": "rich_text",
                "聯繫注意事項": "rich_text",
            }
        )

    def schema(self, data_source_id: str) -> dict[str, JsonDict]:
        with self._lock:
            return copy.deepcopy(self._data_sources[data_source_id].properties)

    def pages(self, data_source_id: str) -> list[JsonDict]:
        with self._lock:
            return [
                copy.deepcopy(page)
                for page in self._pages.values()
                if page["parent"]["data_source_id"] == data_source_id
            ]

    @staticmethod
    def page_values(page: Mapping[str, Any]) -> dict[str, Any]:
        return page_values(page)

    @property
    def calls(self) -> list[RecordedCall]:
        with self._lock:
            return list(self._calls)

    def fail_next(self, endpoint: str, status: int, code: str, times: int = 1) -> None:
        """The next `times` requests to `endpoint` (create, query, retrieve = any GET,
        update = any PATCH) answer `status`/`code` instead of being processed."""
        if endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint must be one of {ENDPOINTS}")
        with self._lock:
            self._faults.setdefault(endpoint, []).append(_Fault(status, code, times))

    def fail_for(self, endpoint: str, seconds: float, status: int, code: str) -> None:
        """Every request to `endpoint` answers `status`/`code` for `seconds` (an outage)."""
        if endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint must be one of {ENDPOINTS}")
        with self._lock:
            self._outages[endpoint] = (time.monotonic() + seconds, status, code)

    def fail_every(self, nth: int, status: int, code: str, *, retry_after: int = 1) -> None:
        """Every `nth` request (any endpoint) answers `status`/`code` with Retry-After, like a
        storm of rate limits; nth 0 ends the storm."""
        with self._lock:
            self._storm = (nth, status, code, retry_after)
            self._storm_count = 0

    def edit_page(self, page_id: str, properties: Mapping[str, Any]) -> None:
        """A person edits a page in Notion: `properties` as the API's update takes them; its
        `last_edited_time` moves to now."""
        with self._lock:
            self._update_page({"properties": dict(properties)}, page_id)

    def lose_next_create_response(self, times: int = 1) -> None:
        """The next `times` creates DO create the page but answer 504 gateway_timeout."""
        with self._lock:
            self._lost_creates += times

    # ---- HTTP ----

    def create_app(self) -> Quart:
        app = Quart(__name__)
        routes: tuple[tuple[str, str, str, Callable[..., JsonDict]], ...] = (
            ("/v1/databases/<database_id>", "GET", "retrieve", self._get_database),
            ("/v1/data_sources/<data_source_id>", "GET", "retrieve", self._get_data_source),
            ("/v1/data_sources/<data_source_id>", "PATCH", "update", self._update_data_source),
            ("/v1/data_sources/<data_source_id>/query", "POST", "query", self._query),
            ("/v1/pages", "POST", "create", self._create_page),
            ("/v1/pages/<page_id>", "GET", "retrieve", self._get_page),
            ("/v1/pages/<page_id>", "PATCH", "update", self._update_page),
        )
        for rule, method, endpoint, handler in routes:
            view = self._view(endpoint, handler)
            app.add_url_rule(rule, f"{endpoint}_{handler.__name__}", view, methods=[method])

        async def bad_url(_: Exception) -> tuple[JsonDict, int]:
            error = NotionApiError(400, "invalid_request_url", "Invalid request URL.")
            return error.body(str(uuid.uuid4())), 400

        app.register_error_handler(404, bad_url)
        app.register_error_handler(405, bad_url)
        return app

    def _view(self, endpoint: str, handler: Callable[..., JsonDict]) -> Callable[..., Any]:
        async def view(**params: str) -> tuple[JsonDict, int, dict[str, str]]:
            request_id = str(uuid.uuid4())
            body: JsonDict = {}
            if self.latency > 0:
                await asyncio.sleep(self.latency)
            try:
                self._admit(endpoint)
                body = await _json_body() if request.method in ("POST", "PATCH") else {}
                with self._lock:
                    answer = handler(body, **params)
                answer["request_id"] = request_id
                status, headers = 200, {}
            except NotionApiError as exc:
                answer, status, headers = exc.body(request_id), exc.status, exc.headers
            with self._lock:
                call = RecordedCall(
                    endpoint,
                    request.method,
                    request.path,
                    status,
                    time.time(),
                    body.get("filter") if endpoint == "query" else None,
                )
                self._calls.append(call)
            return answer, status, headers

        return view

    def _admit(self, endpoint: str) -> None:
        token = self._authenticate()
        if not request.headers.get("Notion-Version"):
            raise NotionApiError(
                400,
                "missing_version",
                "Notion-Version header failed validation: Notion-Version header should be "
                "defined, instead was `undefined`.",
            )
        with self._lock:
            self._take_rate_token(token)
            self._take_fault(endpoint)

    def _authenticate(self) -> str:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        known = self.tokens is None or token in self.tokens
        if scheme.lower() != "bearer" or not token or not known:
            raise NotionApiError(401, "unauthorized", "API token is invalid.")
        return token

    def _take_rate_token(self, token: str) -> None:
        rate = self.rate_limit_per_second
        if rate is None or rate <= 0:
            return
        now = time.monotonic()
        tokens, last = self._buckets.get(token, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * rate)
        if tokens < 1.0:
            self._buckets[token] = (tokens, now)
            retry_after = max(1, math.ceil((1.0 - tokens) / rate))
            raise NotionApiError(
                429,
                "rate_limited",
                "You have been rate limited. Please try again in a few minutes.",
                headers={"Retry-After": str(retry_after)},
                additional_data={"rate_limit_reason": RATE_LIMIT_REASON},
            )
        self._buckets[token] = (tokens - 1.0, now)

    def _take_fault(self, endpoint: str) -> None:
        nth, storm_status, storm_code, retry_after = self._storm
        if nth:
            self._storm_count += 1
            if self._storm_count % nth == 0:
                raise NotionApiError(
                    storm_status, storm_code, "Injected storm.",
                    headers={"Retry-After": str(retry_after)},
                )  # fmt: skip
        until, status, code = self._outages.get(endpoint, (0.0, 0, ""))
        if time.monotonic() < until:
            raise NotionApiError(status, code, f"Injected outage {status} {code}.")
        queue = self._faults.get(endpoint)
        if not queue:
            return
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        raise NotionApiError(
            fault.status, fault.code, f"Injected failure {fault.status} {fault.code}."
        )

    # ---- handlers (called with the lock held) ----

    def _get_database(self, _: JsonDict, database_id: str) -> JsonDict:
        database = self._database(database_id)
        return database_object(database, [self._data_sources[i] for i in database.data_source_ids])

    def _get_data_source(self, _: JsonDict, data_source_id: str) -> JsonDict:
        return data_source_object(self._data_source(data_source_id))

    def _update_data_source(self, body: JsonDict, data_source_id: str) -> JsonDict:
        """Schema changes only (`properties`); existing pages follow the new schema."""
        source = self._data_source(data_source_id)
        if "properties" in body:
            update_schema(source.properties, body["properties"])
            for page in self._pages.values():
                if page["parent"]["data_source_id"] == source.id:
                    page["properties"] = reshape_page(source.properties, page["properties"])
        return data_source_object(source)

    def _query(self, body: JsonDict, data_source_id: str) -> JsonDict:
        source = self._data_source(data_source_id)
        matches = compile_filter(source.properties, body.get("filter"))
        size = body.get("page_size", MAX_PAGE_SIZE)
        if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_PAGE_SIZE:
            raise validation_error(
                f"body failed validation: body.page_size should be ≤ `100`, instead was `{size}`."
            )
        results = sort_pages(
            [
                page
                for page in self._pages.values()
                if page["parent"]["data_source_id"] == source.id
                and not page["in_trash"]
                and matches(page)
            ],
            body.get("sorts"),
        )
        start = _cursor_index(results, body.get("start_cursor"))
        chunk = results[start : start + size]
        more = start + size < len(results)
        return {
            "object": "list",
            "results": copy.deepcopy(chunk),
            "next_cursor": results[start + size]["id"] if more else None,
            "has_more": more,
            "type": "page_or_data_source",
            "page_or_data_source": {},
        }

    def _create_page(self, body: JsonDict) -> JsonDict:
        source = self._parent_data_source(body.get("parent"))
        raw = body.get("properties", {})
        values = validate_properties(source.properties, raw)
        page_id = str(uuid.uuid4())
        page = page_object(page_id, source, values)
        self._pages[page_id] = page
        if self._lost_creates > 0:
            self._lost_creates -= 1
            raise NotionApiError(504, "gateway_timeout", "Gateway timeout.")
        return copy.deepcopy(page)

    def _get_page(self, _: JsonDict, page_id: str) -> JsonDict:
        return copy.deepcopy(self._page(page_id))

    def _update_page(self, body: JsonDict, page_id: str) -> JsonDict:
        page = self._page(page_id)
        source = self._data_sources[page["parent"]["data_source_id"]]
        values = validate_properties(source.properties, body.get("properties", {}))
        page["properties"].update(values)
        for flag in ("in_trash", "archived"):
            if isinstance(body.get(flag), bool):
                page["in_trash"] = page["archived"] = body[flag]
        page["last_edited_time"] = iso_now()
        return copy.deepcopy(page)

    # ---- lookups ----

    def _database(self, raw_id: str) -> Database:
        key = parse_uuid(raw_id, "database_id")
        if key not in self._databases:
            raise not_found("database", raw_id)
        return self._databases[key]

    def _data_source(self, raw_id: str) -> DataSource:
        key = parse_uuid(raw_id, "data_source_id")
        if key not in self._data_sources:
            raise not_found("data_source", raw_id)
        return self._data_sources[key]

    def _page(self, raw_id: str) -> JsonDict:
        key = parse_uuid(raw_id, "page_id")
        if key not in self._pages:
            raise not_found("page", raw_id)
        return self._pages[key]

    def _parent_data_source(self, parent: Any) -> DataSource:
        if isinstance(parent, dict) and isinstance(parent.get("data_source_id"), str):
            return self._data_source(parent["data_source_id"])
        if isinstance(parent, dict) and isinstance(parent.get("database_id"), str):
            database = self._database(parent["database_id"])
            if len(database.data_source_ids) != 1:
                raise validation_error(
                    "Databases with multiple data sources are not supported in this API "
                    "version. Use a data_source_id parent instead."
                )
            return self._data_sources[database.data_source_ids[0]]
        raise validation_error(
            "body failed validation: body.parent.data_source_id should be defined, "
            "instead was `undefined`."
        )


async def _json_body() -> JsonDict:
    raw = await request.get_data(as_text=True)
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError as exc:
        raise NotionApiError(400, "invalid_json", "Error parsing JSON body.") from exc
    if not isinstance(body, dict):
        raise NotionApiError(400, "invalid_json", "Error parsing JSON body.")
    return body


def _cursor_index(results: list[JsonDict], cursor: Any) -> int:
    if cursor is None:
        return 0
    for index, page in enumerate(results):
        if page["id"] == cursor:
            return index
    raise validation_error(f"start_cursor provided is invalid: {cursor}")
