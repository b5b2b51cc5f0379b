"""The Gemini emulator answers like the real API: routes, keys, casing, truth, errors, faults."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client

from namecard.sim.gemini import GeminiEmulator, GeminiFault, load_truth

IMAGE = b"\x89PNG pretend image bytes"
DIGEST = hashlib.sha256(IMAGE).hexdigest()
CARD: dict[str, Any] = {
    "name": "陳美玲",
    "company": "台北科技股份有限公司",
    "department": None,
    "title": "業務經理",
    "phones": [{"number": "02-2712-3456", "type": "office", "extension": "301"}],
    "emails": ["meiling@example.com.tw"],
    "address": "台北市松山區南京東路四段 2 號",
    "website": None,
    "line_id": "@meiling",
    "tax_id": "12345675",
    "notes": None,
}
KEY = "AIza-test-key-9f3c"
MODEL = "gemini-3.8-flash"
PATH = f"/v1beta/models/{MODEL}:generateContent"


def body(image: bytes = IMAGE, *, snake: bool = False) -> dict[str, Any]:
    data = base64.b64encode(image).decode()
    if snake:
        part = {"inline_data": {"mime_type": "image/png", "data": data}}
    else:
        part = {"inlineData": {"mimeType": "image/png", "data": data}}
    config = "generation_config" if snake else "generationConfig"
    return {
        "contents": [{"role": "user", "parts": [part, {"text": "read the card"}]}],
        config: {"responseMimeType": "application/json", "temperature": 0},
    }


@pytest.fixture
def emulator() -> GeminiEmulator:
    return GeminiEmulator({DIGEST: [CARD]}, api_keys=[KEY], retired_models=["gemini-1.5-flash"])


@pytest.fixture
def client(emulator: GeminiEmulator) -> Client:
    return emulator.create_app().test_client()


async def generate(
    client: Client, payload: dict[str, Any], path: str = PATH, key: str | None = KEY
) -> tuple[int, dict[str, Any]]:
    headers = {"x-goog-api-key": key} if key else {}
    response = await client.post(path, json=payload, headers=headers)
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    return response.status_code, json.loads(await response.get_data())


def answer_cards(answer: dict[str, Any]) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = json.loads(
        answer["candidates"][0]["content"]["parts"][0]["text"]
    )["cards"]
    return cards


@pytest.mark.parametrize("version", ["v1", "v1beta"])
async def test_known_image_is_answered_with_its_cards(client: Client, version: str) -> None:
    status, answer = await generate(
        client, body(), path=f"/{version}/models/{MODEL}:generateContent"
    )

    assert status == 200
    candidate = answer["candidates"][0]
    assert candidate["finishReason"] == "STOP"
    assert candidate["content"]["role"] == "model"
    assert answer_cards(answer) == [CARD | {"confidence": 0.95, "uncertain_fields": []}]
    assert answer["modelVersion"] == MODEL
    assert answer["responseId"]
    assert answer["usageMetadata"]["totalTokenCount"] > 0


async def test_chinese_text_arrives_unescaped(client: Client) -> None:
    _, answer = await generate(client, body())
    assert "陳美玲" in answer["candidates"][0]["content"]["parts"][0]["text"]


async def test_unknown_image_has_no_cards(client: Client) -> None:
    status, answer = await generate(client, body(b"another photo"))
    assert status == 200
    assert answer_cards(answer) == []


async def test_snake_case_body_and_query_key_are_accepted(client: Client) -> None:
    status, answer = await generate(client, body(snake=True), path=f"{PATH}?key={KEY}", key=None)
    assert status == 200
    assert answer_cards(answer)[0]["name"] == "陳美玲"


@pytest.mark.parametrize("key", [None, "AIza-wrong-key"])
async def test_unknown_key_is_refused_like_the_real_api(client: Client, key: str | None) -> None:
    status, answer = await generate(client, body(), key=key)

    assert status == 400
    error = answer["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == "API key not valid. Please pass a valid API key."
    assert error["details"][0]["reason"] == "API_KEY_INVALID"
    assert error["details"][0]["metadata"]["service"] == "generativelanguage.googleapis.com"


async def test_any_key_works_when_no_keys_are_configured() -> None:
    client = GeminiEmulator().create_app().test_client()
    status, _ = await generate(client, body(), key="whatever")
    assert status == 200


async def test_retired_model_is_not_found(client: Client) -> None:
    status, answer = await generate(
        client, body(), path="/v1beta/models/gemini-1.5-flash:generateContent"
    )
    assert status == 404
    assert answer["error"]["status"] == "NOT_FOUND"
    assert "gemini-1.5-flash" in answer["error"]["message"]


async def test_malformed_body_is_invalid_argument(client: Client) -> None:
    response = await client.post(PATH, data=b"{not json", headers={"x-goog-api-key": KEY})
    assert response.status_code == 400
    assert (await response.get_json())["error"]["status"] == "INVALID_ARGUMENT"


@pytest.mark.parametrize(
    ("fault", "quota_id"),
    [
        (GeminiFault.RATE_LIMITED, "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"),
        (GeminiFault.RATE_LIMITED_DAILY, "GenerateRequestsPerDayPerProjectPerModel-FreeTier"),
    ],
)
async def test_rate_limit_body_carries_quota_help_and_retry_info(
    emulator: GeminiEmulator, client: Client, fault: GeminiFault, quota_id: str
) -> None:
    emulator.script(fault)

    status, answer = await generate(client, body())

    assert status == 429
    error = answer["error"]
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert "Please retry in 2.0s." in error["message"]
    by_type = {detail["@type"].rsplit(".", 1)[-1]: detail for detail in error["details"]}
    assert by_type["QuotaFailure"]["violations"][0]["quotaId"] == quota_id
    assert by_type["Help"]["links"]
    assert by_type["RetryInfo"]["retryDelay"] == "2s"


@pytest.mark.parametrize(
    ("fault", "code", "status"),
    [
        (GeminiFault.SERVER_ERROR, 500, "INTERNAL"),
        (GeminiFault.UNAVAILABLE, 503, "UNAVAILABLE"),
        (GeminiFault.DEADLINE, 504, "DEADLINE_EXCEEDED"),
        (GeminiFault.PERMISSION_DENIED, 403, "PERMISSION_DENIED"),
    ],
)
async def test_error_faults_use_the_google_error_shape(
    emulator: GeminiEmulator, client: Client, fault: GeminiFault, code: int, status: str
) -> None:
    emulator.script(fault)

    answered, answer = await generate(client, body())

    assert answered == code
    assert answer["error"]["code"] == code
    assert answer["error"]["status"] == status
    assert answer["error"]["message"]


async def test_prompt_block_has_no_candidates(emulator: GeminiEmulator, client: Client) -> None:
    emulator.script(GeminiFault.PROMPT_BLOCKED)
    status, answer = await generate(client, body())
    assert status == 200
    assert "candidates" not in answer
    assert answer["promptFeedback"]["blockReason"] == "SAFETY"


async def test_safety_finish_has_no_content(emulator: GeminiEmulator, client: Client) -> None:
    emulator.script(GeminiFault.SAFETY)
    _, answer = await generate(client, body())
    assert answer["candidates"][0]["finishReason"] == "SAFETY"
    assert "content" not in answer["candidates"][0]


@pytest.mark.parametrize(
    ("fault", "finish"), [(GeminiFault.TRUNCATED, "MAX_TOKENS"), (GeminiFault.INVALID_JSON, "STOP")]
)
async def test_broken_answers_are_not_json(
    emulator: GeminiEmulator, client: Client, fault: GeminiFault, finish: str
) -> None:
    emulator.script(fault)
    _, answer = await generate(client, body())
    candidate = answer["candidates"][0]
    assert candidate["finishReason"] == finish
    with pytest.raises(json.JSONDecodeError):
        json.loads(candidate["content"]["parts"][0]["text"])


async def test_scripted_faults_are_used_once_each_then_answers_recover(
    emulator: GeminiEmulator, client: Client
) -> None:
    emulator.script(GeminiFault.UNAVAILABLE, times=2)
    statuses = [(await generate(client, body()))[0] for _ in range(3)]
    assert statuses == [503, 503, 200]


async def test_slow_fault_still_answers_correctly(emulator: GeminiEmulator, client: Client) -> None:
    emulator.slow_seconds = 0.2
    emulator.script(GeminiFault.SLOW)
    status, answer = await generate(client, body())
    assert status == 200
    assert answer_cards(answer)[0]["name"] == "陳美玲"


async def test_calls_are_recorded_with_the_key_suffix_only(
    emulator: GeminiEmulator, client: Client
) -> None:
    emulator.script(GeminiFault.PROMPT_BLOCKED)
    await generate(client, body())
    await generate(client, body(), path=f"/v1/models/{MODEL}:generateContent")
    await generate(client, body(), key="AIza-wrong-key")

    calls = emulator.calls
    assert [(c.api_version, c.status) for c in calls] == [
        ("v1beta", 200),
        ("v1", 200),
        ("v1beta", 400),
    ]
    assert calls[0].key_suffix == KEY[-4:]
    assert calls[0].image_sha256 == DIGEST
    assert calls[0].model == MODEL
    assert KEY not in repr(calls)
    assert emulator.generate_count == 1  # the blocked prompt and the refused key do not count


def test_load_truth_maps_image_digests_to_cards(tmp_path: Path) -> None:
    (tmp_path / "card_a.jpg").write_bytes(IMAGE)
    record = {"file": "card_a.jpg", "description": "one card", "cards": [CARD]}
    (tmp_path / "card_a.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    orphan = {"file": "missing.png", "description": "image not there", "cards": []}
    (tmp_path / "orphan.json").write_text(json.dumps(orphan), "utf-8")
    (tmp_path / "broken.json").write_text("{", "utf-8")

    assert load_truth(tmp_path) == {DIGEST: [CARD]}
