"""`namecard notion-init`: adds the properties the bot writes to the Notion contact database."""

from __future__ import annotations

import sys
from typing import Any, TypeVar

import httpx
from notion_client import AsyncClient
from notion_client.errors import HTTPResponseError, RequestTimeoutError
from pydantic import BaseModel, ValidationError

from namecard.bootstrap.settings import Settings
from namecard.store.notion.client import Database, DataSource, open_client
from namecard.store.notion.schema import SchemaPlan, plan

_Model = TypeVar("_Model", bound=BaseModel)

_SDK_LOGGER = f"{__name__}.sdk"
_NOT_CONFIGURED = (
    "namecard: Notion is not configured: set NOTION_API_KEY (the integration token) and "
    "NOTION_DATABASE_ID (the contact database) to check a Notion database."
)
_HINTS = {
    401: "check NOTION_API_KEY",
    403: "give the integration access to the database (… menu → Connections)",
    404: "check NOTION_DATABASE_ID and share the database with the integration "
    "(… menu → Connections)",
}


class _Unexpected(Exception):
    """Notion answered, but not with the object notion-init needs."""


async def notion_init(settings: Settings) -> int:
    """Checks the database, creates what is missing, prints each change; the exit code."""
    if settings.notion_api_key is None or settings.notion_database_id is None:
        print(_NOT_CONFIGURED, file=sys.stderr)
        return 2
    client = open_client(
        settings.notion_api_key,
        base_url=settings.notion_base_url,
        timeout_seconds=settings.notion_timeout_seconds,
        logger_name=_SDK_LOGGER,
    )
    try:
        schema_plan = await _apply(client, settings.notion_database_id)
    except (HTTPResponseError, RequestTimeoutError, httpx.HTTPError, _Unexpected) as exc:
        print(f"namecard: {_reason(exc)}", file=sys.stderr)
        return 1
    finally:
        await client.aclose()
    for line in describe(schema_plan):
        print(line)
    return 0


def describe(schema_plan: SchemaPlan) -> list[str]:
    """One line per change or property left alone, for the operator."""
    lines = [
        f"created property {name!r} ({next(iter(config))})"
        for name, config in schema_plan.create.items()
    ]
    if schema_plan.title_alias is not None:
        lines.append(f"kept {schema_plan.title_alias!r} as the title (the bot's 'Name')")
    lines += [
        f"kept {m.name!r}: it is {m.actual}, expected {m.expected}" for m in schema_plan.mismatches
    ]
    if schema_plan.changes_nothing:
        lines.append("nothing to change")
    return lines


async def _apply(client: AsyncClient, database_id: str) -> SchemaPlan:
    database = _parse(Database, await client.databases.retrieve(database_id=database_id))
    if not database.data_sources:
        raise _Unexpected(f"Notion database {database_id} has no data source")
    data_source_id = database.data_sources[0].id
    source = _parse(DataSource, await client.data_sources.retrieve(data_source_id=data_source_id))
    schema_plan = plan({name: config.type for name, config in source.properties.items()})
    if not schema_plan.changes_nothing:
        await client.data_sources.update(
            data_source_id=data_source_id, properties=dict(schema_plan.create)
        )
    return schema_plan


def _parse(model: type[_Model], body: Any) -> _Model:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _Unexpected(f"unexpected answer from Notion ({exc.error_count()} errors)") from exc


def _reason(exc: Exception) -> str:
    """Why Notion could not be used, with a hint; never the token (Notion does not echo it)."""
    if isinstance(exc, HTTPResponseError):
        hint = _HINTS.get(exc.status)
        reason = f"Notion answered {exc.status} {exc.code}: {exc}"
        return f"{reason} ({hint})" if hint else reason
    if isinstance(exc, _Unexpected):
        return str(exc)
    return f"Notion did not answer ({type(exc).__name__}): check NOTION_BASE_URL and the network"
