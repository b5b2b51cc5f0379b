"""Title words the recogniser misread by one character, written as the vocabulary spells them.

On blurred and dim photos PP-OCRv6 changes one character inside a title word and is sure of it
("取籍役" for 取締役, "锁行長" for 執行長, "深長代理" for 課長代理; "Chiel Financlal Officer",
"VP of Basiness Development"). Such a line held no title word and the card lost its title, or
the title kept the misspelling. A word is written again only when exactly one vocabulary word
is that close, and the title is then flagged uncertain by the caller:

- Chinese and Japanese: a whole line with no title word in it that is one character changed
  from a title word of three characters or more (or one dropped from one of four or more);
  two-character words (經理, 副理, 協理 …) are never guessed, one character changed fits several
  of them. A part of a longer line is not guessed either ("海洋设计股", a company's first line,
  is one character from 设计师), nor a unit's name (財務部 is one from 財務長), nor a first
  character that is a common family name (林事長 is a name before it is 董事長).
- English: inside a line already read as a title, a word of five letters or more that is no
  vocabulary word (nor one's plural) and is one edit (a letter changed, added or dropped) from
  exactly one.
"""

from __future__ import annotations

import functools
import re

from namecard.cards.domains import edit_distance
from namecard.cards.titles import DEPARTMENT, LATIN_TITLE_WORDS, SURNAMES, TITLE_CJK

_MIN_CJK_WORD = 3
_MIN_CJK_WORD_DROPPED = 4
_MIN_LATIN_WORD = 5
# Words of English titles besides the title words themselves.
_LATIN_QUALIFIERS = (
    "Senior", "Junior", "Business", "Development", "Financial", "Finance", "Marketing", "Sales",
    "Operations", "Operating", "Regional", "Technical", "Technology", "Product", "Software",
    "Account", "Project", "Program", "Customer", "Success", "Human", "Resources", "General",
    "Managing", "Global", "International", "Research", "Design", "Creative", "Strategy",
    "Strategic", "Information", "Security", "Engineering", "Quality", "Assurance", "Supply",
    "Purchasing", "Procurement", "Legal", "Compliance", "Communications", "Public", "Relations",
    "Partnerships", "Solutions", "Services", "Support", "Digital", "Science", "Deputy",
    "Country", "Division", "Branch", "Brand", "Content", "Growth", "Investment", "Investor",
    "Accounting", "Administration", "Logistics", "Manufacturing", "Production", "Planning",
    "Analytics", "Hardware", "Systems", "Network", "Infrastructure", "Editorial", "Office",
    "Leader", "Member", "Board", "Retail", "Export", "Import", "Channel", "Partner", "Media",
)  # fmt: skip
_LATIN_WORD = re.compile(r"[A-Za-z]+")
# Contact labels printed right of the title ("Associate Marketing Director Mobile", its number on
# the next line), as read one letter off: "Mobie", "Ofice", "Pnone", "Emall".
_LATIN_LABELS = ("mobile", "office", "phone", "direct", "email")
_LAST_WORD = re.compile(r"(?<!\bof)(?<!\band)(?<!&)\s+([A-Za-z]{4,})\s*$", re.IGNORECASE)
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


@functools.cache
def _cjk_words() -> tuple[str, ...]:
    words = TITLE_CJK.pattern.split("|")
    return tuple(w for w in words if len(w) >= _MIN_CJK_WORD and _CJK_CHAR.search(w))


@functools.cache
def _latin_words() -> dict[str, str]:
    vocabulary = [w for w in (*LATIN_TITLE_WORDS, *_LATIN_QUALIFIERS) if w.isalpha()]
    return {w.lower(): w for w in vocabulary if len(w) >= _MIN_LATIN_WORD}


def _cjk_candidates(text: str, word: str, dropped: bool) -> set[str]:
    """`word`, when the text is it with one character changed or (with `dropped`) one gone."""
    if len(text) != len(word) - dropped or (dropped and len(word) < _MIN_CJK_WORD_DROPPED):
        return set()
    if edit_distance(text, word) != 1:
        return set()
    changed = next(
        (i for i, (a, b) in enumerate(zip(text, word[: len(text)], strict=True)) if a != b),
        len(text),
    )
    return set() if changed == 0 and text[0] in SURNAMES else {word}


def respell_cjk_title(text: str) -> str | None:
    """The title word a line is with one character misread, or None (see the module); a
    character changed is looked for before a character dropped."""
    compact = text.strip()
    if (
        not compact
        or TITLE_CJK.search(compact)
        or DEPARTMENT.search(compact)
        or not all(_CJK_CHAR.match(c) for c in compact)
    ):
        return None
    for dropped in (False, True):
        found = {line for word in _cjk_words() for line in _cjk_candidates(compact, word, dropped)}
        if found:
            return found.pop() if len(found) == 1 else None
    return None


def respell_latin_title(text: str) -> str:
    """An English title with its misspelt vocabulary words written out (see the module)."""
    vocabulary = _latin_words()

    def respelt(match: re.Match[str]) -> str:
        read = match.group(0)
        word = read.lower()
        if len(read) < _MIN_LATIN_WORD or word in vocabulary or word[:-1] in vocabulary:
            return read  # a plural (Board of Directors) is no misreading
        near = [w for key, w in vocabulary.items() if edit_distance(word, key) == 1]
        return near[0] if len(near) == 1 else read

    return _LATIN_WORD.sub(respelt, text)


def without_misread_label(text: str) -> str:
    """An English title without a contact label misread by one letter at its end; a title word
    one letter from a label ("Officer") is a title word."""
    match = _LAST_WORD.search(text)
    if match is None:
        return text
    word = match.group(1).lower()
    if word in _latin_words() or word[:-1] in _latin_words():
        return text
    if any(edit_distance(word, label) == 1 for label in _LATIN_LABELS):
        return text[: match.start()]
    return text
