"""A card keeps its own script: OCR's simplified forms are undone only on traditional cards."""

from __future__ import annotations

import pytest

from namecard.ai.ocr.script import (
    is_simplified,
    is_traditional,
    keep_card_script,
    simplified_to_traditional,
    to_traditional,
)


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("台北市信義區信義路五段7号12楼", "台北市信義區信義路五段7號12樓"),
        ("統一编号", "統一編號"),
        ("吴建宏", "吳建宏"),
        ("桃園市中壢區中华路一段200號", "桃園市中壢區中華路一段200號"),
        ("台北市内湖區堤顶大道二段89號", "台北市內湖區堤頂大道二段89號"),
        ("新竹市东區光復路二段101号", "新竹市東區光復路二段101號"),
        ("資深软體工程師", "資深軟體工程師"),
    ],
)
def test_simplified_forms_on_a_traditional_card_are_corrected(read: str, printed: str) -> None:
    assert to_traditional(read) == printed


def test_characters_shared_by_both_scripts_are_left_alone() -> None:
    kept = "台灣雲端科技股份有限公司 王大明 余 范 后里 周杰倫"

    assert to_traditional(kept) == kept


def test_the_table_only_maps_simplified_only_characters() -> None:
    table = simplified_to_traditional()

    assert not set(table) & set(table.values())


TRADITIONAL_CARD = [
    "台灣雲端科技股份有限公司",
    "王大明",
    "業務經理",
    "手機 0912-345-678",
    "地址台北市信義區信義路五段7号12楼",
    "統一编号 24536806",
]
SIMPLIFIED_CARD = [
    "深圳市前海数据技术有限公司",
    "张伟",
    "产品总监",
    "手机+8613800138000",
    "地址广东省深圳市南山区科技",
]


def test_a_traditional_card_is_corrected_even_when_the_ocr_mixed_in_simplified_forms() -> None:
    assert is_traditional(TRADITIONAL_CARD)
    assert keep_card_script(TRADITIONAL_CARD)[-2:] == [
        "地址台北市信義區信義路五段7號12樓",
        "統一編號 24536806",
    ]


def test_a_simplified_card_is_not_converted() -> None:
    assert not is_traditional(SIMPLIFIED_CARD)
    assert keep_card_script(SIMPLIFIED_CARD) == SIMPLIFIED_CARD


def test_a_simplified_card_with_one_stray_traditional_form_stays_simplified() -> None:
    texts = [*SIMPLIFIED_CARD, "产品部 華"]

    assert keep_card_script(texts) == [*SIMPLIFIED_CARD, "产品部 华"]


def test_traditional_forms_the_ocr_mixed_into_a_simplified_card_are_undone() -> None:
    # Read on a mainland card printed 刘强静 (tuning corpus 008): the model wrote 強 for 强.
    texts = ["刘強静", "产品经理", "电话 021-6293 8032", "上海市浦东新区张江路636号"]

    assert is_simplified(texts)
    assert keep_card_script(texts)[0] == "刘强静"
    assert keep_card_script(["杨涛靜", *texts[1:]])[0] == "杨涛静"


def test_characters_that_are_simplified_forms_too_are_kept_on_a_simplified_card() -> None:
    texts = ["乾坤设计有限公司", "电话 021-6293 8032", "上海市浦东新区张江路636号"]

    assert keep_card_script(texts) == texts


@pytest.mark.parametrize(
    "texts",
    [
        ["株式会社さくらテクノロジー", "営業本部 部長", "東京都千代田区丸の内1-9-2"],
        ["山田太郎", "〒100-0005 東京都千代田区", "携帯 090-2345-6789"],
        ["Emily Chen", "Director of Business Development"],
    ],
)
def test_japanese_and_latin_cards_are_never_converted(texts: list[str]) -> None:
    assert keep_card_script(texts) == texts


def test_simplified_forms_foreign_to_japanese_are_corrected_on_a_japanese_card() -> None:
    assert keep_card_script(["株式会社あおば建設", "东京都新宿区西新宿2-8-1"]) == [
        "株式会社あおば建設",
        "東京都新宿区西新宿2-8-1",
    ]
    assert keep_card_script(["大阪府大阪市北区梅田2-4-9 県"])[0] == "大阪府大阪市北区梅田2-4-9 県"
    assert keep_card_script(["株式会社", "伊藤阳子", "渡边大辅", "营业部", "專務", "物產"])[1:] == [
        "伊藤陽子",
        "渡辺大輔",
        "営業部",
        "専務",
        "物産",
    ]


# Tuning card 110_photo_1_ja: 課長 read as 课長 stayed, and the title was lost (课 is no title
# word); the same for the other simplified forms business cards print.
def test_more_simplified_forms_get_their_japanese_form_on_a_japanese_card() -> None:
    texts = ["株式会社日向物産", "课長", "总务部", "财务担当", "福冈県", "经营企画部", "铃木"]

    assert keep_card_script(texts)[1:] == [
        "課長",
        "総務部",
        "財務担当",
        "福岡県",
        "経営企画部",
        "鈴木",
    ]


# Tuning cards 000_photo_3_zh, 074_photo_2_en-zh, 084_photo_4_ja-zh: OpenCC's character table
# gives 峰 -> 峯, a form Taiwan does not print; 青峰能源 came out 青峯能源.
@pytest.mark.parametrize(
    ("read", "printed"),
    [("青峰能源股份有限公司", "青峰能源股份有限公司"), ("启明顾问", "啟明顧問"), ("为", "為")],
)
def test_traditional_forms_are_the_ones_taiwan_prints(read: str, printed: str) -> None:
    assert to_traditional(read) == printed


# Fresh tuning seeds 268, 368 and 500 (not committed): dim photos of Taiwan cards read almost
# wholly in simplified forms (黄芬廷, 电话, 手机), so the characters alone made them mainland cards.
# A Taiwan number or city makes a card Traditional; a mainland one makes it Simplified.
def test_a_taiwan_card_read_in_simplified_forms_is_traditional_by_its_numbers_and_city() -> None:
    texts = ["黄芬廷", "业务经理", "手机 0912-345-678", "电话 (02)2345-6789", "地址 台北市信义区"]

    assert keep_card_script(texts)[:2] == ["黃芬廷", "業務經理"]
    assert keep_card_script(texts)[-1] == "地址 台北市信義區"


def test_a_mainland_card_with_traditional_forms_is_simplified_by_its_numbers() -> None:
    texts = ["劉強", "產品經理", "手机 13812345678", "电话 +86 21 6293 8032"]

    assert keep_card_script(texts)[:2] == ["刘强", "产品经理"]


# Fresh tuning photo 238: 栄 read in its simplified form 荣 on a Japanese card, a form no list
# had; the forms now come from OpenCC's tables, and a character Japanese writes itself (携, in
# JIS) is never converted.
def test_any_simplified_form_japanese_never_writes_gets_its_japanese_form() -> None:
    texts = ["〒460-0008 愛知県名古屋市中区荣2-12-16", "广岛県", "携帯 090-2345-6789", "机"]

    assert keep_card_script(texts) == [
        "〒460-0008 愛知県名古屋市中区栄2-12-16",
        "広島県",
        "携帯 090-2345-6789",
        "機",
    ]


# Fresh tuning seed 1034_photo_2: "大和テクノロジ一株式会社", the long-vowel mark ー after katakana
# read as the kanji 一 (one). After katakana and before kana, a legal form, a space or the end it
# is the mark; before another kanji it may be a number (ラーメン一番) and stays.
@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("大和テクノロジ一株式会社", "大和テクノロジー株式会社"),
        ("株式会社ひかりテクノロジ一", "株式会社ひかりテクノロジー"),
        ("マネ一ジャー", "マネージャー"),
        ("ラーメン一番", "ラーメン一番"),
        ("第一営業部", "第一営業部"),
    ],
)
def test_a_long_vowel_mark_read_as_one_after_katakana_is_the_mark(read: str, printed: str) -> None:
    assert keep_card_script(["〒100-0005 東京都", read])[1] == printed
