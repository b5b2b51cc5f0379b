"""Taiwan addresses: postal code, sections and floors cleaned; roads and English never damaged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namecard.cards.address import chinese_numeral, is_taiwan_address, normalise_address

ADDRESS_ALPHABET = (
    "0123456789０１２３４５６７８９台臺北中南高雄新桃園市縣信義大安東區路街段號樓巷弄之室"
    "FfBbLl .,()（）-Room号区楼の　\n"
)

# Each corruption the old normaliser produced (original-system.md §2.5): the input must come
# out as written (or only improved), never with the old damage.
OLD_CORRUPTIONS = [
    ("台北市信義路五段7號", "台北市信義路五段7號", "信義區路"),
    ("台中市中山路1號", "台中市中山路1號", "中山區路"),
    ("高雄市中正路2號", "高雄市中正路2號", "中正區路"),
    ("新北市板橋路3號", "新北市板橋路3號", "板橋區路"),
    ("台南市東區大學路1號", "台南市東區大學路1號", "東區區"),
    ("臺北市大安區忠孝東路4段1號", "臺北市大安區忠孝東路四段1號", "台北市"),
    (
        "10F., No. 7, Sec. 5, Xinyi Rd., Taipei City 110, Taiwan",
        "10F., No. 7, Sec. 5, Xinyi Rd., Taipei City 110, Taiwan",
        "10樓",
    ),
    ("Room B12, Tower A", "Room B12, Tower A", "地下"),
    ("信義路12段3號", "信義路十二段3號", "1二段"),
]


@pytest.mark.parametrize(("text", "expected", "damage"), OLD_CORRUPTIONS)
def test_old_corruptions_do_not_happen(text: str, expected: str, damage: str) -> None:
    result = normalise_address(text)
    assert result == expected
    assert damage not in result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the old normaliser's correct outputs stay correct
        ("台北信義區信義路5段7號101室", "台北市信義區信義路五段7號101室"),
        ("台中市西屯區台灣大道3段99號B2", "台中市西屯區台灣大道三段99號地下2樓"),
        ("110台北市信義區松仁路100號12F", "110台北市信義區松仁路100號12樓"),
        # postal code at the start or after the city goes to the front, no space
        ("桃園市333龜山區文化一路259號", "333桃園市龜山區文化一路259號"),
        ("台北市110信義區松仁路100號", "110台北市信義區松仁路100號"),
        ("110 台北市信義區松仁路100號", "110台北市信義區松仁路100號"),
        ("(110)台北市信義區松仁路100號", "110台北市信義區松仁路100號"),
        ("11049台北市南港區經貿二路1號", "11049台北市南港區經貿二路1號"),
        ("台北市110049南港區經貿二路1號", "110049台北市南港區經貿二路1號"),
        ("臺中市407西屯區臺灣大道三段99號", "407臺中市西屯區臺灣大道三段99號"),
        # 台 and 臺 both recognised, the card's form kept
        ("臺北信義區信義路5段7號", "臺北市信義區信義路五段7號"),
        ("臺南市東區大學路1號", "臺南市東區大學路1號"),
        # road names and districts never altered
        ("台中市中區中山路5號", "台中市中區中山路5號"),
        ("台中市台灣大道二段2號", "台中市台灣大道二段2號"),
        ("台中港路三段1號", "台中港路三段1號"),
        # sections of any size
        ("信義路5段", "信義路五段"),
        ("信義路10段", "信義路十段"),
        ("信義路11段", "信義路十一段"),
        ("信義路20段", "信義路二十段"),
        ("信義路21段", "信義路二十一段"),
        ("信義路 5 段7號", "信義路五段7號"),
        # floors
        ("松仁路100號12F", "松仁路100號12樓"),
        ("松仁路100號12f", "松仁路100號12樓"),
        ("松仁路100號12 F", "松仁路100號12樓"),
        ("松仁路100號12FL.", "松仁路100號12樓"),
        ("松仁路100號5F之1", "松仁路100號5樓之1"),
        ("松仁路100號12樓", "松仁路100號12樓"),
        ("松仁路100號B1", "松仁路100號地下1樓"),
        ("松仁路100號B2", "松仁路100號地下2樓"),
        ("松仁路100號B1F", "松仁路100號地下1樓"),
        ("松仁路100號B1樓", "松仁路100號地下1樓"),
        ("松仁路100號B12室", "松仁路100號B12室"),
        ("台北市信義區松仁路100號 Room B12", "台北市信義區松仁路100號 Room B12"),
        ("台北市信義區松仁路100號B棟3F", "台北市信義區松仁路100號B棟3樓"),
        # full-width digits and spaces between CJK characters
        ("１１０台北市信義區松仁路１００號１２Ｆ", "110台北市信義區松仁路100號12樓"),
        ("台北市　信義區 松仁路 100 號", "台北市信義區松仁路100號"),
        ("台北市信義區 Taipei 101 大樓", "台北市信義區 Taipei 101大樓"),
    ],
)
def test_taiwan_address_rules(text: str, expected: str) -> None:
    assert normalise_address(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "500 Howard St.,  Suite 300,\nSan Francisco, CA 94105",
            "500 Howard St., Suite 300, San Francisco, CA 94105",
        ),
        ("1201 Alaskan Way, Seattle, WA 98101", "1201 Alaskan Way, Seattle, WA 98101"),
        ("12F, No. 1, Sec. 21, Road", "12F, No. 1, Sec. 21, Road"),
        ("B1, 5 Main St.", "B1, 5 Main St."),
        ("  Unit ５, Level 12F ", "Unit 5, Level 12F"),
    ],
)
def test_english_addresses_are_kept_as_written(text: str, expected: str) -> None:
    assert normalise_address(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "广东省深圳市南山区科技园南区高新南七道18号",
            "广东省深圳市南山区科技园南区高新南七道18号",
        ),
        ("广东省深圳市南山区科技园 5段 12F", "广东省深圳市南山区科技园 5段 12F"),
        ("東京都千代田区丸の内1-2-3 12F", "東京都千代田区丸の内1-2-3 12F"),
        ("〒100-0005 東京都千代田区 丸の内  1-9-2", "〒100-0005 東京都千代田区 丸の内 1-9-2"),
    ],
)
def test_mainland_and_japanese_addresses_get_no_taiwan_rules(text: str, expected: str) -> None:
    assert normalise_address(text) == expected


@pytest.mark.parametrize(
    ("n", "numeral"),
    [
        (1, "一"),
        (5, "五"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1005, "一千零五"),
    ],
)
def test_chinese_numerals(n: int, numeral: str) -> None:
    assert chinese_numeral(n) == numeral


@pytest.mark.parametrize(
    ("text", "taiwan"),
    [
        ("臺北市大安區", True),
        ("台中市西屯區", True),
        ("Taipei City 110, Taiwan", True),
        ("San Francisco, CA", False),
        ("广东省深圳市", False),
    ],
)
def test_is_taiwan_address(text: str, taiwan: bool) -> None:
    assert is_taiwan_address(text) is taiwan


@given(st.one_of(st.text(alphabet=ADDRESS_ALPHABET, max_size=60), st.text(max_size=60)))
def test_never_raises_and_is_idempotent(text: str) -> None:
    once = normalise_address(text)
    assert normalise_address(once) == once
    assert once == once.strip()


def test_a_japanese_postal_code_opens_the_address_with_one_space() -> None:
    assert (
        normalise_address("〒100-0005東京都千代田区丸の内1-9-2")
        == "〒100-0005 東京都千代田区丸の内1-9-2"
    )


# Tuning card 014_clean_1_ja: the OCR drops the gap between the block number and the building
# ("栄6-6-28葵ビル9階"), so the same address read twice compared unequal.
@pytest.mark.parametrize(
    "text",
    [
        "〒460-0008 愛知県名古屋市中区栄6-6-28葵ビル9階",
        "〒460-0008 愛知県名古屋市中区栄6-6-28  葵ビル9階",
    ],
)
def test_a_japanese_building_is_one_space_after_its_block_number(text: str) -> None:
    assert normalise_address(text) == "〒460-0008 愛知県名古屋市中区栄6-6-28 葵ビル9階"


def test_a_japanese_postal_code_printed_without_its_mark_gets_it() -> None:
    assert normalise_address("060-0001北海道札幌市中央区北一条西6-1-3") == (
        "〒060-0001 北海道札幌市中央区北一条西6-1-3"
    )


@pytest.mark.parametrize(
    ("read", "address"),
    [
        (
            "〒220-0012 神奈川県横浜市西区みなとみらい3-13-620F",
            "〒220-0012 神奈川県横浜市西区みなとみらい3-13-6 20F",
        ),
        ("〒160-0022 東京都新宿区新宿1-19-2911F", "〒160-0022 東京都新宿区新宿1-19-29 11F"),
        ("〒160-0022 東京都新宿区新宿6-4-21 28F", "〒160-0022 東京都新宿区新宿6-4-21 28F"),
    ],
)
def test_a_floor_glued_to_a_japanese_block_number_is_set_apart(read: str, address: str) -> None:
    assert normalise_address(read) == address


@pytest.mark.parametrize(
    ("read", "address"),
    [
        (
            "〒530-0001 大版府大版市北区梅田2-15-9 15F",
            "〒530-0001 大阪府大阪市北区梅田2-15-9 15F",
        ),
        ("〒160-0022 束京都新宿区新宿1-19-29", "〒160-0022 東京都新宿区新宿1-19-29"),
        # Real names one kanji from another are kept: 福島県 (福岡県), 宮崎市 (川崎市).
        ("〒960-8001 福島県福島市天神町1-2", "〒960-8001 福島県福島市天神町1-2"),
        ("〒880-0805 宮崎県宮崎市橘通東1-2", "〒880-0805 宮崎県宮崎市橘通東1-2"),
    ],
)
def test_a_japanese_prefecture_or_city_misread_by_one_kanji_is_corrected(
    read: str, address: str
) -> None:
    assert normalise_address(read) == address


@pytest.mark.parametrize(
    ("read", "address"),
    [
        (
            "24F, No. 213, Sec, 4, Zhongxiao E. Rd., Da'an Dist, Taipei City 106",
            "24F, No. 213, Sec. 4, Zhongxiao E. Rd., Da'an Dist., Taipei City 106",
        ),
        (
            "5F Example Bldg, 5-6-8 Shinjuku, Shinjuku-ku, Tokyo 160-0022",
            "5F Example Bldg., 5-6-8 Shinjuku, Shinjuku-ku, Tokyo 160-0022",
        ),
        ("401 Congress Ave, Austin, TX 78701", "401 Congress Ave, Austin, TX 78701"),
    ],
)
def test_a_street_abbreviation_gets_back_the_period_the_ocr_lost(read: str, address: str) -> None:
    assert normalise_address(read) == address


# Fresh tuning photos 312 and 504: the postal mark 〒 read as the katakana デ or テ.
@pytest.mark.parametrize("mark", ["デ", "テ"])
def test_a_postal_mark_read_as_katakana_before_a_japanese_postal_code_is_the_mark(
    mark: str,
) -> None:
    assert (
        normalise_address(f"{mark}812-0011 福岡県福岡市博多区博多駅前7-16-5 ツバサビル9階")
        == "〒812-0011 福岡県福岡市博多区博多駅前7-16-5 ツバサビル9階"
    )


# Fresh tuning photo 504: a building named in hiragana (みなとビル) glued to the block number.
def test_a_building_named_in_hiragana_is_one_space_after_its_block_number() -> None:
    assert (
        normalise_address("〒100-0005 東京都千代田区丸の内2-9-22みなとビル3階")
        == "〒100-0005 東京都千代田区丸の内2-9-22 みなとビル3階"
    )


# Fresh tuning seed 1144_photo_2: 福岡県 read as 福島県, a real prefecture one kanji away, before
# 福岡市, a designated city of Fukuoka: the city tells which prefecture was printed.
@pytest.mark.parametrize(
    ("read", "address"),
    [
        (
            "〒812-0011 福島県福岡市博多区博多駅前7-9-7",
            "〒812-0011 福岡県福岡市博多区博多駅前7-9-7",
        ),
        ("〒960-8001 福島県福島市天神町1-2", "〒960-8001 福島県福島市天神町1-2"),
        ("〒720-0065 広島県福山市東桜町1-21", "〒720-0065 広島県福山市東桜町1-21"),
    ],
)
def test_a_prefecture_misread_as_another_is_told_by_its_designated_city(
    read: str, address: str
) -> None:
    assert normalise_address(read) == address
