"""One emulator set and one real bot subprocess for the end-to-end tests of this folder."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from namecard.cards.model import Card, Phone, PhoneKind
from namecard.cards.normalise import normalise_cards
from namecard.sim.driver import WebhookDriver
from namecard.sim.line_validation import validate_messages
from tests.harness import (
    CHANNEL_SECRET,
    FIXTURES,
    Emulators,
    RunningBot,
    bot_environment,
    new_port,
    running_bot,
    running_emulators,
)


@pytest.fixture(scope="session")
def emulators() -> Iterator[Emulators]:
    with running_emulators() as running:
        yield running


@pytest.fixture(scope="session")
def bot(
    emulators: Emulators, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningBot]:
    tmp = tmp_path_factory.mktemp("bot")
    env = bot_environment(
        emulators, port=new_port(), data_dir=tmp / "data", redis_url=redis_url,
        extra={"USER_RATE_PER_MIN": "20", "BATCH_END_WAIT_SECONDS": "20"},
    )  # fmt: skip
    with running_bot(env, tmp / "bot.log") as running:
        yield running


@pytest.fixture
async def driver(bot: RunningBot, emulators: Emulators) -> AsyncIterator[WebhookDriver]:
    async with WebhookDriver(f"{bot.url}/callback", CHANNEL_SECRET, emulators.line_url) as d:
        yield d


@pytest.fixture
def user_id() -> str:
    return "U" + uuid.uuid4().hex


def photo(stem: str) -> bytes:
    truth = load_truth_file(stem)
    return (FIXTURES / str(truth["file"])).read_bytes()


def normalised_truth(stem: str) -> list[Card]:
    """The ground-truth cards of a fixture, normalised like everything the bot stores."""
    cards = [
        Card(
            **{k: v for k, v in raw.items() if k not in ("phones", "emails")},
            phones=tuple(
                Phone(p["number"], PhoneKind(p["type"]), p.get("extension")) for p in raw["phones"]
            ),
            emails=tuple(raw["emails"]),
        )
        for raw in load_truth_file(stem)["cards"]
    ]
    return list(normalise_cards(cards, region="TW"))


def load_truth_file(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{stem}.json").read_text(encoding="utf-8"))
    return data


def unique_photo(emulators: Emulators, stem: str) -> tuple[bytes, list[str]]:
    """A fixture photo made a different person's card (other bytes, other names), so neither
    the result cache nor an earlier test's Notion page answers for it."""
    tag = uuid.uuid4().hex[:6]
    data = photo(stem) + f"unique-{tag}".encode()  # after the image's end: decoders ignore it
    cards = [
        {**card, "name": f"{card['name']} {tag}",
         "emails": [f"{tag}.{email}" for email in card["emails"]]}
        for card in load_truth_file(stem)["cards"]
    ]  # fmt: skip
    emulators.gemini.truth[hashlib.sha256(data).hexdigest()] = cards
    return data, [str(card["name"]) for card in cards]


@pytest.fixture(autouse=True)
def every_message_passes_line_validation(emulators: Emulators) -> Iterator[None]:
    """Whatever the test, every reply and push the bot sent must be valid for LINE."""
    before = len(emulators.line.calls)
    yield
    invalid = [
        (call.endpoint, errors)
        for call in emulators.line.calls[before:]
        if call.endpoint in ("reply", "push") and isinstance(call.body, dict)
        and (errors := validate_messages(call.body.get("messages")))
    ]  # fmt: skip
    assert not invalid, f"the bot sent messages LINE would refuse: {invalid}"
