"""The web chat's feed (what the page shows) and its guard (who may use it)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from quart import Quart

from namecard.bootstrap.settings import load_settings
from namecard.bootstrap.simulator import mount_simulator
from namecard.sim.line import LineSimulator
from namecard.sim.server import EmulatorServer
from namecard.sim.web_chat_feed import ChatFeed, Sent
from namecard.sim.web_chat_guard import refusal

TOKEN = "web-chat-test-token"
USER = "U" + "c3" * 16
OTHER_USER = "U" + "d4" * 16
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def reply(url: str, sim: LineSimulator, user: str, text: str) -> None:
    token = sim.issue_reply_token(user)
    body = {"replyToken": token, "messages": [{"type": "text", "text": text}]}
    assert httpx.post(f"{url}/v2/bot/message/reply", json=body, headers=AUTH).status_code == 200


def loading(url: str, user: str, seconds: int) -> None:
    body = {"chatId": user, "loadingSeconds": seconds}
    assert httpx.post(f"{url}/v2/bot/chat/loading/start", json=body, headers=AUTH).is_success


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def line(clock: Clock) -> LineSimulator:
    return LineSimulator(access_tokens={TOKEN}, clock=clock)


def test_the_feed_shows_one_users_messages_and_the_bots_answers_in_order(
    line: LineSimulator, clock: Clock
) -> None:
    feed = ChatFeed(line, clock)
    with EmulatorServer(line.create_app()) as server:
        feed.record(Sent(USER, "text", clock(), text="說明"))
        clock.now += 1
        reply(server.url, line, USER, "名片小幫手")
        reply(server.url, line, OTHER_USER, "not for this page")

        page = feed.read(USER, after=0)
        later = feed.read(USER, after=page.cursor)

    assert [item["from"] for item in page.items] == ["user", "bot"]
    assert page.items[0]["text"] == "說明"
    assert page.items[1]["messages"][0]["text"] == "名片小幫手"
    assert later.items == []  # the cursor moves past what the page has shown


def test_the_typing_dots_show_until_the_answer_or_their_seconds_run_out(
    line: LineSimulator, clock: Clock
) -> None:
    feed = ChatFeed(line, clock)
    with EmulatorServer(line.create_app()) as server:
        loading(server.url, USER, 5)
        clock.now += 1
        showing = feed.read(USER, 0).loading
        clock.now += 10
        expired = feed.read(USER, 0).loading
        loading(server.url, USER, 20)
        clock.now += 1
        reply(server.url, line, USER, "done")
        answered = feed.read(USER, 0).loading

    assert (showing, expired, answered) == (True, False, False)
    assert feed.read(OTHER_USER, 0).loading is False


@pytest.mark.parametrize(
    ("peer", "host", "origin", "content_type", "method"),
    [
        ("192.168.1.20", "127.0.0.1:8080", None, "application/json", "POST"),  # another machine
        ("127.0.0.1", "attacker.example:8080", None, "", "GET"),  # DNS rebinding
        ("127.0.0.1", "127.0.0.1:8080", "https://attacker.example", "application/json", "POST"),
        ("127.0.0.1", "127.0.0.1:8080", None, "text/plain", "POST"),  # a form any site can post
    ],
)
def test_the_guard_refuses_other_machines_and_other_sites(
    peer: str, host: str, origin: str | None, content_type: str, method: str
) -> None:
    why = refusal(method=method, peer=peer, host=host, origin=origin, content_type=content_type)
    assert why is not None


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080", "[::1]:8080"])
def test_the_guard_lets_this_machine_in(host: str) -> None:
    origin = f"http://{host}"
    assert refusal(method="GET", peer="127.0.0.1", host=host, origin=None, content_type="") is None
    assert (
        refusal(method="POST", peer="::1", host=host, origin=origin, content_type="image/jpeg")
        is None
    )


async def test_every_chat_route_refuses_another_machine_even_with_sim_allow_remote(
    tmp_path: Path,
) -> None:
    settings = load_settings(
        {"DATA_DIR": str(tmp_path), "HOST": "0.0.0.0", "SIM_ALLOW_REMOTE": "true"}  # noqa: S104
    )
    app = Quart(__name__)
    mount_simulator(app, settings)
    client = app.test_client()
    remote = {"client": ("192.0.2.7", 50000)}
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/sim/chat")]

    answers = {}
    for rule in rules:
        path = rule.rule.replace("<name>", "chat.js")
        method = "GET" if "GET" in (rule.methods or set()) else "POST"
        response = await client.open(path, method=method, json={"text": "hi"}, scope_base=remote)
        answers[path] = response.status_code

    assert len(answers) >= 6
    assert set(answers.values()) == {403}, answers
    here = await client.get("/sim/chat", scope_base={"client": ("127.0.0.1", 50000)})
    assert here.status_code == 200


async def test_an_open_feed_poll_ends_at_once_when_the_bot_is_stopping(tmp_path: Path) -> None:
    """A chat page left open must not hold up Ctrl+C (the poll would wait 10 s)."""
    app = Quart(__name__)
    mount_simulator(app, load_settings({"DATA_DIR": str(tmp_path)}), stopping=lambda: True)
    client = app.test_client()
    here = {"client": ("127.0.0.1", 50000)}

    response = await client.get("/sim/chat/api/feed", scope_base=here)

    assert response.status_code == 503
    assert "stopping" in (await response.get_json())["message"]
