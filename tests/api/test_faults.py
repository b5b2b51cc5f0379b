"""Faults an operator must see: a revoked LINE token, a Redis that refuses our credentials."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from quart.testing.app import LifespanError
from quart.typing import TestClientProtocol as Client
from redis.asyncio import Redis

from namecard.api.app import create_app
from namecard.line.webhook import signature_of
from namecard.sim.driver import DEFAULT_DESTINATION
from tests.api.webhook_app import health_when, settings_for
from tests.conftest import database_of
from tests.harness import CHANNEL_SECRET, Emulators

USER_ID = "U" + "f" * 32


def codes(body: dict[str, Any]) -> set[str]:
    return {problem["code"] for problem in body.get("problems", [])}


async def send_text(client: Client, emulators: Emulators, text: str) -> None:
    event = {
        "type": "message", "mode": "active", "timestamp": 1764460800000,
        "source": {"type": "user", "userId": USER_ID},
        "webhookEventId": uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": False},
        "replyToken": emulators.line.issue_reply_token(USER_ID),
        "message": {"id": str(uuid.uuid4().int)[:18], "type": "text", "text": text,
                    "quoteToken": "q" * 24},
    }  # fmt: skip
    body = json.dumps({"destination": DEFAULT_DESTINATION, "events": [event]}).encode()
    headers = {"X-Line-Signature": signature_of(body, CHANNEL_SECRET)}
    response = await client.post("/callback", data=body, headers=headers)
    assert response.status_code == 200


async def test_a_revoked_line_token_degrades_health_until_line_answers_again(
    emulators: Emulators, tmp_path: Path
) -> None:
    app: Quart = create_app(settings_for(emulators, tmp_path))
    async with app.test_app() as running:
        client = running.test_client()
        await health_when(client, lambda body: body["status"] == "healthy")
        emulators.line.fail_next("reply", 401)
        await send_text(client, emulators, "help")
        refused = await health_when(client, lambda body: "line_auth" in codes(body))
        await send_text(client, emulators, "help")
        recovered = await health_when(client, lambda body: body["status"] == "healthy")

    assert refused["status"] == "degraded"
    line_auth = next(p for p in refused["problems"] if p["code"] == "line_auth")
    assert "LINE_CHANNEL_ACCESS_TOKEN" in line_auth["sentence"]
    assert "line_auth" not in codes(recovered)


@pytest.fixture
def plain_redis(redis_url: str) -> str:
    """host:port of the test Redis, for URLs with credentials of our own."""
    if not redis_url.startswith("redis://") or "@" in redis_url:
        pytest.skip("needs a plain redis://host:port test Redis")
    return redis_url.removeprefix("redis://").split("/")[0]


@pytest.mark.parametrize(
    "url",
    ["redis://nobody-{tag}:secret-{tag}@{hostport}", "redis://{hostport}/4000"],
    ids=["wrong-password", "no-such-database"],
)
async def test_a_redis_that_refuses_our_credentials_stops_start_up_naming_redis_url(
    emulators: Emulators, tmp_path: Path, plain_redis: str, url: str
) -> None:
    tag = uuid.uuid4().hex[:8]
    redis_url = url.format(tag=tag, hostport=plain_redis)
    app: Quart = create_app(settings_for(emulators, tmp_path, REDIS_URL=redis_url))
    with pytest.raises(LifespanError, match="REDIS_URL") as refused:
        async with app.test_app():
            pass
    assert f"secret-{tag}" not in str(refused.value)


@pytest.fixture
async def acl_user(plain_redis: str, redis_client: Redis) -> AsyncIterator[tuple[str, str]]:
    """A Redis user of its own (name, password), deleted afterwards."""
    name, password = f"namecard-test-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    await redis_client.acl_setuser(
        name, enabled=True, passwords=[f"+{password}"], keys=["*"], channels=["*"],
        commands=["+@all"],
    )  # fmt: skip
    yield name, password
    await redis_client.acl_deluser(name)


async def test_a_redis_password_changed_under_the_service_degrades_health_as_redis_auth(
    emulators: Emulators,
    tmp_path: Path,
    plain_redis: str,
    redis_client: Redis,
    acl_user: tuple[str, str],
    key_prefix: str,
    redis_url: str,
) -> None:
    name, password = acl_user
    # on the run's own database, like every test (tests/conftest.py)
    redis_url = f"redis://{name}:{password}@{plain_redis}/{database_of(redis_url)}"
    settings = settings_for(emulators, tmp_path, REDIS_URL=redis_url, REDIS_KEY_PREFIX=key_prefix)
    app: Quart = create_app(settings)
    async with app.test_app() as running:
        client = running.test_client()
        await health_when(client, lambda body: body["status"] == "healthy")
        await redis_client.acl_setuser(
            name, enabled=True, reset_passwords=True, passwords=["+rotated"]
        )
        await redis_client.client_kill_filter(user=name)
        refused = await health_when(client, lambda body: body["status"] == "degraded")
        stats = await (await client.get("/stats")).get_json()
    async for key in redis_client.scan_iter(match=key_prefix + "*"):
        await redis_client.delete(key)

    assert codes(refused) == {"redis_auth"}
    assert "REDIS_URL" in refused["problems"][0]["sentence"]
    assert password not in json.dumps(stats)
