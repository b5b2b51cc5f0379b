"""Notion emulator property schemas, values and filters (pure; no emulator state)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from namecard.sim.notion_errors import JsonDict, check_length, shape_error, validation_error

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


def property_config(name: str, spec: str | Mapping[str, Any]) -> JsonDict:
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


def text_item(content: str, link: str | None = None, annotations: Any = None) -> JsonDict:
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


def resolve_name(schema: Mapping[str, JsonDict], key: Any) -> str | None:
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
        raise shape_error("body.properties", "an object", raw)
    staged: _Staged = []
    values: JsonDict = {}
    for key, value in raw.items():
        name = resolve_name(schema, key)
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
        raise shape_error(path, "an array", raw)
    check_length(path, len(raw), MAX_RICH_TEXT_ITEMS)
    return [_rich_text_item(f"{path}[{i}]", item) for i, item in enumerate(raw)]


def _rich_text_item(path: str, item: Any) -> JsonDict:
    if not isinstance(item, dict):
        raise shape_error(path, "an object", item)
    if item.get("type", "text") == "equation" or "equation" in item:
        expression = (item.get("equation") or {}).get("expression")
        if not isinstance(expression, str):
            raise shape_error(f"{path}.equation.expression", "a string", expression)
        check_length(f"{path}.equation.expression", _utf16_len(expression), MAX_EQUATION)
        return {
            "type": "equation",
            "equation": {"expression": expression},
            "plain_text": expression,
        }
    text = item.get("text")
    content = text.get("content") if isinstance(text, dict) else None
    if not isinstance(content, str):
        raise shape_error(f"{path}.text.content", "a string", content)
    check_length(f"{path}.text.content", _utf16_len(content), MAX_TEXT_CONTENT)
    link = text.get("link") if isinstance(text, dict) else None
    url = link.get("url") if isinstance(link, dict) else None
    if url is not None:
        check_length(f"{path}.text.link.url", _utf16_len(str(url)), MAX_URL)
    return text_item(content, url, item.get("annotations"))


def _choose(path: str, raw: Any, config: JsonDict, staged: _Staged) -> JsonDict:
    options = config[config["type"]]["options"] + [o for c, o in staged if c is config]
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and "name" not in raw:
        found = next((o for o in options if o["id"] == raw["id"]), None)
        if found is None:
            raise validation_error(f"{path}.id: no option with id {raw['id']}.")
        return {k: found[k] for k in ("id", "name", "color")}
    name = raw.get("name") if isinstance(raw, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise shape_error(f"{path}.name", "a non-empty string", name)
    if "," in name:
        raise validation_error(f"Invalid select option, commas not allowed: {name}")
    check_length(f"{path}.name", _utf16_len(name), MAX_OPTION_NAME)
    found = next((o for o in options if o["name"] == name), None)
    if found is None:
        found = _option(name)
        staged.append((config, found))
    return {k: found[k] for k in ("id", "name", "color")}


def _select(path: str, raw: Any, config: JsonDict, staged: _Staged) -> JsonDict | None:
    return None if raw is None else _choose(path, raw, config, staged)


def _multi_select(path: str, raw: Any, config: JsonDict, staged: _Staged) -> list[JsonDict]:
    if not isinstance(raw, list):
        raise shape_error(path, "an array", raw)
    check_length(path, len(raw), MAX_OPTIONS)
    return [_choose(f"{path}[{i}]", item, config, staged) for i, item in enumerate(raw)]


def _string_check(limit: int) -> Callable[[str, Any, JsonDict, _Staged], str | None]:
    def check(path: str, raw: Any, _config: JsonDict, _staged: _Staged) -> str | None:
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise shape_error(path, "a string or `null`", raw)
        check_length(path, _utf16_len(raw), limit)
        return raw

    return check


def _number(path: str, raw: Any, _config: JsonDict, _staged: _Staged) -> float | int | None:
    if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int | float)):
        raise shape_error(path, "a number or `null`", raw)
    return raw


def _checkbox(path: str, raw: Any, _config: JsonDict, _staged: _Staged) -> bool:
    if not isinstance(raw, bool):
        raise shape_error(path, "a boolean", raw)
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
                raise shape_error(f"{path}.{key}", "an ISO 8601 date", value) from None
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
