"""OCR text lines of one card to its raw fields: labels, contacts, address, company, title, name.

Design note (issue 14): a value the OCR visibly damaged (an e-mail whose @ was lost, read after a
misread label or as name.name before a domain) goes to the notes, never into another field: a
missing website is better than a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from namecard.ai.ocr.latin import respace_latin
from namecard.ai.ocr.layout import Line, TextBox
from namecard.ai.ocr.phones import find_phones
from namecard.ai.ocr.respell import respell_cjk_title
from namecard.ai.ocr.slips import undo_slips
from namecard.ai.ocr.words import is_address, is_company, is_department, is_title, name_like
from namecard.cards.alternates import is_cjk
from namecard.cards.model import Phone, PhoneKind
from namecard.cards.titles import LATIN_TITLE_WORDS


class Kind(StrEnum):
    MOBILE = "mobile"
    OFFICE = "office"
    FAX = "fax"
    EMAIL = "email"
    WEB = "web"
    ADDRESS = "address"
    LINE = "line"
    TAX = "tax"
    OTHER = "other"  # a label we know but keep in notes (WeChat, Skype...)


_LABELS: dict[Kind, tuple[str, ...]] = {
    Kind.MOBILE: ("手機", "手机", "行動電話", "行动电话", "行動", "行动", "携帯", "携带", "携帶",
                  "手樓", "手楼", "Mobile", "Mob", "Cell"),  # 手樓: 機 misread on blurred cards
    Kind.OFFICE: ("公司電話", "電話", "电话", "總機", "总机", "專線", "直撥", "公司", "TEL",
                  "Telephone", "Phone", "Office", "Direct"),
    Kind.FAX: ("傳真", "传真", "傅真", "Fax", "傳", "传"),  # 傳 alone: 真 lost by the OCR
    Kind.EMAIL: ("電子郵件", "電郵", "郵箱", "邮箱", "信箱", "E-mail", "Email", "Mail"),
    Kind.WEB: ("網址", "网址", "網站", "网站", "官網", "官网", "Website", "Web", "URL"),
    Kind.ADDRESS: ("公司地址", "地址", "住址", "Address", "Addr", "Add"),
    Kind.LINE: ("LINE ID", "Line ID", "LINE"),
    Kind.TAX: ("統一編號", "統一编號", "統一编号", "统一编号", "統編", "统编", "統一", "统一",
               "Tax ID", "VAT No", "VAT"),
    # QQ: a mainland messaging account, a number that is no phone (real photo: QQ numbers in a
    # list were read as South African and Egyptian phones).
    Kind.OTHER: ("微信", "WeChat", "Skype", "WhatsApp", "Telegram", "QQ"),
}  # fmt: skip
_LETTER_LABELS = {"m": Kind.MOBILE, "t": Kind.OFFICE, "o": Kind.OFFICE, "f": Kind.FAX,
                  "e": Kind.EMAIL, "w": Kind.WEB, "a": Kind.ADDRESS}  # fmt: skip
_LABEL_KIND = {w.lower(): kind for kind, words in _LABELS.items() for w in words}
_WORDS = sorted(_LABEL_KIND, key=len, reverse=True)
_LABEL_RE = re.compile(
    r"(?<![A-Za-z])(?:(?P<word>" + "|".join(re.escape(w) for w in _WORDS) + r")"
    # 傳真 with its first character misread (侍真, 德真, 博真, 傳眞): still a fax label.
    r"|(?P<fax>[\u4e00-\u9fff]?[真眞])"
    # A letter label is followed by a separator or a space, or opens the line ("M3 2BW" is not).
    r"|(?<![0-9])(?P<letter>[MTFO](?=\s*[:：.]\s*[+(]?\d|\s+[+(]?\d)|\A[MTFO](?=[+(]?\d)"
    r"|[EWA](?=\s*[:：])))"
    r"\s*[:：.]?\s*",
    re.IGNORECASE,
)
# What a label's value must start with, so that a word inside a name is not taken for a label.
_VALUE_START = {
    Kind.MOBILE: r"[+(0-9]", Kind.OFFICE: r"[+(0-9]", Kind.FAX: r"[+(0-9]",
    Kind.EMAIL: r"[A-Za-z0-9]", Kind.WEB: r"[A-Za-z0-9]", Kind.LINE: r"[A-Za-z0-9@]",
    Kind.TAX: r"[0-9]", Kind.ADDRESS: r"\S", Kind.OTHER: r"\S",
}  # fmt: skip

# What reading a line's contacts takes off the ends of the text left.
_EDGE_PUNCTUATION = " :：|/,;-"
# An icon printed between a phone label and its number, read as one letter or sign:
# "Mobile e +1 (917) 555-0133".
_ICON_BEFORE_NUMBER = re.compile(r"[^\s\d+(]\s+(?=[+(]?\d)")

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_TLDS = (
    "com|net|org|edu|gov|io|co|tw|cn|jp|hk|sg|us|uk|de|me|biz|info|design|app|dev|ai|tv|asia"
    "|ch|fr|nl|au|kr|ca|eu|es|se|it|at"
)
URL_RE = re.compile(
    # Not inside a word, nor after @, a dot or a hyphen; after a Chinese character only when it
    # says it is a web address (址www.…, a half-read 網址): a bare host glued to one may be an
    # e-mail that lost its @ after a half-read label (箱mwangotianxi.cn).
    r"(?:(?<![\w@.-])|(?<=[^\x00-\x7f])(?=https?://|www\.))"
    r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    rf"\.(?:{_TLDS})(?:\.[a-z]{{2}})?(?![\w.-])(?:/\S*)?",
    re.IGNORECASE,
)
_TLD_SET = frozenset(_TLDS.split("|"))
_WWW = re.compile(r"^w{2,4}\.", re.IGNORECASE)
_NAME_DOT_DOMAIN = 2  # labels before the top-level ones: "makoto.sato" + "fuji-systems"
# An e-mail or web address glued to the next one or to a number ("x@y.comwww.y.com").
_GLUED = re.compile(rf"(\.(?:{_TLDS}))(?=www\.|https?://|\d|[A-Z])")
_PHONE_KINDS = (Kind.MOBILE, Kind.OFFICE, Kind.FAX)
# The "E-mail" label misread and glued to the address: "Emalleonie@…", "Emlcheng.chiehting@…".
_EMAIL_LABEL_GLUED = re.compile(r"^(?:E-mall|E-?mai?l|Emal|Eml|Mail)[:.]?(?=[a-z0-9])")
# An e-mail label's value whose underscore the OCR read as a space: "chloe keller@tidewater.de"
# (the low line is lost on small print; a dot or hyphen would have been read).
# The part before the space has two characters at least: one alone is an icon read as a letter.
_SPLIT_LOCAL_PART = re.compile(
    r"([A-Za-z0-9][A-Za-z0-9.]+) ([A-Za-z0-9][A-Za-z0-9.]*@[A-Za-z0-9-]+\.)"
)
# What an e-mail label's value is when the OCR lost its @: kept in the notes, never a website.
NOTE_EMAIL_WITHOUT_AT = "Email?"
_TITLE_REPAIRS = (("取役", "取締役"), ("總輯", "總編輯"), ("總照", "總監"))
# Up to three capitalised words, then the start (5 letters or more) of the last word.
_CUT_TITLE_WORD = re.compile(r"(?P<head>(?:[A-Z][A-Za-z&-]*\s+){1,3})(?P<stem>[A-Z][a-z]{4,})")
TAX_ID_DIGITS = 8
_TAX_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def tax_id_valid(digits: str) -> bool:
    """The Taiwan unified business number checksum (the 2023 rule: divisible by 5)."""
    if len(digits) != TAX_ID_DIGITS or not digits.isdigit():
        return False
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, _TAX_WEIGHTS, strict=True))
    return total % 5 == 0 or (digits[6] == "7" and (total + 1) % 5 == 0)


def split_labels(text: str) -> list[tuple[Kind | None, str, str]]:
    """The line cut at its labels: (kind of the label or None, the label as printed, value)."""
    pieces: list[tuple[Kind | None, str, str]] = []
    kind: Kind | None = None
    label, start = "", 0
    for match in _LABEL_RE.finditer(text):
        if match.start() < start:  # the icon after the label before it
            continue
        found = _label_kind(match)
        rest = text[match.end() :].lstrip()
        icon = _ICON_BEFORE_NUMBER.match(rest) if found in _PHONE_KINDS else None
        if icon is not None:
            rest = rest[icon.end() :]
        if (rest and not re.match(_VALUE_START[found], rest)) or (not rest and match.start()):
            continue
        pieces.append((kind, label, text[start : match.start()]))
        kind, label, start = found, match.group(0).strip(" :：."), len(text) - len(rest)
    pieces.append((kind, label, text[start:]))
    cleaned = [(k, lab, v.strip(" :：|/-")) for k, lab, v in pieces]
    return [(k, lab, v) for k, lab, v in cleaned if k is not None or v]


def _label_kind(match: re.Match[str]) -> Kind:
    if match.group("fax"):
        return Kind.FAX
    if match.group("letter"):
        return _LETTER_LABELS[match.group("letter").lower()]
    return _LABEL_KIND[match.group("word").lower()]


def _phone_label(label: Kind | None) -> PhoneKind | None:
    return PhoneKind(label.value) if label in _PHONE_KINDS else None


def is_label_word(text: str) -> bool:
    return text.strip(" :：.").lower() in _LABEL_KIND


def person_name_like(text: str) -> bool:
    """Name-like and nothing else: not a company, title, department, address or label."""
    return name_like(text) and not any(
        test(text) for test in (is_company, is_title, is_department, is_address, is_label_word)
    )


def looks_like_card(boxes: Sequence[TextBox]) -> bool:
    """Whether some boxes can stand alone as a card: a person's name and a way to reach them
    (a column of a card holding only the company and its address does not)."""
    texts = [b.text.strip() for b in boxes]
    contact = any(EMAIL_RE.search(t) or find_phones(t, None, labelled=False)[0] for t in texts)
    return len(boxes) >= 3 and contact and any(person_name_like(t) for t in texts)


def _name_scripts(boxes: Sequence[TextBox]) -> set[bool]:
    """For each person's name among the boxes: whether it is written in Chinese or Japanese."""
    return {is_cjk(b.text) for b in boxes if person_name_like(b.text.strip())}


def _has_phone(boxes: Sequence[TextBox]) -> bool:
    return any(find_phones(b.text, None, labelled=False)[0] for b in boxes)


def languages_of_one_card(first: Sequence[TextBox], second: Sequence[TextBox]) -> bool:
    """Whether the text on either side of a gap is one bilingual card's two languages rather
    than two cards: the person's name in Latin letters alone on one side and in Chinese or
    Japanese characters alone on the other, and one side with no phone number (a bilingual
    card prints its numbers once, two cards print their own). Two-column bilingual cards were
    read as two cards, the English one holding the e-mail and address and no company."""
    scripts = (_name_scripts(first), _name_scripts(second))
    if scripts not in (({True}, {False}), ({False}, {True})):
        return False
    return not (_has_phone(first) and _has_phone(second))


def repair_title(text: str) -> str | None:
    """The model's character set lacks 監, 締 and 編, so 總監 reads as a title ending in a bare
    總, 取締役 as 取役, 總編輯 as 總輯; the repaired title, or None when nothing needs repair."""
    if text.endswith("總") and not text.endswith("副總") and len(text) >= len("設計總"):
        return text + "監"
    for lost, whole in _TITLE_REPAIRS:
        if lost in text and whole not in text:
            return text.replace(lost, whole)
    return respell_cjk_title(text) or _complete_latin_title(text)


def _complete_latin_title(text: str) -> str | None:
    """ "Product Manag" -> "Product Manager": a short line of capitalised words whose last one
    the OCR cut short (its box ended early) and that begins only one English title word; a line
    that already holds a title word is left alone ("Product Manager Direct": a trailing label)."""
    cut = _CUT_TITLE_WORD.fullmatch(text.strip())
    if cut is None or is_title(text) or is_label_word(cut.group("stem")):
        return None  # "Oscar Moreau Office": a whole label (Office, Direct), no Officer cut short
    stem = cut.group("stem").lower()
    whole = [w for w in LATIN_TITLE_WORDS if w.lower().startswith(stem) and len(w) > len(stem)]
    return f"{cut.group('head')}{whole[0]}" if len(whole) == 1 else None


@dataclass(slots=True)
class TextPiece:
    """Unlabelled text of a line, once its contacts are taken out; `alone` if nothing else was."""

    line: Line
    text: str
    alone: bool
    role: str = "other"
    repaired: bool = False


@dataclass(slots=True)
class Draft:
    """A card being assembled; `sources` holds, per field, the scores of the lines it came from."""

    phones: list[Phone] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sources: dict[str, list[float]] = field(default_factory=dict)
    guessed: set[str] = field(default_factory=set)
    address_lines: list[Line] = field(default_factory=list)

    def put(self, name: str, value: str, line: Line) -> bool:
        """Sets a single-valued field once; a second value goes to the notes."""
        value = value.strip()
        if not value:
            return False
        if name in self.values:
            self.notes.append(value)
            return False
        self.values[name] = value
        self.sources.setdefault(name, []).append(line.score)
        return True

    def add_phone(self, phone: Phone, guessed: bool, line: Line) -> None:
        if any(p.number == phone.number for p in self.phones):
            return
        self.phones.append(phone)
        self.sources.setdefault("phones", []).append(line.score)
        if guessed:
            self.guessed.add("phones")


def _take_contacts(draft: Draft, line: Line, text: str, label: Kind | None) -> str:
    """Takes e-mails, web addresses, a tax ID and phones out of the text; returns what is left."""
    text = _GLUED.sub(r"\1 ", text)
    for email in EMAIL_RE.findall(text):
        draft.emails.append(_EMAIL_LABEL_GLUED.sub("", email))
        draft.sources.setdefault("emails", []).append(line.score)
    text = EMAIL_RE.sub(" ", text)
    for url in URL_RE.findall(text):
        if _email_without_at(url):
            draft.notes.append(f"{NOTE_EMAIL_WITHOUT_AT}: {url}")
        else:
            draft.put("website", url, line)
    text = URL_RE.sub(" ", text)
    compact = re.sub(r"\s", "", text)
    if tax_id_valid(compact) and label is None:
        draft.put("tax_id", compact, line)
        return ""
    phones, text = find_phones(text, _phone_label(label), labelled=label is not None)
    for phone, guessed in phones:
        draft.add_phone(phone, guessed, line)
    return text.strip(_EDGE_PUNCTUATION)


def _email_without_at(url: str) -> bool:
    """ "makoto.satofujl-systems.co.jp": a dotted name before the domain, no www and no scheme;
    an e-mail address whose @ the OCR lost (a card prints its site as www.x or x.com)."""
    if "/" in url or _WWW.match(url):
        return False
    host = url.lower().split(".")
    while len(host) > 1 and host[-1] in _TLD_SET:
        host.pop()
    return len(host) >= _NAME_DOT_DOMAIN


def _take_email(draft: Draft, line: Line, value: str) -> str:
    """An e-mail label's value; one that lost its @ to the OCR goes to the notes (and a web
    address printed after it on the line is still the website)."""
    split = _SPLIT_LOCAL_PART.match(value.strip())
    if split is not None:
        value = f"{split.group(1)}_{split.group(2)}{value.strip()[split.end() :]}"
        draft.guessed.add("emails")
    first, _, rest = value.strip().partition(" ")
    if not EMAIL_RE.search(first) and URL_RE.fullmatch(first):
        draft.notes.append(f"{NOTE_EMAIL_WITHOUT_AT}: {first}")
        return _take_contacts(draft, line, rest, None) if rest else ""
    return _take_contacts(draft, line, value, None)


def _take_labelled(draft: Draft, kind: Kind, label: str, value: str, line: Line) -> str:
    """Places a labelled value; returns any text of it that is not that field."""
    if kind in _PHONE_KINDS:
        return _take_contacts(draft, line, value, kind)
    if kind is Kind.EMAIL:
        return _take_email(draft, line, value)
    if kind is Kind.ADDRESS:
        if draft.put("address", respace_latin(value), line):
            draft.address_lines.append(line)
        return ""
    if kind is Kind.TAX:
        digits = re.sub(r"\D", "", value)
        if len(digits) == TAX_ID_DIGITS and draft.put("tax_id", digits, line):
            if not tax_id_valid(digits):
                draft.guessed.add("tax_id")
            return ""
        return value
    token = value.split()[0] if value.split() else ""
    if kind is Kind.WEB:
        draft.put("website", token, line)
    elif kind is Kind.LINE:
        draft.put("line_id", token, line)
    else:
        draft.notes.append(f"{label}: {value}")
    return ""


def read_line(draft: Draft, line: Line, text: str) -> list[TextPiece]:
    """Puts the labelled values and contacts of a line in the draft; returns the other text."""
    pieces = split_labels(undo_slips(text))
    left: list[str] = []
    for kind, label, value in pieces:
        if kind is None:
            rest = _take_contacts(draft, line, value, None)
        else:
            rest = _take_labelled(draft, kind, label, value, line)
        if rest:
            left.append(rest)
    # A line that is one piece, the punctuation reading took off its ends aside ("Shinjuku,").
    alone = (
        len(pieces) == len(left) == 1
        and pieces[0][0] is None
        and left[0] == pieces[0][2].strip(_EDGE_PUNCTUATION)
    )
    return [_free_text(line, respace_latin(piece), alone) for piece in left]


def _free_text(line: Line, text: str, alone: bool) -> TextPiece:
    repaired = repair_title(text)
    if repaired is not None and is_title(repaired):
        return TextPiece(line, repaired, alone, repaired=True)
    return TextPiece(line, text, alone)
