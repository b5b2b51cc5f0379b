"""The plan that brings a Notion database up to the properties the bot writes."""

from __future__ import annotations

from namecard.store.notion.mapping import WANTED_PROPERTIES
from namecard.store.notion.schema import (
    EXPECTED_TYPES,
    PROPERTY_CARD_ID,
    Mismatch,
    SchemaPlan,
    plan,
)

COMPLETE = dict(EXPECTED_TYPES)


def without(*names: str) -> dict[str, str]:
    return {name: kind for name, kind in COMPLETE.items() if name not in names}


def test_expected_properties_are_the_mapped_ten_and_card_id() -> None:
    assert list(EXPECTED_TYPES) == [*WANTED_PROPERTIES, PROPERTY_CARD_ID]
    assert EXPECTED_TYPES["Name"] == "title"
    assert EXPECTED_TYPES["職稱"] == "select"
    assert EXPECTED_TYPES["Email"] == "email"
    assert EXPECTED_TYPES["電話"] == "phone_number"
    assert EXPECTED_TYPES[PROPERTY_CARD_ID] == "rich_text"


def test_a_complete_database_needs_nothing() -> None:
    assert plan(COMPLETE) == SchemaPlan()
    assert plan(COMPLETE).changes_nothing


def test_missing_properties_are_created_with_their_types() -> None:
    result = plan(without("Card ID", "電話", "Email"))

    assert result.create == {
        "Email": {"email": {}},
        "電話": {"phone_number": {}},
        "Card ID": {"rich_text": {}},
    }
    assert not result.changes_nothing
    assert result.mismatches == ()


def test_decision_influence_is_created_with_its_three_options() -> None:
    config = plan(without("決策影響力")).create["決策影響力"]

    assert [option["name"] for option in config["select"]["options"]] == ["高", "中", "低"]


def test_a_property_of_another_type_is_reported_and_not_changed() -> None:
    schema = COMPLETE | {"職稱": "rich_text", "Email": "url"}

    result = plan(schema)

    assert result.create == {}
    assert result.mismatches == (
        Mismatch("職稱", "rich_text", "select"),
        Mismatch("Email", "url", "email"),
    )


def test_a_title_under_another_name_stands_in_for_name() -> None:
    schema = {"姓名": "title", **without("Name")}

    result = plan(schema)

    assert "Name" not in result.create
    assert result.title_alias == "姓名"
    assert result.changes_nothing


def test_name_is_created_as_title_only_when_there_is_no_title() -> None:
    assert plan(without("Name")).create["Name"] == {"title": {}}


def test_extra_properties_of_the_user_are_ignored() -> None:
    assert plan(COMPLETE | {"生日": "date", "標籤": "multi_select"}) == SchemaPlan()
