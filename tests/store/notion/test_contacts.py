"""The Notion store from the chat, through notion-client and the Notion emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from pydantic import SecretStr

from namecard.cards.edits import CardField
from namecard.cards.folding import fold, phone_digits, variants
from namecard.cards.model import Card, CardRef, Phone, PhoneKind
from namecard.cards.normalise import normalise_card
from namecard.sim.notion import NotionEmulator
from namecard.sim.server import EmulatorServer
from namecard.store.notion.writer import NotionStore

TOKEN = "notion-contacts-token"
WANG = normalise_card(
    Card(name="王小明", company="宏碩科技股份有限公司", title="業務經理",
         phones=(Phone("0912-345-678", PhoneKind.MOBILE),), emails=("ming@example.com",))
)  # fmt: skip


@pytest.fixture
def emulator() -> NotionEmulator:
    return NotionEmulator(tokens={TOKEN}, rate_limit_per_second=None)


@pytest.fixture
def server(emulator: NotionEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator.create_app()) as running:
        yield running


@pytest.fixture
async def store(emulator: NotionEmulator, server: EmulatorServer) -> AsyncIterator[NotionStore]:
    database_id, _ = emulator.contact_database()
    notion = NotionStore(api_key=SecretStr(TOKEN), database_id=database_id, base_url=server.url,
                         timeout_seconds=5, rate_per_second=100, burst=100)  # fmt: skip
    await notion.start()
    await notion.save(WANG, CardRef("a" * 64), user_hash="u1")
    yield notion
    await notion.aclose()


@pytest.mark.parametrize("query", ["小明", "5678", "0912", "宏碩", "宏硕", "MING"])
async def test_search_finds_by_name_phone_company_and_email(store: NotionStore, query: str) -> None:
    assert [c.card.name for c in await store.search(query)] == ["王小明"]


async def test_search_pages_through_more_than_one_page_of_results(store: NotionStore) -> None:
    for i in range(120):
        card = Card(name=f"王{i:03d}", company="其他公司")
        await store.save(card, CardRef(f"{i:02d}" * 32), user_hash="u2")
    found = await store.search("王", limit=10)
    assert len(found) == 10 and found[0].card.name == "王小明"  # the start of a name first


async def test_archive_moves_the_page_to_the_trash_and_it_is_gone(
    store: NotionStore, emulator: NotionEmulator
) -> None:
    [wang] = await store.search("王小明")
    assert await store.archive(wang.saved.contact_id)
    assert await store.get(wang.saved.contact_id) is None
    assert await store.search("王小明") == []
    assert not await store.archive(wang.saved.contact_id)
    assert store.problem is None


async def test_an_unknown_page_is_gone_not_a_configuration_problem(store: NotionStore) -> None:
    assert await store.get("not-a-page") is None
    assert await store.get("00000000-0000-0000-0000-000000000000") is None
    assert store.problem is None


async def test_a_correction_and_a_note_land_on_the_page(store: NotionStore) -> None:
    [wang] = await store.search("王小明")
    corrected = await store.update_field(
        wang.saved.contact_id, CardField.EMAIL, " Ming.Wang@Example.com ", stamp="2026-12-04"
    )
    assert corrected is not None and corrected.card.emails[0].lower() == "ming.wang@example.com"
    assert "舊Email: ming@example.com" in (corrected.notes or "")
    noted = await store.append_note(wang.saved.contact_id, "聊到 AI", stamp="2026-12-05")
    assert noted is not None and (noted.notes or "").endswith("2026-12-05 聊到 AI")
    assert [c.card.name for c in await store.recent("u1")] == ["王小明"]


def test_folding_meets_traditional_simplified_width_and_case() -> None:
    assert fold("陳美玲") == fold("陈美玲") == fold("陳美玲")
    assert fold("ＡＢＣ　Ltd") == "abc ltd"
    assert "陳美" in variants("陈美") and "陈美" in variants("陳美")
    assert phone_digits("0912-345") == "0912345" and phone_digits("王小明104") == ""
