"""Every one-field mutation of the SDK's sample events is read or skipped, never raised."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from namecard.conversation.dispatch import job_for
from namecard.line.webhook import parse_events

CORPUS = Path(__file__).parent.parent / "fixtures" / "line_webhooks"
SAMPLE_FILES = ("sdk_webhook.json", "more_types.json")
WRONG_VALUES: tuple[object, ...] = (None, "x", 7, 1.5, True, [], {}, "9" * 5000)
DELETE = object()

Json = dict[str, Any]


def seeds() -> list[Json]:
    return [
        raw
        for name in SAMPLE_FILES
        for raw in json.loads((CORPUS / name).read_text(encoding="utf-8"))["events"]
    ]


def paths(value: object, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    children: list[tuple[str | int, object]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    for key, child in children:
        yield (*prefix, key)
        yield from paths(child, (*prefix, key))


def one_field_mutations(raw: Json) -> Iterator[Json]:
    for path in paths(raw):
        for change in (DELETE, *WRONG_VALUES):
            mutated = copy.deepcopy(raw)
            parent: Any = mutated
            for key in path[:-1]:
                parent = parent[key]
            if change is DELETE:
                del parent[path[-1]]
            else:
                parent[path[-1]] = change
            yield mutated


def test_every_one_field_mutation_is_read_or_skipped_never_raised() -> None:
    mutations = [mutated for raw in seeds() for mutated in one_field_mutations(raw)]
    body = json.dumps({"destination": "U0", "events": mutations}).encode()

    parsed = parse_events(body)
    jobs = [job_for(event) for event in parsed.events]

    assert len(mutations) > 3000
    assert len(parsed.events) + parsed.unparsed == len(mutations)
    assert len(jobs) == len(parsed.events)
