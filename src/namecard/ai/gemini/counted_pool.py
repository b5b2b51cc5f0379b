"""A key pool that tells the metrics how each Gemini request ended, by key label and status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from namecard.ai.gemini.key_pool import KeyPoolProtocol, Lease, NoKey
from namecard.metrics.stats import Metrics


class CountedKeyPool:
    """Wraps the pool the Gemini client reports to: every request ends in exactly one of
    succeeded, rate_limited, failed or disable, so counting there counts every request."""

    def __init__(self, pool: KeyPoolProtocol, labels: Mapping[str, str], metrics: Metrics) -> None:
        self._pool = pool
        self._labels = labels
        self._metrics = metrics

    def _count(self, key_id: str, status: str) -> None:
        self._metrics.gemini_request(self._labels.get(key_id, key_id), status)

    async def lease(self) -> Lease | NoKey:
        return await self._pool.lease()

    async def succeeded(self, key_id: str) -> None:
        self._count(key_id, "ok")
        await self._pool.succeeded(key_id)

    async def rate_limited(self, key_id: str, *, retry_after: float | None, daily: bool) -> None:
        self._count(key_id, "rate_limited")
        await self._pool.rate_limited(key_id, retry_after=retry_after, daily=daily)

    async def failed(self, key_id: str) -> None:
        self._count(key_id, "error")
        await self._pool.failed(key_id)

    async def disable(self, key_id: str, reason: str) -> None:
        self._count(key_id, "rejected")
        await self._pool.disable(key_id, reason)

    async def snapshot(self) -> dict[str, Any]:
        return await self._pool.snapshot()
