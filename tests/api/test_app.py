"""The app factory: the embedded LINE simulator is mounted and guarded like LINE."""

from __future__ import annotations

from pathlib import Path

import pytest
from quart import Quart, request

from namecard.api.app import create_app
from namecard.bootstrap.clients import SIMULATOR_PREFIX
from namecard.bootstrap.settings import load_settings
from namecard.sim.dev_channel import load_dev_channel

SIM = SIMULATOR_PREFIX
MIB = 1024 * 1024
REAL_LINE = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(data_dir: Path) -> Quart:
    return create_app(load_settings({"DATA_DIR": str(data_dir)}))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def dev_token(data_dir: Path) -> str:
    return load_dev_channel(data_dir).access_token.get_secret_value()


async def test_simulator_refuses_a_wrong_bearer_token_like_line(app: Quart, data_dir: Path) -> None:
    client = app.test_client()
    token = dev_token(data_dir)
    upload = await client.post(
        f"{SIM}/_sim/content",
        data=b"photo",
        headers={**bearer(token), "Content-Type": "image/jpeg"},
    )
    content = f"{SIM}/v2/bot/message/{(await upload.get_json())['messageId']}/content"

    assert (await client.get(content, headers=bearer("any-token-at-all"))).status_code == 401
    assert (await client.get(content)).status_code == 401
    assert (await client.get(content, headers=bearer(token))).status_code == 200


@pytest.mark.parametrize(
    ("method", "rule"),
    [("GET", "/_sim/deliveries"), ("GET", "/_sim/calls"), ("POST", "/_sim/content"),
     ("POST", "/_sim/fail-next"), ("POST", "/_sim/reset"), ("POST", "/_sim/reply-token")],
)  # fmt: skip
async def test_simulator_control_needs_the_dev_token(app: Quart, method: str, rule: str) -> None:
    client = app.test_client()
    for headers in ({}, bearer("guessed")):
        response = await client.open(f"{SIM}{rule}", method=method, headers=headers, json={})
        assert response.status_code == 401, (rule, headers)


async def test_real_mode_takes_no_large_body_on_any_route(data_dir: Path) -> None:
    app = create_app(load_settings({**REAL_LINE, "DATA_DIR": str(data_dir)}))

    @app.post("/echo-length")
    async def echo_length() -> str:
        return str(len(await request.get_data()))

    response = await app.test_client().post("/echo-length", data=b"x" * (3 * MIB))
    assert response.status_code == 413


async def test_only_the_simulators_upload_route_takes_large_bodies(
    app: Quart, data_dir: Path
) -> None:
    client = app.test_client()
    headers = {**bearer(dev_token(data_dir)), "Content-Type": "application/json"}
    photo = b"\xff" * (20 * MIB)

    upload = await client.post(f"{SIM}/_sim/content", data=photo, headers=headers)
    push = await client.post(f"{SIM}/v2/bot/message/push", data=b" " * (3 * MIB), headers=headers)
    control = await client.post(f"{SIM}/_sim/fail-next", data=b" " * (3 * MIB), headers=headers)

    assert (upload.status_code, push.status_code, control.status_code) == (200, 413, 413)
