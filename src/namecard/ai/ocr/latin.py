"""Put back the spaces OCR drops in Latin text ("SanFrancisco" -> "San Francisco")."""

from __future__ import annotations

import re

# Words whose inner capital is part of the spelling, not a dropped space.
_KEEP_WORDS = frozenset(
    (
        "LinkedIn", "YouTube", "PayPal", "iPhone", "iPad", "GitHub", "WhatsApp", "WeChat",
        "FedEx", "JavaScript", "PowerPoint", "eBay", "McKinsey", "PhD", "DevOps", "FinTech",
        "GmbH", "mbH",
    )
)  # fmt: skip
# Tokens left alone entirely: e-mail addresses, web addresses, handles.
_UNTOUCHABLE = re.compile(r"@|://|^www\.|\.(?:com|net|org|io|co|tw|cn|jp|hk)\b", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Acronym before a capitalised word: "ABCCompany" -> "ABC Company".
_ACRONYM = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z]{2,})")
_LETTERS_DIGITS = re.compile(r"(?<=[A-Za-z]{2})(?=\d)")
# Digits before a word, except ordinals and floor/unit marks (1st, 12F, B1, 3rd, 12A).
_DIGITS_LETTERS = re.compile(r"(?<=\d)(?=[A-Za-z]{2,})(?!(?:st|nd|rd|th)\b)")
# A comma before a letter, or before digits that are not a thousands group ("12,60" but "1,000").
_AFTER_COMMA = re.compile(r",(?=[A-Za-z#]|\d(?!\d\d(?:\D|$)))")
# A period ending an abbreviation before a word or a number: "St.Louis", "No.68", "E.Rd.".
_AFTER_PERIOD = re.compile(r"(?<=[A-Za-z]{2})\.(?=[A-Z][a-z]|\d)|(?<=\b[A-Z])\.(?=[A-Z][a-z])")
_AMPERSAND = re.compile(r"(?<=[A-Za-z]{2})&(?=[A-Za-z]{2})")
# A British postcode printed without its space: "EC2V8AU" -> "EC2V 8AU".
_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})(,?)$")
_MC_PREFIX = re.compile(r"\bMc ")
# A space read inside a British postcode's first half: "EC 2V 8AU" -> "EC2V 8AU".
_UK_SPLIT_OUTWARD = re.compile(r"\b([A-Z]{1,2}) (\d[A-Z\d]?) (\d[A-Z]{2})\b")
# An ampersand glued to one of its words: "Founder &CEO", "Sales& Marketing".
_GLUED_AMPERSAND = re.compile(r"(?<=\w)&(?= )|(?<= )&(?=\w)")
# ß read as b or B in a German street name: "Friedrichstrabe".
_ESZETT = re.compile(r"(?<=[a-z])stra[bB]e\b")
# The second half of a British postcode ("M3 2BW"), kept whole.
_UK_INWARD = re.compile(r"^\d[A-Z]{2},?$")
# Its first half ("EC2V", "M3"), kept whole too.
_UK_OUTWARD = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
# A legal form glued to the name before it: "RedwoodRoboticsplc" -> "Redwood Robotics plc".
_GLUED_LEGAL_FORM = re.compile(r"(?<=[a-z]{3})(plc|llc|ltd\.?|GmbH)$")
# An acronym glued to a small word: "VPof Business" -> "VP of Business".
_ACRONYM_WORD = re.compile(
    r"\b([A-Z]{2,}|Head|Chief|Director|Manager|President)(of|and|for|at)(?=[A-Z]|$)"
)


def _space_part(part: str) -> str:
    if _UK_INWARD.match(part) or _UK_OUTWARD.match(part):
        return part
    if _UK_POSTCODE.match(part):
        return _UK_POSTCODE.sub(r"\1 \2\3", part)
    part = _LETTERS_DIGITS.sub(" ", part)
    return _DIGITS_LETTERS.sub(" ", part)


def _space_word(token: str) -> str:
    if token in _KEEP_WORDS or _UNTOUCHABLE.search(token):
        return token
    token = _ESZETT.sub("straße", token)
    token = _ACRONYM_WORD.sub(r"\1 \2 ", token)
    token = _GLUED_LEGAL_FORM.sub(r" \1", token)
    token = _AMPERSAND.sub(" & ", token)
    token = _AFTER_COMMA.sub(", ", token)
    token = _AFTER_PERIOD.sub(". ", token)
    token = _CAMEL.sub(" ", token)
    token = _ACRONYM.sub(" ", token)
    token = " ".join(_space_part(part) for part in token.split())
    return _MC_PREFIX.sub("Mc", token)


def respace_latin(text: str) -> str:
    """Re-inserts the spaces the OCR dropped between Latin words, numbers and after punctuation;
    e-mail and web addresses are kept untouched."""
    text = _GLUED_AMPERSAND.sub(" & ", _UK_SPLIT_OUTWARD.sub(r"\1\2 \3", text))
    return " ".join(_space_word(token) for token in text.split())


# Small words a Latin address keeps in lower case ("Rue du Rhône", "12 rue de la Paix", "Unter
# den Linden", "Via della Spiga"), and French/Italian/Spanish street words, lower case after a
# house number by their own convention.
_LOWER_ADDRESS_WORDS = frozenset(
    (
        "de", "du", "des", "la", "le", "les", "di", "da", "del", "della", "delle", "dei", "van",
        "von", "der", "den", "dem", "am", "an", "im", "of", "the", "and", "y", "e", "bis", "sur",
        "en", "aan", "op", "het", "rue", "avenue", "boulevard", "chemin", "place", "allée",
        "impasse", "via", "viale", "piazza", "corso", "calle", "avenida", "paseo", "plaza",
    )
)  # fmt: skip
# A word of letters only (accents included), starting in lower case.
_LOWER_WORD = re.compile(r"(?<![\w@./-])([a-zà-ÿ])([a-zà-ÿ]{2,})(?![\w@/])")


def _capital(match: re.Match[str]) -> str:
    word = match.group(0)
    return word if word in _LOWER_ADDRESS_WORDS else word[0].upper() + word[1:]


def recapitalise_address(text: str) -> str:
    """A Latin address with the capitals the OCR lost put back ("8001 zürich" -> "8001 Zürich",
    "268 King street" -> "268 King Street"): place and street words of an address are written
    with a capital, except the small words and street words listed above. CJK text is kept."""
    if any("\u3000" <= char <= "\u9fff" for char in text):
        return text
    return _LOWER_WORD.sub(_capital, text)
