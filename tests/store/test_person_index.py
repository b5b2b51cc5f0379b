"""The person index against the Notion emulator: a page edited by hand is found after a
refresh, also when the database was empty when the index was built."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from namecard.cards.model import Card, CardRef
from namecard.sim.notion import NotionEmulator
from namecard.sim.server import EmulatorServer
from namecard.state.keys import KeySpace
from namecard.store.notion.person_index import RedisPersonIndex
from namecard.store.notion.writer import NotionStore

TOKEN = "secret_person_index_token"


@pytest.fixture
def emulator() -> NotionEmulator:
    return NotionEmulator(tokens={TOKEN}, rate_limit_per_second=None)


@pytest.fixture
def server(emulator: NotionEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator.create_app()) as running:
        yield running


async def test_an_edit_by_hand_in_a_database_empty_at_start_is_seen_after_a_refresh(
    emulator: NotionEmulator, server: EmulatorServer, redis_client: Redis, key_prefix: str
) -> None:
    database_id, data_source_id = emulator.contact_database()
    store = NotionStore(
        api_key=SecretStr(TOKEN), database_id=database_id, base_url=server.url,
        timeout_seconds=5.0, index_refresh_seconds=1.0,
        person_index=RedisPersonIndex(redis_client, keys=KeySpace(key_prefix)),
    )  # fmt: skip
    await store.start()
    await asyncio.sleep(0.5)  # the index is built from the empty database
    try:
        first = await store.save(Card(name="王小明", emails=("ming@example.com",)),
                                 CardRef("aa" * 32), user_hash="u")  # fmt: skip
        emulator.edit_page(first.contact_id, {"Email": {"email": "ming@new.example.com"}})
        await asyncio.sleep(2.5)  # more than the refresh interval
        again = await store.save(Card(name="王小明", title="經理",
                                      emails=("ming@new.example.com",)),
                                 CardRef("bb" * 32), user_hash="u")  # fmt: skip
    finally:
        await store.aclose()
    assert again.contact_id == first.contact_id
    assert len(emulator.pages(data_source_id)) == 1
