"""Taiwan addresses checked against the official cities, districts and 3-digit postal codes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

# data/tw_districts.json: Chunghwa Post's 3-digit postal codes of the 22 cities and counties and
# their 370 districts (source in the file's "_source" and in data/README.md).
_DATA = "tw_districts.json"
_LEADING_POSTAL = re.compile(r"^(\d{3})(\d{2,3})?")
_DISTRICT_SUFFIXES = "區鄉鎮市島"


@dataclass(frozen=True, slots=True)
class AddressCheck:
    """The address with a misread district corrected; `doubtful` when its postal code
    contradicts its district."""

    address: str
    doubtful: bool = False


@cache
def districts() -> dict[str, dict[str, str]]:
    """City (臺 spelling) → district → 3-digit postal code."""
    text = resources.files("namecard.cards.data").joinpath(_DATA).read_text(encoding="utf-8")
    cities: dict[str, dict[str, str]] = json.loads(text)["cities"]
    return cities


def _find_city(text: str) -> tuple[str, int] | None:
    """The official name of the city the text names and where its name ends; a city opening
    the address (after its postal code) with one character misread counts too (桃固市)."""
    spelled = text.replace("台", "臺")
    found = [(spelled.find(city), city) for city in districts() if city in spelled]
    if found:
        start, city = min(found)
        return city, start + len(city)
    postal = _LEADING_POSTAL.match(spelled)
    start = len(postal.group(0)) if postal else 0
    near = [city for city in districts() if _one_off(spelled[start : start + len(city)], city)]
    return (near[0], start + len(near[0])) if len(near) == 1 else None


def _one_off(read: str, real: str) -> bool:
    """The same last character (區, 鄉 …) and one other character changed or dropped."""
    if not read or read[-1] != real[-1]:
        return False
    if len(read) == len(real):
        return sum(a != b for a, b in zip(read, real, strict=True)) == 1
    return len(read) == len(real) - 1 and any(
        real[:i] + real[i + 1 :] == read for i in range(len(real) - 1)
    )


def _district(city: str, rest: str) -> tuple[str, str] | None:
    """(the district as printed, the real district) at the start of `rest`; None without one."""
    known = districts()[city]
    for real in sorted(known, key=len, reverse=True):
        if rest.startswith(real):
            return real, real
    near = {
        (rest[:size], real)
        for real in known
        for size in (len(real), len(real) - 1)
        if size > 1 and _one_off(rest[:size], real)
    }
    return near.pop() if len(near) == 1 else None


def _postal_contradicts(text: str, code: str) -> bool:
    match = _LEADING_POSTAL.match(text)
    return match is not None and match.group(1) != code


def check_taiwan_address(text: str) -> AddressCheck:
    """A district one character away from a real district of the same city is corrected (板橘區
    → 板橋區); a leading postal code that contradicts the district is flagged, not changed."""
    city = _find_city(text)
    if city is None:
        return AddressCheck(text)
    name, end = city
    start = end - len(name)
    if text[start:end].replace("台", "臺") != name:
        text = text[:start] + name + text[end:]
    found = _district(name, text[end:].replace("台", "臺"))
    if found is None:
        return AddressCheck(text)
    printed, real = found
    if printed != real:
        text = text[:end] + real + text[end + len(printed) :]
    code = districts()[name][real]
    return AddressCheck(text, _postal_contradicts(text, code))


def names_a_district(text: str) -> bool:
    """Whether the address names a real city and one of its districts, exactly as listed."""
    city = _find_city(text)
    if city is None:
        return False
    found = _district(city[0], text[city[1] :].replace("台", "臺"))
    return found is not None and found[0] == found[1]
