"""What a card looks like as Notion properties, whatever types the user's database has."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from namecard.cards.model import Card, Phone, PhoneKind
from namecard.store.notion.mapping import (
    CONTACT_SOURCE,
    MAX_TEXT_ITEM,
    PROPERTY_ADDRESS,
    PROPERTY_COMPANY,
    PROPERTY_DEPARTMENT,
    PROPERTY_EMAIL,
    PROPERTY_INFLUENCE,
    PROPERTY_NAME,
    PROPERTY_NOTES,
    PROPERTY_PHONE,
    PROPERTY_SOURCE,
    PROPERTY_TITLE,
    WANTED_PROPERTIES,
    build_properties,
    missing_properties,
    split_text,
    utf16_len,
)

STANDARD_SCHEMA = {
    PROPERTY_NAME: "title",
    PROPERTY_COMPANY: "rich_text",
    PROPERTY_DEPARTMENT: "rich_text",
    PROPERTY_TITLE: "select",
    PROPERTY_INFLUENCE: "select",
    PROPERTY_EMAIL: "email",
    PROPERTY_PHONE: "phone_number",
    PROPERTY_ADDRESS: "rich_text",
    PROPERTY_SOURCE: "rich_text",
    PROPERTY_NOTES: "rich_text",
}

CARD = Card(
    name="王小明",
    company="大同科技股份有限公司",
    department="業務部",
    title="業務經理",
    phones=(
        Phone("0912-345-678", PhoneKind.MOBILE),
        Phone("02-2345-6789", PhoneKind.OFFICE, "123"),
        Phone("02-2345-0000", PhoneKind.FAX),
    ),
    emails=("ming@example.com.tw", "sales@example.com.tw"),
    address="台北市信義區信義路五段7號",
    website="https://example.com.tw",
    line_id="ming0912",
    tax_id="12345678",
    notes="週三下午方便聯絡",
    uncertain_fields=("address",),
)


def plain(value: dict[str, Any]) -> Any:
    """The text a Notion user would see in one property."""
    kind = next(iter(value))
    inner = value[kind]
    if kind in ("title", "rich_text"):
        return "".join(item["text"]["content"] for item in inner)
    if kind == "select":
        return inner["name"]
    if kind == "multi_select":
        return [option["name"] for option in inner]
    return inner


def test_standard_schema_gets_every_value() -> None:
    properties, skipped = build_properties(CARD, STANDARD_SCHEMA)

    shown = {name: plain(value) for name, value in properties.items()}
    assert skipped == []
    assert shown[PROPERTY_NAME] == "王小明"
    assert shown[PROPERTY_COMPANY] == "大同科技股份有限公司"
    assert shown[PROPERTY_DEPARTMENT] == "業務部"
    assert shown[PROPERTY_TITLE] == "業務經理"
    assert shown[PROPERTY_INFLUENCE] == "中"
    assert shown[PROPERTY_EMAIL] == "ming@example.com.tw"
    assert shown[PROPERTY_PHONE] == "0912-345-678, 02-2345-6789 #123"
    assert shown[PROPERTY_ADDRESS] == "台北市信義區信義路五段7號"
    assert shown[PROPERTY_SOURCE] == CONTACT_SOURCE
    assert shown[PROPERTY_NOTES] == (
        "週三下午方便聯絡; 傳真: 02-2345-0000; 其他 Email: sales@example.com.tw; "
        "網站: https://example.com.tw; LINE ID: ming0912; 統一編號: 12345678; 待確認欄位: address"
    )


def test_title_property_types_adapt_to_the_database() -> None:
    schema = STANDARD_SCHEMA | {PROPERTY_TITLE: "rich_text", PROPERTY_PHONE: "rich_text"}

    properties, skipped = build_properties(CARD, schema)

    assert skipped == []
    assert plain(properties[PROPERTY_TITLE]) == "業務經理"
    assert "rich_text" in properties[PROPERTY_TITLE]
    assert properties[PROPERTY_PHONE]["rich_text"][0]["text"]["content"].startswith("0912")
    assert properties[PROPERTY_TITLE]["rich_text"][0]["type"] == "text"


def test_job_title_with_commas_is_a_valid_select_option() -> None:
    english = Card(name="Amy Chen", title="VP, Sales, APAC")
    chinese = Card(name="陳美玲", title="協理,業務部")

    english_props, _ = build_properties(english, STANDARD_SCHEMA)
    chinese_props, _ = build_properties(chinese, STANDARD_SCHEMA)

    assert plain(english_props[PROPERTY_TITLE]) == "VP Sales APAC"
    assert plain(chinese_props[PROPERTY_TITLE]) == "協理，業務部"
    assert plain(english_props[PROPERTY_INFLUENCE]) == "高"


def test_missing_properties_are_skipped_reported_and_kept_in_notes() -> None:
    schema = {k: v for k, v in STANDARD_SCHEMA.items() if k not in (PROPERTY_DEPARTMENT,)}

    properties, skipped = build_properties(CARD, schema)

    assert PROPERTY_DEPARTMENT not in properties
    assert skipped == [PROPERTY_DEPARTMENT]
    assert "部門: 業務部" in plain(properties[PROPERTY_NOTES])
    assert missing_properties(schema) == [PROPERTY_DEPARTMENT]


def test_a_type_that_cannot_hold_the_value_is_skipped() -> None:
    schema = STANDARD_SCHEMA | {PROPERTY_ADDRESS: "number", PROPERTY_PHONE: "email"}

    properties, skipped = build_properties(CARD, schema)

    assert PROPERTY_ADDRESS not in properties
    assert PROPERTY_PHONE not in properties
    assert skipped == [PROPERTY_PHONE, PROPERTY_ADDRESS]
    notes = plain(properties[PROPERTY_NOTES])
    assert "地址: 台北市信義區信義路五段7號" in notes
    assert "電話: 0912-345-678, 02-2345-6789 #123" in notes


def test_a_differently_named_title_property_receives_the_name() -> None:
    schema = {k: v for k, v in STANDARD_SCHEMA.items() if k != PROPERTY_NAME} | {"姓名": "title"}

    properties, skipped = build_properties(CARD, schema)

    assert plain(properties["姓名"]) == "王小明"
    assert skipped == []
    assert missing_properties(schema) == []


def test_every_page_gets_a_title() -> None:
    company_only, _ = build_properties(Card(company="大同"), STANDARD_SCHEMA)
    nothing, _ = build_properties(Card(phones=(Phone("0912-345-678"),)), STANDARD_SCHEMA)

    assert plain(company_only[PROPERTY_NAME]) == "大同"
    assert plain(nothing[PROPERTY_NAME]) == "未具名名片"


def test_long_notes_are_split_into_items_notion_accepts() -> None:
    card = Card(name="王小明", notes="備" * 4100)

    properties, _ = build_properties(card, STANDARD_SCHEMA)

    items = properties[PROPERTY_NOTES]["rich_text"]
    assert [len(item["text"]["content"]) for item in items] == [2000, 2000, 100]
    assert plain(properties[PROPERTY_NOTES]) == "備" * 4100


def test_splitting_counts_emoji_as_two_units_and_never_cuts_one() -> None:
    text = "a" + "😀" * 1500

    chunks = split_text(text)

    assert "".join(chunks) == text
    assert all(utf16_len(chunk) <= MAX_TEXT_ITEM for chunk in chunks)


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)
_optional = st.none() | _text
_phones = st.lists(
    st.builds(
        Phone,
        st.from_regex(r"0[2-9]-?\d{4}-?\d{4}", fullmatch=True),
        st.sampled_from(PhoneKind),
        st.none() | st.from_regex(r"\d{1,4}", fullmatch=True),
    ),
    max_size=3,
).map(tuple)
_cards = st.builds(
    Card,
    name=_optional,
    company=_optional,
    department=_optional,
    title=_optional,
    phones=_phones,
    emails=st.lists(st.emails(), max_size=3).map(tuple),
    address=_optional,
    website=_optional,
    line_id=_optional,
    tax_id=_optional,
    notes=_optional,
    uncertain_fields=st.lists(_text, max_size=2).map(tuple),
)
_property_types = st.sampled_from(
    ["title", "rich_text", "select", "multi_select", "email", "phone_number", "url", "number"]
)
_schemas = st.fixed_dictionaries(
    {PROPERTY_NOTES: st.just("rich_text")},
    optional={name: _property_types for name in WANTED_PROPERTIES if name != PROPERTY_NOTES},
)


def _squash(text: str) -> str:
    return "".join(ch for ch in text if ch not in ", ，\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0")


def _everything_written(properties: dict[str, Any]) -> str:
    parts: list[str] = []
    for value in properties.values():
        shown = plain(value)
        parts.extend(shown if isinstance(shown, list) else [str(shown)])
    return _squash("".join(parts))


@settings(max_examples=200, deadline=None)
@given(card=_cards, schema=_schemas)
def test_nothing_read_from_the_card_is_dropped(card: Card, schema: dict[str, str]) -> None:
    properties, _ = build_properties(card, schema)

    written = _everything_written(properties)
    values = [card.name, card.company, card.department, card.title, card.address, card.website]
    values += [card.line_id, card.tax_id, card.notes, *card.emails, *card.uncertain_fields]
    values += [phone.display() for phone in card.phones]
    for value in values:
        if value:
            assert _squash(value) in written
    assert set(properties) <= set(schema)
