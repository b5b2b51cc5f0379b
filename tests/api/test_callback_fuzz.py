"""The SDK's own sample events, as they are and mutated: never a 5xx, good siblings answered."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from namecard.sim.driver import new_ulid
from tests.api.webhook_app import WebhookApp, webhook_app
from tests.harness import Emulators

CORPUS = Path(__file__).parent.parent / "fixtures" / "line_webhooks"
SAMPLE_FILES = ("sdk_webhook.json", "more_types.json")
FUZZ_EXAMPLES = 300

Json = dict[str, Any]
Path_ = tuple[str | int, ...]


def _seed_events() -> list[Json]:
    events: list[Json] = []
    for name in SAMPLE_FILES:
        events += json.loads((CORPUS / name).read_text(encoding="utf-8"))["events"]
    return events


SEEDS = _seed_events()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture
async def bot(emulators: Emulators, tmp_path: Path) -> AsyncIterator[WebhookApp]:
    async with webhook_app(emulators, tmp_path) as running:
        yield running


@pytest.mark.parametrize("name", SAMPLE_FILES)
async def test_the_sdk_sample_payloads_are_answered_200(bot: WebhookApp, name: str) -> None:
    body = (CORPUS / name).read_bytes()  # addressed to another bot ("U123"): skipped
    events = json.loads(body)["events"]

    verbatim = await bot.post_body(body)
    ours = await bot.post(events)
    one_by_one = [await bot.post([{**raw, "webhookEventId": new_ulid()}]) for raw in events]

    assert verbatim.status_code == ours.status_code == 200
    assert {response.status_code for response in one_by_one} == {200}


def _paths(value: object, prefix: Path_ = ()) -> list[Path_]:
    """Every place in an event a mutation can hit: each key and list item, nested."""
    children: list[tuple[str | int, object]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    found: list[Path_] = []
    for key, child in children:
        found.append((*prefix, key))
        found += _paths(child, (*prefix, key))
    return found


def _apply(event: Json, path: Path_, action: str, value: object) -> object:
    """`event` with the field at `path` deleted or replaced by `value` (the root: replaced)."""
    if not path:
        return value
    parent: Any = event
    for key in path[:-1]:
        parent = parent[key]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return event


@st.composite
def mutated_events(draw: st.DrawFn) -> object:
    event: Json = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    event["webhookEventId"] = new_ulid()  # or the bot would dedupe the seeds' shared id
    mutated: object = event
    for _ in range(draw(st.integers(1, 3))):
        if not isinstance(mutated, dict):
            break
        path = draw(st.sampled_from([(), *_paths(mutated)]))
        action = draw(st.sampled_from(["delete", "replace"]))
        mutated = _apply(mutated, path, action, draw(json_values))
    return mutated


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(broken=mutated_events())
async def test_mutated_events_never_get_a_5xx_nor_cost_their_siblings(
    bot: WebhookApp, broken: object
) -> None:
    before_user, before = bot.help_request()
    after_user, after = bot.help_request()

    response = await bot.post([before, broken, after])

    assert response.status_code == 200
    assert await bot.answered(before_user)
    assert await bot.answered(after_user)
