"""決策影響力 from the job title, Chinese and English."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namecard.cards.influence import HIGH, LOW, MEDIUM, decision_influence


@pytest.mark.parametrize(
    "title",
    [
        "董事長",
        "總經理",
        "副總經理",
        "執行長",
        "總裁",
        "副總",
        "協理",
        "技術總監",
        "處長",
        "創辦人",
        "負責人",
        "合夥人",
        "獨立董事",
        "总经理",
        "创始人",
        "代表取締役社長",
        "CEO",
        "CTO",
        "VP of Sales",
        "Senior Vice President",
        "SVP, Marketing",
        "Director",
        "Sales Director",
        "Managing Director",
        "President",
        "Founder",
        "Co-Founder",
        "Chief Technology Officer",
        "General Manager",
        "Head of Design",
        "Partner",
        "資深VP",
        "財務長",
        "技術長",
        "營運長",
        "行銷長",
        "资讯长",
    ],
)
def test_executives_are_high(title: str) -> None:
    assert decision_influence(title) == HIGH


@pytest.mark.parametrize(
    "title",
    [
        "經理",
        "業務經理",
        "專案經理",
        "副理",
        "襄理",
        "主任",
        "主管",
        "課長",
        "組長",
        "部長",
        "店長",
        "廠長",
        "经理",
        "助理經理",
        "Manager",
        "Sales Manager",
        "Assistant Manager",
        "Supervisor",
        "Team Lead",
        "Tech Lead",
        "Principal Engineer",
        "Product Owner",
        "Assistant Vice President",
        "Partner Manager",
    ],
)
def test_managers_are_medium(title: str) -> None:
    assert decision_influence(title) == MEDIUM


@pytest.mark.parametrize(
    "title",
    [
        "工程師",
        "資深軟體工程師",
        "業務專員",
        "行政助理",
        "設計師",
        "律師",
        "會計",
        "總經理特助",
        "董事長秘書",
        "總經理 助理",
        "Engineer",
        "Account Executive",
        "Sales Representative",
        "Designer",
        "Consultant",
        "Executive Assistant",
        "Assistant to the CEO",
        "Secretary",
        "Leading Engineer",
        "Director's Assistant",
    ],
)
def test_everyone_else_is_low(title: str) -> None:
    assert decision_influence(title) == LOW


@pytest.mark.parametrize("title", [None, "", "   "])
def test_no_title_has_no_influence(title: str | None) -> None:
    assert decision_influence(title) is None


@given(st.text(max_size=40))
def test_always_one_of_the_three_levels(title: str) -> None:
    assert decision_influence(title) in {HIGH, MEDIUM, LOW, None}
    assert decision_influence(title) == decision_influence(title)
