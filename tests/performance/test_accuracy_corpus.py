"""The benchmark over the generated corpus: best pairing, reliability, regions, goals, sets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from namecard.cards.model import Card, Phone, PhoneKind
from namecard.cards.normalise import normalise_cards
from tests.performance.accuracy_scoring import match_cards, score_photo, summarise
from tests.performance.accuracy_truth import load_corpus
from tests.performance.bench_accuracy import SET_DIRS, truth_cards
from tests.performance.bench_report import format_goals

WANG = Card(name="王大明", emails=("daming@example.com.tw",))
EMILY = Card(
    name="Emily Chen", company="Brightpath Inc.", emails=("emily@example.com",),
    phones=(Phone("+14155550199", PhoneKind.MOBILE),),
)  # fmt: skip


def test_cards_are_paired_by_the_best_assignment_not_the_first_best_pair() -> None:
    # The first read card shares more with Emily (e-mail, phone, company) than with Wang (name),
    # but pairing it with Emily would leave the second, plainly Emily, with nobody.
    mixed = Card(name="王大明", company=EMILY.company, emails=EMILY.emails, phones=EMILY.phones)
    plain_emily = Card(name="Emily Chen")
    assert match_cards([WANG, EMILY], [mixed, plain_emily]) == [(0, 0), (1, 1)]


def test_reliability_counts_confident_fields_that_are_not_flagged_uncertain() -> None:
    read = Card(name="王大明", emails=("wrong@example.com",), confidence=0.95,
                uncertain_fields=("emails",))  # fmt: skip
    unsure = Card(name="Emily Chen", company="Wrong Inc.", confidence=0.5)
    fields = summarise([score_photo([WANG, EMILY], [read, unsure])])["fields"]
    assert (fields["name"]["confident"], fields["name"]["confident_right"]) == (1, 1.0)
    assert fields["emails"]["confident"] == 0  # flagged uncertain by the reader
    assert fields["company"]["confident"] == 0  # its card is only 0.5 sure


def test_reliability_uses_per_field_confidences_when_the_reader_reports_them() -> None:
    read = Card(name="王大明", emails=("wrong@example.com",), confidence=0.3)

    def per_field(card: Card) -> Mapping[str, float]:
        return {"name": 0.95, "emails": 0.92}

    fields = summarise([score_photo([WANG], [read], per_field)])["fields"]
    assert (fields["name"]["confident"], fields["name"]["confident_right"]) == (1, 1.0)
    assert (fields["emails"]["confident"], fields["emails"]["confident_right"]) == (1, 0.0)


def test_truth_numbers_are_normalised_in_their_own_country(tmp_path: Path) -> None:
    card = {"name": "山田 太郎", "phones": [{"number": "03-1234-5678", "type": "office",
                                            "extension": None}], "region": "JP"}  # fmt: skip
    truth = {"file": "x.jpg", "kind": "clean", "tags": ["clean", "ja"], "cards": [card]}
    (tmp_path / "x.json").write_text(json.dumps(truth), encoding="utf-8")
    (fixture,) = load_corpus(tmp_path)
    assert fixture.tags == ("clean", "ja")
    assert [phone.number for phone in truth_cards(fixture)[0].phones] == ["+81312345678"]
    read_as_taiwanese = normalise_cards([Card(name="山田 太郎", phones=(Phone("03-1234-5678"),))])
    score = score_photo(truth_cards(fixture), read_as_taiwanese)
    assert score.counts["phones"].correct == 0


@pytest.mark.parametrize("split", ["tuning", "check"])
def test_every_corpus_truth_scored_against_itself_is_perfect(split: str) -> None:
    for fixture in load_corpus(SET_DIRS[split]):
        truth = truth_cards(fixture)
        overall = summarise([score_photo(truth, truth)])["overall"]
        assert overall["accuracy"] == 1.0, fixture.stem


def test_goals_say_which_are_met() -> None:
    def group(accuracy: float) -> dict[str, Any]:
        return {"overall": {"accuracy": accuracy}, "fields": {"title": {"accuracy": accuracy},
                "company": {"accuracy": accuracy}, "phones": {"accuracy": accuracy}},
                "seconds_per_card_p95": 1.2}  # fmt: skip

    report = {"groups": {"all": group(0.93), "clean": group(0.97), "photo": group(0.8)},
              "tags": {"ja": group(1.0)}}  # fmt: skip
    lines = format_goals("check", report).splitlines()
    assert "NOT met" in next(line for line in lines if line.startswith("photos"))
    assert all(line.endswith(" met") for line in lines if not line.startswith(("photos", "==")))
