"""The Notion database schema the bot expects, and the plan to bring a database up to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from namecard.store.notion.mapping import (
    PROPERTY_ADDRESS,
    PROPERTY_COMPANY,
    PROPERTY_DEPARTMENT,
    PROPERTY_EMAIL,
    PROPERTY_INFLUENCE,
    PROPERTY_NAME,
    PROPERTY_NOTES,
    PROPERTY_PHONE,
    PROPERTY_SOURCE,
    PROPERTY_TITLE,
)

PROPERTY_CARD_ID = "Card ID"
TITLE_TYPE = "title"
# Decision-influence options in the order and colours existing contact databases use.
INFLUENCE_OPTIONS = (("高", "red"), ("中", "yellow"), ("低", "gray"))

# Property name → Notion type, in the order a new database shows them.
EXPECTED_TYPES: Mapping[str, str] = {
    PROPERTY_NAME: TITLE_TYPE,
    PROPERTY_COMPANY: "rich_text",
    PROPERTY_DEPARTMENT: "rich_text",
    PROPERTY_TITLE: "select",
    PROPERTY_INFLUENCE: "select",
    PROPERTY_EMAIL: "email",
    PROPERTY_PHONE: "phone_number",
    PROPERTY_ADDRESS: "rich_text",
    PROPERTY_SOURCE: "rich_text",
    PROPERTY_NOTES: "rich_text",
    PROPERTY_CARD_ID: "rich_text",
}

JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A property the database has under the expected name but with another type."""

    name: str
    actual: str
    expected: str


@dataclass(frozen=True, slots=True)
class SchemaPlan:
    """`create`: property name → the Notion property config to add (for data_sources.update).

    `mismatches` are reported and left alone: retyping a user's column could lose data.
    `title_alias` names the database's title when it is not called `Name` (it stands in)."""

    create: Mapping[str, JsonDict] = field(default_factory=dict)
    mismatches: tuple[Mismatch, ...] = ()
    title_alias: str | None = None

    @property
    def changes_nothing(self) -> bool:
        return not self.create


def property_config(name: str) -> JsonDict:
    """The config that creates the expected property `name`, e.g. {"rich_text": {}}."""
    kind = EXPECTED_TYPES[name]
    if name == PROPERTY_INFLUENCE:
        options = [{"name": option, "color": color} for option, color in INFLUENCE_OPTIONS]
        return {kind: {"options": options}}
    if kind == "select":
        return {kind: {"options": []}}
    return {kind: {}}


def plan(schema: Mapping[str, str]) -> SchemaPlan:
    """What to create in a database whose properties are `schema` (name → Notion type)."""
    title = next((name for name, kind in schema.items() if kind == TITLE_TYPE), None)
    create: dict[str, JsonDict] = {}
    mismatches: list[Mismatch] = []
    for name, expected in EXPECTED_TYPES.items():
        actual = schema.get(name)
        if actual is None and expected == TITLE_TYPE and title is not None:
            continue  # a data source has exactly one title; the one it has stands in
        if actual is None:
            create[name] = property_config(name)
        elif actual != expected:
            mismatches.append(Mismatch(name, actual, expected))
    alias = title if title is not None and title != PROPERTY_NAME else None
    return SchemaPlan(create=create, mismatches=tuple(mismatches), title_alias=alias)
