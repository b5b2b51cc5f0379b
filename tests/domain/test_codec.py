"""Extractions survive the cache's JSON form; malformed entries decode to None; keys are safe."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namecard.cache.keys import cache_key
from namecard.cards.model import Card, Extraction, Phone, PhoneKind
from namecard.domain.codec import extraction_from_json, extraction_to_json
from namecard.state.keys import CACHE_KEY_PREFIX

SHA = hashlib.sha256(b"a photo").hexdigest()

CARD = Card(
    name="王小明",
    company="台灣科技股份有限公司",
    department="業務部",
    title="財務長",
    phones=(
        Phone("+886223456789", PhoneKind.OFFICE, extension="123", national="02 2345 6789"),
        Phone("+886912345678", PhoneKind.MOBILE, national="0912 345 678"),
    ),
    emails=("ming@example.com.tw",),
    address="臺北市信義區信義路五段7號",
    website="https://example.com.tw",
    line_id="ming.wang",
    tax_id="12345678",
    confidence=0.93,
    uncertain_fields=("address",),
)

texts = st.none() | st.text(max_size=20)
phones = st.builds(
    Phone, st.text(min_size=1, max_size=15), st.sampled_from(PhoneKind), texts, texts
)
cards = st.builds(
    Card,
    name=texts,
    company=texts,
    title=texts,
    phones=st.lists(phones, max_size=3).map(tuple),
    emails=st.lists(st.text(max_size=20), max_size=2).map(tuple),
    address=texts,
    confidence=st.floats(0, 1),
    uncertain_fields=st.lists(st.text(max_size=10), max_size=2).map(tuple),
)
extractions = st.builds(
    Extraction,
    st.lists(cards, max_size=3).map(tuple),
    st.sampled_from(["gemini", "offline"]),
    texts,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


def test_a_card_survives_the_round_trip_through_json_text() -> None:
    extraction = Extraction(cards=(CARD, Card(name="Amy Chen")), source="gemini", model="m-1")
    stored = json.dumps(extraction_to_json(extraction))
    assert extraction_from_json(json.loads(stored)) == extraction


def test_no_card_found_round_trips() -> None:
    extraction = Extraction(cards=(), source="offline")
    assert extraction_from_json(extraction_to_json(extraction)) == extraction


@given(extractions)
def test_any_extraction_round_trips(extraction: Extraction) -> None:
    assert extraction_from_json(json.loads(json.dumps(extraction_to_json(extraction)))) == (
        extraction
    )


@given(json_values)
def test_arbitrary_json_never_raises(data: Any) -> None:
    result = extraction_from_json(data)
    assert result is None or isinstance(result, Extraction)


def _good() -> dict[str, Any]:
    return extraction_to_json(Extraction(cards=(CARD,), source="gemini"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("cards"),
        lambda d: d.update(cards="王小明"),
        lambda d: d.update(source=None),
        lambda d: d["cards"][0].update(name=42),
        lambda d: d["cards"][0].update(confidence="high"),
        lambda d: d["cards"][0].update(confidence=True),
        lambda d: d["cards"][0].update(emails="a@b.c"),
        lambda d: d["cards"][0]["phones"][0].update(type="pager"),
        lambda d: d["cards"][0]["phones"][0].pop("number"),
        lambda d: d["cards"].append(None),
    ],
)
def test_a_damaged_entry_is_none(damage: Any) -> None:
    data = _good()
    damage(data)
    assert extraction_from_json(data) is None


@pytest.mark.parametrize("garbage", [None, "", "{}", 42, [], [_good()], b"\x00"])
def test_garbage_is_none(garbage: Any) -> None:
    assert extraction_from_json(garbage) is None


def test_no_image_bytes_are_kept() -> None:
    encoded = json.dumps(_good(), ensure_ascii=False)
    assert "王小明" in encoded
    assert set(_good()) == {"cards", "source", "model"}


def test_key_is_prefix_version_and_sha256() -> None:
    key = cache_key("gemini-3.8-flash.card-extract-v1", SHA)
    assert key == f"ai_result:gemini-3.8-flash.card-extract-v1:{SHA}"
    assert key.startswith(CACHE_KEY_PREFIX)


def test_key_version_cannot_inject_separators() -> None:
    key = cache_key("offline:rapidocr 1.4/*", SHA.upper())
    assert key == f"ai_result:offline_rapidocr_1.4__:{SHA}"
    assert cache_key("", SHA) == f"ai_result:unversioned:{SHA}"


def test_key_versions_and_images_do_not_share_entries() -> None:
    other = hashlib.sha256(b"another photo").hexdigest()
    keys = {cache_key(v, s) for v in ("offline.rapidocr-1.4", "gemini.v1") for s in (SHA, other)}
    assert len(keys) == 4


@pytest.mark.parametrize("digest", ["", "abc", hashlib.md5(b"x").hexdigest(), SHA + "0"])  # noqa: S324
def test_key_needs_a_sha256(digest: str) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        cache_key("v1", digest)
