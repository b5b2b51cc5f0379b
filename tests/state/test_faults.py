"""Callers of the shared state see StateUnavailable when Redis is away, never redis-py's errors."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from namecard.conversation.state_redis import RedisConversationStore
from namecard.domain.errors import StateUnavailable
from namecard.pipeline.dead_letters import list_dead
from namecard.pipeline.dedupe import RedisDedupe
from namecard.state import keys
from namecard.state.keys import KeySpace
from namecard.state.progress import RedisJobProgress


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def unreachable() -> AsyncIterator[Redis]:
    # as the bot's own pool (bootstrap/clients.open_redis): one quick retry, not redis-py's
    # default backoff, which made each of these tests wait seconds
    redis = Redis(host="127.0.0.1", port=_closed_port(), socket_connect_timeout=0.5,
                  retry=Retry(NoBackoff(), 1))  # fmt: skip
    yield redis
    await redis.aclose()


async def test_conversation_store_reports_redis_away_as_state_unavailable(
    unreachable: Redis,
) -> None:
    store = RedisConversationStore(unreachable, keys=KeySpace("t:"))
    with pytest.raises(StateUnavailable):
        await store.current_batch("user")


async def test_job_progress_reports_redis_away_as_state_unavailable(unreachable: Redis) -> None:
    progress = RedisJobProgress(unreachable, keys=KeySpace("t:"))
    with pytest.raises(StateUnavailable):
        await progress.load("event")


def test_every_registered_key_is_distinct() -> None:
    names = [value for name, value in vars(keys).items() if name.isupper()]
    assert len(names) == len(set(names))
    assert all(isinstance(value, str) and value for value in names)


def test_a_deployment_keeps_the_key_names_it_had_before_the_key_space() -> None:
    space = KeySpace("acme:")
    assert [
        space.dedupe("ev1"), space.stream, space.delayed, space.dead, space.progress("ev1"),
        space.conversation("batch", "u1"), space.push_budget("2026-12"),
        space.cache("ai_result:v1:abc"), space.key_pool("cursor"), space.card_page("c1"),
        space.person_lock("d1"), space.notion_rate, space.ip_limit("h1"),
    ] == [
        "acme:namecard:webhook-event:ev1", "acme:jobs:stream", "acme:jobs:delayed",
        "acme:jobs:dead", "acme:job:ev1", "acme:conv:batch:u1", "acme:push:2026-12",
        "acme:ai_result:v1:abc", "acme:namecard:gemini-keys:cursor",
        "acme:namecard:card-page:c1", "acme:namecard:person-lock:d1",
        "acme:namecard:notion-rate", "acme:namecard:ip-limit:h1",
    ]  # fmt: skip


async def test_dead_letters_report_redis_away_as_state_unavailable(unreachable: Redis) -> None:
    with pytest.raises(StateUnavailable):
        await list_dead(unreachable, KeySpace("t:"))


async def test_dedupe_confirm_reports_redis_away_as_state_unavailable(
    unreachable: Redis,
) -> None:
    dedupe = RedisDedupe(unreachable, 60, keys=KeySpace("t:"))
    assert await dedupe.claim("ev")  # a claim accepts while Redis is away
    with pytest.raises(StateUnavailable):
        await dedupe.confirm("ev")
