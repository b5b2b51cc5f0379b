"""A photo's floor on this machine: a bare Quart app on Hypercorn that makes the calls every
answered photo needs and nothing else, through the bot's own clients (`LineClient`,
`GeminiExtractor`: line-bot-sdk and google-genai as the bot configures them).

For each image event of a signed webhook it starts a task at once: download the photo from LINE,
hash it, read it with Gemini unless the same photo was read before (an in-memory dict: the
cache's floor), reply with one text message. No queue, no Redis, no Notion, no normaliser, no
flex card. `make bench` sends it the same bursts, by the same driver, as the bot (issue 15):
what remains above these figures is the bot's own work; what lies between them and the emulated
latency floor is the SDKs, the server and the driver sharing this machine's cores.

    python -m hypercorn tests.performance.pipeline_floor:app   # the bot's variables set
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from typing import Any

from quart import Quart, Response, jsonify, request

from namecard.ai.gemini.client import GeminiExtractor
from namecard.bootstrap.settings import load_settings
from namecard.cards.model import Extraction
from namecard.domain.replies import Reply
from namecard.line.client import LineClient

app = Quart(__name__)
_state: dict[str, Any] = {}
_tasks: set[asyncio.Task[None]] = set()
_read: dict[str, Extraction] = {}


@app.before_serving
async def start() -> None:
    settings = load_settings()
    assert settings.line_channel_secret and settings.line_channel_access_token
    _state["secret"] = settings.line_channel_secret.get_secret_value().encode()
    _state["max_bytes"] = settings.max_image_bytes
    _state["line"] = LineClient(
        access_token=settings.line_channel_access_token,
        api_base_url=settings.line_api_base_url,
        data_api_base_url=settings.line_data_api_base_url,
        connections=200,
    )
    _state["gemini"] = GeminiExtractor(
        keys={f"key{n}": key for n, key in enumerate(settings.gemini_keys)},
        model=settings.gemini_model,
        base_url=settings.gemini_base_url,
        api_version=settings.gemini_api_version,
        timeout_seconds=settings.gemini_timeout_seconds,
        max_image_side=settings.gemini_max_image_side,
    )


@app.after_serving
async def stop() -> None:
    await _state["line"].aclose()
    await _state["gemini"].aclose()


async def answer(message_id: str, reply_token: str) -> None:
    line: LineClient = _state["line"]
    image = await line.get_content(message_id, max_bytes=_state["max_bytes"])
    fingerprint = hashlib.sha256(image).hexdigest()
    extraction = _read.get(fingerprint)
    if extraction is None:
        extraction = await _state["gemini"].extract(image, "image/jpeg")
        _read[fingerprint] = extraction
    names = ", ".join(card.name or "?" for card in extraction.cards)
    await line.reply(reply_token, Reply(({"type": "text", "text": names or "no card"},)))


@app.post("/callback")
async def callback() -> tuple[Response, int]:
    body = await request.get_data(as_text=False)
    assert isinstance(body, bytes)  # as_text=False; typed str | bytes in Quart
    expected = base64.b64encode(hmac.new(_state["secret"], body, hashlib.sha256).digest())
    if not hmac.compare_digest(expected.decode(), request.headers.get("X-Line-Signature", "")):
        return jsonify(error="bad signature"), 400
    for event in json.loads(body).get("events", []):
        message = event.get("message") or {}
        if message.get("type") == "image" and event.get("replyToken"):
            task = asyncio.create_task(answer(message["id"], event["replyToken"]))
            _tasks.add(task)
            task.add_done_callback(_tasks.discard)
    return jsonify(status="ok"), 200


@app.get("/health")
async def health() -> tuple[Response, int]:
    return jsonify(status="healthy", active_tasks=len(_tasks), queue_depth=0), 200
