"""Conversation state shared by the workers: its protocol, and the one-process memory store."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Generic, Protocol, TypeVar

from namecard.conversation import pacing
from namecard.conversation.pacing import Admission, PaceLimits, PaceState
from namecard.domain.conversation import BatchSession, PhotoOutcome
from namecard.domain.pending import PENDING_TTL_SECONDS, Pending

BATCH_TTL_SECONDS = 86400
IMAGE_SET_TTL_SECONDS = 3600
SWEEP_INTERVAL_SECONDS = 60.0  # the memory store forgets expired entries at most this often
SEARCH_CACHE_SECONDS = 60  # a user's search results are reused this long (paging, retyping)

K = TypeVar("K")
V = TypeVar("V")


class ConversationStore(Protocol):
    """Batches, image sets and per-user pacing; users are `hash_user` pseudonyms, never LINE
    ids. `now` is epoch seconds given by the caller."""

    async def start_batch(
        self, user: str, batch_id: str, now: float
    ) -> tuple[BatchSession, bool]: ...
    async def current_batch(self, user: str) -> BatchSession | None: ...
    async def touch_batch(self, user: str, now: float) -> None: ...
    async def end_batch(self, user: str) -> BatchSession | None: ...
    async def add_photo(self, batch_id: str, outcome: PhotoOutcome) -> PhotoOutcome: ...
    async def finish_photo(self, batch_id: str, outcome: PhotoOutcome) -> None: ...
    async def photos(self, batch_id: str) -> list[PhotoOutcome]: ...
    async def record_set_photo(
        self, set_id: str, outcome: PhotoOutcome, total: int
    ) -> list[PhotoOutcome] | None: ...
    async def admit_photo(self, user: str, now: float, limits: PaceLimits) -> Admission: ...
    async def photo_started(self, user: str) -> None: ...
    async def pace_state(self, user: str, now: float) -> PaceState: ...
    async def clear_user(self, user: str) -> None: ...
    async def set_pending(self, user: str, pending: Pending) -> None: ...
    async def pending(self, user: str) -> Pending | None: ...
    async def take_pending(self, user: str) -> Pending | None: ...
    async def cached_search(self, user: str, query: str) -> str | None: ...
    async def cache_search(self, user: str, query: str, found: str) -> None: ...
    async def forget_searches(self, user: str) -> None: ...
    async def forget_user(self, user: str) -> list[str]:
        """Everything kept about the user (their batch and its photos, pacing, the question
        pending, cached searches); the kinds of state there was, for the reply."""


def set_order(outcomes: Iterable[PhotoOutcome]) -> list[PhotoOutcome]:
    """An image set in the order the user sent it: LINE's index when known, else arrival."""
    return sorted(outcomes, key=lambda o: (o.extra.get("index") or o.seq, o.received_at))


class TtlMap(Generic[K, V]):
    """A dict whose entries vanish once their deadline (on the caller's clock) has passed.

    Hand-written rather than cachetools: each entry's deadline is set by its caller on the
    caller's own clock (wall time for batches, the pacer's `now` for pacing), which a
    single-timer cache cannot express; `update` keeps an entry's deadline."""

    def __init__(self) -> None:
        self._items: dict[K, tuple[float, V]] = {}
        self._next_sweep = 0.0

    def get(self, key: K, now: float) -> V | None:
        item = self._items.get(key)
        if item is None or item[0] <= now:
            self._items.pop(key, None)
            return None
        return item[1]

    def put(self, key: K, value: V, expires_at: float) -> None:
        self._items[key] = (expires_at, value)

    def pop(self, key: K, now: float) -> V | None:
        value = self.get(key, now)
        self._items.pop(key, None)
        return value

    def update(self, key: K, change: Callable[[V], V]) -> None:
        """Change an entry in place, keeping its deadline (whatever clock set it)."""
        item = self._items.get(key)
        if item is not None:
            self._items[key] = (item[0], change(item[1]))

    def sweep(self, now: float) -> None:
        """Drop expired entries; runs at most once per SWEEP_INTERVAL_SECONDS of `now`."""
        if self._next_sweep > now:
            return
        self._next_sweep = now + SWEEP_INTERVAL_SECONDS
        for key in [k for k, (deadline, _) in self._items.items() if deadline <= now]:
            del self._items[key]


@dataclass
class _Photos:
    last_seq: int = 0
    by_event: dict[str, PhotoOutcome] = field(default_factory=dict)


class MemoryConversationStore:
    """ConversationStore for a single process (no REDIS_URL); same behaviour as the Redis one.
    Batches and image sets expire on `clock` (wall time); pacing state on the callers' `now`."""

    def __init__(
        self,
        *,
        batch_ttl_seconds: int = BATCH_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._lock = asyncio.Lock()
        self._batch_ttl = batch_ttl_seconds
        self._clock = clock
        self._batches: TtlMap[str, BatchSession] = TtlMap()
        self._photos: TtlMap[str, _Photos] = TtlMap()
        self._sets: TtlMap[str, dict[str, PhotoOutcome]] = TtlMap()
        self._sets_done: TtlMap[str, str] = TtlMap()
        self._pace: TtlMap[str, PaceState] = TtlMap()
        self._pending: TtlMap[str, Pending] = TtlMap()
        self._searches: TtlMap[str, dict[str, str]] = TtlMap()

    async def start_batch(self, user: str, batch_id: str, now: float) -> tuple[BatchSession, bool]:
        async with self._lock:
            current = self._batches.get(user, self._clock())
            if current is not None:
                return current, False
            session = BatchSession(batch_id, started_at=now, last_activity=now)
            self._batches.put(user, session, self._clock() + self._batch_ttl)
            return session, True

    async def current_batch(self, user: str) -> BatchSession | None:
        return self._batches.get(user, self._clock())

    async def touch_batch(self, user: str, now: float) -> None:
        async with self._lock:
            current = self._batches.get(user, self._clock())
            if current is not None:
                touched = replace(current, last_activity=max(current.last_activity, now))
                self._batches.put(user, touched, self._clock() + self._batch_ttl)

    async def end_batch(self, user: str) -> BatchSession | None:
        async with self._lock:
            return self._batches.pop(user, self._clock())

    async def add_photo(self, batch_id: str, outcome: PhotoOutcome) -> PhotoOutcome:
        async with self._lock:
            photos = self._batch_photos(batch_id)
            stored = photos.by_event.get(outcome.event_id)
            if stored is None:
                photos.last_seq += 1
                stored = replace(outcome, seq=photos.last_seq)
                photos.by_event[outcome.event_id] = stored
            return stored

    async def finish_photo(self, batch_id: str, outcome: PhotoOutcome) -> None:
        async with self._lock:
            photos = self._batch_photos(batch_id)
            stored = photos.by_event.get(outcome.event_id)
            if stored is None:
                photos.last_seq += 1
            seq = stored.seq if stored is not None else photos.last_seq
            photos.by_event[outcome.event_id] = replace(outcome, seq=seq)

    async def photos(self, batch_id: str) -> list[PhotoOutcome]:
        photos = self._photos.get(batch_id, self._clock()) or _Photos()
        return sorted(photos.by_event.values(), key=lambda o: o.seq)

    async def record_set_photo(
        self, set_id: str, outcome: PhotoOutcome, total: int
    ) -> list[PhotoOutcome] | None:
        async with self._lock:
            wall = self._clock()
            self._sets.sweep(wall)
            self._sets_done.sweep(wall)
            received = self._sets.get(set_id, wall) or {}
            received[outcome.event_id] = outcome
            self._sets.put(set_id, received, wall + IMAGE_SET_TTL_SECONDS)
            completer = self._sets_done.get(set_id, wall)
            if completer is not None:  # answered for; again only to the job that completed it
                return set_order(received.values()) if completer == outcome.event_id else None
            if len(received) < total:
                return None
            self._sets_done.put(set_id, outcome.event_id, wall + IMAGE_SET_TTL_SECONDS)
            return set_order(received.values())

    async def admit_photo(self, user: str, now: float, limits: PaceLimits) -> Admission:
        async with self._lock:
            self._pace.sweep(now)
            state = self._pace.get(user, now) or PaceState()
            admission, state = pacing.admit(state, now, limits)
            self._pace.put(user, state, now + pacing.ttl_seconds(state, limits, now))
            return admission

    async def photo_started(self, user: str) -> None:
        async with self._lock:
            self._pace.update(user, pacing.started)

    async def pace_state(self, user: str, now: float) -> PaceState:
        return self._pace.get(user, now) or PaceState()

    async def clear_user(self, user: str) -> None:
        async with self._lock:
            self._batches.pop(user, self._clock())
            self._pace.pop(user, self._clock())

    async def set_pending(self, user: str, pending: Pending) -> None:
        wall = self._clock()
        self._pending.sweep(wall)
        self._pending.put(user, pending, wall + PENDING_TTL_SECONDS)

    async def pending(self, user: str) -> Pending | None:
        return self._pending.get(user, self._clock())

    async def take_pending(self, user: str) -> Pending | None:
        return self._pending.pop(user, self._clock())

    async def cached_search(self, user: str, query: str) -> str | None:
        return (self._searches.get(user, self._clock()) or {}).get(query)

    async def cache_search(self, user: str, query: str, found: str) -> None:
        wall = self._clock()
        self._searches.sweep(wall)
        cached = self._searches.get(user, wall) or {}
        self._searches.put(user, {**cached, query: found}, wall + SEARCH_CACHE_SECONDS)

    async def forget_searches(self, user: str) -> None:
        self._searches.pop(user, self._clock())

    async def forget_user(self, user: str) -> list[str]:
        async with self._lock:
            wall = self._clock()
            batch = self._batches.pop(user, wall)
            photos = self._photos.pop(batch.batch_id, wall) if batch else None
            found = {
                "batch": batch is not None or photos is not None,
                "pace": self._pace.pop(user, wall) is not None,
                "pending": self._pending.pop(user, wall) is not None,
                "searches": self._searches.pop(user, wall) is not None,
            }
        return [kind for kind, there in found.items() if there]

    def _batch_photos(self, batch_id: str) -> _Photos:
        """The batch's photos, kept `batch_ttl` past the last write (as the Redis keys are)."""
        wall = self._clock()
        self._photos.sweep(wall)
        photos = self._photos.get(batch_id, wall) or _Photos()
        self._photos.put(batch_id, photos, wall + self._batch_ttl)
        return photos
