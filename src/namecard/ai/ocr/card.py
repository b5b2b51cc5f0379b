"""Assemble one card from its OCR lines: place every piece of text in a field or in the notes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from namecard.ai.ocr import fields as rules
from namecard.ai.ocr import words as words
from namecard.ai.ocr.company import heads_a_legal_form, place_company, without_repeated_initial
from namecard.ai.ocr.latin import recapitalise_address
from namecard.ai.ocr.layout import Line
from namecard.ai.ocr.respell import respell_latin_title, without_misread_label
from namecard.ai.ocr.script import is_japanese, keep_card_script
from namecard.cards.alternates import alternate, is_cjk
from namecard.cards.domains import printed_domains
from namecard.cards.model import Card

# Layout tolerances, in text heights.
_BELOW_GAP = 1.0
_NAME_HEIGHT_TIE = 0.85
# A line read with a lower score makes its field uncertain; each uncertain field costs confidence.
_LOW_SCORE = (
    0.95  # on the tuning corpus, fields from lines read below this were right 43% of the time
)
_UNCERTAIN_PENALTY = 0.95
_ADDRESS_PARTS = 3
# A department without a marker word: a few words, no taller than the title above it.
_UNIT_WORDS = 4
_UNIT_CHARS = 30
_UNIT_HEIGHT = 1.2
# A Chinese name box this much wider (in characters) than its text probably lost a character.
_MISSING_CHAR_SLACK = 0.6
# Words of an English name line that may end in a label read on its row: the name, and the label.
_NAME_WORDS_WITH_LABEL = 3
_NOTE_SEPARATOR = "\n"
# A contact label left at the end of the title's line: "Chief Financial Officer Mobile",
# "Associate Marketing Director office" (not "Head of Office").
_TRAILING_LABEL = re.compile(
    r"(?<!\bof)\s+(?:Mobile|Moble|Mob|Cell|Tel|Phone|Office|Direct|Fax|E-?mail"
    r"|電話|手機|傳真|携帯|電子郵件|[\u4e00-\u9fff]真)\s*$",  # 博真: 傳真 misread
    re.IGNORECASE,
)
# A logo's initial read on the company's line: "T Tidewater Robotics GmbH", "2 株式会社ひかり製薬",
# "さくら製薬株式会社 さ", "Meridian Systems GmbH M" (a mark printed right of a company ending in
# its legal form; not the name after a legal form printed first, "株式会社 ひの").
_LOGO_INITIAL = re.compile(
    r"^[A-Z]\s+(?=[A-Z][a-z])|(?<=[a-z.])\s+[A-Z]$|^[A-Za-z0-9]{1,2}\s+(?=株式会社|有限会社|合同会社)"
    r"|(?:(?<=\S\S株式会社)|(?<=\S\S有限会社)|(?<=\S\S合同会社)|(?<=\S\S有限公司))\s+[^\s\d]{1,2}$"
    r"|(?:(?<=GmbH)|(?<=\sAG)|(?<=LLC)|(?<=PLC)|(?<=LLP))\s+[A-Z]$"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Chinese characters and kana: a Japanese address broken before a word in hiragana ("西区み" /
# "なとみらい…") joins without a comma, as Chinese lines do.
_WIDE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# An e-mail's @ as the OCR reads it when it loses it: a round letter, ß, a copyright sign.
_AT_LOOKALIKES = frozenset("aoegqßQ@©")
_LOCAL_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]*[A-Za-z0-9]")
_MIN_DOMAIN = 5
# A logo's mark read as a box of its own: at most this many characters.
_MARK_CHARS = 2
# Words that carry on the line above rather than start a new part of an address ("Zhongxiao" /
# "E. Rd., Da'an Dist.", "370 Madison Avenue, 13th" / "Floor, New York").
_CARRIED_ON = re.compile(
    r"^(?:[NSEW]\.?\s+)?(?:Dist\.?|District|Rd\.?|Road|St\.?|Street|Sec\.?|Ave\.?|Floor|Fl\.)"
    r"(?:\W|$)"
)
# A line holding only a street name, its number printed on the next line.
_STREET_ONLY = re.compile(
    r"[A-Za-zÀ-ÿ](?:stra(?:ss|ß)e|str\.|weg|gasse|platz|allee|straat|vej|gatan)$", re.IGNORECASE
)
# A Japanese block number ending a line, the district named on the next ("5-6-3" / "Shinjuku,").
_BLOCK_NUMBER = re.compile(r"\b\d{1,4}-\d{1,4}-\d{1,4}$")
# A house number and street whose line ends in a comma, the town on the next ("3 Deansgate,").
_NUMBERED_STREET = re.compile(r"^\d{1,5}[A-Za-z]?\s+[A-Za-zÀ-ÿ][^\d,]*,$")


def _below(upper: Line, lower: Line, max_gap: float) -> bool:
    """Whether `lower` sits right under `upper`, starting within its horizontal span."""
    height = max(upper.height, lower.height)
    gap = lower.y0 - upper.y1
    return -0.3 * height <= gap <= max_gap * height and upper.x0 - height <= lower.x0 < upper.x1


def _join_address(address: str, part: str) -> str:
    """CJK and kana lines join directly; a Latin line break stands for a comma, unless the line ends
    with one or the next one carries on a name ("Banqiao" / "Dist., New Taipei City")."""
    if _WIDE.match(address[-1:]) and _WIDE.match(part[:1]):
        return address + part
    if (
        address.endswith(",")
        or _CARRIED_ON.match(part)
        or _STREET_ONLY.search(address)
        or (_BLOCK_NUMBER.search(address) and part[:1].isalpha())
    ):
        return f"{address} {part}"
    return f"{address}, {part}"


def _numbered_street(text: rules.TextPiece) -> bool:
    """The whole line is a house number and street ending in a comma (which reading took off)."""
    printed = text.line.text.strip()
    return bool(_NUMBERED_STREET.match(printed)) and text.text == printed.rstrip(",").strip()


def _street_above(draft: rules.Draft, texts: list[rules.TextPiece]) -> None:
    """A street name printed alone above the address's number ("Friedrichstraße" / "320, 10117
    Berlin"), or a number and street ending in a comma above the town ("3 Deansgate," /
    "Manchester M3 2BW"), opens the address."""
    first = draft.address_lines[0]
    above = next((t for t in texts if _below(t.line, first, _BELOW_GAP)
                  and (t.alone or _numbered_street(t))), None)  # fmt: skip
    if above is None:
        return
    street = _STREET_ONLY.search(above.text) and not any(c.isdigit() for c in above.text)
    if not street and not _numbered_street(above):
        return
    draft.values["address"] = _join_address(above.text, draft.values["address"])
    draft.sources["address"].append(above.line.score)
    texts.remove(above)


def _continue_address(draft: rules.Draft, texts: list[rules.TextPiece]) -> None:
    """Appends the lines that carry on a multi-line address below it."""
    if draft.address_lines:
        _street_above(draft, texts)
    while draft.address_lines and len(draft.address_lines) < _ADDRESS_PARTS:
        last, address = draft.address_lines[-1], draft.values["address"]
        part = next((t for t in texts if t.alone and _below(last, t.line, _BELOW_GAP)), None)
        if part is None or words.is_company(part.text) or words.is_title(part.text):
            return
        if not (words.is_address(part.text) or not words.address_complete(address)):
            return
        draft.values["address"] = _join_address(address, part.text)
        draft.sources["address"].append(part.line.score)
        draft.address_lines.append(part.line)
        texts.remove(part)


def _role(text: str) -> str:
    compact = text.strip()
    if len(compact) <= 1 or rules.is_label_word(compact):
        return "drop"
    for role, test in (
        ("company", words.is_company),
        ("address", words.is_address),
        ("title", words.is_title),
        ("department", words.is_department),
        ("name", words.name_like),
    ):
        if test(compact):
            return role
    return "other"


def _without_trailing_label(text: str) -> str:
    """The text without a contact label at its end, as printed or misread by one letter."""
    return without_misread_label(_TRAILING_LABEL.sub("", text))


def _without_label_on_the_row(name: str) -> str:
    """An English name without the contact label of the next column read on its row, as printed
    or one letter off ("Oscar Moreau Office", "Oscar Moreau Offlice"); a name of two words is
    left whole."""
    if _CJK.search(name) or len(name.split()) < _NAME_WORDS_WITH_LABEL:
        return name
    bare = _without_trailing_label(name)
    return bare if bare != name and words.name_like(bare) else name


def _first(texts: list[rules.TextPiece], role: str) -> rules.TextPiece | None:
    return next((t for t in texts if t.role == role), None)


def _lost_character(text: str, line: Line) -> bool:
    """A Chinese name whose box is wider than its characters: the OCR probably dropped one."""
    return bool(_CJK.search(text)) and (line.x1 - line.x0) / line.height > (
        len(text) + _MISSING_CHAR_SLACK
    )


def _name_value(text: str, japanese: bool) -> str:
    """A Chinese name without spaces; a Japanese one with its space where the OCR read one (the
    normaliser writes a Japanese name with a known family name as family, space, given name)."""
    if not _CJK.search(text):
        return text
    compact = text.replace(" ", "")
    parts = text.split()
    if japanese and len(parts) == 2:
        return " ".join(parts)
    return compact


def _place_name(draft: rules.Draft, texts: list[rules.TextPiece], japanese: bool) -> None:
    """The tallest name-like line (the top one among near-equals); the name in the other script
    goes to the notes."""
    names = [t for t in texts if t.role == "name" and not heads_a_legal_form(t, texts)]
    if not names:
        return
    tallest = max(t.line.height for t in names)
    near = [t for t in names if t.line.height >= _NAME_HEIGHT_TIE * tallest]
    chosen = min(near, key=lambda t: (t.line.y0, t.line.x0))
    cjk = bool(_CJK.search(chosen.text))
    value = _name_value(chosen.text, japanese)
    draft.put("name", value, chosen.line)
    chosen.role = "used"
    if len(near) > 1 or (" " not in value and _lost_character(value, chosen.line)):
        draft.guessed.add("name")
    others = [t for t in names if t is not chosen and bool(_CJK.search(t.text)) != cjk]
    if others:
        second = max(others, key=lambda t: t.line.height)
        draft.notes.append(alternate("name", second.text).note())
        second.role = "used"


def _place_title(draft: rules.Draft, texts: list[rules.TextPiece]) -> Line | None:
    title = _first(texts, "title")
    if title is None:
        return None
    title.role = "used"
    if title.repaired:
        draft.guessed.add("title")
    title.text = _without_trailing_label(title.text)
    respelt = respell_latin_title(title.text)
    if respelt != title.text:
        draft.guessed.add("title")
        title.text = respelt
    split = words.department_then_title(title.text)
    if split and "department" not in draft.values:
        draft.put("department", split[0], title.line)
        draft.put("title", split[1], title.line)
    else:
        draft.put("title", title.text, title.line)
    return title.line


def _unit_like(text: rules.TextPiece, title: Line) -> bool:
    words = text.text.split()
    return (
        text.role in ("other", "name")
        and text.alone
        and not any(c.isdigit() or c in "@:/" for c in text.text)
        and len(words) <= _UNIT_WORDS
        and len(text.text) <= _UNIT_CHARS
        and text.line.height <= _UNIT_HEIGHT * title.height
        and _below(title, text.line, _BELOW_GAP)
    )


def _place_unit_under_title(
    draft: rules.Draft, texts: list[rules.TextPiece], title: Line | None
) -> None:
    """A department printed without a marker word ("APAC Sales") sits right under the title."""
    if title is None or "department" in draft.values:
        return
    unit = next((t for t in texts if _unit_like(t, title)), None)
    if unit is not None:
        unit.role = "used"
        draft.put("department", unit.text, unit.line)
        draft.guessed.add("department")


def _place_single(draft: rules.Draft, texts: list[rules.TextPiece], role: str) -> None:
    found = _first(texts, role)
    if found is not None and role not in draft.values:
        found.role = "used"
        if draft.put(role, found.text, found.line) and role == "address":
            draft.address_lines.append(found.line)


def _is_noise(text: rules.TextPiece, known: str) -> bool:
    """Logo marks (letters of the company or name), stray labels and short low-score specks."""
    compact = text.text.replace(" ", "")
    if text.role == "drop" or all(c in known for c in compact):
        return True
    return len(compact) <= 2 and text.line.score < _LOW_SCORE


def _label_alternates(draft: rules.Draft, texts: list[rules.TextPiece]) -> None:
    """A second title or company in the other language is kept as that field's alternate."""
    for role in ("title", "company"):
        placed = draft.values.get(role)
        if placed is None:
            continue
        for text in texts:
            if text.role == role and is_cjk(text.text) != is_cjk(placed):
                draft.notes.append(alternate(role, text.text).note())
                text.role = "used"


def _collect_notes(draft: rules.Draft, texts: list[rules.TextPiece]) -> None:
    known = draft.values.get("company", "") + draft.values.get("name", "")
    for text in texts:
        if text.role != "used" and not _is_noise(text, known):
            draft.notes.append(text.text)


def _card_domains(draft: rules.Draft) -> list[str]:
    """The domains the card prints elsewhere: its web address's host and its e-mails' domains."""
    found = printed_domains(draft.emails, draft.values.get("website"))
    return [d for d in found if "." in d and len(d) >= _MIN_DOMAIN]


def _email_with_at(text: str, domains: Sequence[str]) -> str | None:
    """ "fchouadingshengtech.com" beside www.dingshengtech.com -> "fchou@dingshengtech.com": an
    address whose @ the OCR read as a round letter ("a", "o", "e", "g", "q", "ß" …), ending in a
    domain the card prints elsewhere. Any other letter before the domain may be the local part's
    own ("tnakamuramhinata-bussan.co.jp": the @ read as m, or dropped?), so that one is left."""
    for domain in domains:
        if not text.lower().endswith(domain.lower()):
            continue
        head = text[: -len(domain)]
        local = head[:-1]
        if head[-1:] in _AT_LOOKALIKES and _LOCAL_PART.fullmatch(local):
            return f"{local}@{domain}"
    return None


def _recover_emails(draft: rules.Draft) -> None:
    """E-mail addresses kept in the notes for their lost @ whose domain the card prints
    elsewhere are e-mails again, flagged uncertain; the rest stay in the notes."""
    domains = _card_domains(draft)
    kept = []
    for note in draft.notes:
        label, _, value = note.partition(": ")
        email = _email_with_at(value, domains) if label == rules.NOTE_EMAIL_WITHOUT_AT else None
        if email is None:
            kept.append(note)
        else:
            draft.emails.append(email)
            draft.guessed.add("emails")
    draft.notes[:] = kept


def _uncertain(draft: rules.Draft) -> list[str]:
    low = {name for name, scores in draft.sources.items() if min(scores) < _LOW_SCORE}
    present = set(draft.values)
    present.update(name for name in ("phones", "emails") if getattr(draft, name))
    return sorted((low | draft.guessed) & present)


def _build(draft: rules.Draft) -> Card:
    uncertain = _uncertain(draft)
    scores = [s for values in draft.sources.values() for s in values]
    confidence = sum(scores) / len(scores) * _UNCERTAIN_PENALTY ** len(uncertain) if scores else 0.0
    values = draft.values
    return Card(
        name=values.get("name"),
        company=values.get("company"),
        department=values.get("department"),
        title=values.get("title"),
        phones=tuple(draft.phones),
        emails=tuple(dict.fromkeys(draft.emails)),
        address=recapitalise_address(values["address"]) if "address" in values else None,
        website=values.get("website"),
        line_id=values.get("line_id"),
        tax_id=values.get("tax_id"),
        notes=_NOTE_SEPARATOR.join(dict.fromkeys(draft.notes)) or None,
        confidence=round(confidence, 2),
        uncertain_fields=tuple(uncertain),
    )


def _split_title_and_company(line: Line) -> list[Line]:
    """A line whose boxes are a title and a company side by side ("VP of Business Development"
    "Westbrook Logistics Pte. Ltd.", merged for sharing a baseline) is two lines."""
    parts = line.fragments
    for cut in range(1, len(parts)):
        left, right = Line(parts[:cut]), Line(parts[cut:])
        if {_role(left.text), _role(right.text)} == {"title", "company"}:
            return [left, right]
    return [line]


def _without_logo_mark(line: Line) -> Line:
    """A logo's mark read as a box of its own before a company that opens with its legal form
    ("ひ" "株式会社ひかり製薬", the initial in a square) is no part of the company; a name before
    a lone legal form ("大和" "株式会社") is."""
    first, rest = line.fragments[0], line.fragments[1:]
    if not rest or len(first.text.strip()) > _MARK_CHARS:
        return line
    company = Line(rest).text
    opens = words.is_company_prefix(company) and not words.is_legal_suffix(company)
    return Line(rest) if opens else line


def read_card(lines: Sequence[Line]) -> Card:
    """The raw card printed on these lines (phones as read, typed, extensions apart)."""
    lines = [part for line in lines for part in _split_title_and_company(line)]
    lines = [_without_logo_mark(line) for line in lines]
    texts = keep_card_script([line.text for line in lines])
    draft = rules.Draft()
    free = [
        t
        for line, text in zip(lines, texts, strict=True)
        for t in rules.read_line(draft, line, text)
    ]
    for text in free:
        text.text = words.repair_legal_form(text.text)
        text.role = _role(text.text)
        core = without_repeated_initial(_LOGO_INITIAL.sub("", text.text))
        if text.role != "company" and core != text.text and words.is_company(core):
            text.text, text.role = core, "company"
        elif text.role == "company":
            text.text = core
        if text.role == "name":
            text.text = _without_label_on_the_row(text.text)
    _place_single(draft, free, "address")
    _continue_address(draft, free)
    _place_name(draft, free, is_japanese(texts))
    place_company(draft, free)
    title = _place_title(draft, free)
    _place_single(draft, free, "department")
    _place_unit_under_title(draft, free, title)
    _label_alternates(draft, free)
    _collect_notes(draft, free)
    _recover_emails(draft)
    return _build(draft)
