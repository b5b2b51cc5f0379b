"""`namecard notion-init` against the Notion emulator, through notion-client."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from notion_client import APIResponseError, AsyncClient

from namecard.cli.main import main
from namecard.sim.notion import NotionEmulator
from namecard.sim.server import EmulatorServer

TOKEN = "secret_notion_init_token"


@pytest.fixture
def emulator() -> NotionEmulator:
    return NotionEmulator(tokens={TOKEN}, rate_limit_per_second=None)


@pytest.fixture
def server(emulator: NotionEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator.create_app()) as running:
        yield running


@pytest.fixture
def old_database(emulator: NotionEmulator) -> tuple[str, str]:
    """The users' database without 電話 and 地址 (and Card ID), 職稱 typed by hand as text."""
    database_id, data_source_id = emulator.contact_database()
    emulator.set_property(data_source_id, "電話", None)
    emulator.set_property(data_source_id, "地址", None)
    emulator.set_property(data_source_id, "職稱", "rich_text")
    return database_id, data_source_id


@pytest.fixture
def configured(
    monkeypatch: pytest.MonkeyPatch, server: EmulatorServer, old_database: tuple[str, str]
) -> str:
    monkeypatch.setenv("NOTION_API_KEY", TOKEN)
    monkeypatch.setenv("NOTION_DATABASE_ID", old_database[0])
    monkeypatch.setenv("NOTION_BASE_URL", server.url)
    return old_database[1]


@pytest.fixture
async def notion(server: EmulatorServer) -> AsyncIterator[AsyncClient]:
    client = AsyncClient(
        auth=TOKEN, base_url=server.url, retry=False, logger=logging.getLogger("tests.sdk")
    )
    yield client
    await client.aclose()


def test_missing_properties_are_created_and_a_retyped_one_is_kept(
    configured: str, emulator: NotionEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["notion-init"])

    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        "created property '電話' (phone_number)",
        "created property '地址' (rich_text)",
        "created property 'Card ID' (rich_text)",
        "kept '職稱': it is rich_text, expected select",
    ]
    schema = emulator.schema(configured)
    assert schema["電話"]["type"] == "phone_number"
    assert schema["地址"]["type"] == "rich_text"
    assert schema["Card ID"]["type"] == "rich_text"
    assert schema["職稱"]["type"] == "rich_text"
    assert len(schema) == 11


def test_a_second_run_has_nothing_to_change(
    configured: str, emulator: NotionEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["notion-init"]) == 0
    capsys.readouterr()
    schema = emulator.schema(configured)

    assert main(["notion-init"]) == 0

    assert capsys.readouterr().out.splitlines() == [
        "kept '職稱': it is rich_text, expected select",
        "nothing to change",
    ]
    assert emulator.schema(configured) == schema


def test_a_database_with_everything_is_left_alone(
    configured: str, emulator: NotionEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, kind in (("電話", "phone_number"), ("地址", "rich_text"), ("Card ID", "rich_text")):
        emulator.set_property(configured, name, kind)
    emulator.set_property(configured, "職稱", "select")

    assert main(["notion-init"]) == 0

    assert capsys.readouterr().out.splitlines() == ["nothing to change"]
    assert not [call for call in emulator.calls if call.method == "PATCH"]


def test_without_notion_settings_it_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NOTION_API_KEY", raising=False)
    monkeypatch.delenv("NOTION_DATABASE_ID", raising=False)

    assert main(["notion-init"]) == 2

    err = capsys.readouterr().err
    assert "Notion is not configured" in err
    assert "NOTION_API_KEY" in err and "NOTION_DATABASE_ID" in err


def test_a_refused_token_is_a_clear_error_that_never_shows_the_token(
    configured: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOTION_API_KEY", "secret_wrong_token_123")

    assert main(["notion-init"]) == 1

    captured = capsys.readouterr()
    assert "401" in captured.err and "check NOTION_API_KEY" in captured.err
    assert "secret_wrong_token_123" not in captured.err + captured.out
    assert captured.out == ""


def test_an_unknown_database_names_the_setting_to_check(
    configured: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOTION_DATABASE_ID", "0b9c3d4e-1111-4222-8333-444455556666")

    assert main(["notion-init"]) == 1

    assert "404" in capsys.readouterr().err


async def test_existing_pages_get_the_new_properties_empty_and_keep_their_values(
    notion: AsyncClient, emulator: NotionEmulator, old_database: tuple[str, str]
) -> None:
    data_source_id = old_database[1]
    name = {"title": [{"text": {"content": "王小明"}}]}
    await notion.pages.create(parent={"data_source_id": data_source_id}, properties={"Name": name})

    await notion.data_sources.update(
        data_source_id=data_source_id, properties={"Card ID": {"rich_text": {}}}
    )

    [page] = emulator.pages(data_source_id)
    values = emulator.page_values(page)
    assert values["Name"] == "王小明"
    assert values["Card ID"] == ""


async def test_the_emulator_refuses_a_second_title(
    notion: AsyncClient, emulator: NotionEmulator, old_database: tuple[str, str]
) -> None:
    data_source_id = old_database[1]
    before = emulator.schema(data_source_id)

    with pytest.raises(APIResponseError) as refused:
        await notion.data_sources.update(
            data_source_id=data_source_id,
            properties={"Card ID": {"rich_text": {}}, "姓名": {"title": {}}},
        )

    assert refused.value.status == 400
    assert refused.value.code == "validation_error"
    assert emulator.schema(data_source_id) == before  # all or nothing


@pytest.mark.parametrize(
    "config",
    [
        "rich_text",
        {},
        {"rich_text": {}, "email": {}},
        {"spreadsheet": {}},
        {"select": {"options": [{"name": "a,b"}]}},
        {"type": "email", "rich_text": {}},
    ],
)
async def test_the_emulator_refuses_a_malformed_property_config(
    notion: AsyncClient, old_database: tuple[str, str], config: object
) -> None:
    with pytest.raises(APIResponseError) as refused:
        await notion.data_sources.update(
            data_source_id=old_database[1], properties={"Card ID": config}
        )

    assert refused.value.status == 400
