"""A running app with real services against the emulators, and signed webhook bodies for it."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quart.typing import TestClientProtocol as Client

from namecard.api.app import create_app
from namecard.api.context import SERVICES_KEY
from namecard.bootstrap.services import Services
from namecard.bootstrap.settings import Settings, load_settings
from namecard.line.webhook import signature_of
from namecard.sim.driver import DEFAULT_DESTINATION, new_ulid
from tests.harness import CHANNEL_SECRET, Emulators, bot_environment

Json = dict[str, Any]
BOT_USER_ID = DEFAULT_DESTINATION  # what the LINE emulator says the bot's user id is
ANSWER_TIMEOUT_SECONDS = 20.0
POLL_SECONDS = 0.02


@dataclass(repr=False)  # a failing hypothesis example prints its arguments: keep them short
class WebhookApp:
    client: Client
    services: Services
    emulators: Emulators

    async def post(self, events: Sequence[object], destination: str = BOT_USER_ID) -> Any:
        body = json.dumps({"destination": destination, "events": list(events)}).encode()
        return await self.post_body(body)

    async def post_body(self, body: bytes) -> Any:
        return await self.client.post("/callback", data=body, headers=signed(body))

    def help_request(self) -> tuple[str, Json]:
        """A good event: a user asking for help, with a reply token LINE really issued."""
        user = "U" + uuid.uuid4().hex
        token = self.emulators.line.issue_reply_token(user)
        message = {"type": "text", "id": "1", "text": "help", "quoteToken": "q"}
        return user, event("message", user=user, replyToken=token, message=message)

    async def answered(self, user: str, timeout: float = ANSWER_TIMEOUT_SECONDS) -> bool:
        """Whether the bot answered `user` (polled: the workers share this event loop)."""
        for _ in range(int(timeout / POLL_SECONDS)):
            if self.emulators.line.deliveries(user):
                return True
            await asyncio.sleep(POLL_SECONDS)
        return False


def signed(body: bytes) -> dict[str, str]:
    return {
        "X-Line-Signature": signature_of(body, CHANNEL_SECRET),
        "Content-Type": "application/json",
    }


def event(kind: str, *, user: str = "U" + "0" * 32, **fields: Any) -> Json:
    return {
        "type": kind, "mode": "active", "timestamp": 1764460800000,
        "source": {"type": "user", "userId": user}, "webhookEventId": new_ulid(),
        "deliveryContext": {"isRedelivery": False}, **fields,
    }  # fmt: skip


@asynccontextmanager
async def webhook_app(
    emulators: Emulators, data_dir: Path, *, healthy: bool = True, **extra: str
) -> AsyncIterator[WebhookApp]:
    """The app, once healthy (its workers running, its own user id known) unless `healthy` is
    False."""
    app = create_app(settings_for(emulators, data_dir, **extra))
    async with app.test_app() as running:
        client = running.test_client()
        services: Services = app.extensions[SERVICES_KEY]
        if healthy:
            await until_healthy(client)
            await _until_known(services)
        yield WebhookApp(client, services, emulators)


async def _until_known(services: Services, timeout: float = 10.0) -> None:
    """The bot learns its own user id from LINE in the background at start."""
    for _ in range(int(timeout / 0.05)):
        if services.identity.user_id is not None:
            return
        await asyncio.sleep(0.05)


def settings_for(emulators: Emulators, data_dir: Path, **extra: str) -> Settings:
    """The bot's settings against the emulators, without Redis, plus `extra` variables."""
    env = bot_environment(emulators, port=8080, data_dir=data_dir, redis_url=None, extra=extra)
    return load_settings(env)


async def health_when(
    client: Client, condition: Callable[[Json], bool], timeout: float = 15.0
) -> Json:
    """/health's body once `condition` holds, polled as an autoscaler would."""
    body: Json = {}
    for _ in range(int(timeout / 0.05)):
        body = await (await client.get("/health")).get_json()
        if condition(body):
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"/health never reached the expected state: {body}")


async def until_healthy(client: Client, timeout: float = 10.0) -> None:
    """The contact store starts after the server does; wait for it like an autoscaler would."""
    await health_when(client, lambda body: body["status"] == "healthy", timeout)
