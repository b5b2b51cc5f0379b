"""The long-lived clients each setting picks: LINE, Redis, the contact store, webhook dedupe."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack

from pydantic import SecretStr
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from namecard.bootstrap.settings import ALL_INTERFACES, LOOPBACK_HOST, Mode, Settings
from namecard.bootstrap.shared_state import instance_id
from namecard.line.client import LineClient
from namecard.pipeline.dedupe import EventDedupe, MemoryDedupe, RedisDedupe
from namecard.sim.dev_channel import load_dev_channel
from namecard.state.client import SharedRedis
from namecard.state.keys import KeySpace
from namecard.store.base import ContactStore
from namecard.store.user_contacts import MemoryUserContacts, RedisUserContacts, UserContacts

SIMULATOR_PREFIX = "/sim/line"
REDIS_SOCKET_TIMEOUT = 2.0
REDIS_RETRIES = 1
# Connections beyond the workers' own: each worker holds one while it waits on the job queue
# (XREADGROUP BLOCK), and a burst's webhooks, saves and replies need theirs meanwhile.
REDIS_POOL_HEADROOM = 100
LINE_CALLS_PER_JOB = 2


def simulator_url(settings: Settings) -> str:
    """Where the bot reaches its own simulator: the address it listens on (loopback for all)."""
    host = settings.host
    if host in (ALL_INTERFACES, "::", "localhost"):
        host = LOOPBACK_HOST
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.port}{SIMULATOR_PREFIX}"


def line_connections(settings: Settings) -> int:
    """LINE calls in flight at once per host: each running job may reply (or push) while its
    loading animation is still being sent."""
    return LINE_CALLS_PER_JOB * settings.max_concurrent


def line_client(settings: Settings) -> tuple[LineClient, SecretStr]:
    if settings.line_mode is Mode.REAL:
        assert settings.line_channel_access_token and settings.line_channel_secret
        client = LineClient(
            access_token=settings.line_channel_access_token,
            api_base_url=settings.line_api_base_url,
            data_api_base_url=settings.line_data_api_base_url,
            connections=line_connections(settings),
        )
        return client, settings.line_channel_secret
    base = simulator_url(settings)
    channel = load_dev_channel(settings.data_dir)
    client = LineClient(
        access_token=channel.access_token, api_base_url=base, data_api_base_url=base,
        connections=line_connections(settings),
    )  # fmt: skip
    return client, channel.secret


def contact_store(
    settings: Settings,
    redis: SharedRedis | None,
    on_notion_status: Callable[[int], None] | None = None,
) -> ContactStore:
    links: UserContacts = (
        RedisUserContacts(redis.client, keys=redis.keys) if redis else MemoryUserContacts()
    )
    if settings.store_mode is Mode.REAL:
        from namecard.store.card_pages import RedisCardPages
        from namecard.store.notion.person_index import RedisPersonIndex
        from namecard.store.notion.writer import NotionStore
        from namecard.store.person_locks import RedisPersonLocks
        from namecard.store.rate_limit_redis import RedisTokenBucket

        assert settings.notion_api_key and settings.notion_database_id
        return NotionStore(
            api_key=settings.notion_api_key,
            database_id=settings.notion_database_id,
            base_url=settings.notion_base_url,
            timeout_seconds=settings.notion_timeout_seconds,
            rate_per_second=settings.notion_rate_per_second,
            burst=settings.notion_burst,
            merge_duplicates=settings.notion_duplicates == "update",
            links=links,
            on_status=on_notion_status,
            pages=RedisCardPages(redis.client, keys=redis.keys) if redis else None,
            person_locks=RedisPersonLocks(redis.client, keys=redis.keys) if redis else None,
            person_index=RedisPersonIndex(redis.client, keys=redis.keys) if redis else None,
            index_refresh_seconds=settings.notion_index_refresh_seconds,
            phone_region=settings.phone_region,
            limiter=RedisTokenBucket(
                redis.client,
                rate=settings.notion_rate_per_second,
                burst=settings.notion_burst,
                key=redis.keys.notion_rate,
            )
            if redis
            else None,
        )
    from namecard.store.local.book import LocalContactStore

    return LocalContactStore(
        settings.data_dir, merge_duplicates=settings.notion_duplicates == "update", links=links
    )


def open_redis(settings: Settings, stack: AsyncExitStack) -> SharedRedis | None:
    """One connection pool for everything shared through Redis, with the deployment's key
    names (REDIS_KEY_PREFIX) beside it; None without REDIS_URL."""
    if settings.redis_url is None:
        return None
    # One quick retry, not redis-py's default of several with backoff: a webhook must not wait
    # seconds on an unreachable Redis before its photo goes to the local fallback queue.
    # redis-py's default pool refuses a connection past 100 at once ("Too many connections"),
    # which a burst reached with 50 workers waiting on the queue: a page not remembered, a
    # person index entry lost, a job not acknowledged. This pool holds the workers' connections
    # plus REDIS_POOL_HEADROOM, and a command beyond that waits for a free connection (up to
    # the socket timeout) instead of failing.
    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.max_concurrent + REDIS_POOL_HEADROOM,
        timeout=REDIS_SOCKET_TIMEOUT,
        socket_timeout=REDIS_SOCKET_TIMEOUT,
        socket_connect_timeout=REDIS_SOCKET_TIMEOUT,
        retry=Retry(NoBackoff(), REDIS_RETRIES),
    )
    redis: Redis = Redis.from_pool(pool)
    stack.push_async_callback(redis.aclose)
    return SharedRedis(redis, KeySpace(settings.redis_key_prefix))


def command_redis(url: str, settings: Settings, *, timeout: float) -> SharedRedis:
    """A connection for one command (`namecard jobs`); the caller closes its client."""
    redis: Redis = Redis.from_url(url, socket_timeout=timeout)
    return SharedRedis(redis, KeySpace(settings.redis_key_prefix))


def event_dedupe(settings: Settings, redis: SharedRedis | None) -> EventDedupe:
    if redis is None:
        return MemoryDedupe(settings.dedupe_ttl_seconds)
    ttl = settings.dedupe_ttl_seconds
    return RedisDedupe(redis.client, ttl, keys=redis.keys, owner=instance_id())
