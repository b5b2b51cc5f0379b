"""One save at a time per person: "look for the same person, else create a page" must not run
for two photos of one person at once, or both look before either page exists and two pages are
made. In process, a lock per key; with Redis, a lock per key shared by every worker and instance.

Redis keys: `{prefix}namecard:person-lock:{sha256 of the identity}` (no e-mail or phone number
in a key name), value = the holder's random token. The holder renews it every
third of `LOCK_TTL_SECONDS` while it saves; a holder that died stops renewing and the person
is free again within `LOCK_TTL_SECONDS`, so a job resumed after a crash is not kept waiting.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Protocol

from namecard.domain.errors import StateUnavailable
from namecard.state.client import NO_PREFIX, Redis, run_script
from namecard.state.faults import unavailable_on_fault
from namecard.state.keys import KeySpace

logger = logging.getLogger(__name__)

LOCK_TTL_SECONDS = 10  # the holder renews every third of it
# A living holder may wait its turn behind the Notion rate limit for long: wait this much for it.
WAIT_SECONDS = 120
POLL_SECONDS = 0.05

RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
RENEW_LUA = """
local renewed = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('EXPIRE', key, ARGV[2])
    renewed = renewed + 1
  end
end
return renewed
"""


class PersonLocks(Protocol):
    def hold(self, identities: Sequence[str]) -> AbstractAsyncContextManager[None]: ...


class KeyedLocks:
    """An asyncio.Lock per key, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class MemoryPersonLocks:
    def __init__(self) -> None:
        self._locks = KeyedLocks()

    @asynccontextmanager
    async def hold(self, identities: Sequence[str]) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for identity in sorted(set(identities)):  # one order everywhere: no deadlock
                await stack.enter_async_context(self._locks.hold(identity))
            yield


class RedisPersonLocks:
    """Shared by every process. If Redis fails, or a lock is not free within WAIT_SECONDS,
    the save goes ahead without it: a possible second page beats a card never saved."""

    def __init__(
        self, redis: Redis, *, keys: KeySpace = NO_PREFIX, ttl_seconds: int = LOCK_TTL_SECONDS
    ) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._keys = keys
        self._release = redis.register_script(RELEASE_LUA)
        self._renew = redis.register_script(RENEW_LUA)
        self._local = MemoryPersonLocks()  # this process's savers queue here, not on Redis

    @asynccontextmanager
    async def hold(self, identities: Sequence[str]) -> AsyncIterator[None]:
        keys = sorted({self._key(identity) for identity in identities})
        token = secrets.token_hex(16)
        async with self._local.hold(identities):
            held = [key for key in keys if await self._acquire(key, token)]
            renewing = asyncio.create_task(self._keep(held, token)) if held else None
            try:
                yield
            finally:
                if renewing is not None:
                    renewing.cancel()
                for key in held:
                    await self._let_go(key, token)

    def _key(self, identity: str) -> str:
        return self._keys.person_lock(hashlib.sha256(identity.encode()).hexdigest()[:32])

    async def _acquire(self, key: str, token: str) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_SECONDS
        try:
            while not await self._set(key, token):
                if loop.time() >= deadline:
                    logger.warning("person lock still taken after %ds; saving anyway",
                                   WAIT_SECONDS)  # fmt: skip
                    return False
                await asyncio.sleep(POLL_SECONDS)
        except StateUnavailable as exc:
            logger.warning("person lock unavailable (%s); saving anyway", exc.fault)
            return False
        return True

    @unavailable_on_fault
    async def _set(self, key: str, token: str) -> bool:
        return bool(await self._redis.set(key, token, nx=True, ex=self._ttl))

    async def _keep(self, keys: list[str], token: str) -> None:
        while True:
            await asyncio.sleep(self._ttl / 3)
            try:
                await run_script(self._renew, keys, [token, self._ttl])
            except StateUnavailable as exc:  # the lock may lapse: at worst a second page
                logger.warning("person lock not renewed (%s)", exc.fault)

    async def _let_go(self, key: str, token: str) -> None:
        try:
            await run_script(self._release, [key], [token])
        except StateUnavailable as exc:  # it expires by itself
            logger.warning("person lock not released (%s)", exc.fault)
