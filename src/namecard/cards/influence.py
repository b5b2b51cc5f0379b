"""決策影響力 (decision influence: 高 / 中 / 低) derived deterministically from a job title."""

from __future__ import annotations

import re

HIGH = "高"
MEDIUM = "中"
LOW = "低"

# Chinese (traditional and simplified) and Japanese title stems, then whole English words.
_ASSISTANT_STEMS = r"(助理|秘書|祕書|特助)\s*$"
_ASSISTANT_WORDS = "assistant to|executive assistant|personal assistant|secretary"
_MIDDLE_OVERRIDES = "product owner|partner manager|assistant vice president|avp"
_HIGH_STEMS = (
    r"董事|[總总][經经]理|[執执]行[長长]|[總总]裁|副[總总]|[協协]理|[創创][辦办]人|[創创]始人|"
    r"[負负][責责]人|合[夥伙]人|[總总][監监]|[處处][長长]|社長|取締役|執行役員|会長|"
    # the C-level "…長" titles of Taiwan: 財務長 (CFO), 技術長 (CTO), 營運長 (COO), …
    r"(?:[財财]務|技[術术]|[營营][運运]|行[銷销]|[資资][訊讯]|法務|策略|人[資资]|研[發发]|"
    r"[產产]品|[數数]據|[資资]安)[長长]"
)
_HIGH_WORDS = (
    r"ceo|cto|cfo|coo|cio|cmo|gm|svp|evp|vp|vice president|president|co-?founder|founder|"
    r"owner|partner|chairman|chairwoman|chairperson|general manager|managing director|"
    r"director|head of|chief [a-z ]*officer"
)
_MEDIUM_STEMS = (
    r"[經经]理|副理|主任|主管|[課课][長长]|[組组][長长]|部[長长]|襄理|店[長长]|[廠厂][長长]"
)
_MEDIUM_WORDS = "manager|supervisor|lead|leader|principal|head"


def _words(words: str) -> str:
    """English words matched whole, also when CJK text touches them (資深VP)."""
    return rf"(?<![a-z])(?:{words})(?![a-z])"


def _pattern(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.IGNORECASE)


# Checked in order: the first pattern that matches decides. Assistants and secretaries of an
# executive come first so that 總經理特助 is not read as 總經理.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (LOW, _pattern(_ASSISTANT_STEMS, _words(_ASSISTANT_WORDS), r"assistant\s*$")),
    (MEDIUM, _pattern(_words(_MIDDLE_OVERRIDES))),
    (HIGH, _pattern(_HIGH_STEMS, _words(_HIGH_WORDS))),
    (MEDIUM, _pattern(_MEDIUM_STEMS, _words(_MEDIUM_WORDS))),
)


def decision_influence(title: str | None) -> str | None:
    """高 for executives, 中 for managers, 低 for every other title, None without a title."""
    if not title or not title.strip():
        return None
    for level, pattern in _RULES:
        if pattern.search(title):
            return level
    return LOW
