"""Notion emulator queries: a page's plain values and the filters of a data source query."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from namecard.sim.notion_errors import JsonDict, shape_error, validation_error
from namecard.sim.notion_properties import resolve_name


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
        raise shape_error("body.filter", "an object", spec)
    if "or" in spec or "and" in spec:
        key = "or" if "or" in spec else "and"
        parts = spec[key]
        if not isinstance(parts, list):
            raise shape_error(f"body.filter.{key}", "an array", parts)
        tests = [compile_filter(schema, part) for part in parts]
        combine = any if key == "or" else all
        return lambda page: combine(test(page) for test in tests)
    if "timestamp" in spec:
        return _timestamp_filter(spec)
    return _property_filter(schema, spec)


TIMESTAMPS = frozenset({"created_time", "last_edited_time"})
_TIME_OPERATORS: Mapping[str, Callable[[datetime, datetime], bool]] = {
    "equals": lambda value, operand: value == operand,
    "before": lambda value, operand: value < operand,
    "after": lambda value, operand: value > operand,
    "on_or_before": lambda value, operand: value <= operand,
    "on_or_after": lambda value, operand: value >= operand,
}


def _timestamp_filter(spec: JsonDict) -> PagePredicate:
    """`{"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": ISO}}`."""
    name = spec.get("timestamp")
    if name not in TIMESTAMPS:
        raise shape_error("body.filter.timestamp", '"created_time" or "last_edited_time"', name)
    condition = spec.get(name)
    if not isinstance(condition, dict) or len(condition) != 1:
        raise shape_error(f"body.filter.{name}", "an object with one condition", condition)
    operator, operand = next(iter(condition.items()))
    test = _TIME_OPERATORS.get(operator)
    if test is None or not isinstance(operand, str):
        raise validation_error(f"body failed validation: body.filter.{name}.{operator} is unknown.")
    try:
        moment = parse_time(operand)
    except ValueError as exc:
        raise shape_error(f"body.filter.{name}.{operator}", "an ISO 8601 date", operand) from exc
    return lambda page: test(parse_time(page[name]), moment)


def parse_time(text: str) -> datetime:
    """An ISO 8601 timestamp as Notion writes it ("2026-01-02T03:04:00.000Z"), aware."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def sort_pages(pages: list[JsonDict], sorts: Any) -> list[JsonDict]:
    """Timestamp `sorts` (`[{"timestamp": "last_edited_time", "direction": "ascending"}]`);
    property sorts are accepted and ignored (creation order), as this emulator always did."""
    if sorts is None:
        return pages
    if not isinstance(sorts, list):
        raise shape_error("body.sorts", "an array", sorts)
    for sort in reversed(sorts):  # the first sort is the primary one
        name = sort.get("timestamp") if isinstance(sort, dict) else None
        if name is None:
            continue
        if name not in TIMESTAMPS:
            raise shape_error("body.sorts[].timestamp", '"created_time" or "last_edited_time"',
                              name)  # fmt: skip
        descending = sort.get("direction") == "descending"
        pages = sorted(pages, key=lambda page: parse_time(page[name]), reverse=descending)
    return pages


def _property_filter(schema: Mapping[str, JsonDict], spec: JsonDict) -> PagePredicate:
    name = resolve_name(schema, spec.get("property"))
    if name is None:
        raise validation_error(f"Could not find property with name or id: {spec.get('property')}")
    ptype = schema[name]["type"]
    accepted = {ptype, "rich_text"} if ptype == "title" else {ptype}
    kinds = [key for key in spec if key != "property"]
    condition = spec.get(kinds[0]) if len(kinds) == 1 and kinds[0] in accepted else None
    if not isinstance(condition, dict) or len(condition) != 1:
        raise shape_error(f"body.filter.{ptype}", "an object with one condition", condition)
    operator, operand = next(iter(condition.items()))
    test = _OPERATORS.get(operator)
    if test is None:
        raise validation_error(
            f"body failed validation: body.filter.{ptype}.{operator} is unknown."
        )
    return lambda page: test(_plain(page["properties"][name]), operand)
