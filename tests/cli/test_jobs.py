"""`namecard jobs dead` / `namecard jobs retry` against a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import redis
from redis.asyncio import Redis

from namecard.cli.main import main
from namecard.domain.jobs import Job, JobKind
from namecard.pipeline.stream_queue import RedisStreamQueue
from namecard.state.keys import STREAM_KEY, KeySpace

USER = "U" + "d" * 32
REASONS = ("Notion refused the page", "photo expired at LINE")


async def bury_two(url: str, prefix: str) -> None:
    client: Redis = Redis.from_url(url)
    queue = RedisStreamQueue(client, keys=KeySpace(prefix), consumer="cli-test", capacity=10)
    await queue.start()
    for n, reason in enumerate(REASONS):
        await queue.put(Job(JobKind.CARD_PHOTO, f"ev-{n}", USER, USER, None, message_id="m"))
        await queue.bury(await queue.get(), reason)
    await queue.aclose()
    await client.aclose()


@pytest.fixture
def sync_redis(redis_url: str, key_prefix: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    for name in client.scan_iter(match=key_prefix + "*"):
        client.delete(name)
    client.close()


@pytest.fixture
def dead_jobs(
    redis_url: str, key_prefix: str, sync_redis: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("REDIS_KEY_PREFIX", key_prefix)
    asyncio.run(bury_two(redis_url, key_prefix))


def dead_ids(capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["jobs", "dead"]) == 0
    return [line.split()[0] for line in capsys.readouterr().out.splitlines()]


@pytest.mark.usefixtures("dead_jobs")
def test_dead_lists_one_line_per_job_without_the_user_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["jobs", "dead"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    newest, oldest = lines
    assert "ev-1" in newest and REASONS[1] in newest and "card_photo" in newest
    assert "ev-0" in oldest and REASONS[0] in oldest and "attempts 1" in oldest
    assert USER not in "\n".join(lines)


@pytest.mark.usefixtures("dead_jobs")
def test_retry_by_id_puts_that_job_back_in_the_queue(
    capsys: pytest.CaptureFixture[str], sync_redis: redis.Redis, key_prefix: str
) -> None:
    newest, oldest = dead_ids(capsys)

    assert main(["jobs", "retry", oldest]) == 0

    assert capsys.readouterr().out == "1 job(s) put back in the queue\n"
    assert dead_ids(capsys) == [newest]
    assert sync_redis.xlen(key_prefix + STREAM_KEY) == 1


@pytest.mark.usefixtures("dead_jobs")
def test_retry_all_empties_the_dead_letters(
    capsys: pytest.CaptureFixture[str], sync_redis: redis.Redis, key_prefix: str
) -> None:
    assert main(["jobs", "retry", "--all"]) == 0
    assert capsys.readouterr().out == "2 job(s) put back in the queue\n"

    assert main(["jobs", "dead"]) == 0
    assert capsys.readouterr().out == "no dead jobs\n"
    assert sync_redis.xlen(key_prefix + STREAM_KEY) == 2


@pytest.mark.usefixtures("dead_jobs")
@pytest.mark.parametrize("argv", [["jobs", "retry"], ["jobs", "retry", "not-an-id"]])
def test_retry_needs_dead_job_ids_or_all(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert "namecard jobs retry:" in capsys.readouterr().err
    assert len(dead_ids(capsys)) == 2


def test_without_redis_it_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)

    assert main(["jobs", "dead"]) == 2

    assert capsys.readouterr().err == "jobs are only kept in Redis: set REDIS_URL\n"
