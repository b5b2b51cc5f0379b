"""The accuracy benchmark's scoring: card pairing, per-field precision/recall, accuracy, loading."""

from __future__ import annotations

from pathlib import Path

import pytest

from namecard.cards.model import Card, Phone, PhoneKind
from namecard.cards.normalise import normalise_cards
from tests.performance.accuracy_scoring import (
    FIELDS,
    TruthFixture,
    load_corpus,
    loose,
    match_cards,
    score_photo,
    summarise,
    truth_card,
)

CARDS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "cards"

WANG = Card(
    name="王大明", company="台灣雲端科技股份有限公司", title="業務經理",
    phones=(Phone("+886912345678", PhoneKind.MOBILE), Phone("+886223456789", PhoneKind.OFFICE)),
    emails=("daming.wang@twcloud.com.tw",), address="台北市信義區信義路五段7號12樓",
)  # fmt: skip
CHEN = Card(
    name="Emily Chen", company="Brightpath Solutions Inc.", title="Director",
    phones=(Phone("+14155550199", PhoneKind.MOBILE),), emails=("emily.chen@brightpath.io",),
    address="500 Howard St., San Francisco, CA 94105",
)  # fmt: skip


def report(truth: list[Card], predicted: list[Card]) -> dict[str, object]:
    return summarise([score_photo(truth, predicted)])


def field(summary: dict[str, object], name: str) -> dict[str, object]:
    fields = summary["fields"]
    assert isinstance(fields, dict)
    result: dict[str, object] = fields[name]
    return result


def overall(summary: dict[str, object]) -> dict[str, object]:
    result = summary["overall"]
    assert isinstance(result, dict)
    return result


def test_a_perfect_read_scores_one_everywhere_a_field_is_printed() -> None:
    summary = report([WANG], [WANG])
    assert overall(summary)["accuracy"] == 1.0
    assert field(summary, "phones")["precision"] == field(summary, "phones")["recall"] == 1.0
    assert field(summary, "tax_id")["recall"] is None  # not printed: no figure, not 0 or 1
    assert overall(summary)["truth_fields"] == 7  # name company title phones kinds emails address


def test_a_missing_field_costs_recall_not_precision() -> None:
    summary = report([WANG], [Card(name=WANG.name, phones=WANG.phones, emails=WANG.emails)])
    title = field(summary, "title")
    assert (title["recall"], title["precision"], title["accuracy"]) == (0.0, None, 0.0)
    assert field(summary, "name")["accuracy"] == 1.0
    assert overall(summary)["accuracy"] == pytest.approx(4 / 7)


def test_a_wrong_value_costs_precision_and_recall() -> None:
    summary = report([WANG], [Card(name=WANG.name, title="業務經", emails=WANG.emails)])
    title = field(summary, "title")
    assert (title["precision"], title["recall"], title["accuracy"]) == (0.0, 0.0, 0.0)


def test_loose_match_ignores_spaces_punctuation_case_and_width() -> None:
    squeezed = Card(name="EMILY CHEN", address="500HowardSt.,SanFrancisco,CA94105")
    summary = report([CHEN], [squeezed])
    address = field(summary, "address")
    assert (address["accuracy"], address["loose_accuracy"]) == (0.0, 1.0)
    assert field(summary, "name")["loose_recall"] == 1.0
    assert loose("ＡＢＣ－１２３ Ltd.") == "abc123ltd"


def test_phones_are_a_set_of_numbers_and_kinds_are_scored_apart() -> None:
    swapped = tuple(Phone(p.number, PhoneKind.OFFICE) for p in WANG.phones)
    extra = (*WANG.phones, Phone("+886223456790", PhoneKind.FAX))
    kinds = field(report([WANG], [Card(name=WANG.name, phones=swapped)]), "phone_kinds")
    assert field(report([WANG], [Card(name=WANG.name, phones=swapped)]), "phones")["accuracy"] == 1
    assert (kinds["precision"], kinds["recall"]) == (0.5, 0.5)
    phones = field(report([WANG], [Card(name=WANG.name, phones=extra)]), "phones")
    assert phones["precision"] == pytest.approx(2 / 3)
    assert (phones["recall"], phones["accuracy"]) == (1.0, 0.0)


def test_two_cards_read_in_the_other_order_are_paired_by_who_they_are() -> None:
    score = score_photo([WANG, CHEN], [CHEN, WANG])
    assert match_cards([WANG, CHEN], [CHEN, WANG]) == [(0, 1), (1, 0)]
    assert (score.matched_cards, score.mismatches) == (2, ())


def test_a_missed_card_gets_every_printed_field_wrong() -> None:
    score = score_photo([WANG, CHEN], [WANG])
    summary = summarise([score])
    assert (score.truth_cards, score.predicted_cards, score.matched_cards) == (2, 1, 1)
    assert overall(summary)["accuracy"] == pytest.approx(7 / 14)
    assert {m.card for m in score.mismatches} == {1}


def test_cards_with_nothing_in_common_are_not_paired() -> None:
    assert match_cards([WANG], [Card(title="Manager")]) == []
    score = score_photo([WANG], [Card(title="Manager")])
    assert field(summarise([score]), "title")["precision"] == 0.0


def test_a_card_read_from_a_photo_without_one_counts_only_as_a_false_reading() -> None:
    summary = report([], [Card(name="Lake View", company="Mountain Co.")])
    assert (summary["truth_cards"], summary["predicted_cards"]) == (0, 1)
    assert overall(summary)["precision"] == 0.0
    assert overall(summary)["accuracy"] is None


def test_photos_add_up() -> None:
    perfect, empty = score_photo([WANG], [WANG]), score_photo([CHEN], [])
    summary = summarise([perfect, empty])
    assert (summary["photos"], summary["truth_cards"], summary["matched_cards"]) == (2, 2, 1)
    assert overall(summary)["accuracy"] == pytest.approx(7 / 14)
    assert set(summary["fields"]) == set(FIELDS)


def test_truth_json_becomes_a_card_with_phone_kinds() -> None:
    card = truth_card({
        "name": "王大明", "company": None, "department": None, "title": "業務經理",
        "phones": [{"number": "02-2345-6789", "type": "office", "extension": "123"}],
        "emails": ["a@b.tw"], "address": None, "website": None, "line_id": None,
        "tax_id": "24536806", "notes": None,
    })  # fmt: skip
    assert card.phones == (Phone("02-2345-6789", PhoneKind.OFFICE, "123"),)
    assert (card.name, card.emails, card.tax_id, card.company) == (
        "王大明",
        ("a@b.tw",),
        "24536806",
        None,
    )


def test_corpus_loads_by_kind() -> None:
    clean = load_corpus(CARDS_DIR, ["clean"])
    photos = load_corpus(CARDS_DIR, ["photo"])
    assert clean and photos
    assert all(f.kind == "clean" and f.image.is_file() and len(f.cards) == 1 for f in clean)
    assert any(len(f.cards) == 2 for f in photos)
    assert load_corpus(CARDS_DIR, ["none"])[0].cards == ()


@pytest.mark.parametrize("fixture", load_corpus(CARDS_DIR), ids=lambda f: f.stem)
def test_every_fixture_truth_scored_against_itself_is_perfect(fixture: TruthFixture) -> None:
    """The loader and the normaliser agree with the scoring: nothing is lost or mismatched."""
    cards = normalise_cards(fixture.cards, region="TW")
    score = score_photo(cards, cards)
    assert score.mismatches == ()
    assert score.matched_cards == len(cards)
