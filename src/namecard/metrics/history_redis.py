"""The history in Redis, shared by every worker of every instance on one REDIS_URL.

One pipeline per flush (HINCRBY per field changed since the last one, EXPIREAT per hour, the
heartbeat): a job costs no round trip of its own. Hours expire after RETENTION_SECONDS;
heartbeats of workers silent that long are removed when read.
"""

from __future__ import annotations

import json
from typing import Any

from namecard.metrics.history import RETENTION_SECONDS, Beat, beat_field
from namecard.metrics.ledger import HOUR, Batch
from namecard.metrics.window import HourFields
from namecard.state.client import SharedRedis, Value


class RedisHistory:
    shared = True

    def __init__(self, redis: SharedRedis) -> None:
        self._redis = redis.client
        self._keys = redis.keys

    async def write(self, batch: Batch, beat: Beat) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for hour in set(batch.adds) | set(batch.peaks):
            key = self._keys.metrics_hour(hour)
            for name, amount in batch.adds.get(hour, {}).items():
                pipe.hincrby(key, name, amount)
            if peaks := batch.peaks.get(hour):
                mapping: dict[Value, Value] = {name: value for name, value in peaks.items()}
                pipe.hset(key, mapping=mapping)
            pipe.expireat(key, (hour + 1) * HOUR + RETENTION_SECONDS)
        for name, amount in batch.totals.items():
            pipe.hincrby(self._keys.metrics_totals, name, amount)
        pipe.hset(self._keys.metrics_workers, beat_field(beat), json.dumps(beat))
        await pipe.execute()

    async def hours(self, hours: list[int]) -> dict[int, HourFields]:
        pipe = self._redis.pipeline(transaction=False)
        for hour in hours:
            pipe.hgetall(self._keys.metrics_hour(hour))
        found: list[dict[Any, Any]] = await pipe.execute()
        return {
            hour: {_text(k): _text(v) for k, v in fields.items()}
            for hour, fields in zip(hours, found, strict=True)
            if fields
        }

    async def totals(self) -> dict[str, int]:
        raw: dict[Any, Any] = await self._redis.hgetall(self._keys.metrics_totals)
        return {_text(k): int(v) for k, v in raw.items()}

    async def beats(self) -> list[Beat]:
        raw: dict[Any, Any] = await self._redis.hgetall(self._keys.metrics_workers)
        beats = [json.loads(value) for value in raw.values()]
        newest = max((beat["last_seen"] for beat in beats), default=0.0)
        stale = [beat_field(b) for b in beats if b["last_seen"] < newest - RETENTION_SECONDS]
        if stale:
            await self._redis.hdel(self._keys.metrics_workers, *stale)
        return [b for b in beats if beat_field(b) not in stale]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
