"""決策影響力 (decision influence: 高 / 中 / 低) derived deterministically from a job title."""

from __future__ import annotations

import re

HIGH = "高"
MEDIUM = "中"
LOW = "低"

# Checked in order: the first group whose pattern matches the title decides.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        HIGH,
        re.compile(
            r"董事長|總經理|執行長|總裁|副總|協理|創辦人|負責人|合夥人|總監|處長|"
            r"\b(ceo|cto|cfo|coo|cio|cmo|president|founder|owner|partner|chairman|"
            r"vice president|vp|general manager|director|head of)\b",
            re.IGNORECASE,
        ),
    ),
    (
        MEDIUM,
        re.compile(
            r"經理|主任|主管|課長|組長|部長|襄理|副理|店長|廠長|"
            r"\b(manager|supervisor|lead|leader|principal)\b",
            re.IGNORECASE,
        ),
    ),
)


def decision_influence(title: str | None) -> str | None:
    """高 for executives, 中 for managers, 低 for every other title, None without a title."""
    if not title or not title.strip():
        return None
    for level, pattern in _RULES:
        if pattern.search(title):
            return level
    return LOW
