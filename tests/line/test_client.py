"""The bot's LINE client (real line-bot-sdk) against the LINE simulator over HTTP."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from linebot.v3.messaging import TextMessage  # type: ignore[import-untyped, unused-ignore]
from pydantic import SecretStr

from namecard.domain.errors import (
    ConfigError,
    ContentRejected,
    PermanentError,
    ReplyTokenExpired,
    TransientError,
)
from namecard.domain.replies import Reply
from namecard.line.client import LineClient
from namecard.line.replies import reply_of
from namecard.sim.line import LineSimulator
from namecard.sim.server import EmulatorServer, free_port

TOKEN = "client-test-access-token"
USER = "U" + "c3" * 16
MB = 1024 * 1024


@pytest.fixture
def clock() -> list[float]:
    return [1_800_000_000.0]


@pytest.fixture
def api_sim(clock: list[float]) -> LineSimulator:
    """Plays api.line.me (reply, push, loading)."""
    return LineSimulator(access_tokens={TOKEN}, clock=lambda: clock[0])


@pytest.fixture
def data_sim() -> LineSimulator:
    """Plays api-data.line.me (content) as a separate host."""
    return LineSimulator(access_tokens={TOKEN})


@pytest.fixture
def urls(api_sim: LineSimulator, data_sim: LineSimulator) -> Iterator[tuple[str, str]]:
    with EmulatorServer(api_sim.create_app()) as api, EmulatorServer(data_sim.create_app()) as data:
        yield api.url, data.url


def make_client(urls: tuple[str, str], token: str = TOKEN, timeout: float = 5.0) -> LineClient:
    api_url, data_url = urls
    return LineClient(
        access_token=SecretStr(token),
        api_base_url=api_url,
        data_api_base_url=data_url,
        timeout=timeout,
    )


@pytest.fixture
async def client(urls: tuple[str, str]) -> AsyncIterator[LineClient]:
    line = make_client(urls)
    yield line
    await line.aclose()


def texts(value: str) -> Reply:
    return reply_of([TextMessage(text=value)])


def key() -> str:
    return str(uuid.uuid4())


# ---- reply, push ---------------------------------------------------------------------------


async def test_reply_reaches_the_user(client: LineClient, api_sim: LineSimulator) -> None:
    token = api_sim.issue_reply_token(USER)

    await client.reply(token, texts("王小明 已儲存"))

    [delivery] = api_sim.deliveries(USER)
    assert (delivery.channel, delivery.messages[0]["text"]) == ("reply", "王小明 已儲存")


async def test_forty_users_answered_at_once_are_all_sent_together(
    client: LineClient, api_sim: LineSimulator
) -> None:
    """No reply waits for a connection behind other users' (the SDK's default was five calls
    per CPU: ten on two cores; issue 15)."""
    api_sim.latency = 0.3
    users = [f"U{n:032x}" for n in range(40)]
    tokens = [api_sim.issue_reply_token(user) for user in users]

    await asyncio.gather(*(client.reply(t, texts("已儲存")) for t in tokens))

    assert api_sim.peak_in_flight == len(users)
    assert all(len(api_sim.deliveries(user)) == 1 for user in users)


async def test_expired_reply_token_is_reported_and_nothing_is_sent(
    client: LineClient, api_sim: LineSimulator, clock: list[float]
) -> None:
    token = api_sim.issue_reply_token(USER)
    clock[0] += api_sim.reply_token_ttl + 5

    with pytest.raises(ReplyTokenExpired):
        await client.reply(token, texts("late"))

    assert api_sim.deliveries(USER) == []


async def test_reused_reply_token_is_reported(client: LineClient, api_sim: LineSimulator) -> None:
    token = api_sim.issue_reply_token(USER)
    await client.reply(token, texts("first"))

    with pytest.raises(ReplyTokenExpired):
        await client.reply(token, texts("second"))

    assert [d.channel for d in api_sim.deliveries(USER)] == ["reply"]


async def test_push_carries_its_retry_key(client: LineClient, api_sim: LineSimulator) -> None:
    retry_key = key()
    await client.push(USER, texts("x"), retry_key=retry_key)
    assert [d.retry_key for d in api_sim.deliveries(USER)] == [retry_key]


async def test_push_retried_with_the_same_key_is_delivered_once(
    client: LineClient, api_sim: LineSimulator
) -> None:
    retry_key = key()
    api_sim.fail_next("push", 500)

    with pytest.raises(TransientError):
        await client.push(USER, texts("saved"), retry_key=retry_key)
    await client.push(USER, texts("saved"), retry_key=retry_key)
    await client.push(USER, texts("saved"), retry_key=retry_key)  # LINE answers 409

    assert len(api_sim.deliveries(USER)) == 1
    assert [c.status for c in api_sim.calls if c.endpoint == "push"] == [500, 200, 409]


async def test_reply_errors_are_classified(client: LineClient, api_sim: LineSimulator) -> None:
    api_sim.fail_next("reply", 500)
    api_sim.fail_next("reply", 429)

    for _ in range(2):
        with pytest.raises(TransientError):
            await client.reply(api_sim.issue_reply_token(USER), texts("x"))
    with pytest.raises(PermanentError):
        await client.reply(api_sim.issue_reply_token(USER), texts("x" * 5001))
    assert api_sim.deliveries(USER) == []


async def test_push_refusals_are_classified(client: LineClient, api_sim: LineSimulator) -> None:
    api_sim.fail_next("push", 429, {"message": "You have reached your monthly limit."})

    with pytest.raises(TransientError):
        await client.push(USER, texts("x"), retry_key=key())
    with pytest.raises(PermanentError):
        await client.push(USER, texts("x" * 5001), retry_key=key())


async def test_slow_platform_is_a_transient_error(
    urls: tuple[str, str], api_sim: LineSimulator
) -> None:
    api_sim.delay_next("reply", 3.0)
    line = make_client(urls, timeout=0.5)
    try:
        with pytest.raises(TransientError):
            await line.reply(api_sim.issue_reply_token(USER), texts("x"))
    finally:
        await line.aclose()


async def test_unreachable_platform_is_a_transient_error() -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    line = make_client((nowhere, nowhere), timeout=2.0)
    try:
        with pytest.raises(TransientError):
            await line.push(USER, texts("x"), retry_key=key())
        with pytest.raises(TransientError):
            await line.get_content("1", max_bytes=MB)
        await line.show_loading(USER)  # cosmetic: never raises
    finally:
        await line.aclose()


async def test_bad_access_token(urls: tuple[str, str], api_sim: LineSimulator) -> None:
    line = make_client(urls, token="revoked-token")
    try:
        with pytest.raises(ConfigError, match="LINE_CHANNEL_ACCESS_TOKEN"):
            await line.reply(api_sim.issue_reply_token(USER), texts("x"))
        with pytest.raises(ConfigError, match="LINE_CHANNEL_ACCESS_TOKEN"):
            await line.push(USER, texts("x"), retry_key=key())
        with pytest.raises(ConfigError):
            await line.get_content("1", max_bytes=MB)
        await line.show_loading(USER)
    finally:
        await line.aclose()
    assert {c.status for c in api_sim.calls} == {401}


# ---- content ------------------------------------------------------------------------------------


async def test_content_download_uses_the_data_host(
    client: LineClient, api_sim: LineSimulator, data_sim: LineSimulator
) -> None:
    photo = bytes(range(256)) * 4000
    message_id = data_sim.add_content(photo, "image/jpeg")

    assert await client.get_content(message_id, max_bytes=2 * MB) == photo
    assert [c.endpoint for c in data_sim.calls] == ["content"]
    assert api_sim.calls == []


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "streamed"])
async def test_content_over_the_cap_is_refused_with_a_friendly_sentence(
    client: LineClient, data_sim: LineSimulator, chunked: bool
) -> None:
    message_id = data_sim.add_content(b"\xff" * (2 * MB), "image/jpeg", chunked=chunked)

    with pytest.raises(ContentRejected) as caught:
        await client.get_content(message_id, max_bytes=1 * MB)

    assert caught.value.user_message.zh == "這張照片超過 1 MB，請傳送較小的照片。"


async def test_content_exactly_at_the_cap_is_accepted(
    client: LineClient, data_sim: LineSimulator
) -> None:
    message_id = data_sim.add_content(b"\x01" * MB, "image/png", chunked=True)

    assert len(await client.get_content(message_id, max_bytes=MB)) == MB


async def test_unknown_content_asks_the_user_to_resend(client: LineClient) -> None:
    with pytest.raises(ContentRejected) as caught:
        await client.get_content("404404404", max_bytes=MB)

    assert caught.value.user_message.zh == "LINE 上已找不到這張照片，請重新傳送一次。"


async def test_content_not_ready_is_retried_until_ready(
    client: LineClient, data_sim: LineSimulator
) -> None:
    message_id = data_sim.add_content(b"card", "image/jpeg", not_ready=2)

    assert await client.get_content(message_id, max_bytes=MB) == b"card"
    assert [c.status for c in data_sim.calls] == [202, 202, 200]


async def test_content_server_errors_are_transient(
    client: LineClient, data_sim: LineSimulator
) -> None:
    message_id = data_sim.add_content(b"card", "image/jpeg")
    data_sim.fail_next("content", 503)

    with pytest.raises(TransientError):
        await client.get_content(message_id, max_bytes=MB)
    assert await client.get_content(message_id, max_bytes=MB) == b"card"


# ---- loading animation --------------------------------------------------------------------------


async def test_loading_animation_is_requested_and_failures_are_ignored(
    client: LineClient, api_sim: LineSimulator
) -> None:
    await client.show_loading(USER, seconds=30)
    api_sim.fail_next("loading", 500)
    await client.show_loading(USER)
    await client.show_loading("C" + "0" * 32)  # a group: LINE refuses, the bot carries on

    loading = [(c.status, c.body) for c in api_sim.calls if c.endpoint == "loading"]
    assert loading[0] == (202, {"chatId": USER, "loadingSeconds": 30})
    assert [status for status, _ in loading] == [202, 500, 400]
