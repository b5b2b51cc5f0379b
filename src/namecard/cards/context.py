"""What the rest of a card says about a field: the phones' country, postal codes read as phones."""

from __future__ import annotations

import re

import phonenumbers

from namecard.cards.domains import GENERIC_TLDS, printed_domains
from namecard.cards.model import Card, Phone

JAPAN = "JP"
CHINA = "CN"

_UNKNOWN = "ZZ"
_KANA = re.compile(r"[\u3040-\u30ff]")
# A Japanese address: 〒, a prefecture before a ward or city, or the country in Latin letters.
_JAPANESE_ADDRESS = re.compile(
    r"〒|(?:東京都|北海道|大阪府|京都府|[\u4e00-\u9fff]{1,3}県).{0,6}[区市町村郡]|\bJapan\b", re.I
)
# Forms only simplified Chinese writes (a mainland card); a Taiwan card never prints them.
_SIMPLIFIED = re.compile(r"[号区楼层为这发东车门电话务业经总编组园广厂]")
_TRADITIONAL = re.compile(r"[號區樓層為這發東車門電話務業經總編組園廣廠臺]")
_MAINLAND_ADDRESS = re.compile(r"中国|\bChina\b|[\u4e00-\u9fff]{2,3}省", re.I)
# Legal forms only Japanese companies take (their Taiwan and mainland offices print 股份有限公司
# or 有限公司), as regex alternatives; and what a Taiwan address has that a Japanese one never has.
JAPANESE_LEGAL_FORMS = r"株式会社|有限会社|合同会社|\(株\)|（株）|㈱"
_JAPANESE_FORM = re.compile(JAPANESE_LEGAL_FORMS)
_TAIWAN_ADDRESS = re.compile(r"[縣市].{0,4}[區鄉鎮]|[路街].*號|[台臺]灣|\bTaiwan\b", re.I)
# 〒100-0005, 郵遞區號 106, ZIP 10001: a postal code, whatever its digits look like.
_POSTAL_MARK = re.compile(r"〒|郵遞區號|邮政编码|郵便番号|\bZIP\b|\bPostal\b|\bPost\s?code\b", re.I)
_JAPANESE_POSTAL = re.compile(r"^\d{3}-\d{4}$")
_POSTAL_SHAPE = re.compile(r"^\d{3}-?\d{4}$|^\d{3}(?:\d{2,3})?$")


# The country an address names, for cards printed abroad (national numbers without a country
# code take it): a country's name, or a shape only one country's addresses have.
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_ADDRESS_COUNTRIES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE if flags else 0), region)
    for pattern, region, flags in (
        (r"\b(?:" + _US_STATES + r")\s+\d{5}(?:-\d{4})?\b", "US", False),
        (r"\b(?:USA|U\.S\.A\.|United States)\b", "US", True),
        (r"\b(?:United Kingdom|England|Scotland|Wales|London)\b", "GB", True),
        (r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b", "GB", False),  # UK postcode: W2 6BD
        (r"\b(?:Viet\s?Nam|Việt Nam|Ha\s?Noi|Ho Chi Minh)\b", "VN", True),
        (r"\b(?:Switzerland|Schweiz|Suisse|Svizzera)\b|\bCH-\d{4}\b", "CH", True),
        (r"\bSingapore\b", "SG", True),
        (r"\bHong\s?Kong\b|香港", "HK", True),
        (r"\b(?:Korea|Seoul)\b|서울|대한민국", "KR", True),
        (r"\b(?:Malaysia|Kuala Lumpur)\b", "MY", True),
        (r"\b(?:Thailand|Bangkok)\b", "TH", True),
        (r"\b(?:Germany|Deutschland)\b", "DE", True),
        (r"\bFrance\b", "FR", True),
        (r"\bAustralia\b", "AU", True),
        (r"\bCanada\b", "CA", True),
    )
)


def _address_country(address: str) -> str | None:
    """The country the address names (the last one named, where an address names two)."""
    found = [(m.start(), region) for pattern, region in _ADDRESS_COUNTRIES
             for m in pattern.finditer(address)]  # fmt: skip
    return max(found)[1] if found else None


def domain_country(card: Card) -> str | None:
    """The country whose own top-level domain the card's e-mails and web address end in, when
    they agree on one ("bluefin.ch": Switzerland; "co.uk": Britain). Country domains sold for
    other uses (.io, .ai, .co, .me, .tv, .cc) say nothing. Weaker evidence than the address or
    the numbers: a Taiwan office of a German company prints its parent's domain."""
    found = set()
    for host in printed_domains(card.emails, card.website):
        tld = host.rpartition(".")[2].lower()
        region = "GB" if tld == "uk" else tld.upper()
        if tld not in GENERIC_TLDS and region in phonenumbers.SUPPORTED_REGIONS:
            found.add(region)
    return found.pop() if len(found) == 1 else None


def _texts(card: Card) -> str:
    return " ".join(v for v in (card.name, card.company, card.title, card.address) if v)


def _region_of(number: str) -> str:
    """The region of a number printed with its country code; ZZ for any other."""
    if not number.strip().startswith("+"):
        return _UNKNOWN
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return _UNKNOWN
    if not phonenumbers.is_valid_number(parsed):
        return _UNKNOWN
    code = parsed.country_code
    return phonenumbers.region_code_for_country_code(code) if code else _UNKNOWN


def number_region(number: str) -> str:
    """The region of a valid number printed with its country code (E.164); ZZ for any other."""
    return _region_of(number)


def _printed_country(card: Card) -> str | None:
    """The region of the country code most of the card's international numbers print."""
    regions = [_region_of(phone.number) for phone in card.phones]
    known = [region for region in regions if region != _UNKNOWN]
    return max(set(known), key=known.count) if known else None


def _japanese_company(card: Card) -> bool:
    """A company with a Japanese legal form, its card's address not Chinese: a Japanese card
    whose kana and address the OCR lost ("株式会社<商" beside "市北区商2-69")."""
    address = card.address or ""
    chinese = _TAIWAN_ADDRESS.search(address) or _MAINLAND_ADDRESS.search(address)
    return bool(_JAPANESE_FORM.search(card.company or "")) and not chinese


def card_region(card: Card, default: str) -> str:
    """The region a card's national numbers belong to: Japan for a Japanese card or address,
    else the country code its other numbers print, else Japan for a Japanese company, else the
    country its address names, mainland China for a simplified Chinese card, else `default`."""
    text = _texts(card)
    if _KANA.search(text) or _JAPANESE_ADDRESS.search(card.address or ""):
        return JAPAN
    if printed := _printed_country(card):
        return printed
    if _japanese_company(card):
        return JAPAN
    if abroad := _address_country(card.address or ""):
        return abroad
    mainland = _MAINLAND_ADDRESS.search(card.address or "") is not None
    if mainland or (_SIMPLIFIED.search(text) and not _TRADITIONAL.search(text)):
        return CHINA
    return default


def postal_code_of(phone: Phone, address: str | None, region: str) -> str | None:
    """The postal code a "phone" really is (〒100-0005, 123-4567 on a Japanese card, or the
    digits printed in the card's address), None for a real phone number."""
    text = phone.number.strip()
    if _POSTAL_MARK.search(text):
        return _POSTAL_MARK.sub("", text).strip(" :：")
    compact = re.sub(r"[\s()]", "", text)
    if region == JAPAN and _JAPANESE_POSTAL.match(compact) and not phone.extension:
        return compact  # Japanese phone numbers have ten digits or more
    if phone.extension or not _POSTAL_SHAPE.match(compact) or not address:
        return None
    printed = "-?".join(compact.replace("-", ""))
    return compact if re.search(rf"(?<!\d){printed}(?!\d)", address) else None
