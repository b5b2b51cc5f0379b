"""The other-language name, title, company and address of a card, kept as labelled notes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

NOTE_SEPARATORS = re.compile(r"\s*(?:;|\n)\s*")


class Script(StrEnum):
    LATIN = "latin"
    CHINESE = "chinese"
    JAPANESE = "japanese"


# The label an alternate carries in the notes, by field and by the script it is written in.
# Stores keep the notes as they are; the reply shows these entries under their field.
LABELS: dict[tuple[str, Script], str] = {
    ("name", Script.LATIN): "英文名",
    ("name", Script.CHINESE): "中文名",
    ("name", Script.JAPANESE): "日文名",
    ("title", Script.LATIN): "英文職稱",
    ("title", Script.CHINESE): "中文職稱",
    ("title", Script.JAPANESE): "日文職稱",
    ("company", Script.LATIN): "英文公司名",
    ("company", Script.CHINESE): "中文公司名",
    ("company", Script.JAPANESE): "日文公司名",
    ("address", Script.LATIN): "英文地址",
    ("address", Script.CHINESE): "中文地址",
    ("address", Script.JAPANESE): "日文地址",
}
_BY_LABEL = {label: key for key, label in LABELS.items()}
_ENTRY = re.compile(r"^(?P<label>[^:：]{2,6})\s*[:：]\s*(?P<value>.+)$")
_KANA = re.compile(r"[\u3040-\u30ff]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class Alternate:
    """One value read in another language than the field's primary one."""

    field: str
    script: Script
    value: str

    @property
    def label(self) -> str:
        return LABELS[(self.field, self.script)]

    def note(self) -> str:
        return f"{self.label}: {self.value}"


def script_of(text: str) -> Script:
    """Japanese when it has kana, Chinese when it has Chinese characters, else Latin."""
    if _KANA.search(text):
        return Script.JAPANESE
    return Script.CHINESE if _CJK.search(text) else Script.LATIN


def is_cjk(text: str) -> bool:
    return script_of(text) is not Script.LATIN


def alternate(field: str, value: str) -> Alternate:
    return Alternate(field, script_of(value), value.strip())


def alternates_in(notes: str | None) -> tuple[Alternate, ...]:
    """The labelled alternates among the notes' entries, in order."""
    found: list[Alternate] = []
    for entry in NOTE_SEPARATORS.split(notes or ""):
        match = _ENTRY.match(entry.strip())
        key = _BY_LABEL.get(match.group("label").strip()) if match else None
        if match and key is not None:
            found.append(Alternate(key[0], key[1], match.group("value").strip()))
    return tuple(found)
