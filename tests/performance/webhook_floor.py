"""The webhook's floor on this machine: a bare Quart app on Hypercorn that does what any LINE
webhook must before its 200 (read the body, check the signature, parse the JSON) and nothing
else. `make bench` posts the same burst to it with the same driver as to the bot, so the bot's
webhook answer times have a floor and a ratio next to them (issue 15): what remains above the
floor is the bot's own work and its workers sharing the event loop.

    python -m hypercorn tests.performance.webhook_floor:app   # CHANNEL_SECRET in the environment
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os

from quart import Quart, Response, jsonify, request

app = Quart(__name__)


@app.post("/callback")
async def callback() -> tuple[Response, int]:
    body = await request.get_data(as_text=False)
    assert isinstance(body, bytes)  # as_text=False; typed str | bytes in Quart
    secret = os.environ.get("CHANNEL_SECRET", "").encode()  # read per request, not at import
    expected = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(expected, request.headers.get("X-Line-Signature", "")):
        return jsonify(error="bad signature"), 400
    events = json.loads(body).get("events", [])
    return jsonify(status="ok", accepted=len(events)), 200


@app.get("/health")
async def health() -> tuple[Response, int]:
    return jsonify(status="healthy"), 200
