"""`namecard send PHOTO | --text TEXT | --postback DATA`: plays a LINE user against the running
bot and its built-in simulator, and prints what the bot answers as text."""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from namecard.bootstrap.clients import SIMULATOR_PREFIX, simulator_url
from namecard.bootstrap.settings import Mode, Settings
from namecard.domain import catalogue
from namecard.domain.catalogue import Sentence
from namecard.sim.dev_channel import DevChannel, read_dev_channel
from namecard.sim.driver import WebhookDriver, WebhookResult
from namecard.sim.line_render import render_delivery_text

DEMO_USER = "U" + hashlib.sha256(b"namecard-cli-demo-user").hexdigest()[:32]
DEFAULT_TIMEOUT_SECONDS = 60.0

# What the bot said last about batch mode tells whether the next photo is held for the summary.
BATCH_OPENED = (catalogue.BATCH_STARTED, catalogue.BATCH_ALREADY_OPEN, catalogue.BATCH_STATUS)
BATCH_CLOSED = (
    catalogue.BATCH_SUMMARY_HEAD, catalogue.BATCH_IDLE_ENDED, catalogue.CANCELLED_BATCH,
    catalogue.CANCELLED_NOTHING, catalogue.BATCH_NOT_OPEN,
)  # fmt: skip


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    content_type: str


@dataclass(frozen=True)
class Outgoing:
    """One thing the user sends: a photo, a text, or a button's postback data."""

    photo: Upload | None = None
    text: str | None = None
    postback: str | None = None

    @property
    def what(self) -> str:
        if self.photo is not None:
            return self.photo.name
        return f"text {self.text!r}" if self.text is not None else f"postback {self.postback!r}"


def send(
    settings: Settings,
    photo: str | None,
    *,
    text: str | None = None,
    postback: str | None = None,
    user: str | None,
    url: str | None,
    timeout: float,
) -> int:
    if settings.line_mode is Mode.REAL:
        _fail(
            "LINE credentials are configured: `namecard send` talks to the built-in simulator, "
            "which runs only when LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are unset"
        )
        return 2
    if sum(item is not None for item in (photo, text, postback)) != 1:
        _fail("give one thing to send: a PHOTO, --text TEXT or --postback DATA")
        return 2
    outgoing = _outgoing(photo, text, postback)
    if outgoing is None:
        _fail(f"no such photo: {photo}")
        return 2
    channel = read_dev_channel(settings.data_dir)
    if channel is None:
        where = settings.data_dir.resolve()
        _fail(f"no development channel in {where}: start the bot first (make run), from here")
        return 2
    base, origin = bot_url(settings, url)
    try:
        idle = settings.batch_idle_minutes * 60
        return asyncio.run(
            _play(base, channel, user or DEMO_USER, outgoing, timeout=timeout, idle_seconds=idle)
        )
    except httpx.TransportError as exc:
        _fail(
            f"nothing answers at {base} ({origin}; {type(exc).__name__}): start the bot with "
            "`make run`, or give --url (or PORT) where it listens"
        )
        return 1
    except httpx.HTTPStatusError as exc:
        _fail(
            f"{base} answered {exc.response.status_code} for the built-in LINE simulator: is it "
            "namecard without LINE credentials, started from this directory (same DATA_DIR)?"
        )
        return 1


def bot_url(settings: Settings, url: str | None) -> tuple[str, str]:
    """The bot's base URL and where it came from: --url, else where `serve` listens (PORT)."""
    if url:
        return url.rstrip("/"), "from --url"
    return simulator_url(settings).removesuffix(SIMULATOR_PREFIX), f"from PORT={settings.port}"


def _outgoing(photo: str | None, text: str | None, postback: str | None) -> Outgoing | None:
    if photo is None:
        return Outgoing(text=text, postback=postback)
    path = Path(photo)
    if not path.is_file():
        return None
    content_type = mimetypes.guess_type(path.name)[0] or "image/jpeg"
    return Outgoing(photo=Upload(path.name, path.read_bytes(), content_type))


async def _post(driver: WebhookDriver, user_id: str, outgoing: Outgoing) -> WebhookResult:
    if outgoing.photo is not None:
        upload = outgoing.photo
        return await driver.send_image(user_id, upload.data, upload.content_type)
    if outgoing.text is not None:
        return await driver.send_text(user_id, outgoing.text)
    assert outgoing.postback is not None
    return await driver.send_postback(user_id, outgoing.postback)


async def _play(
    base: str,
    channel: DevChannel,
    user_id: str,
    outgoing: Outgoing,
    *,
    timeout: float,
    idle_seconds: float,
) -> int:
    secret, token = channel.secret.get_secret_value(), channel.access_token.get_secret_value()
    sim_url = f"{base}{SIMULATOR_PREFIX}"
    async with WebhookDriver(f"{base}/callback", secret, sim_url, sim_token=token) as driver:
        history = await driver.deliveries(user_id)
        result = await _post(driver, user_id, outgoing)
        if result.status != 200:
            _fail(f"the bot refused the webhook: HTTP {result.status} {result.body}")
            return 1
        print(
            f"sent {outgoing.what} as {user_id}; webhook answered in {result.elapsed * 1000:.0f} ms"
        )
        if outgoing.photo is not None and batch_open(history, idle_seconds=idle_seconds):
            print(
                "taken into the open batch: the photo is read and saved now, and answered in "
                "the summary that `namecard send --text 結束批次` asks for"
            )
            return 0
        deliveries = await driver.wait_for_deliveries(
            user_id, 1, after=len(history), timeout=timeout
        )
        if not deliveries:
            _fail(f"no answer within {timeout:.0f} s{_why_silent(outgoing)}")
            return 1
        for delivery in deliveries:
            print(render_delivery_text(delivery))
        return 0


def _why_silent(outgoing: Outgoing) -> str:
    if outgoing.postback is not None:
        return " (the bot accepted the postback; it answers only the data its own buttons carry)"
    if outgoing.photo is not None:
        return " (--timeout waits longer; a photo sent in batch mode is answered by 結束批次)"
    return " (--timeout waits longer)"


def batch_open(
    history: Sequence[Mapping[str, Any]], *, idle_seconds: float, now: float | None = None
) -> bool:
    """Whether the bot's last word about batch mode left a batch open, said less than the idle
    limit ago (BATCH_IDLE_MINUTES: an older batch may have ended by itself, and then the photo
    is answered with the summary).

    Photos in a batch get no reply, so the chat itself is the only record a command-line user
    has."""
    state, said_at = False, 0.0
    for delivery in history:
        text = render_delivery_text(delivery)
        if _says(text, BATCH_CLOSED):
            state = False
        elif _says(text, BATCH_OPENED):
            state, said_at = True, float(delivery.get("at") or 0.0)
    now = time.time() if now is None else now
    return state and now - said_at < idle_seconds


def _says(text: str, sentences: Sequence[Sentence]) -> bool:
    return any(_marker(s.zh) in text or _marker(s.en) in text for s in sentences)


def _marker(template: str) -> str:
    """The fixed start of a sentence (before its first placeholder or line break)."""
    return template.split("{", 1)[0].split("\n", 1)[0]


def _fail(message: str) -> None:
    print(f"namecard send: {message}", file=sys.stderr)
