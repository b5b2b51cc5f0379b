"""Two photos of one person saved at the same moment by two processes make one Notion page."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from namecard.cards.model import Card, CardRef, Phone, PhoneKind
from namecard.sim.notion import NotionEmulator
from namecard.sim.server import EmulatorServer
from namecard.state.keys import KeySpace
from namecard.store.notion.person_index import RedisPersonIndex
from namecard.store.notion.writer import NotionStore
from namecard.store.person_locks import MemoryPersonLocks, PersonLocks, RedisPersonLocks

TOKEN = "secret_person_lock_token"
MING = Card(
    name="周志遠",
    company="遠東科技",
    phones=(Phone("+886912345678", PhoneKind.MOBILE),),
    emails=("zhiyuan@example.com.tw",),
)
# The same person on another photo: another card id, the same e-mail and mobile.
MING_AGAIN = Card(name="周志遠", company="遠東科技股份有限公司", title="協理",
                  phones=MING.phones, emails=MING.emails)  # fmt: skip


@pytest.fixture
def emulator() -> NotionEmulator:
    return NotionEmulator(tokens={TOKEN}, latency=0.2)


@pytest.fixture
def server(emulator: NotionEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator.create_app()) as running:
        yield running


@pytest.fixture
def database(emulator: NotionEmulator) -> tuple[str, str]:
    return emulator.contact_database()


@pytest.fixture
async def two_processes(
    database: tuple[str, str],
    server: EmulatorServer, redis_client: Redis, other_client: Redis, key_prefix: str,
) -> AsyncIterator[tuple[NotionStore, NotionStore]]:  # fmt: skip
    database_id, _ = database
    stores = [
        NotionStore(
            api_key=SecretStr(TOKEN),
            database_id=database_id,
            base_url=server.url,
            timeout_seconds=5.0,
            person_locks=RedisPersonLocks(client, keys=KeySpace(key_prefix)),
            person_index=RedisPersonIndex(client, keys=KeySpace(key_prefix)),
        )
        for client in (redis_client, other_client)
    ]
    for store in stores:
        await store.start()
    yield stores[0], stores[1]
    for store in stores:
        await store.aclose()


async def test_one_person_on_two_photos_in_two_processes_is_one_page(
    emulator: NotionEmulator, database: tuple[str, str],
    two_processes: tuple[NotionStore, NotionStore],
) -> None:  # fmt: skip
    first, second = two_processes

    saved = await asyncio.gather(
        first.save(MING, CardRef("aa" * 32), user_hash="u1"),
        second.save(MING_AGAIN, CardRef("bb" * 32), user_hash="u2"),
    )

    assert len(emulator.pages(database[1])) == 1
    assert sorted(s.created for s in saved) == [False, True]
    assert saved[0].contact_id == saved[1].contact_id


@pytest.mark.parametrize("kind", ["memory", "redis"])
async def test_a_person_is_held_by_one_saver_at_a_time(
    kind: str, redis_client: Redis, other_client: Redis, key_prefix: str
) -> None:
    locks: list[PersonLocks] = (
        [MemoryPersonLocks()] * 2 if kind == "memory"
        else [RedisPersonLocks(c, keys=KeySpace(key_prefix)) for c in (redis_client, other_client)]
    )  # fmt: skip
    order: list[str] = []

    async def save(locks: PersonLocks, name: str, identities: list[str]) -> None:
        async with locks.hold(identities):
            order.append(f"{name} in")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    await asyncio.gather(
        save(locks[0], "a", ["email:x@example.com", "mobile:+886900000001"]),
        save(locks[1], "b", ["mobile:+886900000001"]),  # shares the mobile number only
        save(locks[1], "c", ["email:someone-else@example.com"]),
    )

    a_or_b = [step for step in order if step[0] in "ab"]
    assert a_or_b in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])
    assert order.index("c in") < order.index("c out") and order.index("c in") < 2  # not held up


async def test_no_e_mail_or_phone_number_appears_in_a_redis_key(
    redis_client: Redis, key_prefix: str
) -> None:
    locks = RedisPersonLocks(redis_client, keys=KeySpace(key_prefix))
    async with locks.hold(["email:zhiyuan@example.com.tw", "mobile:+886912345678"]):
        keys = [k.decode() async for k in redis_client.scan_iter(match=key_prefix + "*")]
        ttls = [await redis_client.ttl(k) for k in keys]
    assert len(keys) == 2
    assert not any("example" in k or "886" in k for k in keys)
    assert all(ttl > 0 for ttl in ttls)
    assert [k async for k in redis_client.scan_iter(match=key_prefix + "*")] == []  # released


async def test_a_living_holder_keeps_the_person_and_a_dead_one_frees_it_soon(
    redis_client: Redis, other_client: Redis, key_prefix: str
) -> None:
    living = RedisPersonLocks(redis_client, keys=KeySpace(key_prefix), ttl_seconds=1)
    waiting = RedisPersonLocks(other_client, keys=KeySpace(key_prefix), ttl_seconds=1)
    order: list[str] = []

    async def hold_long() -> None:
        async with living.hold(["email:long@example.com"]):
            order.append("long in")
            await asyncio.sleep(2.5)  # well past the 1 s expiry: renewed meanwhile
            order.append("long out")

    async def wait_then_hold() -> None:
        await asyncio.sleep(0.2)
        async with waiting.hold(["email:long@example.com"]):
            order.append("next in")

    await asyncio.gather(hold_long(), wait_then_hold())
    assert order == ["long in", "long out", "next in"]

    # A holder killed mid-save leaves its lock behind; it expires instead of blocking for long.
    assert [k async for k in other_client.scan_iter(match=key_prefix + "*")] == []  # released
    await redis_client.set(living._key("email:dead@example.com"), "dead-token", ex=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with waiting.hold(["email:dead@example.com"]):
        waited = loop.time() - started
    assert 0.5 < waited < 3.0
