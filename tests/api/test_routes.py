"""The HTTP surface through Quart's test client, with real services against the emulators."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from namecard.api.app import create_app
from namecard.api.ops import PUBLIC_ROUTES
from namecard.line.webhook import signature_of
from namecard.sim.driver import DEFAULT_DESTINATION
from tests.api.webhook_app import settings_for, until_healthy
from tests.harness import CHANNEL_SECRET, Emulators


@pytest.fixture
async def client(emulators: Emulators, tmp_path: Path) -> AsyncIterator[Client]:
    app = create_app(settings_for(emulators, tmp_path))
    async with app.test_app() as running:
        test_client = running.test_client()
        await until_healthy(test_client)
        yield test_client


def signed(body: bytes) -> dict[str, str]:
    return {
        "X-Line-Signature": signature_of(body, CHANNEL_SECRET),
        "Content-Type": "application/json",
    }


def event(kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind, "mode": "active", "timestamp": 1764460800000,
        "source": {"type": "user", "userId": "U" + "0" * 32},
        "webhookEventId": "01JD0000000000000000000000", "deliveryContext": {"isRedelivery": False},
        **fields,
    }  # fmt: skip


async def test_verify_ping_with_no_events_is_accepted(client: Client) -> None:
    body = b'{"destination": "U0", "events": []}'
    response = await client.post("/callback", data=body, headers=signed(body))
    assert response.status_code == 200


async def test_missing_and_wrong_signatures_are_refused(client: Client) -> None:
    body = b'{"destination": "U0", "events": []}'
    missing = await client.post("/callback", data=body)
    wrong = await client.post("/callback", data=body, headers={"X-Line-Signature": "AAAA"})
    assert missing.status_code == wrong.status_code == 400
    assert "X-Line-Signature" in (await missing.get_json())["error"]


async def test_signature_covers_the_exact_bytes(client: Client) -> None:
    body = json.dumps(
        {"destination": "U0", "events": [], "note": "名片"}, ensure_ascii=False
    ).encode()
    reformatted = json.dumps(json.loads(body)).encode()  # same JSON, other bytes
    response = await client.post("/callback", data=reformatted, headers=signed(body))
    assert response.status_code == 400


async def test_garbage_json_and_oversized_bodies(client: Client) -> None:
    garbage = b"{definitely not json"
    big = b'{"events": [], "pad": "' + b"x" * (1024 * 1024) + b'"}'
    assert (
        await client.post("/callback", data=garbage, headers=signed(garbage))
    ).status_code == 400
    assert (await client.post("/callback", data=big, headers=signed(big))).status_code == 413


async def test_events_the_sdk_cannot_model_are_counted_not_hidden(
    client: Client,
) -> None:
    image_without_quote_token = event(
        "message", replyToken="0" * 32,
        message={"type": "image", "id": "1", "contentProvider": {"type": "line"}},
    )  # fmt: skip
    body = json.dumps({"destination": "U0", "events": [image_without_quote_token]}).encode()

    response = await client.post("/callback", data=body, headers=signed(body))
    stats = await (await client.get("/stats")).get_json()

    assert response.status_code == 200
    assert stats["webhook_stats"]["unparsed_events"] == 1


async def test_health_is_answered_without_calling_anything(
    client: Client, emulators: Emulators
) -> None:
    calls_before = (
        len(emulators.notion.calls),
        len(emulators.gemini.calls),
        len(emulators.line.calls),
    )
    for _ in range(20):
        response = await client.get("/health")
    assert response.status_code == 200
    assert (await response.get_json())["status"] == "healthy"
    calls_after = (
        len(emulators.notion.calls),
        len(emulators.gemini.calls),
        len(emulators.line.calls),
    )
    assert calls_after == calls_before


async def test_stats_has_the_fields_operators_query(client: Client) -> None:
    stats = await (await client.get("/stats")).get_json()
    for field in ("avg_processing_time", "active_tasks", "cache_hit_rate", "total_processed",
                  "total_errors"):  # fmt: skip
        assert field in stats["ai_processor_stats"]
    assert "requests" in stats["webhook_stats"]
    tiers = stats["cache_stats"]["tiers"]
    assert set(tiers) == {"memory", "disk"}  # no REDIS_URL here: no Redis tier
    assert {"hits", "misses", "errors", "entries", "bytes"} <= set(tiers["disk"])
    assert "secret" not in json.dumps(stats).lower()


async def test_performance_report_validates_hours(client: Client) -> None:
    bad = await client.get("/performance-report?hours=abc")
    good = await client.get("/performance-report?hours=1")
    assert bad.status_code == 400
    assert good.status_code == 200
    assert (await good.get_json())["report_period_hours"] == 1


async def test_every_route_is_public_by_design_or_needs_the_operator_token(
    emulators: Emulators, tmp_path: Path
) -> None:
    app: Quart = create_app(settings_for(emulators, tmp_path, STATS_TOKEN="operator-token-123"))
    async with app.test_app() as running:
        client = running.test_client()
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or rule.rule in PUBLIC_ROUTES:
                continue
            methods = rule.methods or set()
            if "GET" in methods:
                response = await client.get(rule.rule)
            else:
                response = await client.post(rule.rule)
            assert response.status_code == 401, rule.rule
        authorised = await client.get(
            "/stats", headers={"Authorization": "Bearer operator-token-123"}
        )
        assert authorised.status_code == 200


async def test_prometheus_metrics_expose_the_same_counters(client: Client) -> None:
    body = b'{"destination": "U0", "events": []}'
    await client.post("/callback", data=body, headers=signed(body))
    response = await client.get("/metrics")
    text = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'namecard_events_total{event="webhook_requests"} 1.0' in text
    assert "namecard_queue_depth" in text


async def test_a_slow_contact_store_does_not_hold_up_start_up(
    emulators: Emulators, tmp_path: Path
) -> None:
    emulators.notion.latency = 1.5  # e.g. behind a long backlog in the shared Notion rate limit
    try:
        app = create_app(settings_for(emulators, tmp_path))
        async with app.test_app() as running:
            client = running.test_client()
            early = await (await client.get("/health")).get_json()
            body = json.dumps(
                {
                    "destination": DEFAULT_DESTINATION,
                    "events": [event("follow", replyToken="r" * 32)],
                }
            ).encode()
            accepted = await client.post("/callback", data=body, headers=signed(body))
            await until_healthy(client)
            later = await (await client.get("/health")).get_json()
    finally:
        emulators.notion.latency = 0.0

    assert early["status"] == "degraded"
    assert "contact_store_starting" in [problem["code"] for problem in early["problems"]]
    assert accepted.status_code == 200  # webhooks are taken meanwhile
    assert later["status"] == "healthy"
