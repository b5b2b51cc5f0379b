"""What a job has already done, kept outside the worker so a job resumed elsewhere skips it.

A job handed to another worker after its first one died (see `pipeline/stream_queue.py`) reads
this record and does not answer the user twice. Reading the photo again costs nothing (the
result cache answers, not Gemini) and saving again finds the page by its Card ID, so only the
answers need a record here.

Redis key (one hash per job, expiring with the webhook dedupe window):
  `{prefix}job:{event_id}`  fields `sent:{purpose}` = "reply" | "push" | "skipped" | "refused"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from namecard.state.client import Redis
from namecard.state.faults import unavailable_on_fault
from namecard.state.keys import KeySpace

PROGRESS_TTL_SECONDS = 24 * 3600
MEMORY_LIMIT = 10_000  # jobs remembered in process; oldest forgotten first


@dataclass(slots=True)
class Progress:
    sent: dict[str, str] = field(default_factory=dict)  # purpose → how it went out

    def was_sent(self, purpose: str) -> bool:
        return purpose in self.sent


class JobProgress(Protocol):
    async def load(self, event_id: str) -> Progress: ...

    async def sent(self, event_id: str, purpose: str, channel: str) -> None: ...


class MemoryJobProgress:
    """Without Redis a job never moves to another process, so memory is enough."""

    def __init__(self, limit: int = MEMORY_LIMIT) -> None:
        self._records: dict[str, Progress] = {}
        self._limit = limit

    async def load(self, event_id: str) -> Progress:
        record = self._records.get(event_id)
        return Progress(dict(record.sent)) if record else Progress()

    async def sent(self, event_id: str, purpose: str, channel: str) -> None:
        self._record(event_id).sent[purpose] = channel

    def _record(self, event_id: str) -> Progress:
        if event_id not in self._records and len(self._records) >= self._limit:
            self._records.pop(next(iter(self._records)))
        return self._records.setdefault(event_id, Progress())


class RedisJobProgress:
    def __init__(self, redis: Redis, *, keys: KeySpace, ttl: int = PROGRESS_TTL_SECONDS) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl = ttl

    def _key(self, event_id: str) -> str:
        return self._keys.progress(event_id)

    @unavailable_on_fault
    async def load(self, event_id: str) -> Progress:
        raw = await self._redis.hgetall(self._key(event_id))
        progress = Progress()
        for name, value in raw.items():
            kind, _, purpose = _text(name).partition(":")
            if kind == "sent":
                progress.sent[purpose] = _text(value)
        return progress

    @unavailable_on_fault
    async def sent(self, event_id: str, purpose: str, channel: str) -> None:
        await self._write(event_id, f"sent:{purpose}", channel)

    async def _write(self, event_id: str, name: str, value: str) -> None:
        key = self._key(event_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, name, value)
            pipe.expire(key, self._ttl)
            await pipe.execute()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
