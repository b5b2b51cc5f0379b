"""The same person seen again: how their page is found and what an update changes."""

from __future__ import annotations

from namecard.cards.model import Card, Phone, PhoneKind
from namecard.store.notion.mapping import build_properties
from namecard.store.notion.merge import duplicate_filter, merge, plain_values

SCHEMA = {
    "Name": "title", "公司名稱": "rich_text", "職稱": "select", "Email": "email",
    "電話": "phone_number", "聯繫注意事項": "rich_text", "Card ID": "rich_text",
}  # fmt: skip
MOBILE = Phone("+886912345678", PhoneKind.MOBILE, national="0912 345 678")
OFFICE = Phone("+886223456789", PhoneKind.OFFICE, "123")


def page_of(card: Card) -> dict[str, object]:
    properties, _ = build_properties(card, SCHEMA)
    return {
        "id": "p1",
        "properties": {name: {"type": next(iter(v)), **v} for name, v in properties.items()},
    }


def test_found_by_email_or_mobile_never_by_a_shared_office_line() -> None:
    card = Card(name="王大明", emails=("a@b.tw",), phones=(MOBILE, OFFICE))
    query = duplicate_filter(card, SCHEMA)
    assert query == {
        "or": [
            {"property": "Email", "email": {"equals": "a@b.tw"}},
            {"property": "電話", "phone_number": {"contains": "+886912345678"}},
        ]
    }
    assert duplicate_filter(Card(name="前台", phones=(OFFICE,)), SCHEMA) is None


def test_update_fills_empty_fields_and_keeps_replaced_values_in_the_notes() -> None:
    before = Card(name="王大明", title="業務經理", emails=("a@b.tw",), phones=(MOBILE,))
    after = Card(name="王大明", title="業務協理", company="雲端科技", emails=("a@b.tw",),
                 phones=(MOBILE,))  # fmt: skip
    new, _ = build_properties(after, SCHEMA)

    update = merge(plain_values(page_of(before)), new, stamp="2026-11-30")

    assert set(update) == {"職稱", "公司名稱", "聯繫注意事項"}
    notes = "".join(item["text"]["content"] for item in update["聯繫注意事項"]["rich_text"])
    assert notes == "2026-11-30 更新（舊職稱: 業務經理）"


def test_nothing_new_means_no_update() -> None:
    card = Card(name="王大明", title="業務經理", emails=("a@b.tw",), phones=(MOBILE,),
                notes="LINE 上認識")  # fmt: skip
    new, _ = build_properties(card, SCHEMA)
    assert merge(plain_values(page_of(card)), new, stamp="2026-11-30") == {}
