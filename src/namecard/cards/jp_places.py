"""Japanese prefecture and designated-city names in an address, one misread character corrected.

The recognition model confuses kanji that look alike (大版府 for 大阪府, 束京都 for 東京都). The 47
prefectures and the 20 cities designated by government ordinance (政令指定都市) are a short,
fixed list (Ministry of Internal Affairs and Communications, as of 2024), so a name one kanji
away from one of them, its 都/道/府/県/市 read right, is that name; a real prefecture read for
another one kanji away (福島県 for 福岡県) is told by the designated city after it (福岡市).
Wards and towns are too many to guess from one character and are left as read.
"""

from __future__ import annotations

import re

_PREFECTURE_TEXT = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 "
    "神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 "
    "大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 "
    "福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県"
)
_PREFECTURES = tuple(_PREFECTURE_TEXT.split())
# The designated cities written in kanji, under their prefecture: a city is only corrected right
# after its own prefecture (many other cities are one kanji away from these: 宮崎市, 長崎市).
_CITIES = {
    "北海道": ("札幌市",), "宮城県": ("仙台市",), "千葉県": ("千葉市",),
    "神奈川県": ("横浜市", "川崎市", "相模原市"), "新潟県": ("新潟市",),
    "静岡県": ("静岡市", "浜松市"), "愛知県": ("名古屋市",), "京都府": ("京都市",),
    "大阪府": ("大阪市",), "兵庫県": ("神戸市",), "岡山県": ("岡山市",), "広島県": ("広島市",),
    "福岡県": ("北九州市", "福岡市"), "熊本県": ("熊本市",),
}  # fmt: skip
_KANJI = re.compile(r"[\u4e00-\u9fff]")


def _one_off(window: str, name: str) -> bool:
    """Same length, same last character (the 県, 市...), exactly one other kanji different."""
    if len(window) != len(name) or window[-1] != name[-1]:
        return False
    differences = [(a, b) for a, b in zip(window, name, strict=True) if a != b]
    return len(differences) == 1 and bool(_KANJI.match(differences[0][0]))


def _prefecture(text: str) -> tuple[str, int] | None:
    """The prefecture the address names and where it ends, a misread kanji corrected."""
    for name in _PREFECTURES:
        if (found := text.find(name)) >= 0:
            return text, found + len(name)
    for name in _PREFECTURES:
        for start in range(len(text) - len(name) + 1):
            window = text[start : start + len(name)]
            if window not in _PREFECTURES and _one_off(window, name):
                return text[:start] + name + text[start + len(name) :], start + len(name)
    return None


def _owner_of_city(rest: str, prefecture: str) -> str | None:
    """The prefecture of the designated city opening `rest`, when that is not `prefecture` but one
    kanji from it (福島県福岡市: 福岡市 is Fukuoka's, and 福島県 is one kanji from 福岡県)."""
    for owner, cities in _CITIES.items():
        if owner != prefecture and rest.startswith(cities) and _one_off(prefecture, owner):
            return owner
    return None


def correct_place_names(text: str) -> str:
    """The address with its prefecture, and the designated city right after it, corrected when
    misread by one kanji (〒530-0001 大版府大版市北区… → 〒530-0001 大阪府大阪市北区…)."""
    found = _prefecture(text)
    if found is None:
        return text
    text, end = found
    prefecture = next(name for name in _PREFECTURES if text[:end].endswith(name))
    owner = _owner_of_city(text[end:], prefecture)
    if owner is not None:
        return text[: end - len(prefecture)] + owner + text[end:]
    for city in _CITIES.get(prefecture, ()):
        window = text[end : end + len(city)]
        if window != city and _one_off(window, city):
            return text[:end] + city + text[end + len(city) :]
    return text
