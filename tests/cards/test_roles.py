"""Name, title and department rules every reader's card goes through (cases the old reader lost)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from namecard.cards.model import Card
from namecard.cards.normalise import normalise_card


@pytest.mark.parametrize(
    ("read", "name", "title"),
    [
        (Card(title="賴佩珊副總編輯"), "賴佩珊", "副總編輯"),
        (Card(name="劉佳穎創意總監"), "劉佳穎", "創意總監"),
        (Card(name="Pei-Shan Lai", title="賴佩珊副總編輯"), "賴佩珊", "副總編輯"),
        (Card(name="歐陽明華總經理"), "歐陽明華", "總經理"),
    ],
)
def test_a_name_printed_on_the_titles_line_is_split_off(read: Card, name: str, title: str) -> None:
    card = normalise_card(read)

    assert (card.name, card.title) == (name, title)
    assert normalise_card(card) == card


# Tuning cards 024_photo_4_cn-en-zh and 064_photo_2_zh: the name and title were printed on one
# line, and a fragment of the logo or company ("永食品", "侍真") was taken for the name.
@pytest.mark.parametrize(
    ("read", "name", "title"),
    [
        (Card(name="永食品", title="劉君傑法規事務經理"), "劉君傑", "法規事務經理"),
        (Card(name="侍真", title="潘妤佩副理"), "潘妤佩", "副理"),
    ],
)
def test_a_name_on_the_titles_line_wins_over_a_name_without_a_family_name(
    read: Card, name: str, title: str
) -> None:
    card = normalise_card(read)

    assert (card.name, card.title) == (name, title)
    assert read.name is not None and read.name in (card.notes or "")


def test_a_latin_name_displaced_by_the_chinese_one_is_kept_as_the_alternate() -> None:
    card = normalise_card(Card(name="Pei-Shan Lai", title="賴佩珊副總編輯"))

    assert card.notes == "英文名: Pei-Shan Lai"


@pytest.mark.parametrize("title", ["業務經理", "王經理", "Sales Manager", "董事長特助"])
def test_a_title_without_a_name_in_it_is_left_alone(title: str) -> None:
    assert normalise_card(Card(title=title)).title == title


@pytest.mark.parametrize(
    ("read", "title", "department", "notes"),
    [
        (
            Card(name="陳怡君", title="/行銷協理/Associate Marketing Director"),
            "行銷協理",
            None,
            "英文職稱: Associate Marketing Director",
        ),
        (Card(name="張雅婷", title="法規事務經理|品保部"), "法規事務經理", "品保部", None),
        (Card(name="李國強", title="/財務長"), "財務長", None, None),
        (
            Card(name="Amy Wu", title="行銷協理 / Associate Marketing Director"),
            "Associate Marketing Director",
            None,
            "中文職稱: 行銷協理",
        ),
        (
            Card(name="張雅婷", title="法規事務經理|品保部", department="法務處"),
            "法規事務經理",
            "法務處",
            "品保部",
        ),
    ],
)
def test_separators_in_a_title_split_it_into_title_department_and_alternate(
    read: Card, title: str, department: str | None, notes: str | None
) -> None:
    card = normalise_card(read)

    assert (card.title, card.department, card.notes) == (title, department, notes)
    assert normalise_card(card) == card


def test_on_a_chinese_card_the_chinese_name_title_and_company_are_primary() -> None:
    read = Card(
        name="Chih-Hao Lin",
        title="Senior Software Engineer",
        company="SmartWise Information Co., Ltd.",
        notes="中文名: 林志豪\n中文職稱: 資深軟體工程師\n中文公司名: 智匯資訊有限公司",
    )

    card = normalise_card(read)

    assert (card.name, card.title, card.company) == ("林志豪", "資深軟體工程師", "智匯資訊有限公司")
    assert card.notes == (
        "英文名: Chih-Hao Lin; 英文職稱: Senior Software Engineer; "
        "英文公司名: SmartWise Information Co., Ltd."
    )
    assert normalise_card(card) == card


def test_an_english_card_keeps_its_english_fields() -> None:
    read = Card(name="Emily Chen", title="Director", notes="Booth 12")

    assert normalise_card(read) == normalise_card(normalise_card(read))
    assert normalise_card(read).title == "Director"


PIECES = ["賴", "佩珊", "副總編輯", "/", "|", "Associate Director", "品保部", "英文名: X Y",
          "中文名: 林志豪", "中文職稱: 經理", "Chih Lin", "部長", " ", "行銷協理", "歐陽", "\n",
          "; ", "03-1234-5678"]  # fmt: skip
ROLE_TEXT = st.one_of(st.none(), st.lists(st.sampled_from(PIECES), max_size=4).map("".join))


@settings(max_examples=500)
@given(name=ROLE_TEXT, title=ROLE_TEXT, department=ROLE_TEXT, notes=ROLE_TEXT)
def test_the_role_rules_settle_in_one_normalisation(
    name: str | None, title: str | None, department: str | None, notes: str | None
) -> None:
    once = normalise_card(Card(name=name, title=title, department=department, notes=notes))

    assert normalise_card(once) == once


@pytest.mark.parametrize(
    ("read", "title"),
    [("Founder & CEo", "Founder & CEO"), ("Vp of Sales", "VP of Sales"), ("Cfo", "CFO")],
)
def test_the_acronyms_of_a_title_are_written_in_capitals(read: str, title: str) -> None:
    assert normalise_card(Card(name="Ethan Novak", title=read)).title == title


# Fresh tuning seeds 470 and 212 (not committed): a unit whose name holds a title word (編輯部),
# after a separator; and a unit glued to the end of the title without one.
@pytest.mark.parametrize(
    ("title", "kept", "department"),
    [
        ("副總經理|編輯部", "副總經理", "編輯部"),
        ("销售经理销售部", "销售经理", "销售部"),
        ("研發副理/研發中心", "研發副理", "研發中心"),
    ],
)
def test_a_unit_after_the_title_goes_to_the_department(
    title: str, kept: str, department: str
) -> None:
    card = normalise_card(Card(name="李冠秀", title=title))

    assert (card.title, card.department) == (kept, department)
    assert normalise_card(card) == card


def test_a_title_that_names_its_unit_first_stays_whole() -> None:
    card = normalise_card(Card(name="李冠秀", title="業務部經理"))

    assert card.title == "業務部經理"


# Fresh tuning seeds 300, 344, 442: a title and its unit after a separator stay a title line
# (the unit's word at its end does not make the whole line a unit).
def test_a_title_and_its_unit_after_a_separator_are_split_not_taken_for_a_unit() -> None:
    card = normalise_card(Card(name="李冠秀", title="業務專員|研發中心"))

    assert (card.title, card.department) == ("業務專員", "研發中心")
