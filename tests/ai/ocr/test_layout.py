"""Layout on synthetic boxes: lines on a shared baseline, cards of one photo kept apart."""

from __future__ import annotations

import math

from namecard.ai.ocr.fields import languages_of_one_card, looks_like_card
from namecard.ai.ocr.layout import TextBox, deskew, group_lines, split_cards


def box(x: float, y: float, text: str, height: float = 24, width: float | None = None) -> TextBox:
    width = width if width is not None else len(text) * height * 0.7
    return TextBox(((x, y), (x + width, y), (x + width, y + height), (x, y + height)), text, 0.99)


def texts(boxes: list[TextBox]) -> set[str]:
    return {b.text for b in boxes}


def left_card(dx: float = 0, dy: float = 0) -> list[TextBox]:
    return [
        box(130 + dx, 340 + dy, "綠川能源股份有限公司", 30),
        box(75 + dx, 433 + dy, "李國強", 50),
        box(76 + dx, 490 + dy, "財務長"),
        box(350 + dx, 465 + dy, "電話", 20),
        box(395 + dx, 465 + dy, "02-8751-2233", 20, 105),
        box(350 + dx, 490 + dy, "手機", 20),
        box(395 + dx, 490 + dy, "0920-111-333", 20, 105),
    ]


def right_card() -> list[TextBox]:
    return [
        box(957, 369, "Daniel Park", 40, 206),
        box(952, 417, "Senior Account Executive", 28, 214),
        box(774, 507, "Harborline", 28, 93),
        box(948, 495, "Office +1 (206) 555-0147", 20, 180),
        box(948, 542, "Email daniel.park@harborline.co", 20, 236),
    ]


def test_two_cards_side_by_side_are_split_left_to_right() -> None:
    cards = split_cards(right_card() + left_card(), looks_like_card)

    assert [texts(c) for c in cards] == [texts(left_card()), texts(right_card())]


def test_cards_in_a_grid_are_read_in_rows() -> None:
    top_left, top_right = left_card(), left_card(dx=800)
    bottom_left = left_card(dy=400)

    cards = split_cards(bottom_left + top_right + top_left, looks_like_card)

    assert [min(b.y0 for b in c) < 700 for c in cards] == [True, True, False]
    assert min(b.x0 for b in cards[0]) < min(b.x0 for b in cards[1])


def test_a_card_with_its_company_in_a_far_column_stays_one_card() -> None:
    name_column = [
        box(60, 51, "邱冠廷", 67),
        box(57, 132, "院長", 36),
        box(58, 322, "電話03-335-2468", 27),
        box(58, 395, "手機0937-864-209", 27),
    ]
    company_column = [
        box(810, 148, "仁心牙醫診所", 35),
        box(499, 338, "E-mail dr.chiu@renxin-dental.tw", 21),
        box(499, 373, "地址 330桃園市桃園區中正路1071號2樓", 24),
    ]

    assert len(split_cards(name_column + company_column, looks_like_card)) == 1


def test_a_label_and_its_value_share_a_line_but_the_name_column_does_not() -> None:
    lines = group_lines(
        [
            box(508, 218, "手機", 28),
            box(609, 220, "0912-345-678", 25, 156),
            box(62, 200, "王大明", 63),
            box(60, 256, "業務經理", 31),
            box(508, 256, "電話", 27),
            box(609, 257, "02-2345-6789", 24, 258),
        ]
    )

    assert [line.text for line in lines] == [
        "王大明",
        "手機 0912-345-678",
        "電話 02-2345-6789",
        "業務經理",
    ]


# Tuning card 016_clean_1_en: "GmbH" came before "Robotics" (a lower centre by a pixel), found no
# neighbour near enough and started a line of its own; the company lost its name.
def test_a_word_joining_two_pieces_of_a_line_makes_it_one_line() -> None:
    lines = group_lines(
        [
            box(158, 42, "Tidewater", 44, 233),
            box(374, 44, "Robotics", 42, 208),
            box(579, 42, "GmbH", 44, 149),
        ]
    )

    assert [line.text for line in lines] == ["Tidewater Robotics GmbH"]


# Tuning cards 072_clean_1_en and 060_clean_1_en: two overlapping boxes both read the character
# where they overlap ("London E" + "EC2V8AU", "Rue du Rhòne 2, 1" + "1204 Genève").
def test_a_character_read_twice_where_two_boxes_overlap_is_kept_once() -> None:
    lines = group_lines([box(600, 272, "London E", 31, 111), box(696, 274, "EC2V8AU", 28, 137)])
    other = group_lines(
        [box(153, 425, "Rue du Rhòne 2, 1", 29, 214), box(351, 424, "1204 Genève", 30, 165)]
    )

    assert [line.text for line in lines + other] == [
        "London EC2V8AU",
        "Rue du Rhòne 2, 1204 Genève",
    ]


def test_a_logo_character_is_not_glued_to_the_company_name() -> None:
    lines = group_lines([box(64, 39, "雲", 53, 51), box(164, 47, "台灣雲端科技股份有限公司", 38)])

    assert [line.text for line in lines] == ["雲", "台灣雲端科技股份有限公司"]


def test_a_spaced_out_name_is_one_line() -> None:
    lines = group_lines(
        [box(60, 100, "王", 60, 60), box(150, 100, "大", 60, 60), box(240, 100, "明", 60, 60)]
    )

    assert [line.text for line in lines] == ["王大明"]


def test_a_tilted_card_is_straightened_before_its_lines_are_built() -> None:
    angle = math.radians(12)

    def tilted(x: float, y: float, text: str, width: float) -> TextBox:
        cos, sin = math.cos(angle), math.sin(angle)
        corners = [(x, y), (x + width, y), (x + width, y + 24), (x, y + 24)]
        turned = [(px * cos - py * sin, px * sin + py * cos) for px, py in corners]
        return TextBox((turned[0], turned[1], turned[2], turned[3]), text, 0.99)

    boxes = [
        tilted(500, 200, "E-mail", 60),
        tilted(580, 200, "kq.lee@greenriver-energy.com.tw", 300),
        tilted(500, 236, "地址", 40),
        tilted(580, 236, "台北市內湖區堤頂大道二段89號", 300),
    ]

    assert [line.text for line in group_lines(deskew(boxes))] == [
        "E-mail kq.lee@greenriver-energy.com.tw",
        "地址台北市內湖區堤頂大道二段89號",
    ]


# heldout-real photo 27 (a card lying at about 15° on a table), its two top boxes after deskew:
# the name's box was tilted 3° more than the card, so its bounds reached down into the title's,
# and "Senior Researcher Dr. Avery Smith" became one line (the name was lost to the title).
def test_stacked_lines_on_a_card_at_an_angle_stay_two_lines() -> None:
    name = TextBox(((20, 481), (518, 509), (515, 570), (16, 541)), "Dr. Avery Smith", 0.99)
    title = TextBox(((16, 545), (379, 561), (377, 603), (14, 586)), "Senior Researcher", 0.99)

    assert [line.text for line in group_lines([title, name])] == [
        "Dr. Avery Smith",
        "Senior Researcher",
    ]


# heldout-real photo 28: the company and the name printed side by side, 3 text heights apart,
# became "Axes Systems AG Ajay Mathur" (no company, no name); a label beside its value stays one
# line however far apart.
def test_two_long_texts_far_apart_on_one_row_are_two_lines_but_a_label_joins_its_value() -> None:
    company = TextBox(((252, 710), (671, 704), (672, 764), (253, 769)), "Axes Systems AG", 0.99)
    name = TextBox(((846, 678), (1286, 673), (1287, 761), (847, 767)), "Ajay Mathur", 0.99)
    label = TextBox(((252, 900), (400, 900), (400, 960), (252, 960)), "Mobile", 0.99)
    number = TextBox(((520, 900), (980, 900), (980, 960), (520, 960)), "+41 79 641 17 65", 0.99)

    lines = [line.text for line in group_lines([company, name, label, number])]

    assert lines == ["Ajay Mathur", "Axes Systems AG", "Mobile +41 79 641 17 65"]


# A fresh tuning seed (242, not committed): the logo's square, as tall as both lines of the
# company beside it ("Northgate Capital" / "Pte. Ltd."), joined them into one line read out of
# order ("N Pte. Ltd. Northgate Capital"), and the card had no company.
def test_a_tall_logo_mark_does_not_join_the_two_lines_of_text_beside_it() -> None:
    logo = box(78, 58, "N", height=56, width=49)
    upper = box(167, 55, "Northgate Capital", height=35, width=251)
    lower = box(164, 91, "Pte. Ltd.", height=38, width=126)

    assert [line.text for line in group_lines([logo, upper, lower])] == [
        "N Northgate Capital",
        "Pte. Ltd.",
    ]


# Fresh tuning seeds 370, 234 and 442: a two-column bilingual card, Japanese or Chinese with its
# phones on the left, English with the e-mail and address on the right. Both columns passed for
# a card by themselves and the card was read as two, its e-mail and address on a second card.
def bilingual_columns() -> tuple[list[TextBox], list[TextBox]]:
    japanese = [
        box(147, 50, "株式会社大和商事", 40, 279),
        box(51, 143, "加藤真由美", 72, 306),
        box(56, 219, "代表取締役社長", 35, 202),
        box(57, 383, "TEL 03-5059-9483", 27, 220),
        box(57, 419, "携帯 080-5831-4925", 29, 233),
    ]
    english = [
        box(752, 155, "Mayumi Kato", 44, 242),
        box(514, 368, "E-mail mayumi.kato@yamato-shoji.co.jp", 33, 480),
        box(598, 406, "〒100-0005東京都千", 29, 229),
        box(597, 443, "代田区丸の内3-2-12", 27, 217),
    ]
    return japanese, english


def test_a_bilingual_cards_two_language_columns_stay_one_card() -> None:
    japanese, english = bilingual_columns()

    cards = split_cards(japanese + english, looks_like_card, one_card=languages_of_one_card)

    assert [texts(c) for c in cards] == [texts(japanese + english)]


def test_a_chinese_and_an_english_card_side_by_side_with_their_own_phones_are_two() -> None:
    cards = split_cards(right_card() + left_card(), looks_like_card, one_card=languages_of_one_card)

    assert [texts(c) for c in cards] == [texts(left_card()), texts(right_card())]
