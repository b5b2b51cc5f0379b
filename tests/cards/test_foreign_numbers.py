"""A number of another country keeps its country code for the user; one of the user's own
country is shown in its national form (PHONE_REGION)."""

from __future__ import annotations

from namecard.cards.model import Card, Phone, PhoneKind
from namecard.cards.normalise import normalise_card


def shown(number: str, region: str) -> str | None:
    card = normalise_card(Card(name="X", phones=(Phone(number, PhoneKind.MOBILE),)), region=region)
    return card.phones[0].national


def test_a_us_number_shown_to_a_taiwan_user_keeps_its_country_code() -> None:
    assert shown("+1 (415) 555-0132", "TW") == "+1 415-555-0132"


def test_a_taiwan_number_shown_to_a_taiwan_user_is_national() -> None:
    assert shown("+886 912 888 456", "TW") == "0912 888 456"


def test_the_same_us_number_shown_to_a_us_user_is_national() -> None:
    assert shown("+1 (415) 555-0132", "US") == "(415) 555-0132"


def test_showing_it_twice_changes_nothing() -> None:
    card = normalise_card(Card(name="X", phones=(Phone("+44 20 7946 0958"),)), region="TW")
    assert normalise_card(card, region="TW") == card
    assert card.phones[0].national == "+44 20 7946 0958"
