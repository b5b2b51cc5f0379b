"""Reported confidence that means something: doubtful fields are low and flagged for checking."""

from __future__ import annotations

from namecard.cards.confidence import FLAG_BELOW, field_confidences
from namecard.cards.model import Card, Phone, PhoneKind
from namecard.cards.normalise import normalise_card

# What the old reader returned for a Japanese card it could not read well, at 0.97.
JAPANESE_MISREAD = Card(
    name="山田太郎",
    company="株式会社口",
    title="部長",
    department="学業本部",
    phones=(Phone("+81-3-6812-3456", PhoneKind.OFFICE), Phone("100-0005")),
    emails=("t.yamada@sakura-tech.co.jp",),
    address="代田区丸の内1-9-215F",
    confidence=0.97,
)
CLEAN = Card(
    name="王大明",
    company="台灣雲端科技股份有限公司",
    title="業務經理",
    phones=(Phone("0912-345-678", PhoneKind.MOBILE),),
    emails=("daming.wang@twcloud.com.tw",),
    address="台北市信義區信義路五段7號12樓",
    confidence=0.97,
)


def test_a_misread_card_is_no_longer_reported_sure_and_its_doubtful_fields_are_flagged() -> None:
    card = normalise_card(JAPANESE_MISREAD)

    assert card.confidence < 0.9
    assert {"company", "address"} <= set(card.uncertain_fields)
    assert all(p.number != "100-0005" for p in card.phones)
    fields = field_confidences(card)
    assert fields["company"] < FLAG_BELOW
    assert fields["emails"] >= 0.9


def test_a_clean_card_stays_sure_with_nothing_flagged() -> None:
    card = normalise_card(CLEAN)

    assert card.confidence >= 0.9
    assert card.uncertain_fields == ()
    assert min(field_confidences(card).values()) >= FLAG_BELOW


def test_an_unverified_phone_is_reported_below_the_flag() -> None:
    card = normalise_card(Card(name="王大明", phones=(Phone("2367-8800"),), confidence=0.95))

    assert field_confidences(card)["phones"] < FLAG_BELOW
    assert "phones" in card.uncertain_fields
