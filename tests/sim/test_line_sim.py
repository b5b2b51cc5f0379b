"""The LINE platform simulator and webhook driver behave like LINE, over real HTTP."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from linebot.v3 import WebhookParser  # type: ignore[import-untyped, unused-ignore]
from linebot.v3.exceptions import InvalidSignatureError  # type: ignore[import-untyped, unused-ignore]
from linebot.v3.webhooks import (  # type: ignore[import-untyped, unused-ignore]
    FollowEvent,
    ImageMessageContent,
    MessageEvent,
    StickerMessageContent,
    TextMessageContent,
)
from quart import Quart, request

from namecard.sim.driver import WebhookDriver, new_ulid
from namecard.sim.line import LineSimulator, SimLimits
from namecard.sim.line_render import render_delivery_text, render_message_text
from namecard.sim.server import EmulatorServer

TOKEN = "sim-test-access-token"
SECRET = "sim-test-channel-secret"
USER = "U" + "a1" * 16
OTHER_USER = "U" + "b2" * 16
LINE_MESSAGE_ID_DIGITS = 18
DEFAULT_KEPT_PHOTOS = 1000
CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


@dataclass
class Received:
    body: bytes
    signature: str | None


class Receiver:
    """A stand-in bot webhook that keeps the raw bytes and signature of every POST."""

    def __init__(self) -> None:
        self.url = ""
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self.app = Quart(__name__)
        self.app.add_url_rule("/callback", "callback", self._callback, methods=["POST"])

    async def _callback(self) -> str:
        body = await request.get_data(cache=True, as_text=False, parse_form_data=False)
        with self._lock:
            self.requests.append(Received(body, request.headers.get("x-line-signature")))
        return "OK"

    def parse(self, index: int = -1) -> Any:
        received = self.requests[index]
        body = received.body.decode("utf-8")
        return WebhookParser(SECRET).parse(body, received.signature, as_payload=True)


@pytest.fixture
def clock() -> list[float]:
    return [1_800_000_000.0]


@pytest.fixture
def sim(clock: list[float]) -> LineSimulator:
    return LineSimulator(access_tokens={TOKEN}, monthly_push_limit=8, clock=lambda: clock[0])


@pytest.fixture
def sim_url(sim: LineSimulator) -> Iterator[str]:
    with EmulatorServer(sim.create_app()) as server:
        yield server.url


@pytest.fixture
async def http(sim_url: str) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=sim_url, headers=headers) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    bot = Receiver()
    with EmulatorServer(bot.app) as server:
        bot.url = server.url
        yield bot


@pytest.fixture
async def driver(receiver: Receiver, sim_url: str) -> AsyncIterator[WebhookDriver]:
    async with WebhookDriver(f"{receiver.url}/callback", SECRET, sim_url) as d:
        yield d


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def bubble(label: str) -> dict[str, Any]:
    return {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "contents": [text(label)]},
    }


async def push(
    http: httpx.AsyncClient, messages: list[Any], key: str | None = None
) -> httpx.Response:
    headers = {"X-Line-Retry-Key": key} if key else {}
    return await http.post(
        "/v2/bot/message/push", json={"to": USER, "messages": messages}, headers=headers
    )


# ---- webhook driver ---------------------------------------------------------------------------


async def test_driver_events_are_signed_and_parse_into_concrete_sdk_events(
    driver: WebhookDriver, receiver: Receiver, sim: LineSimulator
) -> None:
    message_id = sim.add_content(b"\xff\xd8jpeg", "image/jpeg")
    image_set = {"id": "set-1", "index": 1, "total": 2}
    events = [
        driver.build_image_event(USER, message_id, "a" * 32, image_set=image_set),
        driver.build_text_event(USER, "王小明 的名片 ✓ 批次", "b" * 32),
        driver.build_sticker_event(USER, "c" * 32),
        driver.build_follow_event(USER, "d" * 32),
    ]
    result = await driver.post(events)

    assert result.status == 200
    assert "王小明".encode() in receiver.requests[-1].body  # raw UTF-8, not \\u escapes
    payload = receiver.parse()
    image, text_event, sticker, follow = payload.events
    assert isinstance(image, MessageEvent) and isinstance(image.message, ImageMessageContent)
    assert image.message.id == message_id
    assert (image.message.image_set.id, image.message.image_set.total) == ("set-1", 2)
    assert isinstance(text_event.message, TextMessageContent)
    assert text_event.message.text == "王小明 的名片 ✓ 批次"
    assert isinstance(sticker.message, StickerMessageContent)
    assert isinstance(follow, FollowEvent) and follow.follow.is_unblocked is False
    assert payload.destination == driver.destination


async def test_high_level_sends_use_simulator_content_and_reply_tokens(
    driver: WebhookDriver, receiver: Receiver, sim: LineSimulator, http: httpx.AsyncClient
) -> None:
    await driver.send_image(USER, b"card-bytes", "image/png")
    await driver.send_text(USER, "help")
    await driver.send_sticker(USER)
    await driver.follow(USER)

    image = receiver.parse(0).events[0]
    content = await http.get(f"/v2/bot/message/{image.message.id}/content")
    assert (content.content, content.headers["content-type"]) == (b"card-bytes", "image/png")
    reply = await http.post(
        "/v2/bot/message/reply", json={"replyToken": image.reply_token, "messages": [text("ok")]}
    )
    assert reply.status_code == 200
    assert [d.user_id for d in sim.deliveries()] == [USER]
    kinds = [type(receiver.parse(i).events[0]).__name__ for i in range(4)]
    assert kinds == ["MessageEvent", "MessageEvent", "MessageEvent", "FollowEvent"]


async def test_redelivery_keeps_the_event_id_and_marks_it(
    driver: WebhookDriver, receiver: Receiver
) -> None:
    first = await driver.send_text(USER, "狀態")
    again = await driver.redeliver(first)

    original, redelivered = receiver.parse(0).events[0], receiver.parse(1).events[0]
    assert again.status == 200
    assert redelivered.webhook_event_id == original.webhook_event_id
    assert redelivered.reply_token == original.reply_token
    assert (
        original.delivery_context.is_redelivery,
        redelivered.delivery_context.is_redelivery,
    ) == (
        False,
        True,
    )


async def test_signature_overrides_and_empty_pings(
    driver: WebhookDriver, receiver: Receiver
) -> None:
    await driver.post([])
    await driver.post([driver.build_follow_event(USER, "e" * 32)], signature="bm90IGEgc2lnbmF0dXJl")
    await driver.post([], signature="")

    assert receiver.parse(0).events == []
    with pytest.raises(InvalidSignatureError):
        receiver.parse(1)
    assert receiver.requests[2].signature is None


def test_webhook_event_ids_are_ulid_shaped() -> None:
    ids = {new_ulid() for _ in range(200)}
    assert len(ids) == 200
    assert all(len(value) == 26 and set(value) <= CROCKFORD for value in ids)
    assert new_ulid(now_ms=1)[:10] == "0000000001"


# ---- platform API -----------------------------------------------------------------------------


async def test_message_validation_answers_like_line(http: httpx.AsyncClient) -> None:
    six = await push(http, [text("hi")] * 6)
    long_text = await push(http, [text("x" * 5001)])
    emoji = await push(http, [text("😀" * 2501)])  # 5002 UTF-16 code units
    carousel = {"type": "carousel", "contents": [bubble(str(i)) for i in range(13)]}
    flex = await push(http, [{"type": "flex", "altText": "cards", "contents": carousel}])
    unknown = await push(http, [{"type": "hologram"}])
    quick = {
        "items": [{"type": "action", "action": {"type": "message", "label": "a", "text": "a"}}]
    }
    many_quick = await push(http, [{**text("pick"), "quickReply": {"items": quick["items"] * 14}}])

    for response, prop in [
        (six, "messages"),
        (long_text, "messages[0].text"),
        (emoji, "messages[0].text"),
        (flex, "messages[0].contents.contents"),
        (unknown, "messages[0].type"),
        (many_quick, "messages[0].quickReply.items"),
    ]:
        body = response.json()
        assert response.status_code == 400
        assert body["message"] == "The request body has 1 error(s)"
        assert [d["property"] for d in body["details"]] == [prop]
    assert (await push(http, [text("😀" * 2500)])).status_code == 200


async def test_oversized_bubble_and_missing_alt_text_are_refused(http: httpx.AsyncClient) -> None:
    big = bubble("字" * 11_000)  # 33 KB of UTF-8
    response = await push(http, [{"type": "flex", "altText": "", "contents": big}])

    body = response.json()
    assert response.status_code == 400
    assert body["message"] == "The request body has 2 error(s)"
    assert {d["property"] for d in body["details"]} == {
        "messages[0].altText",
        "messages[0].contents",
    }


async def test_reply_token_is_single_use(http: httpx.AsyncClient, sim: LineSimulator) -> None:
    token = sim.issue_reply_token(USER)
    body = {"replyToken": token, "messages": [text("one"), text("two")]}

    first = await http.post("/v2/bot/message/reply", json=body)
    second = await http.post("/v2/bot/message/reply", json=body)

    assert first.status_code == 200
    assert len(first.json()["sentMessages"]) == 2
    assert (second.status_code, second.json()) == (400, {"message": "Invalid reply token"})
    [delivery] = sim.deliveries(USER)
    assert (delivery.channel, [m["text"] for m in delivery.messages]) == ("reply", ["one", "two"])


async def test_reply_token_expires_after_ttl(
    http: httpx.AsyncClient, sim: LineSimulator, clock: list[float]
) -> None:
    token = sim.issue_reply_token(USER)
    clock[0] += sim.reply_token_ttl + 1

    response = await http.post(
        "/v2/bot/message/reply", json={"replyToken": token, "messages": [text("late")]}
    )

    assert (response.status_code, response.json()["message"]) == (400, "Invalid reply token")
    assert sim.deliveries(USER) == []


async def test_retry_key_is_accepted_once(http: httpx.AsyncClient, sim: LineSimulator) -> None:
    key = str(uuid.uuid4())
    first = await push(http, [text("saved")], key)
    again = await push(http, [text("saved")], key)

    assert first.status_code == 200
    assert again.status_code == 409
    assert again.json()["message"] == "The retry key is already accepted"
    assert again.json()["sentMessages"] == first.json()["sentMessages"]
    assert again.headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
    assert [d.retry_key for d in sim.deliveries(USER)] == [key]
    assert (await push(http, [text("x")], "not-a-uuid")).status_code == 400


async def test_monthly_push_limit(http: httpx.AsyncClient) -> None:
    assert (await push(http, [text("a")] * 5)).status_code == 200
    refused = await push(http, [text("b")] * 4)

    assert (refused.status_code, refused.json()["message"]) == (
        429,
        "You have reached your monthly limit.",
    )


async def test_authentication_and_request_ids(sim_url: str) -> None:
    async with httpx.AsyncClient(base_url=sim_url) as anonymous:
        missing = await anonymous.post(
            "/v2/bot/message/push", json={"to": USER, "messages": [text("x")]}
        )
        wrong = await anonymous.get(
            "/v2/bot/message/1/content", headers={"Authorization": "Bearer nope"}
        )

    for response in (missing, wrong):
        assert response.status_code == 401
        assert response.json()["message"].startswith("Authentication failed")
        assert response.headers["x-line-request-id"]


async def test_content_not_ready_then_served_and_unknown_is_404(
    http: httpx.AsyncClient, sim: LineSimulator
) -> None:
    message_id = sim.add_content(b"\x89PNG....", "image/png", not_ready=1)

    pending = await http.get(f"/v2/bot/message/{message_id}/content")
    ready = await http.get(f"/v2/bot/message/{message_id}/content")
    unknown = await http.get("/v2/bot/message/999/content")

    assert (pending.status_code, pending.content) == (202, b"")
    assert ready.status_code == 200
    assert ready.content == b"\x89PNG...."
    assert ready.headers["content-length"] == "8"
    assert (unknown.status_code, unknown.json()) == (404, {"message": "Not found"})


async def test_loading_animation_validation(http: httpx.AsyncClient, sim: LineSimulator) -> None:
    ok = await http.post("/v2/bot/chat/loading/start", json={"chatId": USER, "loadingSeconds": 20})
    group = await http.post("/v2/bot/chat/loading/start", json={"chatId": "C" + "0" * 32})
    odd = await http.post("/v2/bot/chat/loading/start", json={"chatId": USER, "loadingSeconds": 7})

    assert (ok.status_code, ok.json()) == (202, {})
    assert [(r.status_code, r.json()["details"][0]["property"]) for r in (group, odd)] == [
        (400, "chatId"),
        (400, "loadingSeconds"),
    ]
    assert [c.status for c in sim.calls if c.endpoint == "loading"] == [202, 400, 400]


async def test_injected_faults_answer_then_clear(
    http: httpx.AsyncClient, sim: LineSimulator
) -> None:
    sim.fail_next("push", 500, times=2)
    sim.fail_next("content", 429, {"message": "slow down"})

    statuses = [(await push(http, [text("x")])).status_code for _ in range(3)]
    throttled = await http.get("/v2/bot/message/1/content")

    assert statuses == [500, 500, 200]
    assert (throttled.status_code, throttled.json()) == (429, {"message": "slow down"})
    assert len(sim.deliveries(USER)) == 1
    with pytest.raises(ValueError, match="unknown endpoint"):
        sim.fail_next("broadcast", 500)


async def test_content_ids_do_not_lead_to_other_users_photos(
    sim: LineSimulator, http: httpx.AsyncClient
) -> None:
    sim.add_content(b"someone else's card", "image/jpeg")
    mine = sim.add_content(b"my card", "image/jpeg")
    ids = [sim.add_content(b"x", "image/jpeg") for _ in range(50)]

    neighbours = [str(int(mine) + step) for step in (-2, -1, 1, 2)]
    answers = [(await http.get(f"/v2/bot/message/{n}/content")).status_code for n in neighbours]
    assert answers == [404] * 4
    assert all(i.isdigit() and len(i) == LINE_MESSAGE_ID_DIGITS for i in [mine, *ids])
    assert len(set(ids)) == len(ids)


async def test_a_flood_of_uploads_drops_the_oldest_photos(
    sim: LineSimulator, http: httpx.AsyncClient
) -> None:
    ids = [sim.add_content(b"card %d" % i, "image/jpeg") for i in range(DEFAULT_KEPT_PHOTOS + 1)]

    first = await http.get(f"/v2/bot/message/{ids[0]}/content")
    second = await http.get(f"/v2/bot/message/{ids[1]}/content")
    last = await http.get(f"/v2/bot/message/{ids[-1]}/content")
    assert (first.status_code, second.content, last.content) == (404, b"card 1", last.content)
    assert last.content == b"card %d" % DEFAULT_KEPT_PHOTOS


def test_uploads_are_bounded_in_bytes_too_oldest_dropped() -> None:
    sim = LineSimulator(limits=SimLimits(contents=100, content_bytes=1000))
    small = [sim.add_content(b"s" * 300, "image/jpeg") for _ in range(3)]
    big = sim.add_content(b"b" * 600, "image/jpeg")

    kept = [sim.has_content(message_id) for message_id in [*small, big]]
    assert kept == [False, False, True, True]
    with pytest.raises(ValueError, match="1000"):
        sim.add_content(b"x" * 1001, "image/jpeg")


async def test_deliveries_and_recorded_calls_are_bounded() -> None:
    sim = LineSimulator(access_tokens={TOKEN}, limits=SimLimits(deliveries=3, calls=4))
    with EmulatorServer(sim.create_app()) as server:
        async with httpx.AsyncClient(
            base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}
        ) as http:
            for index in range(6):
                await push(http, [text(f"m{index}")])

    assert [d.messages[0]["text"] for d in sim.deliveries(USER)] == ["m3", "m4", "m5"]
    assert [c.body["messages"][0]["text"] for c in sim.calls] == ["m2", "m3", "m4", "m5"]


def test_wait_for_deliveries_returns_what_it_has_at_timeout(sim: LineSimulator) -> None:
    assert sim.wait_for_deliveries(USER, 1, timeout=0.05) == []


# ---- control API over HTTP --------------------------------------------------------------------


async def test_control_api_over_http(http: httpx.AsyncClient, driver: WebhookDriver) -> None:
    upload = await http.post(
        "/_sim/content", content=b"raw", headers={"Content-Type": "image/webp"}
    )
    message_id = upload.json()["messageId"]
    token = (await http.post("/_sim/reply-token", json={"userId": USER})).json()["replyToken"]
    await http.post(
        "/v2/bot/message/reply", json={"replyToken": token, "messages": [text("first")]}
    )
    await push(http, [text("second")])
    await http.post("/v2/bot/message/push", json={"to": OTHER_USER, "messages": [text("other")]})

    content = await http.get(f"/v2/bot/message/{message_id}/content")
    listed = (await http.get("/_sim/deliveries", params={"userId": USER, "after": "1"})).json()
    calls = (await http.get("/_sim/calls")).json()["calls"]
    waited = await driver.wait_for_deliveries(USER, 2, timeout=5)

    assert content.content == b"raw" and content.headers["content-type"] == "image/webp"
    assert len(token) == 32 and int(token, 16) >= 0
    assert listed["total"] == 2
    assert [d["messages"][0]["text"] for d in listed["deliveries"]] == ["second"]
    assert listed["deliveries"][0]["channel"] == "push"
    assert [c["endpoint"] for c in calls] == ["reply", "push", "push", "content"]
    assert [render_delivery_text(d) for d in waited] == ["first", "second"]
    assert (await http.post("/_sim/reset")).status_code == 200
    assert await driver.deliveries(USER) == []


async def test_faults_and_large_uploads_over_http(
    http: httpx.AsyncClient, driver: WebhookDriver
) -> None:
    await http.post("/_sim/fail-next", json={"endpoint": "push", "status": 503})
    await http.post("/_sim/delay-next", json={"endpoint": "push", "seconds": 0.01})
    unknown = await http.post("/_sim/fail-next", json={"endpoint": "broadcast", "status": 500})
    photo = b"\xff" * (20 * 1024 * 1024)
    message_id = await driver.upload_content(photo, "image/jpeg")

    assert unknown.status_code == 400
    assert [(await push(http, [text("x")])).status_code for _ in range(2)] == [503, 200]
    assert (await http.get(f"/v2/bot/message/{message_id}/content")).content == photo


@pytest.mark.parametrize(
    ("method", "rule", "payload"),
    [
        ("POST", "/_sim/content?notReady=abc", None),
        ("POST", "/_sim/content?notReady=-1", None),
        ("GET", "/_sim/deliveries?after=x", None),
        ("GET", "/_sim/deliveries?after=-5", None),
        ("POST", "/_sim/fail-next", {"endpoint": "push", "status": "x"}),
        ("POST", "/_sim/fail-next", {"endpoint": "push", "status": 1000}),
        ("POST", "/_sim/fail-next", {"endpoint": "push", "status": 503, "times": "many"}),
        ("POST", "/_sim/fail-next", {"endpoint": "push", "status": 503, "times": -1}),
        ("POST", "/_sim/fail-next", {"endpoint": "push", "status": 503, "times": 10**9}),
        ("POST", "/_sim/fail-next", {"endpoint": "push", "status": 503, "body": "text"}),
        ("POST", "/_sim/delay-next", {"endpoint": "push", "seconds": "soon"}),
        ("POST", "/_sim/delay-next", {"endpoint": "push", "seconds": 10**9}),
        ("POST", "/_sim/delay-next", {"endpoint": "push", "seconds": -1}),
        ("POST", "/_sim/reply-token", {"userId": 7}),
    ],
)
async def test_bad_control_input_is_answered_400(
    http: httpx.AsyncClient, method: str, rule: str, payload: Any
) -> None:
    response = await http.request(method, rule, json=payload)

    assert response.status_code == 400
    assert response.json()["message"]
    assert (await push(http, [text("unaffected")])).status_code == 200


async def test_blueprint_mounts_under_a_prefix(sim: LineSimulator) -> None:
    app = Quart(__name__)
    app.register_blueprint(sim.blueprint(), url_prefix="/sim/line")
    client = app.test_client()

    response = await client.post(
        "/sim/line/v2/bot/message/push",
        json={"to": USER, "messages": [text("mounted")]},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )

    assert response.status_code == 200
    assert sim.calls[-1].path == "/sim/line/v2/bot/message/push"


# ---- rendering --------------------------------------------------------------------------------


def test_render_flex_bubble_lists_nested_texts_and_contact_links() -> None:
    card = {
        "type": "flex",
        "altText": "名片：王小明",
        "contents": {
            "type": "bubble",
            "footer": {
                "type": "box",
                "layout": "vertical",
                "contents": [
                    {
                        "type": "button",
                        "action": {"type": "uri", "label": "撥號", "uri": "tel:+886223456789"},
                    },
                    {
                        "type": "button",
                        "action": {"type": "postback", "label": "刪除", "data": "d"},
                    },
                ],
            },
            "body": {
                "type": "box",
                "layout": "vertical",
                "contents": [
                    {"type": "text", "text": "王小明"},
                    {
                        "type": "box",
                        "layout": "horizontal",
                        "contents": [
                            {"type": "text", "text": "電話"},
                            {"type": "text", "text": "+886 2 2345 6789"},
                            {
                                "type": "text",
                                "text": "ming@example.com",
                                "action": {
                                    "type": "uri",
                                    "label": "寫信",
                                    "uri": "mailto:ming@example.com",
                                },
                            },
                        ],
                    },
                    {
                        "type": "text",
                        "contents": [
                            {"type": "span", "text": "台灣"},
                            {"type": "span", "text": "科技"},
                        ],
                    },
                ],
            },
        },
    }

    rendered = render_message_text(card).splitlines()

    assert rendered == [
        "名片：王小明",
        "王小明",
        "電話",
        "+886 2 2345 6789",
        "ming@example.com",
        "寫信: mailto:ming@example.com",
        "台灣",
        "科技",
        "撥號: tel:+886223456789",
        "刪除",
    ]


def test_render_text_carousel_and_quick_reply() -> None:
    carousel = {
        "type": "flex",
        "altText": "2 張名片",
        "contents": {"type": "carousel", "contents": [bubble("甲公司"), bubble("乙公司")]},
    }
    quick = {
        **text("完成"),
        "quickReply": {
            "items": [
                {
                    "type": "action",
                    "action": {"type": "message", "label": "結束批次", "text": "結束批次"},
                }
            ]
        },
    }

    delivery = {
        "messages": [carousel, quick, {"type": "sticker", "packageId": "1", "stickerId": "2"}]
    }

    assert (
        render_delivery_text(delivery)
        == "2 張名片\n甲公司\n乙公司\n\n完成\n選項: 結束批次\n\n[sticker]"
    )
    assert json.loads(json.dumps(delivery)) == delivery  # rendering never mutates the message
