"""Taiwan addresses against the official district list: misread districts, wrong postal codes."""

from __future__ import annotations

import pytest

from namecard.cards.model import Card
from namecard.cards.normalise import normalise_card
from namecard.cards.tw_districts import districts


def test_the_list_holds_all_22_cities_and_counties_with_their_districts() -> None:
    cities = districts()

    assert len(cities) == 22
    assert sum(len(d) for d in cities.values()) == 370
    assert cities["新北市"]["板橋區"] == "220"
    assert cities["桃園市"]["中壢區"] == "320"
    assert cities["高雄市"]["那瑪夏區"] == "849"
    assert all(len(code) == 3 and code.isdigit() for d in cities.values() for code in d.values())


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("新北市板橘區文化路一段188巷32號", "新北市板橋區文化路一段188巷32號"),
        ("320桃園市中瀝區中正路100號", "320桃園市中壢區中正路100號"),
        ("桃園市中區中華路一段200號", "桃園市中壢區中華路一段200號"),  # a character dropped
        ("台中市中區中山路1號", "台中市中區中山路1號"),  # a real district of its own city
        ("台中市西屯匾臺灣大道三段99號", "台中市西屯匾臺灣大道三段99號"),  # the suffix itself: kept
        ("台北市信義路五段7號", "台北市信義路五段7號"),  # a road, not a district
        ("臺南市東區中華東路一段1號", "臺南市東區中華東路一段1號"),
    ],
)
def test_a_district_one_character_off_a_real_one_is_corrected(read: str, expected: str) -> None:
    card = normalise_card(Card(address=read))

    assert card.address == expected
    assert "address" not in card.uncertain_fields


def test_a_postal_code_that_contradicts_the_district_is_flagged_not_trusted() -> None:
    card = normalise_card(Card(address="110台北市大安區忠孝東路四段1號"))

    assert card.address == "110台北市大安區忠孝東路四段1號"
    assert "address" in card.uncertain_fields
    assert (
        "address"
        not in normalise_card(Card(address="106台北市大安區忠孝東路四段1號")).uncertain_fields
    )


def test_a_city_one_character_off_at_the_start_is_corrected_with_its_district() -> None:
    card = normalise_card(Card(address="桃固市桃國區中華路一段197號"))

    assert card.address == "桃園市桃園區中華路一段197號"
