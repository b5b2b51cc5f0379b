"""Notion emulator stored objects and the response bodies built from them."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime

from namecard.sim.notion_errors import JsonDict
from namecard.sim.notion_properties import empty_properties, text_item

BOT_USER_ID = "4f0c1a1e-0000-4000-8000-00000000b07e"


@dataclass(slots=True)
class DataSource:
    id: str
    database_id: str
    name: str
    properties: dict[str, JsonDict]
    created_time: str


@dataclass(slots=True)
class Database:
    id: str
    title: str
    created_time: str
    data_source_ids: list[str] = field(default_factory=list)


def database_object(database: Database, sources: list[DataSource]) -> JsonDict:
    return {
        "object": "database",
        "id": database.id,
        "title": [text_item(database.title)],
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
        "url": notion_url(database.id),
        "public_url": None,
    }


def data_source_object(source: DataSource) -> JsonDict:
    return {
        "object": "data_source",
        "id": source.id,
        "created_time": source.created_time,
        "last_edited_time": source.created_time,
        "title": [text_item(source.name)],
        "description": [],
        "properties": copy.deepcopy(source.properties),
        "parent": {"type": "database_id", "database_id": source.database_id},
        "database_parent": {"type": "workspace", "workspace": True},
        "in_trash": False,
        "archived": False,
        "url": notion_url(source.id),
    }


def page_object(page_id: str, source: DataSource, values: JsonDict) -> JsonDict:
    """A new page in `source` with `values` set and every other property empty."""
    created = iso_now()
    return {
        "object": "page",
        "id": page_id,
        "created_time": created,
        "last_edited_time": created,
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
        "url": notion_url(page_id),
        "public_url": None,
    }


def notion_url(object_id: str) -> str:
    return f"https://www.notion.so/{object_id.replace('-', '')}"


def iso_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
