"""The generated accuracy corpus: format, split by seed, size, and the shapes it must measure."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from namecard.cards.model import PhoneKind
from namecard.cards.phones import normalise_phone
from tests.fixtures.card_fonts import missing_fonts
from tests.fixtures.corpus_style import FONTS

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
GENERATOR = Path(__file__).parent / "fixtures" / "generate_corpus.py"
SPLITS = ("tuning", "check")
TOP_KEYS = {"file", "seed", "split", "kind", "tags", "cards"}
CARD_KEYS = {
    "name", "company", "department", "title", "phones", "emails", "address", "website",
    "line_id", "tax_id", "notes", "region",
}  # fmt: skip
MIN_PICTURES_PER_SPLIT = 60
MIN_CARDS = 120
MAX_CORPUS_BYTES = 15 * 1024 * 1024
MAX_IMAGE_BYTES = 300 * 1024
# Every set must measure these: kinds, languages and the shapes readers get wrong.
TAGS_IN_EVERY_SPLIT = (
    "clean", "photo", "multi", "zh", "cn", "en", "ja", "bilingual", "dark", "dim", "rotated",
    "lowres", "inline_title", "separated_title", "glued_web", "two_line_company",
)  # fmt: skip
REPRODUCED_SEEDS = 4


def truths(split: str) -> list[dict[str, Any]]:
    paths = sorted((CORPUS / split).glob("*.json"))
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


@pytest.mark.parametrize("split", SPLITS)
def test_each_split_holds_its_own_seeds(split: str) -> None:
    pictures = truths(split)
    assert len(pictures) >= MIN_PICTURES_PER_SPLIT
    assert {picture["split"] for picture in pictures} == {split}
    assert {picture["seed"] % 2 for picture in pictures} == {SPLITS.index(split)}


def test_corpus_has_enough_cards_and_stays_small() -> None:
    cards = sum(len(picture["cards"]) for split in SPLITS for picture in truths(split))
    assert cards >= MIN_CARDS
    size = sum(path.stat().st_size for path in CORPUS.rglob("*") if path.is_file())
    assert size <= MAX_CORPUS_BYTES


@pytest.mark.parametrize("split", SPLITS)
def test_every_split_measures_every_tricky_shape(split: str) -> None:
    tags = Counter(tag for picture in truths(split) for tag in picture["tags"])
    assert [tag for tag in TAGS_IN_EVERY_SPLIT if not tags[tag]] == []


@pytest.mark.parametrize("split", SPLITS)
def test_ground_truth_format_and_images(split: str) -> None:
    for picture in truths(split):
        assert set(picture) == TOP_KEYS
        assert picture["kind"] in picture["tags"] and picture["cards"]
        assert all(set(card) == CARD_KEYS for card in picture["cards"])
        image = CORPUS / split / picture["file"]
        assert image.stat().st_size <= MAX_IMAGE_BYTES
        with Image.open(image) as opened:
            assert opened.format == "JPEG"


@pytest.mark.parametrize("split", SPLITS)
def test_every_truth_phone_is_a_valid_number_of_its_region(split: str) -> None:
    """The truth is fair only if each printed number normalises to E.164 in its card's country."""
    for picture in truths(split):
        for card in picture["cards"]:
            for phone in card["phones"]:
                read = normalise_phone(phone["number"], PhoneKind(phone["type"]),
                                       region=card["region"])  # fmt: skip
                assert read.national is not None, (picture["file"], phone["number"])


@pytest.mark.skipif(
    bool(missing_fonts({key for keys in FONTS.values() for key in keys})),
    reason="a font used for the corpus is absent",
)
def test_generator_reproduces_the_committed_truth(tmp_path: Path) -> None:
    command = [sys.executable, str(GENERATOR), "--photos", str(REPRODUCED_SEEDS),
               "--out", str(tmp_path)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)
    for path in sorted(tmp_path.rglob("*.json")):
        committed = CORPUS / path.parent.name / path.name
        assert path.read_bytes() == committed.read_bytes(), path.name
