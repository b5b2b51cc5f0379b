"""Callers of the shared state see StateUnavailable when Redis is away, never redis-py's errors."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from namecard.conversation.state_redis import RedisConversationStore
from namecard.domain.errors import StateUnavailable
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
    redis = Redis(host="127.0.0.1", port=_closed_port(), socket_connect_timeout=0.5)
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
