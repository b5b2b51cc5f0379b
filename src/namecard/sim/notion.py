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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from quart import Quart, request

API_VERSION = "2025-09-03"
ENDPOINTS = ("create", "query", "retrieve", "update")
RATE_LIMIT_REASON = "connection_rate_limit"
MAX_PAGE_SIZE = 100
BOT_USER_ID = "4f0c1a1e-0000-4000-8000-00000000b07e"
_NOT_SHARED = "Make sure the relevant pages and databases are shared with your integration."

JsonDict = dict[str, Any]


class NotionApiError(Exception):
    """An error answer: becomes `{"object": "error", ...}` with `status` and optional headers."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        additional_data: JsonDict | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})
        self.additional_data = additional_data

    def body(self, request_id: str) -> JsonDict:
        body: JsonDict = {"object": "error", "status": self.status, "code": self.code}
        body.update(message=self.message, request_id=request_id)
        if self.additional_data is not None:
            body["additional_data"] = self.additional_data
        return body


def validation_error(message: str) -> NotionApiError:
    return NotionApiError(400, "validation_error", message)


@dataclass(frozen=True, slots=True)
class RecordedCall:
    endpoint: str
    method: str
    path: str
    status: int
    at: float


@dataclass(slots=True)
class _Fault:
    status: int
    code: str
    remaining: int


@dataclass(slots=True)
class _DataSource:
    id: str
    database_id: str
    name: str
    properties: dict[str, JsonDict]
    created_time: str


@dataclass(slots=True)
class _Database:
    id: str
    title: str
    created_time: str
    data_source_ids: list[str] = field(default_factory=list)


class NotionEmulator:
    """In-memory Notion: `create_app()` serves it; the other public methods drive it from tests.

    State is shared between the serving thread and the test thread, hence the lock. Queries
    return pages in creation order and ignore `sorts`."""

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
        self._databases: dict[str, _Database] = {}
        self._data_sources: dict[str, _DataSource] = {}
        self._pages: dict[str, JsonDict] = {}
        self._calls: list[RecordedCall] = []
        self._faults: dict[str, list[_Fault]] = {}
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
            database = _Database(str(uuid.uuid4()), title, _now())
            self._databases[database.id] = database
            return database.id, self.add_data_source(database.id, properties, name=title)

    def add_data_source(
        self, database_id: str, properties: Mapping[str, str | JsonDict], *, name: str = "Data"
    ) -> str:
        schema = {key: _property_config(key, spec) for key, spec in properties.items()}
        if sum(1 for config in schema.values() if config["type"] == "title") != 1:
            raise ValueError("a data source needs exactly one title property")
        with self._lock:
            source = _DataSource(str(uuid.uuid4()), database_id, name, schema, _now())
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
                properties[name] = _property_config(name, spec)

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
        """The next `times` requests to `endpoint` (create, query, retrieve = any GET, update)
        answer `status`/`code` instead of being processed."""
        if endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint must be one of {ENDPOINTS}")
        with self._lock:
            self._faults.setdefault(endpoint, []).append(_Fault(status, code, times))

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
                call = RecordedCall(endpoint, request.method, request.path, status, time.time())
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
        sources = [self._data_sources[i] for i in database.data_source_ids]
        return {
            "object": "database",
            "id": database.id,
            "title": [_text_item(database.title)],
            "description": [],
            "parent": {"type": "workspace", "workspace": True},
            "is_inline": False,
            "in_trash": False,
            "is_locked": False,
            "created_time": database.created_time,
            "last_edited_time": database.created_time,
            "data_sources": [{"id": s.id, "name": s.name} for s in sources],
            "icon": None,
            "cover": None,
            "url": _url(database.id),
            "public_url": None,
        }

    def _get_data_source(self, _: JsonDict, data_source_id: str) -> JsonDict:
        source = self._data_source(data_source_id)
        return {
            "object": "data_source",
            "id": source.id,
            "created_time": source.created_time,
            "last_edited_time": source.created_time,
            "title": [_text_item(source.name)],
            "description": [],
            "properties": copy.deepcopy(source.properties),
            "parent": {"type": "database_id", "database_id": source.database_id},
            "database_parent": {"type": "workspace", "workspace": True},
            "in_trash": False,
            "archived": False,
            "url": _url(source.id),
        }

    def _query(self, body: JsonDict, data_source_id: str) -> JsonDict:
        source = self._data_source(data_source_id)
        matches = compile_filter(source.properties, body.get("filter"))
        size = body.get("page_size", MAX_PAGE_SIZE)
        if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_PAGE_SIZE:
            raise validation_error(
                f"body failed validation: body.page_size should be ≤ `100`, instead was `{size}`."
            )
        results = [
            page
            for page in self._pages.values()
            if page["parent"]["data_source_id"] == source.id
            and not page["in_trash"]
            and matches(page)
        ]
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
        now = _now()
        page_id = str(uuid.uuid4())
        page: JsonDict = {
            "object": "page",
            "id": page_id,
            "created_time": now,
            "last_edited_time": now,
            "created_by": {"object": "user", "id": BOT_USER_ID},
            "last_edited_by": {"object": "user", "id": BOT_USER_ID},
            "cover": None,
            "icon": None,
            "parent": {
                "type": "data_source_id",
                "data_source_id": source.id,
                "database_id": source.database_id,
            },
            "archived": False,
            "in_trash": False,
            "is_locked": False,
            "properties": empty_properties(source.properties) | values,
            "url": _url(page_id),
            "public_url": None,
        }
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
        page["last_edited_time"] = _now()
        return copy.deepcopy(page)

    # ---- lookups ----

    def _database(self, raw_id: str) -> _Database:
        key = _uuid(raw_id, "database_id")
        if key not in self._databases:
            raise _not_found("database", raw_id)
        return self._databases[key]

    def _data_source(self, raw_id: str) -> _DataSource:
        key = _uuid(raw_id, "data_source_id")
        if key not in self._data_sources:
            raise _not_found("data_source", raw_id)
        return self._data_sources[key]

    def _page(self, raw_id: str) -> JsonDict:
        key = _uuid(raw_id, "page_id")
        if key not in self._pages:
            raise _not_found("page", raw_id)
        return self._pages[key]

    def _parent_data_source(self, parent: Any) -> _DataSource:
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


def _not_found(kind: str, raw_id: str) -> NotionApiError:
    return NotionApiError(
        404, "object_not_found", f"Could not find {kind} with ID: {raw_id}. {_NOT_SHARED}"
    )


def _uuid(raw: str, where: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise validation_error(
            f'path failed validation: path.{where} should be a valid uuid, instead was `"{raw}"`.'
        ) from None


def _url(object_id: str) -> str:
    return f"https://www.notion.so/{object_id.replace('-', '')}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# ---- property schemas, values and filters (pure; no emulator state) ----

MAX_TEXT_CONTENT = 2000
MAX_RICH_TEXT_ITEMS = 100
MAX_EQUATION = 1000
MAX_EMAIL = 200
MAX_PHONE = 200
MAX_URL = 2000
MAX_OPTIONS = 100
MAX_OPTION_NAME = 100
_OPTION_TYPES = frozenset({"select", "multi_select"})
_EMPTY_VALUES: Mapping[str, Any] = {
    "title": [],
    "rich_text": [],
    "multi_select": [],
    "checkbox": False,
    "relation": [],
    "people": [],
    "files": [],
}
_ANNOTATIONS: Mapping[str, Any] = {
    "bold": False,
    "italic": False,
    "strikethrough": False,
    "underline": False,
    "code": False,
    "color": "default",
}
_Staged = list[tuple[JsonDict, JsonDict]]


def _property_config(name: str, spec: str | Mapping[str, Any]) -> JsonDict:
    config: JsonDict = {"type": spec} if isinstance(spec, str) else copy.deepcopy(dict(spec))
    ptype = config["type"]
    config["id"] = "title" if ptype == "title" else config.get("id") or uuid.uuid4().hex[:4]
    config["name"] = name
    settings = config.setdefault(ptype, {})
    if ptype in _OPTION_TYPES:
        settings["options"] = [
            _option(o["name"], o.get("color")) for o in settings.get("options", [])
        ]
    return config


def _option(name: str, color: str | None = None) -> JsonDict:
    return {"id": str(uuid.uuid4()), "name": name, "color": color or "default", "description": None}


def _text_item(content: str, link: str | None = None, annotations: Any = None) -> JsonDict:
    extra = annotations if isinstance(annotations, dict) else {}
    return {
        "type": "text",
        "text": {"content": content, "link": {"url": link} if link else None},
        "annotations": {**_ANNOTATIONS, **extra},
        "plain_text": content,
        "href": link,
    }


def _utf16_len(text: str) -> int:
    """Notion measures lengths in UTF-16 code units, like JavaScript."""
    return len(text.encode("utf-16-le")) // 2


def _shape(path: str, expected: str, got: Any) -> NotionApiError:
    shown = json.dumps(got, ensure_ascii=False) if got is not None else "undefined"
    return validation_error(
        f"body failed validation: {path} should be {expected}, instead was `{shown}`."
    )


def _check_length(path: str, size: int, limit: int) -> None:
    if size > limit:
        raise validation_error(
            f"body failed validation: {path}.length should be ≤ `{limit}`, instead was `{size}`."
        )


def _resolve(schema: Mapping[str, JsonDict], key: Any) -> str | None:
    if key in schema:
        return str(key)
    return next((name for name, config in schema.items() if config["id"] == key), None)


def empty_properties(schema: Mapping[str, JsonDict]) -> JsonDict:
    return {
        name: {
            "id": config["id"],
            "type": config["type"],
            config["type"]: copy.deepcopy(_EMPTY_VALUES.get(config["type"])),
        }
        for name, config in schema.items()
    }


def validate_properties(schema: Mapping[str, JsonDict], raw: Any) -> JsonDict:
    """Checks a request's `properties` against the schema; returns response-shaped values.

    Select options named for the first time are added to the schema, as Notion does, but
    only once the whole request has passed validation."""
    if not isinstance(raw, dict):
        raise _shape("body.properties", "an object", raw)
    staged: _Staged = []
    values: JsonDict = {}
    for key, value in raw.items():
        name = _resolve(schema, key)
        if name is None:
            raise validation_error(f"{key} is not a property that exists.")
        config = schema[name]
        ptype = config["type"]
        if not isinstance(value, dict) or ptype not in value:
            raise validation_error(f"{name} is expected to be {ptype}.")
        check = _CHECKS.get(ptype)
        if check is None:
            raise validation_error(f"{name} ({ptype}) cannot be set through this emulator.")
        path = f"body.properties.{name}.{ptype}"
        values[name] = {
            "id": config["id"],
            "type": ptype,
            ptype: check(path, value[ptype], config, staged),
        }
    for config, option in staged:
        config[config["type"]]["options"].append(option)
    return values


def _rich_text(path: str, raw: Any, _config: JsonDict, _staged: _Staged) -> list[JsonDict]:
    if not isinstance(raw, list):
        raise _shape(path, "an array", raw)
    _check_length(path, len(raw), MAX_RICH_TEXT_ITEMS)
    return [_rich_text_item(f"{path}[{i}]", item) for i, item in enumerate(raw)]


def _rich_text_item(path: str, item: Any) -> JsonDict:
    if not isinstance(item, dict):
        raise _shape(path, "an object", item)
    if item.get("type", "text") == "equation" or "equation" in item:
        expression = (item.get("equation") or {}).get("expression")
        if not isinstance(expression, str):
            raise _shape(f"{path}.equation.expression", "a string", expression)
        _check_length(f"{path}.equation.expression", _utf16_len(expression), MAX_EQUATION)
        return {
            "type": "equation",
            "equation": {"expression": expression},
            "plain_text": expression,
        }
    text = item.get("text")
    content = text.get("content") if isinstance(text, dict) else None
    if not isinstance(content, str):
        raise _shape(f"{path}.text.content", "a string", content)
    _check_length(f"{path}.text.content", _utf16_len(content), MAX_TEXT_CONTENT)
    link = text.get("link") if isinstance(text, dict) else None
    url = link.get("url") if isinstance(link, dict) else None
    if url is not None:
        _check_length(f"{path}.text.link.url", _utf16_len(str(url)), MAX_URL)
    return _text_item(content, url, item.get("annotations"))


def _choose(path: str, raw: Any, config: JsonDict, staged: _Staged) -> JsonDict:
    options = config[config["type"]]["options"] + [o for c, o in staged if c is config]
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and "name" not in raw:
        found = next((o for o in options if o["id"] == raw["id"]), None)
        if found is None:
            raise validation_error(f"{path}.id: no option with id {raw['id']}.")
        return {k: found[k] for k in ("id", "name", "color")}
    name = raw.get("name") if isinstance(raw, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise _shape(f"{path}.name", "a non-empty string", name)
    if "," in name:
        raise validation_error(f"Invalid select option, commas not allowed: {name}")
    _check_length(f"{path}.name", _utf16_len(name), MAX_OPTION_NAME)
    found = next((o for o in options if o["name"] == name), None)
    if found is None:
        found = _option(name)
        staged.append((config, found))
    return {k: found[k] for k in ("id", "name", "color")}


def _select(path: str, raw: Any, config: JsonDict, staged: _Staged) -> JsonDict | None:
    return None if raw is None else _choose(path, raw, config, staged)


def _multi_select(path: str, raw: Any, config: JsonDict, staged: _Staged) -> list[JsonDict]:
    if not isinstance(raw, list):
        raise _shape(path, "an array", raw)
    _check_length(path, len(raw), MAX_OPTIONS)
    return [_choose(f"{path}[{i}]", item, config, staged) for i, item in enumerate(raw)]


def _string_check(limit: int) -> Callable[[str, Any, JsonDict, _Staged], str | None]:
    def check(path: str, raw: Any, _config: JsonDict, _staged: _Staged) -> str | None:
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise _shape(path, "a string or `null`", raw)
        _check_length(path, _utf16_len(raw), limit)
        return raw

    return check


def _number(path: str, raw: Any, _config: JsonDict, _staged: _Staged) -> float | int | None:
    if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int | float)):
        raise _shape(path, "a number or `null`", raw)
    return raw


def _checkbox(path: str, raw: Any, _config: JsonDict, _staged: _Staged) -> bool:
    if not isinstance(raw, bool):
        raise _shape(path, "a boolean", raw)
    return raw


def _date(path: str, raw: Any, _config: JsonDict, _staged: _Staged) -> JsonDict | None:
    if raw is None:
        return None
    start = raw.get("start") if isinstance(raw, dict) else None
    for key, value in (("start", start), ("end", (raw or {}).get("end"))):
        if key == "start" or value is not None:
            try:
                datetime.fromisoformat(str(value))
            except ValueError:
                raise _shape(f"{path}.{key}", "an ISO 8601 date", value) from None
    return {"start": start, "end": raw.get("end"), "time_zone": raw.get("time_zone")}


_CHECKS: Mapping[str, Callable[[str, Any, JsonDict, _Staged], Any]] = {
    "title": _rich_text,
    "rich_text": _rich_text,
    "select": _select,
    "multi_select": _multi_select,
    "email": _string_check(MAX_EMAIL),
    "phone_number": _string_check(MAX_PHONE),
    "url": _string_check(MAX_URL),
    "number": _number,
    "checkbox": _checkbox,
    "date": _date,
}


def page_values(page: Mapping[str, Any]) -> dict[str, Any]:
    """Plain values per property: joined text, select name, option names, email string..."""
    return {name: _plain(prop) for name, prop in page["properties"].items()}


def _plain(prop: Mapping[str, Any]) -> Any:
    ptype = prop["type"]
    value = prop.get(ptype)
    if ptype in ("title", "rich_text"):
        return "".join(item.get("plain_text", "") for item in value or [])
    if ptype == "select":
        return value["name"] if value else None
    if ptype == "multi_select":
        return [option["name"] for option in value or []]
    if ptype == "date":
        return value["start"] if value else None
    return value


_OPERATORS: Mapping[str, Callable[[Any, Any], bool]] = {
    "equals": lambda value, operand: value == operand,
    "does_not_equal": lambda value, operand: value != operand,
    "contains": lambda value, operand: isinstance(value, str | list) and operand in value,
    "does_not_contain": lambda value, operand: (
        not isinstance(value, str | list) or operand not in value
    ),
    "starts_with": lambda value, operand: isinstance(value, str) and value.startswith(operand),
    "is_empty": lambda value, _: value is None or value in ("", []),
    "is_not_empty": lambda value, _: not (value is None or value in ("", [])),
}
PagePredicate = Callable[[JsonDict], bool]


def compile_filter(schema: Mapping[str, JsonDict], spec: Any) -> PagePredicate:
    """A query `filter`: property conditions combined with `or` / `and` (any depth)."""
    if spec is None:
        return lambda _page: True
    if not isinstance(spec, dict):
        raise _shape("body.filter", "an object", spec)
    if "or" in spec or "and" in spec:
        key = "or" if "or" in spec else "and"
        parts = spec[key]
        if not isinstance(parts, list):
            raise _shape(f"body.filter.{key}", "an array", parts)
        tests = [compile_filter(schema, part) for part in parts]
        combine = any if key == "or" else all
        return lambda page: combine(test(page) for test in tests)
    return _property_filter(schema, spec)


def _property_filter(schema: Mapping[str, JsonDict], spec: JsonDict) -> PagePredicate:
    name = _resolve(schema, spec.get("property"))
    if name is None:
        raise validation_error(f"Could not find property with name or id: {spec.get('property')}")
    ptype = schema[name]["type"]
    accepted = {ptype, "rich_text"} if ptype == "title" else {ptype}
    kinds = [key for key in spec if key != "property"]
    condition = spec.get(kinds[0]) if len(kinds) == 1 and kinds[0] in accepted else None
    if not isinstance(condition, dict) or len(condition) != 1:
        raise _shape(f"body.filter.{ptype}", "an object with one condition", condition)
    operator, operand = next(iter(condition.items()))
    test = _OPERATORS.get(operator)
    if test is None:
        raise validation_error(
            f"body failed validation: body.filter.{ptype}.{operator} is unknown."
        )
    return lambda page: test(_plain(page["properties"][name]), operand)
