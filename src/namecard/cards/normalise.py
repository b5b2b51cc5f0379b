"""Normalise a whole card: every field cleaned, duplicates removed, leftovers kept in notes."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from namecard.cards.address import may_be_taiwan_address, normalise_address
from namecard.cards.confidence import calibrated
from namecard.cards.contact import (
    normalise_email,
    normalise_line_id,
    normalise_tax_id,
    normalise_url,
)
from namecard.cards.context import (
    JAPAN,
    card_region,
    domain_country,
    number_region,
    postal_code_of,
)
from namecard.cards.domains import settle_domains
from namecard.cards.model import Card, Phone, PhoneKind
from namecard.cards.phones import DEFAULT_REGION, normalise_phone, shown_to
from namecard.cards.roles import settle_roles
from namecard.cards.titles import capitalise_acronyms, japanese_name_parts
from namecard.cards.tw_districts import check_taiwan_address

logger = logging.getLogger(__name__)

NOTES_SEPARATOR = "; "
# Labels of the notes entries for values that could not be placed in their field.
NOTE_PHONE = "電話?"
NOTE_EMAIL = "Email?"
NOTE_WEBSITE = "網址?"
NOTE_LINE_ID = "LINE ID?"
NOTE_TAX_ID = "統一編號?"
NOTE_POSTAL_CODE = "郵遞區號"
UNCERTAIN_PHONES = "phones"
UNCERTAIN_ADDRESS = "address"

_DIGIT = re.compile(r"\d")
_CO_LTD = re.compile(r"\b(Co)\.?,?\s?(Ltd)\.?$", re.IGNORECASE)
# A space between two Chinese or Japanese characters (kana, kanji, hanzi).
_WIDE_GAP = re.compile(
    r"(?<=[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])\s+(?=[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])"
)
# Readers separate their notes' entries with new lines; stores get them joined with "; ".
_NOTE_ENTRIES = re.compile(r"\s*\n\s*")


def _text(value: str | None) -> str | None:
    """Trimmed, whitespace collapsed to single spaces; empty becomes None."""
    if value is None:
        return None
    return " ".join(str(value).split()) or None


class _Notes:
    """The card's notes plus entries for values that found no field; nothing is dropped."""

    def __init__(self, existing: str | None) -> None:
        entries = (_text(entry) for entry in _NOTE_ENTRIES.split(existing or ""))
        self._entries: list[str] = list(dict.fromkeys(e for e in entries if e))

    def add(self, label: str, value: str) -> None:
        entry = f"{label}: {value}"
        if not any(entry in existing for existing in self._entries):
            self._entries.append(entry)

    def text(self) -> str | None:
        return NOTES_SEPARATOR.join(self._entries) or None


def _field(
    value: str | None, clean: Callable[[str], str | None], notes: _Notes, label: str
) -> str | None:
    raw = _text(value)
    if raw is None:
        return None
    cleaned = clean(raw)
    if cleaned is None:
        notes.add(label, raw)
    return cleaned


def _merge_phone(phones: dict[tuple[str, str | None], Phone], phone: Phone) -> None:
    """Keep the first of two equal numbers, taking the later kind if the first had none."""
    key = (phone.number, phone.extension)
    kept = phones.get(key)
    if kept is None:
        phones[key] = phone
    elif kept.kind is PhoneKind.OTHER and phone.kind is not PhoneKind.OTHER:
        phones[key] = replace(kept, kind=phone.kind)


def _kind(value: str) -> PhoneKind:
    try:
        return PhoneKind(value)
    except ValueError:  # an extractor's unknown kind string
        return PhoneKind.OTHER


def _read_phone(text: str, phone: Phone, regions: tuple[str, ...]) -> Phone:
    """The number in the first of `regions` it is valid in, else as read in the first."""
    kind = _kind(phone.kind)
    readings = (normalise_phone(text, kind, region=r, extension=phone.extension) for r in regions)
    first = next(readings)
    return (
        first
        if first.national is not None
        else next((read for read in readings if read.national is not None), first)
    )


def _phones(raw: Iterable[Phone], regions: tuple[str, ...], notes: _Notes) -> tuple[Phone, ...]:
    phones: dict[tuple[str, str | None], Phone] = {}
    for phone in raw:
        text = _text(phone.number)
        if text is None:
            continue
        if not _DIGIT.search(text):
            notes.add(NOTE_PHONE, text)
            continue
        _merge_phone(phones, _read_phone(text, phone, regions))
    return tuple(phones.values())


def _card_phones(
    raw: tuple[Phone, ...], card_area: str, home: str, notes: _Notes, domain: str | None
) -> tuple[Phone, ...]:
    """The phones read in the card's region; a number not valid there is tried in the countries
    the card's other numbers belong to, then in the user's own region (the card's region is a
    guess from its script, which OCR errors can mislead), then in the country of the card's own
    domain (a Swiss card's "044 668 13 18" beside "@bluefin.ch", its address naming only Zürich)."""
    first = _phones(raw, (card_area,), _Notes(None))
    countries = (number_region(p.number) for p in first if p.national is not None)
    # A Japanese card (kana, a Japanese address) is strong evidence: its unlabelled numbers are
    # not tried in the user's region ("22000013", a certification number, became a Taipei line).
    fallback = () if card_area == "JP" else (home.upper(), *([domain] if domain else []))
    regions = tuple(dict.fromkeys((card_area, *countries, *fallback)))
    phones = []
    for phone in _phones(raw, regions, notes):
        if _no_japanese_number(phone, card_area):
            notes.add(NOTE_PHONE, phone.number)
        else:
            phones.append(shown_to(phone, home))
    return tuple(phones)


def _no_japanese_number(phone: Phone, card_area: str) -> bool:
    """An unlabelled number on a Japanese card that no country's plan takes and that does not
    start with the trunk 0 every Japanese number is printed with: a certification or
    registration number (real photos: "10820011" beside an ISO mark), kept in the notes."""
    unlabelled = phone.kind is PhoneKind.OTHER and phone.national is None
    return card_area == "JP" and unlabelled and not phone.number.startswith(("+", "0"))


def _without_postal_codes(card: Card, region: str, notes: _Notes) -> tuple[Phone, ...]:
    """The card's phones less the postal codes read as phones (kept in the notes unless the
    address already holds them)."""
    phones = []
    for phone in card.phones:
        code = postal_code_of(phone, card.address, region)
        if code is None:
            phones.append(phone)
        elif code not in (card.address or ""):
            notes.add(NOTE_POSTAL_CODE, code)
    return tuple(phones)


def _uncertain(card: Card, phones: tuple[Phone, ...], address_doubtful: bool) -> tuple[str, ...]:
    """The reader's uncertain fields, plus phones when a number could not be verified (a Taiwan
    landline printed without its area code is incomplete, not a number to dial) and the address
    when its postal code contradicts its district."""
    names = [f for f in card.uncertain_fields if f]
    if any(phone.national is None for phone in phones):
        names.append(UNCERTAIN_PHONES)
    if address_doubtful:
        names.append(UNCERTAIN_ADDRESS)
    return tuple(dict.fromkeys(names))


def _emails(raw: Iterable[str], notes: _Notes) -> tuple[str, ...]:
    emails: dict[str, str] = {}
    for value in raw:
        email = _field(value, normalise_email, notes, NOTE_EMAIL)
        if email is not None:
            emails.setdefault(email.lower(), email)
    return tuple(emails.values())


def _address(value: str | None) -> tuple[str | None, bool]:
    """The cleaned address, and whether it is doubtful (a Taiwan postal code contradicting its
    district); a misread Taiwan district is corrected."""
    text = _text(value)
    if text is None:
        return None, False
    text = _text(normalise_address(text)) or text
    if not may_be_taiwan_address(text):
        return text, False
    checked = check_taiwan_address(text)
    return checked.address, checked.doubtful


def _company(value: str | None) -> str | None:
    """Whitespace collapsed, and none between two Chinese or Japanese characters (a name and its
    legal form read as two boxes of one line: "宏達精密工業 股份有限公司"); "Co.,Ltd", "Co. Ltd"
    and "Co., Ltd" written "Co., Ltd." (the OCR drops its comma and periods), in the case
    printed."""
    text = _text(value)
    if text is None:
        return None
    text = _WIDE_GAP.sub("", text)
    return _CO_LTD.sub(lambda m: f"{m.group(1)}., {m.group(2)}.", text)


def _name(value: str | None, card_area: str) -> str | None:
    """Whitespace collapsed; on a Japanese card a name is written family name, space, given name
    (渡辺大輔 -> 渡辺 大輔), whether it was printed with its gap or not, when its family name is a
    known one: one form for the contact book, and the gap a photo's reading cannot be trusted to
    show."""
    text = _text(value)
    if text is None or card_area != JAPAN:
        return text
    parts = japanese_name_parts(text)
    return " ".join(parts) if parts else text


def _title(value: str | None) -> str | None:
    text = _text(value)
    return capitalise_acronyms(text) if text is not None else None


def _confidence(value: float) -> float:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return 0.0
    return min(max(float(value), 0.0), 1.0)


def _normalise(card: Card, region: str) -> Card:
    notes = _Notes(card.notes)
    card_area = card_region(card, region)
    raw_phones = _without_postal_codes(card, card_area, notes)
    phones = _card_phones(raw_phones, card_area, region, notes, domain_country(card))
    emails = _emails(card.emails, notes)
    website = _field(card.website, normalise_url, notes, NOTE_WEBSITE)
    emails, website = settle_domains(emails, website, card_area)
    line_id = _field(card.line_id, normalise_line_id, notes, NOTE_LINE_ID)
    tax_id = _field(card.tax_id, normalise_tax_id, notes, NOTE_TAX_ID)
    address, address_doubtful = _address(card.address)
    settled = Card(
        name=_text(card.name),
        company=_company(card.company),
        department=_text(card.department),
        title=_title(card.title),
        phones=phones,
        emails=emails,
        address=address,
        website=website,
        line_id=line_id,
        tax_id=tax_id,
        notes=notes.text(),
        confidence=_confidence(card.confidence),
        uncertain_fields=_uncertain(card, phones, address_doubtful),
    )
    settled = settle_roles(settled)
    # After the roles: a Japanese name may only now be the name (moved from the notes).
    settled = replace(settled, name=_name(settled.name, card_area))
    confidence, uncertain = calibrated(settled)
    return replace(settled, confidence=confidence, uncertain_fields=uncertain)


def normalise_card(card: Card, *, region: str = DEFAULT_REGION) -> Card:
    """The card with every field cleaned (phones E.164 with national display, e-mails, website,
    LINE ID, 統一編號, Taiwan address, whitespace); values that fit no field go to `notes`.
    Pure and idempotent; on an unexpected failure the card is returned unchanged."""
    try:
        return _normalise(card, region)
    except Exception:  # a malformed card must never stop a reply; keep it as read
        logger.exception("card normalisation failed; keeping the card as read")
        return card


def normalise_cards(cards: Iterable[Card], *, region: str = DEFAULT_REGION) -> tuple[Card, ...]:
    """normalise_card for each card, order kept."""
    return tuple(normalise_card(card, region=region) for card in cards)
