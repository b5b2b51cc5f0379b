"""The reply policy against the LINE simulator: reply first, push only when worth it, once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from linebot.v3.messaging import TextMessage  # type: ignore[import-untyped, unused-ignore]
from pydantic import SecretStr
from redis.asyncio import Redis

from namecard.domain.jobs import Job, JobKind
from namecard.line.client import LineClient
from namecard.line.delivery import Deliverer
from namecard.line.push_budget import MemoryPushBudget
from namecard.line.replies import reply_of
from namecard.metrics.stats import Metrics
from namecard.sim.line import LineSimulator
from namecard.sim.server import EmulatorServer
from namecard.state.keys import KeySpace
from namecard.state.progress import MemoryJobProgress, RedisJobProgress

TOKEN = "delivery-test-token"
ANSWER = reply_of([TextMessage(text="王小明｜大同公司")])


@pytest.fixture
def sim() -> LineSimulator:
    return LineSimulator(access_tokens={TOKEN})


@pytest.fixture
def url(sim: LineSimulator) -> Iterator[str]:
    with EmulatorServer(sim.create_app()) as server:
        yield server.url


@pytest.fixture
async def line(url: str) -> AsyncIterator[LineClient]:
    client = LineClient(access_token=SecretStr(TOKEN), api_base_url=url, data_api_base_url=url)
    yield client
    await client.aclose()


def job_for(user: str, token: str | None) -> Job:
    return Job(JobKind.CARD_PHOTO, uuid.uuid4().hex, user, user, token, "1")


def new_user() -> str:
    return "U" + uuid.uuid4().hex


async def test_a_valid_token_is_used_and_nothing_is_pushed(
    sim: LineSimulator, line: LineClient
) -> None:
    user = new_user()
    deliverer = Deliverer(line=line, progress=MemoryJobProgress(), metrics=Metrics())

    channel = await deliverer.send(job_for(user, sim.issue_reply_token(user)), ANSWER)

    assert channel == "reply"
    assert [d.channel for d in sim.deliveries(user)] == ["reply"]


async def test_an_expired_token_leads_to_one_push_for_a_result(
    sim: LineSimulator, line: LineClient
) -> None:
    user = new_user()
    sim.reply_token_ttl = 0.0
    metrics = Metrics()
    deliverer = Deliverer(line=line, progress=MemoryJobProgress(), metrics=metrics)
    job = job_for(user, sim.issue_reply_token(user))

    first = await deliverer.send(job, ANSWER)
    again = await deliverer.send(job, ANSWER)  # e.g. the job resumed after a crash

    assert (first, again) == ("push", "already")
    assert [d.channel for d in sim.deliveries(user)] == ["push"]
    assert sim.deliveries(user)[0].retry_key
    assert metrics.counters["line_pushes"] == 1


async def test_an_answer_nobody_waits_for_is_not_pushed(
    sim: LineSimulator, line: LineClient
) -> None:
    user = new_user()
    deliverer = Deliverer(line=line, progress=MemoryJobProgress(), metrics=Metrics())

    channel = await deliverer.send(job_for(user, None), ANSWER, push_worthy=False)

    assert channel == "skipped"
    assert sim.deliveries(user) == []


async def test_another_unused_token_of_an_image_set_is_tried_before_a_push(
    sim: LineSimulator, line: LineClient
) -> None:
    user = new_user()
    deliverer = Deliverer(line=line, progress=MemoryJobProgress(), metrics=Metrics())
    used = sim.issue_reply_token(user)
    spare = sim.issue_reply_token(user)
    await deliverer.send(job_for(user, used), ANSWER)

    channel = await deliverer.send(job_for(user, used), ANSWER, other_tokens=[spare])

    assert channel == "reply"
    assert [d.channel for d in sim.deliveries(user)] == ["reply", "reply"]


async def test_the_monthly_push_cap_refuses_and_is_counted(
    sim: LineSimulator, line: LineClient
) -> None:
    user = new_user()
    budget = MemoryPushBudget(monthly_cap=1, user_monthly_cap=None)
    metrics = Metrics()
    deliverer = Deliverer(line=line, progress=MemoryJobProgress(), metrics=metrics, budget=budget)

    results = [await deliverer.send(job_for(user, None), ANSWER) for _ in range(2)]

    assert results == ["push", "refused"]
    assert len(sim.deliveries(user)) == 1
    assert metrics.counters["line_pushes_refused_cap"] == 1


async def test_progress_in_redis_stops_a_second_worker_answering_again(
    sim: LineSimulator, line: LineClient, redis_client: Redis, other_client: Redis,
    key_prefix: str,
) -> None:  # fmt: skip
    user = new_user()
    job = job_for(user, sim.issue_reply_token(user))
    keys = KeySpace(key_prefix)
    first = Deliverer(line=line, progress=RedisJobProgress(redis_client, keys=keys),
                      metrics=Metrics())  # fmt: skip
    second = Deliverer(line=line, progress=RedisJobProgress(other_client, keys=keys),
                       metrics=Metrics())  # fmt: skip

    assert await first.send(job, ANSWER) == "reply"
    assert await second.send(job, ANSWER) == "already"
    assert len(sim.deliveries(user)) == 1
    assert await redis_client.ttl(f"{key_prefix}job:{job.event_id}") > 0
