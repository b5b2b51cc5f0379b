"""The company of a card: its line, joined with the line that carries the name on."""

from __future__ import annotations

import re

from namecard.ai.ocr import fields as rules
from namecard.ai.ocr import words as words
from namecard.ai.ocr.layout import Line, join_words
from namecard.cards.context import JAPANESE_LEGAL_FORMS

# Layout tolerances, in text heights.
_COMPANY_PART_GAP = 0.8
_COMPANY_PART_HEIGHTS = (0.6, 1.6)
# Lines overlapping by less than half their height are two lines (as for layout.group_lines):
# on a tilted or tightly printed card a company's two lines overlap by up to that much.
_LINE_OVERLAP = 0.5
_LEADING_FORM = re.compile(r"^(?:" + JAPANESE_LEGAL_FORMS + r")\s*")
# A logo's initial as the OCR may read it: I as the digit 1, a lower-case l or a bar; O as 0.
_LOOKALIKE_INITIALS = {"1": "I", "l": "I", "|": "I", "0": "O"}
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
# The mark between a company's name and its legal form, once two lines are joined
# ("Pinecrest Networks P" / "Corp."): one capital letter, the name's initial.
_MARK_BEFORE_FORM = re.compile(r"(?<=[a-z])\s+(?P<mark>[A-Z])\s+(?P<form>\S.*)$")
_WIDE_ONLY = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")


def _on_top_of(upper: Line, lower: Line) -> bool:
    """Whether `upper` is the first line of a name that `lower` finishes."""
    low, high = _COMPANY_PART_HEIGHTS
    gap = lower.y0 - upper.y1
    overlap = min(upper.x1, lower.x1) - max(upper.x0, lower.x0)
    ratio = upper.height / lower.height
    return (
        -0.3 * lower.height <= gap <= _COMPANY_PART_GAP * lower.height
        and overlap > 0
        and low <= ratio <= high
    )


def _company_part(
    texts: list[rules.TextPiece], firm: rules.TextPiece
) -> tuple[rules.TextPiece, bool] | None:
    """The line that carries on a company name, and whether it comes after the company's line:
    the one above it, or for a line that is only a legal form, the line above (海洋物流 /
    股份有限公司) or, for a form that may open a name, first the line below (株式会社 / さくら…)
    and then the one above (日向建設 / 株式会社, the person's name under it already taken)."""
    if not words.is_legal_suffix(firm.text):
        if _LEADING_FORM.match(firm.text):
            below = _carried_on_below(texts, firm)
            if below is not None:
                return below, True
        above = next(
            (t for t in texts if t.role == "other" and t.alone and _on_top_of(t.line, firm.line)),
            None,
        )
        return None if above is None else (above, False)
    if words.is_company_prefix(firm.text):
        below = _joining(texts, firm, below=True)
        if below is not None:
            return below, True
    above = _joining(texts, firm, below=False)
    return None if above is None else (above, False)


def _carried_on_below(
    texts: list[rules.TextPiece], firm: rules.TextPiece
) -> rules.TextPiece | None:
    """The rest of a name opened by its legal form, broken onto the line below ("株式会社フジロ" /
    "ジスティクス"): a free line of kana or Chinese characters alone, right under it and of its
    size."""
    low, high = _COMPANY_PART_HEIGHTS
    for text in texts:
        if text.role != "other" or not text.alone or not _WIDE_ONLY.fullmatch(text.text):
            continue
        if _joins(firm.line, text.line) and low <= firm.line.height / text.line.height <= high:
            return text
    return None


def _joining(
    texts: list[rules.TextPiece], firm: rules.TextPiece, *, below: bool
) -> rules.TextPiece | None:
    """The free line right below (or above) a line that is only a legal form."""
    for text in texts:
        upper, lower = (firm.line, text.line) if below else (text.line, firm.line)
        completes = not below and words.completes_legal_form(text.text, firm.text)
        # A first line ending inside the legal form is the company's, whatever title word it
        # holds ("金碩顧問股" / "份有限公司": 顧問 is a title).
        role = text.role in ("other", "name") or (completes and text.role == "title")
        if role and (text.alone or completes) and _joins(upper, lower):
            return text
    return None


def _joins(upper: Line, lower: Line) -> bool:
    """Whether `lower` sits right under `upper`, overlapping it, whatever their sizes."""
    height = max(upper.height, lower.height)
    gap = lower.y0 - upper.y1
    overlap = min(upper.x1, lower.x1) - max(upper.x0, lower.x0)
    return -_LINE_OVERLAP * height <= gap <= _COMPANY_PART_GAP * height and overlap > 0


def heads_a_legal_form(text: rules.TextPiece, texts: list[rules.TextPiece]) -> bool:
    """Whether the line sits right on top of a line that is only a legal form (永豐食品 /
    股份有限公司): it is the start of the company's name, not a person's name."""
    return any(
        t.role == "company"
        and words.is_legal_suffix(t.text)
        and not words.is_company_prefix(t.text)
        and _joins(text.line, t.line)
        for t in texts
        if t is not text
    )


def _glue(left: str, right: str) -> str:
    """Chinese and Japanese text joins without a space, Latin text with one."""
    wide = _WIDE.match(left[-1:]) and _WIDE.match(right[:1])
    return left + right if wide else join_words(left, right)


def place_company(draft: rules.Draft, texts: list[rules.TextPiece]) -> None:
    """The first company line, joined with the line that carries its name on."""
    firm = next((t for t in texts if t.role == "company"), None)
    if firm is None:
        return
    value = firm.text
    found = _company_part(texts, firm)
    if found is not None and not any(c.isdigit() for c in found[0].text):
        part, after = found
        first, second = (firm, part) if after else (part, firm)
        value = _glue(first.text, second.text)
        part.role = "used"
    draft.put("company", without_repeated_initial(value), firm.line)
    firm.role = "used"


def without_repeated_initial(text: str) -> str:
    """A logo's initial read as a word of its own before or after a company whose own name opens
    with it ("フ フジテクノロジー株式会社", "株式会社さくらシステムズ さ", "N Northgate Capital"
    over "Pte. Ltd.", "1 Ironbridge Labs": an I read as 1), or between the name and its legal
    form ("Pinecrest Networks P Corp.", the mark ending the first of two lines), dropped."""
    parts = text.split()
    if len(parts) < 2:
        return text
    inside = _MARK_BEFORE_FORM.search(text)
    if inside and inside.group("mark") == text[:1] and words.is_legal_suffix(inside.group("form")):
        return text[: inside.start()] + " " + inside.group("form")
    for mark, rest in ((parts[0], parts[1:]), (parts[-1], parts[:-1])):
        company = " ".join(rest)
        own = _LEADING_FORM.sub("", company)
        mark = _LOOKALIKE_INITIALS.get(mark, mark)
        if len(mark) == 1 and not mark.isdigit() and words.is_company(company) and own[:1] == mark:
            return company
    return text
