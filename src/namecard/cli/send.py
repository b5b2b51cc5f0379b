"""`namecard send PHOTO`: plays a LINE user against the running bot and its built-in simulator."""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from namecard.bootstrap.clients import SIMULATOR_PREFIX
from namecard.bootstrap.settings import Mode, Settings
from namecard.sim.dev_channel import DevChannel, read_dev_channel
from namecard.sim.driver import WebhookDriver
from namecard.sim.line_render import render_delivery_text

DEMO_USER = "U" + hashlib.sha256(b"namecard-cli-demo-user").hexdigest()[:32]


def send(
    settings: Settings, photo: str, *, user: str | None, url: str | None, timeout: float
) -> int:
    if settings.line_mode is Mode.REAL:
        _fail(
            "LINE credentials are configured: `namecard send` talks to the built-in simulator, "
            "which runs only when LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are unset"
        )
        return 2
    path = Path(photo)
    if not path.is_file():
        _fail(f"no such photo: {photo}")
        return 2
    channel = read_dev_channel(settings.data_dir)
    if channel is None:
        where = settings.data_dir.resolve()
        _fail(f"no development channel in {where}: start the bot first (make run), from here")
        return 2
    base = (url or f"http://127.0.0.1:{settings.port}").rstrip("/")
    upload = Upload(
        path.name, path.read_bytes(), mimetypes.guess_type(path.name)[0] or "image/jpeg"
    )
    try:
        return asyncio.run(_play(base, channel, user or DEMO_USER, upload, timeout))
    except httpx.ConnectError:
        _fail(f"the bot is not answering at {base}: start it with `make run`")
        return 1


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    content_type: str


async def _play(
    base: str, channel: DevChannel, user_id: str, upload: Upload, timeout: float
) -> int:
    secret, token = channel.secret.get_secret_value(), channel.access_token.get_secret_value()
    sim_url = f"{base}{SIMULATOR_PREFIX}"
    async with WebhookDriver(f"{base}/callback", secret, sim_url, sim_token=token) as driver:
        before = len(await driver.deliveries(user_id))
        result = await driver.send_image(user_id, upload.data, upload.content_type)
        if result.status != 200:
            _fail(f"the bot refused the webhook: HTTP {result.status} {result.body}")
            return 1
        print(
            f"sent {upload.name} as {user_id}; webhook answered in {result.elapsed * 1000:.0f} ms"
        )
        deliveries = await driver.wait_for_deliveries(user_id, 1, after=before, timeout=timeout)
        if not deliveries:
            _fail(f"no answer within {timeout:.0f} s")
            return 1
        for delivery in deliveries:
            print(render_delivery_text(delivery))
        return 0


def _fail(message: str) -> None:
    print(f"namecard send: {message}", file=sys.stderr)
