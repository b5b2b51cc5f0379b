"""Who is already in Notion: e-mail and mobile (E.164) → page id, so the duplicate check of a
new person costs no Notion query. In process, or shared by every worker through Redis.

Redis keys (after the prefix, see state/keys.py), identities stored as sha256 digests (no
e-mail or phone number in Redis): `namecard:person-index:ids` (hash digest → page id),
`…:pages` (hash page id → JSON list of its digests, to drop what a page no longer holds),
`…:meta` (hash: `built` once the whole data source was read, `watermark` = the latest
`last_edited_time` seen), `…:refresh` (a flag with a TTL: one instance refreshes per interval).
They have no TTL: the index is as long-lived as the database it mirrors. A Redis fault makes
the index "not ready", and the store falls back to the Notion query.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from namecard.state.client import NO_PREFIX, Redis, run_script
from namecard.state.faults import faults_as_unavailable
from namecard.state.keys import KeySpace

logger = logging.getLogger(__name__)

# KEYS: ids, pages. ARGV: page id, JSON list of the page's digests now. Atomic, so that two
# workers writing one page's identities never leave a digest pointing at a page that lost it.
# Hand-written because no library keeps a reverse index in Redis hashes.
PUT_LUA = """
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then
  for _, id in ipairs(cjson.decode(old)) do
    if redis.call('HGET', KEYS[1], id) == ARGV[1] then redis.call('HDEL', KEYS[1], id) end
  end
end
local new = cjson.decode(ARGV[2])
for _, id in ipairs(new) do redis.call('HSET', KEYS[1], id, ARGV[1]) end
if #new > 0 then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
else redis.call('HDEL', KEYS[2], ARGV[1]) end
return #new
"""


@dataclass(frozen=True, slots=True)
class IndexState:
    built: bool = False
    watermark: str | None = None  # ISO `last_edited_time` of the latest page read


class PersonIndex(Protocol):
    async def lookup(self, identities: Sequence[str]) -> str | None: ...

    async def put(self, page_id: str, identities: Sequence[str]) -> None:
        """The page holds exactly `identities` now (none: forget it)."""

    async def state(self) -> IndexState: ...

    async def mark(self, state: IndexState) -> None: ...

    async def claim_refresh(self, seconds: float) -> bool:
        """True for one caller per `seconds` (across instances when shared)."""


def digest(identity: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


class MemoryPersonIndex:
    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._pages: dict[str, list[str]] = {}
        self._state = IndexState()

    async def lookup(self, identities: Sequence[str]) -> str | None:
        return next((self._ids[i] for i in identities if i in self._ids), None)

    async def put(self, page_id: str, identities: Sequence[str]) -> None:
        for old in self._pages.pop(page_id, []):
            if self._ids.get(old) == page_id:
                del self._ids[old]
        for identity in identities:
            self._ids[identity] = page_id
        if identities:
            self._pages[page_id] = list(identities)

    async def state(self) -> IndexState:
        return self._state

    async def mark(self, state: IndexState) -> None:
        self._state = state

    async def claim_refresh(self, seconds: float) -> bool:
        return True  # one process: its own loop paces it


class RedisPersonIndex:
    """Shared; every method raises StateUnavailable on a Redis fault (the caller degrades)."""

    def __init__(self, redis: Redis, *, keys: KeySpace = NO_PREFIX) -> None:
        self._redis = redis
        self._ids = keys.person_index("ids")
        self._pages = keys.person_index("pages")
        self._meta = keys.person_index("meta")
        self._refresh = keys.person_index("refresh")
        self._put = redis.register_script(PUT_LUA)

    async def lookup(self, identities: Sequence[str]) -> str | None:
        if not identities:
            return None
        with faults_as_unavailable():
            found = await self._redis.hmget(self._ids, [digest(i) for i in identities])
        page = next((value for value in found if value), None)
        return page.decode() if isinstance(page, bytes) else page

    async def put(self, page_id: str, identities: Sequence[str]) -> None:
        digests = json.dumps(sorted({digest(i) for i in identities}))
        await run_script(self._put, [self._ids, self._pages], [page_id, digests])

    async def state(self) -> IndexState:
        with faults_as_unavailable():
            built, watermark = await self._redis.hmget(self._meta, ["built", "watermark"])
        text = watermark.decode() if isinstance(watermark, bytes) else watermark
        return IndexState(built=bool(built), watermark=text)

    async def mark(self, state: IndexState) -> None:
        with faults_as_unavailable():
            await self._redis.hset(self._meta, "built", "1" if state.built else "")
            if state.watermark:
                await self._redis.hset(self._meta, "watermark", state.watermark)

    async def claim_refresh(self, seconds: float) -> bool:
        with faults_as_unavailable():
            return bool(await self._redis.set(self._refresh, "1", nx=True, px=int(seconds * 1000)))
