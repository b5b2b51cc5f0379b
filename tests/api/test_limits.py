"""Per-IP limits on unsigned webhooks and operator requests; LINE's signed traffic is never
limited."""

from __future__ import annotations

from pathlib import Path

from quart import Quart
from quart.typing import TestClientProtocol as Client
from redis.asyncio import Redis

from namecard.api.app import create_app
from namecard.api.limits import client_ip
from namecard.line.webhook import signature_of
from namecard.state.ip_limit import HourlyRate, MemoryIpLimiter, subject
from tests.api.webhook_app import settings_for, until_healthy
from tests.harness import CHANNEL_SECRET, Emulators

PING = b'{"destination": "U0", "events": []}'
ATTACKER, OPERATOR = "203.0.113.7", "198.51.100.20"
GUIDE_LIMIT = 100  # the operator guide: 每 IP 每小時最多 100 次請求


def via_proxy(ip: str, **headers: str) -> dict[str, str]:
    """Headers as Zeabur's proxy forwards them: the client's address appended last."""
    return {"X-Forwarded-For": ip, **headers}


async def unsigned(client: Client, ip: str) -> int:
    response = await client.post(
        "/callback", data=PING, headers=via_proxy(ip, **{"X-Line-Signature": "forged"})
    )
    return response.status_code


def test_the_client_is_the_address_the_trusted_proxies_saw() -> None:
    assert client_ip("10.0.0.5", ["198.51.100.1, 203.0.113.7"], trusted=1) == "203.0.113.7"
    assert client_ip("10.0.0.5", ["198.51.100.1", "203.0.113.7"], trusted=1) == "203.0.113.7"
    assert client_ip("10.0.0.5", ["1.1.1.1, 203.0.113.7, 10.0.0.9"], trusted=2) == "203.0.113.7"
    assert client_ip("10.0.0.5", ["203.0.113.7"], trusted=0) == "10.0.0.5"
    assert client_ip("10.0.0.5", [], trusted=1) == "10.0.0.5"  # not through the proxy
    assert client_ip("10.0.0.5", ["203.0.113.7"], trusted=2) == "10.0.0.5"  # fewer hops than set


async def test_past_its_limit_an_address_gets_one_request_per_interval_again() -> None:
    now = [0.0]
    limiter = MemoryIpLimiter(HourlyRate(GUIDE_LIMIT), clock=lambda: now[0])
    waits = [await limiter.retry_after(ATTACKER) for _ in range(GUIDE_LIMIT + 1)]
    now[0] += waits[-1]
    after_waiting = [await limiter.retry_after(ATTACKER) for _ in range(2)]

    assert waits[:GUIDE_LIMIT] == [0.0] * GUIDE_LIMIT
    assert waits[-1] == 36.0
    assert after_waiting == [0.0, 36.0]
    assert await limiter.retry_after(OPERATOR) == 0.0


def test_one_limit_covers_an_ipv6_subscriber_prefix() -> None:
    assert subject("2001:db8:1:2:aaaa::1") == subject("2001:db8:1:2:bbbb::9")
    assert subject("2001:db8:1:3::1") != subject("2001:db8:1:2::1")
    assert subject("203.0.113.7") == "203.0.113.7"


async def test_unsigned_webhooks_past_the_guides_limit_get_429_but_line_is_never_limited(
    emulators: Emulators, tmp_path: Path
) -> None:
    app: Quart = create_app(settings_for(emulators, tmp_path))
    async with app.test_app() as running:
        client = running.test_client()
        refused = [await unsigned(client, ATTACKER) for _ in range(GUIDE_LIMIT)]
        limited = await client.post(
            "/callback", data=PING, headers=via_proxy(ATTACKER, **{"X-Line-Signature": "forged"})
        )
        spoofed = await unsigned(client, f"{OPERATOR}, {ATTACKER}")  # a forged first hop
        stats_from_attacker = await client.get("/stats", headers=via_proxy(ATTACKER))
        line = await client.post(
            "/callback",
            data=PING,
            headers=via_proxy(ATTACKER, **{"X-Line-Signature": signature_of(PING, CHANNEL_SECRET)}),
        )
        stats_from_operator = await client.get("/stats", headers=via_proxy(OPERATOR))

    assert set(refused) == {400}
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "36"  # one more request every 3600/100 s
    assert spoofed == 429
    assert stats_from_attacker.status_code == 429
    assert line.status_code == 200
    assert stats_from_operator.status_code == 200


async def test_operator_requests_are_limited_per_ip_unless_they_carry_the_token(
    emulators: Emulators, tmp_path: Path
) -> None:
    app: Quart = create_app(
        settings_for(emulators, tmp_path, STATS_TOKEN="operator-token", IP_RATE_PER_HOUR="3")
    )
    async with app.test_app() as running:
        client = running.test_client()
        guesses = [
            (await client.get("/metrics", headers=via_proxy(ATTACKER))).status_code
            for _ in range(4)
        ]
        authorised = await client.get(
            "/metrics", headers=via_proxy(ATTACKER, Authorization="Bearer operator-token")
        )
        health = await client.get("/health", headers=via_proxy(ATTACKER))

    assert guesses == [401, 401, 401, 429]
    assert authorised.status_code == 200
    assert health.status_code == 200  # probes and uptime monitors are never refused


async def test_the_limit_is_shared_by_every_instance_through_redis(
    emulators: Emulators, tmp_path: Path, redis_url: str, redis_client: Redis, key_prefix: str
) -> None:
    settings = settings_for(
        emulators, tmp_path, REDIS_URL=redis_url, REDIS_KEY_PREFIX=key_prefix,
        IP_RATE_PER_HOUR="4",
    )  # fmt: skip
    first, second = create_app(settings), create_app(settings)
    async with first.test_app() as one, second.test_app() as two:
        statuses = [
            await unsigned(one.test_client(), ATTACKER),
            await unsigned(two.test_client(), ATTACKER),
            await unsigned(one.test_client(), ATTACKER),
            await unsigned(two.test_client(), ATTACKER),
            await unsigned(one.test_client(), ATTACKER),
            await unsigned(two.test_client(), ATTACKER),
        ]
        for running in (one, two):  # let the contact stores finish starting before closing
            await until_healthy(running.test_client())
    async for key in redis_client.scan_iter(match=key_prefix + "*"):
        await redis_client.delete(key)
    assert statuses == [400, 400, 400, 400, 429, 429]
