"""What a line of a card is by its words: company, address, title, department or a name."""

from __future__ import annotations

import re

from namecard.cards.context import JAPANESE_LEGAL_FORMS
from namecard.cards.titles import (
    TITLE_LATIN,
    is_department_text,
    is_title_text,
    japanese_name_parts,
)

# Legal forms a company name ends with (or, for 株式会社 and 有限会社, may start with).
LEGAL_SUFFIX = (
    r"(?:企業|企业|實業|实业)?(?:股份有限公司|有限公司)|有限責任公司|有限责任公司|公司|事務所|事务所|"
    + JAPANESE_LEGAL_FORMS
    + r"|Co\.?,?\s*Ltd\.?|Ltd\.?|Limited|Inc\.?|Corp\.?|Corporation|LLC|L\.L\.C\.|LLP|GmbH"
    r"|AG|S\.A\.|SAS|SARL|S\.r\.l\.|S\.p\.A\.|B\.V\.|N\.V\.|Oy|A/S|K\.K\.|PLC|Pte\.?\s*Ltd\.?"
    # Printed in capitals without periods (a Swiss "Lakemont Robotics SA", "SAP SE", a Swedish
    # AB, a Dutch BV): only in capitals, so a word like "sa" or "se" ending a line is no form.
    r"|(?-i:SA|SE|AB|BV|NV)"
    r"|Pty\.?\s*Ltd\.?|Sdn\.?\s*Bhd\.?|Company|Group|Holdings|Studio"
)
_COMPANY_RE = re.compile(
    r"(?:集團|集团|工作室|協會|协会|基金會|學會|銀行|醫院|診所|茶行|商行|洋行|車行|企業社|實業社|商店"
    r"|書店|書局|藥局|餐廳|飯店|旅行社|出版社|合作社|商號"
    r"|(?<![A-Za-z])(?:" + LEGAL_SUFFIX + r"))\s*$"
    r"|^(?:" + JAPANESE_LEGAL_FORMS + r")",
    re.IGNORECASE,
)
# "Ltd" as the OCR misreads it at the end of a company name: "Lid", "Itd", "Ltc".
_MISREAD_LTD = re.compile(r"(?<=[A-Za-z]\s)(?:L[i1]d|[I1l]td|Lt[co])(?=\.?$)")
# "Pte. Ltd" as read at a line's end: the final period lost while the first one was read.
_LOST_PERIOD = re.compile(r"(\b(?:Pte|Pty|Sdn|Co)\.,?\s*(?:Ltd|Bhd))$")
# Legal forms of four characters or more with one of them lost by the OCR ("式会社ツバサ製薬",
# "ひかり製薬株会社", "永豐食品股份限公司"): mended when the rest of the name is on the line (two
# characters at least); Japanese forms open or end a name, Chinese ones end it.
_JAPANESE_FORMS = ("株式会社", "有限会社")
_WHOLE_FORMS = (*_JAPANESE_FORMS, "股份有限公司", "有限公司")


def _short_forms(forms: tuple[str, ...]) -> dict[str, str]:
    return {f[:i] + f[i + 1 :]: f for f in forms for i in range(len(f))}


def _alternatives(forms: dict[str, str]) -> str:
    return "|".join(sorted(forms, key=len, reverse=True))


_SHORT_HEAD, _SHORT_TAIL = _short_forms(_JAPANESE_FORMS), _short_forms(_WHOLE_FORMS)
_TWO_CHARACTERS = r"[\u3040-\u30ff\u3400-\u9fff]{2}"
_LOST_HEAD = re.compile(rf"^(?:{_alternatives(_SHORT_HEAD)})(?={_TWO_CHARACTERS})")
_LOST_TAIL = re.compile(rf"(?<={_TWO_CHARACTERS})(?:{_alternatives(_SHORT_TAIL)})$")
_PREFIX_FORM = re.compile(r"^(?:" + JAPANESE_LEGAL_FORMS + r")")
# A line that is nothing but a legal form: the end of a company name broken over two lines.
_SUFFIX_ONLY = re.compile(r"^\s*(?:" + LEGAL_SUFFIX + r")\s*$", re.IGNORECASE)
# The tail of a Chinese legal form whose line broke inside it: "远见建设股" / "份有限公司".
_SUFFIX_TAIL = re.compile(r"^\s*(?:份有限公司|限公司|限责任公司|限責任公司)\s*$")
_ADDRESS_CJK = re.compile(
    r"(?:市|縣|县|省).*(?:區|区|鄉|乡|鎮|镇|路|街|段|號|号|巷|弄|樓|楼)|(?:路|街|大道).*(?:號|号)"
    r"|^\d{3,6}\s*\S{1,3}(?:市|縣|县)|^〒|(?:都|道|府|県).*(?:区|市|町|村|丁目)"
    r"|[区市町村].{0,12}\d+(?:丁目|番地?|号|-\d+)"
    r"|^〒?\s*\d{3}-\d{4}\s*[\u3040-\u30ff\u4e00-\u9fff]"  # a Japanese postal code, then the rest
)
_ADDRESS_LATIN = re.compile(
    r"\d.*\b(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Way|Lane|Ln|Dr|Drive"
    r"|Suite|Ste|Floor|Fl|Plaza|Building|Bldg|Tower|Sec|Section|Alley|Highway|Hwy|Parkway|Pkwy"
    r"|Court|Ct)\b"
    r"|\b[A-Z]{2}\s?\d{5}(?:-\d{4})?\b|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}$"  # US, UK
    r"|\b(?:Taipei|Taichung|Kaohsiung|Hsinchu|Taiwan|R\.O\.C\.)\b"
    # Europe: "Bahnhofstrasse 12, 8001 Zürich", "CH-8001", "12 rue de la Paix, 75002 Paris".
    r"|[A-Za-zÀ-ÿ]+(?:stra(?:ss|ß)e|str\.|weg|gasse|platz|allee|laan|straat|vej|gatan)\s+\d"
    r"|\b(?:rue|avenue|boulevard|via|viale|calle|avenida|piazza|plaza)\s+\S+.*\d"
    r"|\b(?:[A-Z]{1,2}-)?\d{4,5}\s+[A-ZÀ-Ý][a-zà-ÿ]+"
    # Japan in Latin letters: "5-6-1 Shinjuku, Shinjuku-ku, Tokyo 160-0022".
    r"|-(?:ku|shi|cho|machi|gun)\b|\b(?:Tokyo|Osaka|Kyoto|Yokohama|Nagoya)\b.*\d{3}-\d{4}"
    r"|\b\d{1,4}-\d{1,4}(?:-\d{1,4})?,?\s+[A-Z][a-z]+",
    re.IGNORECASE,
)
_ADDRESS_DONE = re.compile(
    r"(?:號|号|樓|楼|室|階|F|\d{5}(?:-\d{4})?|\d{3}-\d{4}|Taiwan|USA|Japan|R\.O\.C\.)\s*$"
)
_DEPT_THEN_TITLE = re.compile(r"^(.{2,10}?(?:部|處|处|課|课|組|组|中心))\s*(.+)$")
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z'’-]*\.?(?:\s+[A-Z][A-Za-z'’-]*\.?){1,2}")
# Building and place words: a line with them is an address part, never a person's name.
_PLACE_WORDS = re.compile(
    r"\b(?:Bldg|Building|Tower|Plaza|Centre|Center|Floor|Suite|Road|Street|Avenue|City)\b"
    r"|ビル|大廈|大樓|大楼|中心|廣場|广场",
    re.IGNORECASE,
)


def is_company(text: str) -> bool:
    return bool(_COMPANY_RE.search(text))


def is_legal_suffix(text: str) -> bool:
    """A line holding only a legal form ("股份有限公司", "Co., Ltd.", "株式会社"), or the tail of
    one whose line broke inside it ("份有限公司")."""
    return bool(_SUFFIX_ONLY.match(text) or _SUFFIX_TAIL.match(text))


def completes_legal_form(head: str, tail: str) -> bool:
    """Whether `tail` is the rest of a legal form that `head` breaks off inside ("远见建设股" /
    "份有限公司"): the head's line may carry other text (a label and a phone beside it)."""
    if not _SUFFIX_TAIL.match(tail):
        return False
    missing = "股" if tail.strip().startswith("份") else "有"
    return head.strip().endswith(missing) and len(head.strip()) > 1


def is_company_prefix(text: str) -> bool:
    """A legal form printed before the name (株式会社さくら…)."""
    return bool(_PREFIX_FORM.match(text.strip()))


def is_address(text: str) -> bool:
    return bool(_ADDRESS_CJK.search(text) or _ADDRESS_LATIN.search(text))


def address_complete(text: str) -> bool:
    """Whether an address already ends the way addresses end (a number, floor or postcode)."""
    return bool(_ADDRESS_DONE.search(text))


def is_title(text: str) -> bool:
    return is_title_text(text)


def is_department(text: str) -> bool:
    return is_department_text(text)


def department_then_title(text: str) -> tuple[str, str] | None:
    """ "業務部經理" -> ("業務部", "經理"); None unless the line is a unit and then a title."""
    split = _DEPT_THEN_TITLE.match(text.replace(" ", ""))
    if split and is_title(split.group(2)):
        return split.group(1), split.group(2)
    return None


def name_like(text: str) -> bool:
    """Two to four Chinese characters, a Japanese family name and a given name of up to three
    (鈴木真由美), or two or three capitalised Latin words."""
    if _PLACE_WORDS.search(text):
        return False
    compact = text.replace(" ", "")
    if _CJK_NAME.fullmatch(compact) or japanese_name_parts(compact):
        return not is_title(compact)
    return bool(_LATIN_NAME.fullmatch(text.strip())) and not TITLE_LATIN.search(text)


def _whole_form(text: str) -> str:
    """The text with a legal form that lost one character written whole."""
    text = text.strip()
    if text.startswith(_WHOLE_FORMS) or text.endswith(_WHOLE_FORMS):
        return text
    text = _LOST_HEAD.sub(lambda m: _SHORT_HEAD[m.group()], text)
    return _LOST_TAIL.sub(lambda m: _SHORT_TAIL[m.group()], text)


def repair_legal_form(text: str) -> str:
    """ "Lakemont Partners Lid" -> "Lakemont Partners Ltd", "式会社ツバサ製薬" -> "株式会社ツバサ
    製薬", "Pinecrest Labs Pte. Ltd" -> "Pinecrest Labs Pte. Ltd."; other text as it is."""
    return _LOST_PERIOD.sub(r"\1.", _MISREAD_LTD.sub("Ltd", _whole_form(text)))
