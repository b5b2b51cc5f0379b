"""Conversation state in Redis, shared by every worker process and instance.

Keys (all start with `prefix`; users are `hash_user` pseudonyms):
- `conv:batch:{user}`: the user's open batch, a hash of batch_id/started_at/last_activity;
  TTL `batch_ttl` refreshed on every write.
- `conv:batch:{batch_id}:photos`: hash event_id -> PhotoOutcome JSON; `conv:batch:{batch_id}:seq`:
  the photo counter. Both keep `batch_ttl` from their last write and outlive `end_batch`.
- `conv:set:{set_id}`: hash event_id -> finished PhotoOutcome JSON of one LINE image set;
  `conv:set:{set_id}:done`: set once, by the call that completed the set. Both 1 h.
- `conv:pending:{user}`: the question the bot waits for an answer to (a `Pending` as JSON:
  field to correct, new value, note, delete to confirm), PENDING_TTL_SECONDS.
- `conv:search:{user}`: hash query -> contacts found (JSON), SEARCH_CACHE_SECONDS from the
  user's last search.
- `conv:pace:{user}`: the user's pacing state (JSON, see `pacing.PaceState`), kept a few minutes
  past its horizon; `conv:notice:{user}`: when the user was last told their photos queue (~6 min).

Scripts make batch creation, photo sequencing and set completion atomic; pacing is decided in
Python (`pacing.admit`) under WATCH/MULTI, retried when another process changed the user's state.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

from namecard.conversation import pacing
from namecard.conversation.pacing import Admission, PaceLimits, PaceState
from namecard.conversation.state import (
    BATCH_TTL_SECONDS,
    IMAGE_SET_TTL_SECONDS,
    SEARCH_CACHE_SECONDS,
    set_order,
)
from namecard.domain.conversation import BatchSession, PhotoOutcome
from namecard.domain.pending import PENDING_TTL_SECONDS, Pending
from namecard.state.client import Pipeline, Redis
from namecard.state.faults import TransactionConflict, unavailable_on_fault
from namecard.state.keys import KeySpace

T = TypeVar("T")
NOTICE_TTL_SECONDS = int(pacing.NOTICE_INTERVAL_SECONDS + pacing.STATE_MARGIN_SECONDS)
BATCH_FIELDS = ("batch_id", "started_at", "last_activity")
CONFLICT_PAUSE_SECONDS = 0.005  # the most a caller waits before retrying a WATCH conflict
SEQ_MARKER = '"seq":0,'  # where PhotoOutcome.to_json() writes the seq; the script fills it in

# KEYS: batch. ARGV: batch_id, now, ttl. Returns {created, {batch_id, started_at, last_activity}}.
START_BATCH_LUA = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('HMGET', KEYS[1], 'batch_id', 'started_at', 'last_activity')}
end
redis.call('HSET', KEYS[1], 'batch_id', ARGV[1], 'started_at', ARGV[2], 'last_activity', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, {ARGV[1], ARGV[2], ARGV[2]}}
"""

# KEYS: batch. ARGV: now, ttl. Never moves last_activity back (workers' clocks differ slightly).
TOUCH_BATCH_LUA = """
local last = redis.call('HGET', KEYS[1], 'last_activity')
if not last then return 0 end
if tonumber(ARGV[1]) > tonumber(last) then
  redis.call('HSET', KEYS[1], 'last_activity', ARGV[1])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""

# KEYS: photos, seq. ARGV: event_id, JSON before the seq, JSON after it, mode, ttl.
# mode "add" keeps a stored photo as it is; "finish" replaces it but keeps its seq.
PUT_PHOTO_LUA = """
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored and ARGV[4] == 'add' then return stored end
local seq
if stored then seq = cjson.decode(stored)['seq'] else seq = redis.call('INCR', KEYS[2]) end
local value = ARGV[2] .. string.format('%d', seq) .. ARGV[3]
redis.call('HSET', KEYS[1], ARGV[1], value)
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return value
"""

# KEYS: set, done flag. ARGV: event_id, outcome JSON, total, ttl.
# Returns every outcome to the one call that completes the set (and again to that same event,
# should its job be resumed after a crash before it answered), else nil.
RECORD_SET_LUA = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
local done = redis.call('GET', KEYS[2])
if done then
  if done == ARGV[1] then return redis.call('HVALS', KEYS[1]) end
  return false
end
if redis.call('HLEN', KEYS[1]) < tonumber(ARGV[3]) then return false end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[4])
return redis.call('HVALS', KEYS[1])
"""


class RedisConversationStore:
    """ConversationStore in Redis: correct with any number of processes acting at once."""

    def __init__(
        self, redis: Redis, *, keys: KeySpace, batch_ttl_seconds: int = BATCH_TTL_SECONDS
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._batch_ttl = batch_ttl_seconds
        self._start_batch = redis.register_script(START_BATCH_LUA)
        self._touch_batch = redis.register_script(TOUCH_BATCH_LUA)
        self._put_photo = redis.register_script(PUT_PHOTO_LUA)
        self._record_set = redis.register_script(RECORD_SET_LUA)

    @unavailable_on_fault
    async def start_batch(self, user: str, batch_id: str, now: float) -> tuple[BatchSession, bool]:
        args: list[str | int] = [batch_id, repr(now), self._batch_ttl]
        created, fields = await self._start_batch(keys=[self._batch(user)], args=args)
        session = _session(fields)
        assert session is not None  # the script returns the batch it found or made
        return session, bool(created)

    @unavailable_on_fault
    async def current_batch(self, user: str) -> BatchSession | None:
        return _session(await self._redis.hmget(self._batch(user), BATCH_FIELDS))

    @unavailable_on_fault
    async def touch_batch(self, user: str, now: float) -> None:
        args: list[str | int] = [repr(now), self._batch_ttl]
        await self._touch_batch(keys=[self._batch(user)], args=args)

    @unavailable_on_fault
    async def end_batch(self, user: str) -> BatchSession | None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hmget(self._batch(user), BATCH_FIELDS)
            pipe.delete(self._batch(user))
            fields, _ = await pipe.execute()
        return _session(fields)

    @unavailable_on_fault
    async def add_photo(self, batch_id: str, outcome: PhotoOutcome) -> PhotoOutcome:
        return await self._store_photo(batch_id, outcome, "add")

    @unavailable_on_fault
    async def finish_photo(self, batch_id: str, outcome: PhotoOutcome) -> None:
        await self._store_photo(batch_id, outcome, "finish")

    @unavailable_on_fault
    async def photos(self, batch_id: str) -> list[PhotoOutcome]:
        values = await self._redis.hvals(self._photos(batch_id))
        return sorted(map(PhotoOutcome.from_json, values), key=lambda o: o.seq)

    @unavailable_on_fault
    async def record_set_photo(
        self, set_id: str, outcome: PhotoOutcome, total: int
    ) -> list[PhotoOutcome] | None:
        keys = [self._key("set", set_id), self._key("set", set_id) + ":done"]
        args: list[str | int] = [outcome.event_id, outcome.to_json(), total, IMAGE_SET_TTL_SECONDS]
        values = await self._record_set(keys=keys, args=args)
        if not values:
            return None
        return set_order(map(PhotoOutcome.from_json, values))

    @unavailable_on_fault
    async def admit_photo(self, user: str, now: float, limits: PaceLimits) -> Admission:
        pace, notice = self._key("pace", user), self._key("notice", user)

        async def decide(pipe: Pipeline) -> Admission:
            raw, noticed_at = await pipe.mget(pace, notice)  # one round trip, both watched
            state = PaceState.from_json(raw, _float(noticed_at))
            admission, state = pacing.admit(state, now, limits)
            pipe.multi()  # type: ignore[no-untyped-call]  # untyped in redis-py
            pipe.set(pace, state.to_json(), ex=pacing.ttl_seconds(state, limits, now))
            if admission.notify_waiting:
                pipe.set(notice, repr(now), ex=NOTICE_TTL_SECONDS)
            return admission

        return await self._optimistic([pace, notice], decide)

    @unavailable_on_fault
    async def pace_state(self, user: str, now: float) -> PaceState:
        return PaceState.from_json(await self._redis.get(self._key("pace", user)))

    @unavailable_on_fault
    async def photo_started(self, user: str) -> None:
        pace = self._key("pace", user)

        async def decrement(pipe: Pipeline) -> None:
            raw = await pipe.get(pace)
            pipe.multi()  # type: ignore[no-untyped-call]  # untyped in redis-py
            if raw:
                pipe.set(pace, pacing.started(PaceState.from_json(raw)).to_json(), keepttl=True)

        await self._optimistic([pace], decrement)

    @unavailable_on_fault
    async def clear_user(self, user: str) -> None:
        keys = [self._batch(user), self._key("pace", user), self._key("notice", user)]
        await self._redis.delete(*keys)

    @unavailable_on_fault
    async def set_pending(self, user: str, pending: Pending) -> None:
        await self._redis.set(self._key("pending", user), pending.to_json(), ex=PENDING_TTL_SECONDS)

    @unavailable_on_fault
    async def pending(self, user: str) -> Pending | None:
        return Pending.from_json(await self._redis.get(self._key("pending", user)))

    @unavailable_on_fault
    async def take_pending(self, user: str) -> Pending | None:
        return Pending.from_json(await self._redis.getdel(self._key("pending", user)))

    @unavailable_on_fault
    async def cached_search(self, user: str, query: str) -> str | None:
        found = await self._redis.hget(self._key("search", user), query)
        return None if found is None else _text(found)

    @unavailable_on_fault
    async def cache_search(self, user: str, query: str, found: str) -> None:
        key = self._key("search", user)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, query, found)
            pipe.expire(key, SEARCH_CACHE_SECONDS)
            await pipe.execute()

    @unavailable_on_fault
    async def forget_searches(self, user: str) -> None:
        await self._redis.delete(self._key("search", user))

    @unavailable_on_fault
    async def forget_user(self, user: str) -> list[str]:
        session = _session(await self._redis.hmget(self._batch(user), BATCH_FIELDS))
        kinds = {
            "batch": [self._batch(user)],
            "pace": [self._key("pace", user), self._key("notice", user)],
            "pending": [self._key("pending", user)],
            "searches": [self._key("search", user)],
        }
        if session is not None:
            photos = self._photos(session.batch_id)
            kinds["batch"] += [photos, self._key("batch", session.batch_id) + ":seq"]
        async with self._redis.pipeline(transaction=True) as pipe:
            for keys in kinds.values():
                pipe.delete(*keys)
            removed = await pipe.execute()
        return [kind for kind, count in zip(kinds, removed, strict=True) if count]

    async def _store_photo(self, batch_id: str, outcome: PhotoOutcome, mode: str) -> PhotoOutcome:
        text = replace(outcome, seq=0).to_json()
        cut = text.index(SEQ_MARKER) + len(SEQ_MARKER) - 2  # keep '"seq":', drop '0'
        head, tail = text[:cut], text[cut + 1 :]
        keys = [self._photos(batch_id), self._key("batch", batch_id) + ":seq"]
        args: list[str | int] = [outcome.event_id, head, tail, mode, self._batch_ttl]
        return PhotoOutcome.from_json(await self._put_photo(keys=keys, args=args))

    async def _optimistic(self, keys: list[str], step: Callable[[Pipeline], Awaitable[T]]) -> T:
        """WATCH `keys`, let `step` read them and queue its writes, EXEC; again on a conflict.
        Every conflict means another caller's write went through, so this always ends; a short
        random pause after one keeps a crowd of callers from colliding round after round."""
        async with self._redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(*keys)
                    result = await step(pipe)
                    await pipe.execute()
                    return result
                except TransactionConflict:
                    await asyncio.sleep(random.uniform(0, CONFLICT_PAUSE_SECONDS))

    def _key(self, kind: str, name: str) -> str:
        return self._keys.conversation(kind, name)

    def _batch(self, user: str) -> str:
        return self._key("batch", user)

    def _photos(self, batch_id: str) -> str:
        return self._key("batch", batch_id) + ":photos"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(_text(value))


def _session(fields: list[Any]) -> BatchSession | None:
    if not fields or fields[0] is None:
        return None
    batch_id, started_at, last_activity = (_text(f) for f in fields)
    return BatchSession(batch_id, float(started_at), float(last_activity))
