"""While Redis is down, jobs are held in the process and reach Redis once it returns."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from namecard.domain.health import ProblemCode
from namecard.domain.jobs import Job, JobKind
from namecard.pipeline.fallback_queue import FallbackQueue
from namecard.pipeline.queue import QueueFull
from namecard.pipeline.stream_queue import RedisStreamQueue
from namecard.sim.server import free_port
from namecard.state.keys import KeySpace

NO_RETRY = Retry(NoBackoff(), 0)  # a closed port fails at once, not after ten tries
USER = "U" + "e" * 32


def card_job(event_id: str) -> Job:
    return Job(JobKind.CARD_PHOTO, event_id, USER, USER, None, message_id=f"m-{event_id}")


class RedisServer:
    """A private redis-server on a fixed port that a test stops and starts again (empty)."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self._tmp = tmp
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self._tmp)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()  # as abruptly as a crash
            self._process.wait(10)
            self._process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server binary to stop and start")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


async def until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


async def test_while_redis_is_unreachable_jobs_are_held_and_health_says_so() -> None:
    client: Redis = Redis(port=free_port(), retry=NO_RETRY)
    inner = RedisStreamQueue(client, keys=KeySpace("p:"), consumer="a", capacity=100)
    queue = FallbackQueue(inner, capacity=2)
    await queue.start()

    await queue.put(card_job("ev-1"))
    await queue.put_later(card_job("ev-2"), 5)

    problem = queue.problem()
    assert problem is not None
    assert problem.code is ProblemCode.REDIS_UNREACHABLE
    assert "2 job(s) held in this process" in problem.detail
    assert (await queue.depth(), await queue.room()) == (2, 0)
    with pytest.raises(QueueFull):
        await queue.put(card_job("ev-3"))
    await queue.aclose()
    await client.aclose()


async def test_held_jobs_reach_redis_in_order_when_it_returns(
    redis_server: RedisServer, key_prefix: str
) -> None:
    asked: list[str] = []

    async def on_flush(job: Job) -> bool:
        asked.append(job.event_id)
        return job.event_id != "ev-dup"  # another instance accepted this one already

    client: Redis = Redis.from_url(redis_server.url, socket_timeout=2, socket_connect_timeout=1)
    inner = RedisStreamQueue(client, keys=KeySpace(key_prefix), consumer="a", capacity=100,
                             block_seconds=0.2)  # fmt: skip
    queue = FallbackQueue(inner, capacity=10, on_flush=on_flush)
    await queue.start()
    redis_server.stop()
    for event_id in ("ev-1", "ev-dup", "ev-2"):
        await queue.put(card_job(event_id))
    assert "3 job(s) held in this process" in getattr(queue.problem(), "detail", "")

    redis_server.start()  # empty: the consumer group is gone too
    first = await asyncio.wait_for(queue.get(), 20)
    second = await asyncio.wait_for(queue.get(), 5)

    assert [first.job.event_id, second.job.event_id] == ["ev-1", "ev-2"]
    assert asked == ["ev-1", "ev-dup", "ev-2"]
    await queue.ack(first)
    await queue.ack(second)
    assert await queue.depth() == 0
    await until(lambda: queue.problem() is None)
    await queue.aclose()
    await client.aclose()
