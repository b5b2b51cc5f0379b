"""E-mail and web domains as the OCR misreads them: the top-level domain one letter off
("micron-inc.co.ip", "holon.ne.jip", "consult.com.hw"), "wwww." for "www.", and a card's web
address a letter or two off its own e-mail domain ("holon.ne.jo" beside "@holon.ne.jp").

Rules that apply to any reader (Gemini's answers pass here too). A top-level domain is repaired
only when it is none at all (country codes are the regions libphonenumber knows, plus a list of
generic ones) and one edit from a common one, the card's own country first; two domains that
disagree are settled only when exactly one of them ends in a common top-level domain, or
when they differ only where one reads a digit and the other the letter it is taken for
("www.1anhai.com" beside "@lanhai.com": 1 for l, 0 for o), the letter winning, or where one
reads a dot and the other a hyphen, the hyphen winning. Valid but rare
domains ("company.jo") are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

GENERIC_TLDS = frozenset({
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "aero", "coop",
    "museum", "io", "ai", "app", "dev", "co", "me", "tv", "cc", "xyz", "online", "site", "tech",
    "store", "shop", "cloud", "asia", "global", "club", "design", "agency",
})  # fmt: skip
_COUNTRY_CODES = frozenset(r.lower() for r in phonenumbers.SUPPORTED_REGIONS) | {"uk", "eu"}
_KNOWN = GENERIC_TLDS | _COUNTRY_CODES
# What cards in this market end in; a misread is mended towards these only.
_COMMON = frozenset({
    "com", "net", "org", "edu", "gov", "io", "co", "biz", "info", "tw", "jp", "cn", "hk", "sg",
    "kr", "vn", "uk", "de", "ch", "fr", "us", "au", "ca", "my", "th", "in",
})  # fmt: skip
# "wwww." however many w's the OCR read, and "www" whose dot it lost before a host with its own.
_WWW = re.compile(r"^(?P<scheme>[a-z]+://)?(?:w{2,5}\.|www(?=[a-z0-9-]{3,}\.[a-z]))", re.IGNORECASE)
_MAX_AGREEMENT_EDITS = 2
# A digit and the letter the OCR takes it for (or it for the letter) in a domain.
# A hyphen read as a dot (or a dot as a hyphen) counts too; the hyphen wins ("www.x.y.com.tw"
# beside "@x-y.com.tw": a name of two labels under www is rarer than a hyphen lost on small print).
_LOOKALIKES = ({"1", "l"}, {"1", "i"}, {"0", "o"}, {"-", "."})
_MIN_AGREEMENT_LENGTH = 6


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (hand-written: a dozen lines, where a dependency would be one more
    wheel for two short strings; the OCR's title respelling uses it too)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _mended_tld(domain: str, region: str) -> str:
    head, dot, tld = domain.rpartition(".")
    if not dot or tld.lower() in _KNOWN:
        return domain
    near = [c for c in _COMMON if edit_distance(tld.lower(), c) == 1]
    own = region.lower() if region.upper() != "GB" else "uk"
    preferred = [c for c in (own, "com") if c in near]
    choice = preferred[0] if preferred else (near[0] if len(near) == 1 else None)
    return f"{head}.{choice}" if choice else domain


def _host(url: str) -> tuple[str, str, str]:
    """(before the host, host, after the host) of a web address as printed."""
    match = re.match(r"^(?P<pre>(?:[a-z]+://)?(?:www\.)?)(?P<host>[^/:?#]+)(?P<post>.*)$", url,
                     re.IGNORECASE)  # fmt: skip
    if match is None:
        return "", url, ""
    return match.group("pre"), match.group("host"), match.group("post")


def _lettered(one: str, two: str) -> str | None:
    """The two domains with a letter wherever one of them reads the digit taken for it, when
    that is all they differ in; None otherwise."""
    if len(one) != len(two):
        return None
    merged = []
    for a, b in zip(one.lower(), two.lower(), strict=True):
        if a != b and {a, b} not in _LOOKALIKES:
            return None
        merged.append(b if a.isdigit() or a == "." else a)
    return "".join(merged)


def _www_mended(url: str) -> str:
    """ "wwww.x.com" (however many w's the OCR read) and "wwwx.com" -> "www.x.com"."""
    return _WWW.sub(lambda m: f"{m.group('scheme') or ''}www.", url)


def web_host(url: str) -> str:
    """The host of a web address, without its scheme and "www."."""
    return _host(_www_mended(url))[1]


def printed_domains(emails: Iterable[str], website: str | None) -> list[str]:
    """The domains a card prints: its e-mails' domains, then its web address's host."""
    found = [email.rpartition("@")[2] for email in emails]
    if website:
        found.append(web_host(website))
    return found


def _with_domain(emails: list[str], old: str, new: str) -> list[str]:
    """The e-mails, those at domain `old` moved to `new`."""
    return [f"{e.rpartition('@')[0]}@{new}" if e.rpartition("@")[2] == old else e for e in emails]


def _common_tld(domain: str) -> bool:
    return domain.rpartition(".")[2].lower() in _COMMON


def settle_domains(
    emails: tuple[str, ...], website: str | None, region: str
) -> tuple[tuple[str, ...], str | None]:
    """The card's e-mails and web address with misread domains mended (see the module)."""
    mended: list[str] = []
    for email in emails:
        local, _, domain = email.rpartition("@")
        mended.append(f"{local}@{_mended_tld(domain, region)}")
    if website is None:
        return tuple(mended), None
    pre, host, post = _host(_www_mended(website))
    host = _mended_tld(host, region)
    for email_domain in (e.rpartition("@")[2] for e in mended):
        if email_domain.lower() == host.lower() or min(len(host), len(email_domain)) < (
            _MIN_AGREEMENT_LENGTH
        ):
            continue
        if edit_distance(host.lower(), email_domain.lower()) > _MAX_AGREEMENT_EDITS:
            continue
        lettered = _lettered(host, email_domain)
        if lettered is not None:
            host = lettered
            mended = _with_domain(mended, email_domain, lettered)
        elif _common_tld(email_domain) and not _common_tld(host):
            host = email_domain
        elif _common_tld(host) and not _common_tld(email_domain):
            mended = _with_domain(mended, email_domain, host)
        break
    return tuple(mended), f"{pre}{host}{post}"
