"""NotionStore against the Notion emulator over HTTP, through the real notion-client."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from namecard.cards.model import Card, CardRef, Phone, PhoneKind
from namecard.domain.errors import ConfigError, StoreError, TransientError
from namecard.sim.notion import NotionEmulator
from namecard.sim.server import EmulatorServer, free_port
from namecard.store.notion.writer import NotionStore

TOKEN = "secret_notion_token_123"
REF = CardRef(image_sha256="ab" * 32)
CARD = Card(
    name="王小明",
    company="大同科技股份有限公司",
    department="業務部",
    title="業務經理",
    phones=(Phone("0912-345-678", PhoneKind.MOBILE), Phone("02-2345-0000", PhoneKind.FAX)),
    emails=("ming@example.com.tw",),
    address="台北市信義區信義路五段7號",
    notes="週三下午方便聯絡",
)

StoreFactory = Callable[..., NotionStore]


@pytest.fixture
def emulator() -> NotionEmulator:
    return NotionEmulator(tokens={TOKEN}, rate_limit_per_second=None)


@pytest.fixture
def server(emulator: NotionEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator.create_app()) as running:
        yield running


@pytest.fixture
async def make_store(server: EmulatorServer) -> AsyncIterator[StoreFactory]:
    stores: list[NotionStore] = []

    def make(database_id: str, *, token: str = TOKEN, base_url: str = server.url) -> NotionStore:
        store = NotionStore(
            api_key=SecretStr(token),
            database_id=database_id,
            base_url=base_url,
            timeout_seconds=5.0,
        )
        stores.append(store)
        return store

    yield make
    for store in stores:
        await store.aclose()


async def started(make_store: StoreFactory, database_id: str) -> NotionStore:
    store = make_store(database_id)
    await store.start()
    return store


def only_page(emulator: NotionEmulator, data_source_id: str) -> dict[str, Any]:
    pages = emulator.pages(data_source_id)
    assert len(pages) == 1
    return pages[0]


async def test_saved_card_becomes_a_page_with_every_field(
    emulator: NotionEmulator, make_store: StoreFactory
) -> None:
    database_id, data_source_id = emulator.contact_database()
    store = await started(make_store, database_id.replace("-", ""))

    saved = await store.save(CARD, REF, user_hash="u1")

    page = only_page(emulator, data_source_id)
    assert (saved.contact_id, saved.url, saved.created) == (page["id"], page["url"], True)
    assert emulator.page_values(page) == {
        "Name": "王小明",
        "公司名稱": "大同科技股份有限公司",
        "部門": "業務部",
        "職稱": "業務經理",
        "決策影響力": "中",
        "Email": "ming@example.com.tw",
        "電話": "0912-345-678",
        "地址": "台北市信義區信義路五段7號",
        "取得聯繫來源": "名片交換",
        "聯繫注意事項": "週三下午方便聯絡; 傳真: 02-2345-0000",
    }


async def test_a_database_with_other_types_and_a_missing_property_still_saves(
    emulator: NotionEmulator, make_store: StoreFactory, caplog: pytest.LogCaptureFixture
) -> None:
    database_id, data_source_id = emulator.contact_database()
    emulator.set_property(data_source_id, "職稱", "rich_text")
    emulator.set_property(data_source_id, "部門", None)
    caplog.set_level(logging.INFO, logger="namecard.store.notion.writer")
    store = await started(make_store, database_id)

    await store.save(CARD, REF, user_hash="u1")
    await store.save(CARD, CardRef(image_sha256="cd" * 32), user_hash="u1")

    values = emulator.page_values(emulator.pages(data_source_id)[0])
    assert values["職稱"] == "業務經理"
    assert "部門" not in values
    assert "部門: 業務部" in values["聯繫注意事項"]
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "部門" in warnings[0].getMessage()


async def test_a_database_missing_two_properties_still_gets_the_rest(
    emulator: NotionEmulator, make_store: StoreFactory
) -> None:
    database_id, data_source_id = emulator.contact_database()
    emulator.set_property(data_source_id, "部門", None)
    emulator.set_property(data_source_id, "地址", None)
    store = await started(make_store, database_id)

    await store.save(CARD, REF, user_hash="u1")

    values = emulator.page_values(emulator.pages(data_source_id)[0])
    assert values["Name"] == CARD.name
    assert values["職稱"] == CARD.title
    assert values["Email"] == CARD.emails[0]
    assert "部門" not in values and "地址" not in values
    assert f"部門: {CARD.department}" in values["聯繫注意事項"]
    assert f"地址: {CARD.address}" in values["聯繫注意事項"]


async def test_a_property_deleted_while_running_is_handled(
    emulator: NotionEmulator, make_store: StoreFactory
) -> None:
    database_id, data_source_id = emulator.contact_database()
    store = await started(make_store, database_id)
    emulator.set_property(data_source_id, "地址", None)

    await store.save(CARD, REF, user_hash="u1")

    notes = emulator.page_values(only_page(emulator, data_source_id))["聯繫注意事項"]
    assert "地址: 台北市信義區信義路五段7號" in notes


async def test_wrong_token_is_a_config_error_at_start(
    emulator: NotionEmulator, make_store: StoreFactory
) -> None:
    database_id, _ = emulator.contact_database()
    store = make_store(database_id, token="secret_wrong_token")

    with pytest.raises(ConfigError) as failure:
        await store.start()

    assert "NOTION_API_KEY" in str(failure.value)
    assert "secret_wrong_token" not in str(failure.value)


async def test_unknown_database_is_a_config_error_at_start(make_store: StoreFactory) -> None:
    store = make_store("0f0f0f0f-0000-4000-8000-000000000000")

    with pytest.raises(ConfigError) as failure:
        await store.start()

    assert "NOTION_DATABASE_ID" in str(failure.value)


async def test_notion_outage_on_create_is_transient(
    emulator: NotionEmulator, make_store: StoreFactory
) -> None:
    database_id, data_source_id = emulator.contact_database()
    store = await started(make_store, database_id)

    for status, code in [(503, "service_unavailable"), (529, "service_overload"), (409, "x")]:
        emulator.fail_next("create", status, code)
        with pytest.raises(TransientError):
            await store.save(CARD, REF, user_hash="u1")

    assert emulator.pages(data_source_id) == []


async def test_unreachable_notion_is_transient(
    emulator: NotionEmulator, make_store: StoreFactory
) -> None:
    database_id, _ = emulator.contact_database()
    store = make_store(database_id, base_url=f"http://127.0.0.1:{free_port()}")

    with pytest.raises(TransientError):
        await store.start()


async def test_refused_page_is_a_store_error_with_a_friendly_sentence(
    emulator: NotionEmulator, make_store: StoreFactory
) -> None:
    database_id, _ = emulator.contact_database()
    store = await started(make_store, database_id)
    emulator.fail_next("create", 400, "validation_error")

    with pytest.raises(StoreError) as failure:
        await store.save(CARD, REF, user_hash="u1")

    assert "Notion" not in failure.value.user_message.render("both")
    assert "儲存" in failure.value.user_message.zh


async def test_long_notes_are_saved_in_full(
    emulator: NotionEmulator, make_store: StoreFactory
) -> None:
    database_id, data_source_id = emulator.contact_database()
    store = await started(make_store, database_id)
    notes = "".join(f"第{i}項備註。" for i in range(500))[:2500]

    await store.save(Card(name="王小明", notes=notes), REF, user_hash="u1")

    page = only_page(emulator, data_source_id)
    assert emulator.page_values(page)["聯繫注意事項"] == notes
    assert len(page["properties"]["聯繫注意事項"]["rich_text"]) == 2


async def test_save_before_start_is_a_programming_error(
    emulator: NotionEmulator, make_store: StoreFactory
) -> None:
    database_id, _ = emulator.contact_database()

    with pytest.raises(RuntimeError, match="start"):
        await make_store(database_id).save(CARD, REF, user_hash="u1")


async def test_a_refused_token_is_reported_until_notion_accepts_a_save_again(
    emulator: NotionEmulator, make_store: StoreFactory
) -> None:
    """/health shows the configuration problem while Notion refuses us, and stops once it no
    longer does (the operator fixed the integration's access)."""
    database_id, data_source_id = emulator.contact_database()
    store = await started(make_store, database_id)

    emulator.fail_next("create", 401, "unauthorized")
    with pytest.raises(ConfigError):
        await store.save(CARD, REF, user_hash="u1")
    refused = store.problem
    await store.save(CARD, REF, user_hash="u1")

    assert refused is not None
    assert store.problem is None
    assert len(emulator.pages(data_source_id)) == 1
