"""The one Notion client factory, and the objects read back, shared by the writer and the CLI."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
from notion_client import AsyncClient, RetryOptions
from pydantic import BaseModel, SecretStr

NOTION_VERSION = "2025-09-03"


class DataSourceRef(BaseModel):
    id: str


class Database(BaseModel):
    data_sources: list[DataSourceRef]


class PropertyConfig(BaseModel):
    type: str


class DataSource(BaseModel):
    properties: dict[str, PropertyConfig]


def open_client(
    api_key: SecretStr,
    *,
    base_url: str,
    timeout_seconds: float,
    logger_name: str,
    retry: RetryOptions | None = None,
    on_status: Callable[[int], None] | None = None,
) -> AsyncClient:
    """A client on our pinned Notion version; the SDK logs to `logger_name`, never the token.
    `on_status` hears the HTTP status of every request (retries included), for the metrics."""
    options: dict[str, Any] = {
        "auth": api_key.get_secret_value(),
        "base_url": base_url.rstrip("/"),
        "timeout_ms": int(timeout_seconds * 1000),
        "notion_version": NOTION_VERSION,
        "logger": logging.getLogger(logger_name),
    }
    if retry is not None:  # else the SDK's default retries
        options["retry"] = retry
    if on_status is None:
        return AsyncClient(options)

    async def heard(response: httpx.Response) -> None:
        on_status(response.status_code)

    return AsyncClient(options, client=httpx.AsyncClient(event_hooks={"response": [heard]}))
