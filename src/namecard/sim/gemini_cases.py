"""Canned Gemini answers with the mistakes models make on cards, for the normaliser's tests."""

from __future__ import annotations

from typing import Any


def _card(**fields: Any) -> dict[str, Any]:
    """A Gemini-shaped card: every key present, null or [] when absent."""
    empty: dict[str, Any] = {
        "name": None, "company": None, "department": None, "title": None, "phones": [],
        "emails": [], "address": None, "website": None, "line_id": None, "tax_id": None,
        "notes": None,
    }  # fmt: skip
    return empty | fields


def _phone(number: str, kind: str = "office", extension: str | None = None) -> dict[str, Any]:
    return {"number": number, "type": kind, "extension": extension}


# Each answer shows one class of error of issue 14 as a model could return it.
GEMINI_SHAPED_CASES: dict[str, list[dict[str, Any]]] = {
    # The name left on the title's line; a title with separators and its unit.
    "name_in_title": [
        _card(
            title="賴佩珊副總編輯",
            company="海洋出版股份有限公司",
            phones=[_phone("(02)2367-8800", extension="23")],
        )
    ],
    "title_separators": [
        _card(name="陳怡君", title="/行銷協理/Associate Marketing Director|品保部")
    ],
    # The English name and title chosen on a Chinese card, the Chinese ones left in the notes.
    "bilingual_english_first": [
        _card(
            name="Chih-Hao Lin",
            title="Senior Software Engineer",
            company="SmartWise Information Co., Ltd",
            notes="中文名: 林志豪\n中文職稱: 資深軟體工程師\n中文公司名: 智匯資訊有限公司",
            phones=[_phone("0933-222-111", "mobile")],
        )
    ],
    # A Japanese card: a postal code as a phone, numbers without their country code.
    "japanese_postal_code": [
        _card(
            name="山田 太郎",
            company="株式会社さくらテクノロジー",
            title="部長",
            phones=[
                _phone("〒100-0005"),
                _phone("03-6812-3456"),
                _phone("090-2345-6789", "mobile"),
            ],
            address="〒100-0005東京都千代田区丸の内1-9-2 15F",
        )
    ],
    # A misread Taiwan district and a landline without its area code.
    "taiwan_district": [
        _card(
            name="王大明",
            address="220新北市板橘區文化路一段188巷32號",
            phones=[_phone("2967-1234")],
        )
    ],
}
