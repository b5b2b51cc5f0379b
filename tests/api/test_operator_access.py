"""Who may read the operator endpoints, and what the public /health tells a stranger."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from quart import Quart

from namecard.api.app import create_app
from namecard.sim.server import free_port
from tests.api.webhook_app import health_when, settings_for
from tests.harness import Emulators

OPERATOR_TOKEN = "operator-token-123"


async def test_the_operator_token_must_come_as_a_bearer_credential(
    emulators: Emulators, tmp_path: Path
) -> None:
    app: Quart = create_app(settings_for(emulators, tmp_path, STATS_TOKEN=OPERATOR_TOKEN))
    async with app.test_app() as running:
        client = running.test_client()
        statuses = {
            header: (await client.get("/stats", headers={"Authorization": header})).status_code
            for header in (
                OPERATOR_TOKEN,  # a bare token
                f"Basic {OPERATOR_TOKEN}",
                f"Bearer {OPERATOR_TOKEN}x",
                f"Bearer {OPERATOR_TOKEN}",
            )
        }
    assert statuses == {
        OPERATOR_TOKEN: 401,
        f"Basic {OPERATOR_TOKEN}": 401,
        f"Bearer {OPERATOR_TOKEN}x": 401,
        f"Bearer {OPERATOR_TOKEN}": 200,
    }


@pytest.mark.parametrize(
    ("extra", "warned"),
    [({}, True), ({"STATS_TOKEN": OPERATOR_TOKEN}, False)],
    ids=["no-token", "token"],
)
async def test_real_line_without_an_operator_token_warns_once_at_start_up(
    emulators: Emulators,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    extra: dict[str, str],
    warned: bool,
) -> None:
    caplog.set_level(logging.WARNING)
    app: Quart = create_app(settings_for(emulators, tmp_path, **extra))
    async with app.test_app() as running:
        await running.test_client().get("/health")
        await running.test_client().get("/stats")
    warnings = [r for r in caplog.records if "STATS_TOKEN" in r.getMessage()]
    assert len(warnings) == (1 if warned else 0)
    if warned:
        assert warnings[0].levelno == logging.WARNING
        assert "/stats" in warnings[0].getMessage()


async def test_public_health_names_problems_by_code_and_keeps_the_details_for_stats(
    emulators: Emulators, tmp_path: Path
) -> None:
    unreachable_redis = f"redis://127.0.0.1:{free_port()}"
    settings = settings_for(
        emulators, tmp_path, REDIS_URL=unreachable_redis, NOTION_API_KEY="revoked-notion-token"
    )
    app: Quart = create_app(settings)
    async with app.test_app() as running:
        client = running.test_client()
        await health_when(client, lambda body: "contact_store_config" in str(body["problems"]))
        health = await client.get("/health")
        stats = await (await client.get("/stats")).get_json()
    text = await health.get_data(as_text=True)
    problems = json.loads(text)["problems"]

    assert json.loads(text)["status"] == "degraded"
    assert {problem["code"] for problem in problems} == {
        "redis_unreachable",
        "contact_store_config",
    }
    assert all(set(problem) == {"code", "sentence"} for problem in problems)
    for leak in ("http://", "127.0.0.1", "Error", emulators.notion_url, "(401)"):
        assert leak not in text, leak
    details = " ".join(problem["detail"] for problem in stats["problems"])
    assert "NOTION_API_KEY" in details
    assert "Connect" in details  # redis-py's own words, for the operator only
