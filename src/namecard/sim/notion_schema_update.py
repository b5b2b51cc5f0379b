"""Notion emulator data source schema updates: add, reconfigure, rename and delete properties."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from namecard.sim.notion_errors import JsonDict, check_length, shape_error, validation_error
from namecard.sim.notion_properties import (
    MAX_OPTION_NAME,
    MAX_OPTIONS,
    empty_properties,
    property_config,
)

SCHEMA_TYPES = frozenset(
    {
        "title",
        "rich_text",
        "select",
        "multi_select",
        "email",
        "phone_number",
        "url",
        "number",
        "checkbox",
        "date",
    }
)
_OPTION_TYPES = frozenset({"select", "multi_select"})
_META_KEYS = frozenset({"id", "name", "type", "description"})


def update_schema(schema: dict[str, JsonDict], raw: Any) -> None:
    """Applies an update's `properties` (name or id → config, or null to delete) to `schema`.

    All or nothing: `schema` is only changed once every entry has passed validation. A data
    source keeps exactly one title property."""
    if not isinstance(raw, dict):
        raise shape_error("body.properties", "an object", raw)
    staged = dict(schema)
    for key, spec in raw.items():
        name = _resolve(staged, key)
        if spec is None:
            if name is None:
                raise validation_error(f"{key} is not a property that exists.")
            del staged[name]
        else:
            _put(staged, name, str(key), spec)
    titles = [name for name, config in staged.items() if config["type"] == "title"]
    if len(titles) != 1:
        raise validation_error(
            f"A data source must have exactly one title property, instead had {len(titles)}: "
            f"{', '.join(titles) or 'none'}."
        )
    schema.clear()
    schema.update(staged)


def reshape_page(schema: Mapping[str, JsonDict], values: Mapping[str, JsonDict]) -> JsonDict:
    """A page's property values after a schema change: kept by property id while the type is
    unchanged, empty for new or retyped properties, dropped for deleted ones."""
    by_id = {value["id"]: value for value in values.values()}
    empty = empty_properties(schema)
    reshaped: JsonDict = {}
    for name, config in schema.items():
        old = by_id.get(config["id"])
        reshaped[name] = old if old is not None and old["type"] == config["type"] else empty[name]
    return reshaped


def _resolve(schema: Mapping[str, JsonDict], key: Any) -> str | None:
    if key in schema:
        return str(key)
    return next((name for name, config in schema.items() if config["id"] == key), None)


def _put(staged: dict[str, JsonDict], existing: str | None, key: str, spec: Any) -> None:
    path = f"body.properties.{key}"
    if not isinstance(spec, dict):
        raise shape_error(path, "an object or `null`", spec)
    new_name = spec.get("name", existing or key)
    if not isinstance(new_name, str) or not new_name.strip():
        raise shape_error(f"{path}.name", "a non-empty string", new_name)
    if new_name != existing and new_name in staged:
        raise validation_error(f"A property named {new_name} already exists.")
    kinds = [k for k in spec if k not in _META_KEYS]
    if not kinds and existing is not None:
        config = {**staged.pop(existing), "name": new_name}  # a rename
    else:
        config = _config(path, new_name, spec, kinds)
        if existing is not None:
            old_id = staged.pop(existing)["id"]
            if "title" not in (old_id, config["type"]):
                config["id"] = old_id  # Notion keeps a property's id when it is retyped
    staged[new_name] = config


def _config(path: str, name: str, spec: JsonDict, kinds: list[str]) -> JsonDict:
    if len(kinds) != 1 or kinds[0] not in SCHEMA_TYPES:
        raise validation_error(
            f"body failed validation: {path} should define exactly one property type of "
            f"{', '.join(sorted(SCHEMA_TYPES))}, instead had `{', '.join(kinds) or 'none'}`."
        )
    kind = kinds[0]
    if spec.get("type", kind) != kind:
        raise validation_error(f"{path}.type `{spec['type']}` does not match `{kind}`.")
    settings = spec[kind]
    if not isinstance(settings, dict):
        raise shape_error(f"{path}.{kind}", "an object", settings)
    if kind in _OPTION_TYPES:
        _check_options(f"{path}.{kind}.options", settings.get("options", []))
    return property_config(name, {"type": kind, kind: settings})


def _check_options(path: str, options: Any) -> None:
    if not isinstance(options, list):
        raise shape_error(path, "an array", options)
    check_length(path, len(options), MAX_OPTIONS)
    seen: set[str] = set()
    for index, option in enumerate(options):
        name = option.get("name") if isinstance(option, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise shape_error(f"{path}[{index}].name", "a non-empty string", name)
        if "," in name:
            raise validation_error(f"Invalid select option, commas not allowed: {name}")
        check_length(f"{path}[{index}].name", len(name.encode("utf-16-le")) // 2, MAX_OPTION_NAME)
        if name in seen:
            raise validation_error(f"Duplicate select option name: {name}")
        seen.add(name)
