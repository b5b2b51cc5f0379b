"""The person index against the Notion emulator: a page edited by hand is found after a
refresh, also when the database was empty when the index was built."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from namecard.cards.model import Card, CardRef
from namecard.domain.errors import StateUnavailable
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


class LosesOneWrite(RedisPersonIndex):
    """The real index, whose next write fails as when Redis refuses a connection."""

    lose_next = False

    async def put(self, page_id: str, identities: Sequence[str]) -> None:
        if self.lose_next:
            self.lose_next = False
            raise StateUnavailable("Too many connections", fault="MaxConnectionsError")
        await super().put(page_id, identities)


async def test_a_person_whose_index_entry_was_lost_is_still_found_and_not_saved_twice(
    emulator: NotionEmulator, server: EmulatorServer, redis_client: Redis, key_prefix: str
) -> None:
    database_id, data_source_id = emulator.contact_database()
    index = LosesOneWrite(redis_client, keys=KeySpace(key_prefix))
    store = NotionStore(
        api_key=SecretStr(TOKEN), database_id=database_id, base_url=server.url,
        timeout_seconds=5.0, index_refresh_seconds=60.0, person_index=index,
    )  # fmt: skip
    await store.start()
    await asyncio.sleep(0.5)  # the index is built from the empty database
    try:
        index.lose_next = True  # the new page's entry never reaches the index
        first = await store.save(Card(name="王小明", emails=("ming@example.com",)),
                                 CardRef("aa" * 32), user_hash="u")  # fmt: skip
        again = await store.save(Card(name="王小明", title="經理", emails=("ming@example.com",)),
                                 CardRef("bb" * 32), user_hash="v")  # fmt: skip
    finally:
        await store.aclose()
    assert again.contact_id == first.contact_id
    assert len(emulator.pages(data_source_id)) == 1
