"""The Notion emulator answers like Notion (2025-09-03) to raw HTTP and to notion-client."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from notion_client import APIResponseError, AsyncClient

from namecard.sim.notion import API_VERSION, NotionEmulator
from namecard.sim.server import EmulatorServer

TOKEN = "secret_test_token"
Json = dict[str, Any]


@pytest.fixture
def emulator() -> NotionEmulator:
    return NotionEmulator(tokens={TOKEN}, rate_limit_per_second=None)


@pytest.fixture
def contacts(emulator: NotionEmulator) -> tuple[str, str]:
    return emulator.contact_database()


@pytest.fixture
def server(emulator: NotionEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator.create_app()) as running:
        yield running


@pytest.fixture
async def http(server: EmulatorServer) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {TOKEN}", "Notion-Version": API_VERSION}
    async with httpx.AsyncClient(
        base_url=f"{server.url}/v1", headers=headers, trust_env=False
    ) as client:
        yield client


@pytest.fixture
async def notion(server: EmulatorServer) -> AsyncIterator[AsyncClient]:
    client = AsyncClient(
        auth=TOKEN, base_url=server.url, retry=False, logger=logging.getLogger("tests.sdk")
    )
    yield client
    await client.aclose()


def person(name: str, **extra: Json) -> Json:
    return {"Name": {"title": [{"text": {"content": name}}]}, **extra}


def text(content: str) -> Json:
    return {"rich_text": [{"text": {"content": content}}]}


async def create(http: httpx.AsyncClient, data_source_id: str, properties: Json) -> httpx.Response:
    parent = {"data_source_id": data_source_id}
    return await http.post("/pages", json={"parent": parent, "properties": properties})


def assert_error(response: httpx.Response, status: int, code: str) -> Json:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body: Json = response.json()
    assert body["object"] == "error"
    assert (body["status"], body["code"]) == (status, code)
    assert body["message"]
    assert body["request_id"]
    return body


async def test_requests_need_a_valid_token_and_a_version(
    server: EmulatorServer, contacts: tuple[str, str]
) -> None:
    database_id, _ = contacts
    path = f"{server.url}/v1/databases/{database_id}"
    async with httpx.AsyncClient(trust_env=False) as client:
        anonymous = await client.get(path, headers={"Notion-Version": API_VERSION})
        wrong = await client.get(
            path, headers={"Authorization": "Bearer nope", "Notion-Version": API_VERSION}
        )
        unversioned = await client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})

    assert_error(anonymous, 401, "unauthorized")
    assert_error(wrong, 401, "unauthorized")
    assert_error(unversioned, 400, "missing_version")


async def test_database_is_a_container_and_the_data_source_holds_the_schema(
    notion: AsyncClient, contacts: tuple[str, str]
) -> None:
    database_id, data_source_id = contacts

    database = await notion.databases.retrieve(database_id=database_id.replace("-", ""))
    source = await notion.data_sources.retrieve(data_source_id=data_source_id)

    assert database["object"] == "database"
    assert "properties" not in database
    assert [ref["id"] for ref in database["data_sources"]] == [data_source_id]
    assert source["parent"] == {"type": "database_id", "database_id": database_id}
    types = {name: config["type"] for name, config in source["properties"].items()}
    assert types["Name"] == "title"
    assert types["職稱"] == "select"
    assert types["電話"] == "phone_number"
    options = source["properties"]["決策影響力"]["select"]["options"]
    assert [option["name"] for option in options] == ["高", "中", "低"]


async def test_created_page_is_a_full_page_object(
    notion: AsyncClient, emulator: NotionEmulator, contacts: tuple[str, str]
) -> None:
    database_id, data_source_id = contacts
    properties = person(
        "王小明",
        職稱={"select": {"name": "業務經理"}},
        Email={"email": "ming@example.com"},
        電話={"phone_number": "0912-345-678"},
        地址=text("台北市信義區"),
    )

    page = await notion.pages.create(
        parent={"data_source_id": data_source_id}, properties=properties
    )
    again = await notion.pages.retrieve(page_id=page["id"])

    assert page["url"] == f"https://www.notion.so/{page['id'].replace('-', '')}"
    assert page["parent"] == {
        "type": "data_source_id",
        "data_source_id": data_source_id,
        "database_id": database_id,
    }
    assert page["created_time"]
    assert again["properties"] == page["properties"]
    values = emulator.page_values(page)
    assert values["Name"] == "王小明"
    assert values["職稱"] == "業務經理"
    assert values["Email"] == "ming@example.com"
    assert values["地址"] == "台北市信義區"
    assert values["部門"] == ""
    assert values["決策影響力"] is None
    assert [emulator.page_values(p)["Name"] for p in emulator.pages(data_source_id)] == ["王小明"]


async def test_unknown_property_is_refused_by_name_and_nothing_is_created(
    http: httpx.AsyncClient, emulator: NotionEmulator, contacts: tuple[str, str]
) -> None:
    _, data_source_id = contacts

    response = await create(http, data_source_id, person("王", 窗口的困擾或KPI=text("待補")))

    body = assert_error(response, 400, "validation_error")
    assert "窗口的困擾或KPI" in body["message"]
    assert emulator.pages(data_source_id) == []


@pytest.mark.parametrize(
    ("properties", "fragment"),
    [
        (person("王", 地址={"rich_text": [{"text": {"content": "a" * 2001}}]}), "2000"),
        (person("王", 地址={"rich_text": [{"text": {"content": "a"}}] * 101}), "100"),
        (person("王", 職稱={"select": {"name": "VP, Sales"}}), "commas"),
        (person("王", Email={"email": "a" * 195 + "@b.com"}), "200"),
        (person("王", 公司名稱={"select": {"name": "大同"}}), "rich_text"),
        (person("王", 電話={"phone_number": 912345678}), "電話"),
    ],
)
async def test_values_notion_would_refuse_are_refused(
    http: httpx.AsyncClient, contacts: tuple[str, str], properties: Json, fragment: str
) -> None:
    _, data_source_id = contacts

    response = await create(http, data_source_id, properties)

    assert fragment in assert_error(response, 400, "validation_error")["message"]


async def test_long_text_in_several_items_is_accepted(
    http: httpx.AsyncClient, emulator: NotionEmulator, contacts: tuple[str, str]
) -> None:
    _, data_source_id = contacts
    notes = {"rich_text": [{"text": {"content": "備" * 2000}}, {"text": {"content": "註"}}]}

    response = await create(http, data_source_id, person("王", 聯繫注意事項=notes))

    assert response.status_code == 200
    assert emulator.page_values(response.json())["聯繫注意事項"] == "備" * 2000 + "註"


async def test_a_new_select_option_is_added_to_the_schema(
    http: httpx.AsyncClient, emulator: NotionEmulator, contacts: tuple[str, str]
) -> None:
    _, data_source_id = contacts

    first = await create(http, data_source_id, person("王", 職稱={"select": {"name": "總監"}}))
    second = await create(http, data_source_id, person("李", 職稱={"select": {"name": "總監"}}))

    options = emulator.schema(data_source_id)["職稱"]["select"]["options"]
    assert [option["name"] for option in options] == ["總監"]
    first_option = first.json()["properties"]["職稱"]["select"]
    assert first_option == second.json()["properties"]["職稱"]["select"]


async def test_query_filters_and_paginates(
    http: httpx.AsyncClient, contacts: tuple[str, str]
) -> None:
    _, data_source_id = contacts
    for name, email in [("王", "w@x.tw"), ("李", "l@x.tw"), ("陳", "c@x.tw"), ("王", "w2@x.tw")]:
        assert (await create(http, data_source_id, person(name, Email={"email": email}))).is_success
    path = f"/data_sources/{data_source_id}/query"
    either = {"or": [{"property": "Name", "title": {"equals": "王"}}]}
    either["or"].append({"property": "Email", "email": {"equals": "l@x.tw"}})

    first = (await http.post(path, json={"filter": either, "page_size": 2})).json()
    rest = await http.post(path, json={"filter": either, "start_cursor": first["next_cursor"]})
    everyone = (await http.post(path, json={})).json()

    assert first["object"] == "list"
    assert first["has_more"] is True
    emails = [page["properties"]["Email"]["email"] for page in first["results"]]
    emails += [page["properties"]["Email"]["email"] for page in rest.json()["results"]]
    assert emails == ["w@x.tw", "l@x.tw", "w2@x.tw"]
    assert rest.json()["has_more"] is False
    assert rest.json()["next_cursor"] is None
    assert len(everyone["results"]) == 4


async def test_query_refuses_unknown_properties_and_oversized_pages(
    http: httpx.AsyncClient, contacts: tuple[str, str]
) -> None:
    _, data_source_id = contacts
    path = f"/data_sources/{data_source_id}/query"

    unknown = await http.post(path, json={"filter": {"property": "X", "email": {"equals": "a"}}})
    too_big = await http.post(path, json={"page_size": 101})

    assert "X" in assert_error(unknown, 400, "validation_error")["message"]
    assert_error(too_big, 400, "validation_error")


async def test_database_parent_works_only_with_a_single_data_source(
    http: httpx.AsyncClient, emulator: NotionEmulator, contacts: tuple[str, str]
) -> None:
    database_id, _ = contacts
    body = {"parent": {"database_id": database_id}, "properties": person("王")}

    single = await http.post("/pages", json=body)
    emulator.add_data_source(database_id, {"Title": "title"}, name="Archive")
    multiple = await http.post("/pages", json=body)

    assert single.status_code == 200
    assert_error(multiple, 400, "validation_error")


async def test_unknown_ids_and_urls_answer_notion_errors(
    http: httpx.AsyncClient, contacts: tuple[str, str]
) -> None:
    missing = "0f0f0f0f-0000-4000-8000-000000000000"

    assert_error(await http.get(f"/pages/{missing}"), 404, "object_not_found")
    assert_error(await http.get(f"/databases/{missing}"), 404, "object_not_found")
    assert_error(await http.get("/databases/not-a-uuid"), 400, "validation_error")
    assert_error(await http.get("/nowhere"), 400, "invalid_request_url")
    bad_json = await http.post("/pages", content=b"{nope", headers={"content-type": "json"})
    assert_error(bad_json, 400, "invalid_json")


async def test_page_properties_can_be_updated(
    http: httpx.AsyncClient, emulator: NotionEmulator, contacts: tuple[str, str]
) -> None:
    _, data_source_id = contacts
    page = (await create(http, data_source_id, person("王"))).json()

    path = f"/pages/{page['id']}"
    updated = await http.patch(path, json={"properties": {"部門": text("研發")}})
    refused = await http.patch(path, json={"properties": {"Nope": {}}})

    assert updated.status_code == 200
    assert emulator.page_values(emulator.pages(data_source_id)[0])["部門"] == "研發"
    assert_error(refused, 400, "validation_error")


async def test_rate_limit_answers_429_with_retry_after(
    http: httpx.AsyncClient, emulator: NotionEmulator, contacts: tuple[str, str]
) -> None:
    database_id, _ = contacts
    emulator.rate_limit_per_second, emulator.burst = 0.01, 2

    answers = [await http.get(f"/databases/{database_id}") for _ in range(3)]
    emulator.rate_limit_per_second = None
    after = await http.get(f"/databases/{database_id}")

    assert [a.status_code for a in answers[:2]] == [200, 200]
    body = assert_error(answers[2], 429, "rate_limited")
    assert int(answers[2].headers["Retry-After"]) >= 1
    assert body["additional_data"]["rate_limit_reason"]
    assert after.status_code == 200


async def test_injected_failures_hit_the_named_endpoint_then_stop(
    notion: AsyncClient, emulator: NotionEmulator, contacts: tuple[str, str]
) -> None:
    _, data_source_id = contacts
    emulator.fail_next("create", 503, "service_unavailable")
    parent = {"data_source_id": data_source_id}

    with pytest.raises(APIResponseError) as failure:
        await notion.pages.create(parent=parent, properties=person("王"))
    await notion.data_sources.retrieve(data_source_id=data_source_id)
    await notion.pages.create(parent=parent, properties=person("王"))

    assert failure.value.status == 503
    assert [(c.endpoint, c.status) for c in emulator.calls] == [
        ("create", 503),
        ("retrieve", 200),
        ("create", 200),
    ]
    assert len(emulator.pages(data_source_id)) == 1


async def test_a_lost_create_response_still_creates_the_page(
    http: httpx.AsyncClient, emulator: NotionEmulator, contacts: tuple[str, str]
) -> None:
    _, data_source_id = contacts
    emulator.lose_next_create_response()

    response = await create(http, data_source_id, person("王"))

    assert_error(response, 504, "gateway_timeout")
    assert [emulator.page_values(p)["Name"] for p in emulator.pages(data_source_id)] == ["王"]


async def test_reset_forgets_everything(
    http: httpx.AsyncClient, emulator: NotionEmulator, contacts: tuple[str, str]
) -> None:
    database_id, _ = contacts

    emulator.reset()

    assert_error(await http.get(f"/databases/{database_id}"), 404, "object_not_found")
    assert len(emulator.calls) == 1
