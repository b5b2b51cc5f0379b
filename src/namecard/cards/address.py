"""Address clean-up that never rewrites road names: Taiwan rules for Taiwan addresses only.

Design note (issue 14): other addresses are kept as written except where the OCR demonstrably
breaks a fixed convention: a Japanese floor glued to its block number, a prefecture or designated
city one kanji off the official list (jp_places.py), a Latin street abbreviation that lost its
period. Nothing is guessed from a style ("Rd" vs "Rd." stays as printed).
"""

from __future__ import annotations

import re

from namecard.cards.jp_places import correct_place_names

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_KANA = re.compile(r"[\u3040-\u30ff]")
# Characters that mark a mainland (simplified) address; Taiwan rules are not applied to those.
_SIMPLIFIED_MARKERS = re.compile(r"[号区楼层]")
_FULL_WIDTH_ALNUM = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
    0x3000: ord(" "),
}
_CITY_STEMS = (
    "[台臺]北|新北|桃園|[台臺]中|[台臺]南|高雄|基隆|新竹|嘉義|苗栗|彰化|南投|雲林|屏東|"
    "宜蘭|花蓮|[台臺]東|澎湖|金門|連江"
)
_CITY = rf"(?:{_CITY_STEMS})[市縣]"
_BARE_MUNICIPALITY = r"(?:[台臺]北|新北|桃園|[台臺]中|[台臺]南|高雄)"
_POSTAL = r"\d{3}(?:\d{2,3})?"
_CITY_RE = re.compile(_CITY)

_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}\d])|(?<=[{_CJK}\d])\s+(?=[{_CJK}])")
_LEADING_POSTAL = re.compile(rf"^[(（]?({_POSTAL})[)）]?(?={_CITY}|{_BARE_MUNICIPALITY})")
_POSTAL_AFTER_CITY = re.compile(
    rf"^({_CITY})[(（]?({_POSTAL})[)）]?(?=[{_CJK}])(?![號号樓楼巷弄之段])"
)
# A bare municipality followed by a two-character district gets its 市 (台北信義區 -> 台北市信義區).
_BARE_CITY = re.compile(rf"^(\d*)({_BARE_MUNICIPALITY})(?![市縣])(?=[{_CJK}]{{2}}區)")
_SECTION = re.compile(r"(?<![\d.])(\d{1,4})\s*段")
_BASEMENT_MARKED = re.compile(r"(?<![A-Za-z\d])[Bb](\d{1,2})\s?(?:[Ff][Ll]?\.?|樓)(?![A-Za-z])")
# A bare B1 is a floor only right after Chinese text (號B1) and at the end or before a separator.
_BASEMENT_BARE = re.compile(rf"(?<=[{_CJK},，])[Bb](\d{{1,2}})(?=$|[,，、;；\s(（]|之)")
_FLOOR = re.compile(r"(?<![A-Za-z\d])(\d{1,3})\s?[Ff][Ll]?\.?(?![A-Za-z])")

# A Japanese postal code opening the address: 〒100-0005 with one space after it. The OCR reads
# the mark as the katakana デ or テ at times; before a hyphenated code it can only be the mark.
_JAPANESE_POSTAL = re.compile(
    rf"^(?:〒\s*(\d{{3}})-?(\d{{4}})\s*|[デテ]?(\d{{3}})-(\d{{4}})\s*(?=[{_CJK}]))"
)
# A Japanese block number (栄6-6-28) and the building after it (葵ビル, みなとビル): one space.
_JAPANESE_BUILDING = re.compile(
    rf"(?<![\d-])(\d+-\d+(?:-\d+)?)\s*(?=[{_CJK}\u3040-\u30ff])(?![号番階])"
)
# A floor glued to the block number by the OCR ("みなとみらい3-13-620F"): the last number of a
# block and a floor have one or two digits each, so three digits split 1+2, four 2+2, two 1+1.
_JAPANESE_GLUED_FLOOR = re.compile(r"(?<![\d-])(\d+-\d+-)(\d{2,4})(F|階)(?![A-Za-z])")
# Street-address abbreviations whose period the OCR lost or read as a comma ("Example Bldg, 5-6-8",
# "Sec, 4, Zhongxiao", "Da'an Dist, Taipei"): written as the post office writes them, "Bldg.".
# "Sec." and "No." come before their number; "Bldg." and "Dist." end a part of the address.
# ("Rd", "Ave" and "St" are left alone: American addresses print them without a period.)
_LATIN_ABBREVIATION = re.compile(r"\b(Sec|No),?(?=\s*\d)|\b(Bldg|Dist)(?=,|\s|$)")

_DIGITS = "零一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))


def chinese_numeral(n: int) -> str:
    """1 -> 一, 12 -> 十二, 21 -> 二十一, 105 -> 一百零五 (0 to 9999)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    parts: list[str] = []
    gap = False
    for value, unit in _UNITS:
        digit = n // value % 10
        if digit == 0:
            gap = bool(parts)
            continue
        if gap:
            parts.append("零")
        parts.append(_DIGITS[digit] + unit)
        gap = False
    return "".join(parts)


def has_cjk(text: str) -> bool:
    return re.search(f"[{_CJK}]", text) is not None


def is_taiwan_address(text: str) -> bool:
    """True when a Taiwan city or county name (台 or 臺 form) appears in the text."""
    return _CITY_RE.search(text) is not None or re.search(r"[台臺]灣|Taiwan", text) is not None


def may_be_taiwan_address(text: str) -> bool:
    """Chinese text that is neither Japanese nor a mainland (simplified) address."""
    return has_cjk(text) and _taiwan_rules_apply(text)


def _taiwan_rules_apply(text: str) -> bool:
    if _KANA.search(text):
        return False
    return not (_SIMPLIFIED_MARKERS.search(text) and not _CITY_RE.search(text))


def _move_postal_code(text: str) -> str:
    text = _LEADING_POSTAL.sub(r"\1", text, count=1)
    text = _POSTAL_AFTER_CITY.sub(r"\2\1", text, count=1)
    return _BARE_CITY.sub(r"\1\2市", text, count=1)


def _sections_and_floors(text: str) -> str:
    text = _SECTION.sub(lambda m: chinese_numeral(int(m.group(1))) + "段", text)
    text = _BASEMENT_MARKED.sub(lambda m: f"地下{int(m.group(1))}樓", text)
    text = _BASEMENT_BARE.sub(lambda m: f"地下{int(m.group(1))}樓", text)
    # Until nothing changes: "0F0F" only shows its second floor once the first became 樓,
    # and normalising must be idempotent.
    while (floors := _FLOOR.sub(lambda m: f"{int(m.group(1))}樓", text)) != text:
        text = floors
    return text


def _japanese_postal(match: re.Match[str]) -> str:
    first, second = match.group(1) or match.group(3), match.group(2) or match.group(4)
    return f"〒{first}-{second} "


def _split_floor(match: re.Match[str]) -> str:
    block, digits, floor = match.groups()
    cut = len(digits) // 2 if len(digits) != 3 else 1
    return f"{block}{digits[:cut]} {digits[cut:]}{floor}"


def normalise_address(text: str) -> str:
    """Clean an address: full-width digits to ASCII, whitespace collapsed; for a Taiwan address in
    Chinese also spaces next to CJK removed, the postal code moved to the front, Arabic section
    numbers in Chinese (5段 -> 五段) and floors as 樓 (12F -> 12樓, 號B1 -> 號地下1樓).
    Road and district names are never touched; English addresses keep their spelling (a street
    abbreviation gets back its period: "Bldg," -> "Bldg.,"). A Japanese
    address gets one space after its postal code and before the building or the floor after its
    block number."""
    text = " ".join(text.translate(_FULL_WIDTH_ALNUM).split())
    text = _JAPANESE_POSTAL.sub(_japanese_postal, text, count=1)
    if text.startswith("〒") or _KANA.search(text):
        text = _JAPANESE_GLUED_FLOOR.sub(_split_floor, _JAPANESE_BUILDING.sub(r"\1 ", text))
        return correct_place_names(text)  # Taiwan rules never apply to a Japanese address
    if not has_cjk(text):
        return _LATIN_ABBREVIATION.sub(lambda m: f"{m.group(1) or m.group(2)}.", text)
    if not _taiwan_rules_apply(text):
        return text  # English, Japanese and mainland addresses are kept as written
    text = _SPACE_NEAR_CJK.sub("", text)
    # 12F -> 12樓 makes new CJK neighbours, so spaces are removed once more afterwards.
    return _SPACE_NEAR_CJK.sub("", _sections_and_floors(_move_postal_code(text)))
