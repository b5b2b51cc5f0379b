"""Which matches of a search come first, the same way for every store. Pure.

A contact scores by the best place the query is found: the whole name, the start of the name,
inside the name, the company, the e-mail, the phone digits (the end of a number first: people
remember the last digits). Ties keep the store's order (newest first where it knows).
"""

from __future__ import annotations

from collections.abc import Sequence

from namecard.cards.folding import digits, fold, phone_digits
from namecard.cards.model import StoredContact

MIN_PHONE_DIGITS = 3  # fewer digits than this are not looked for in phone numbers
NO_MATCH = 99


def score(contact: StoredContact, query: str) -> int:
    """Lower is better; NO_MATCH when the query is in none of the searched fields."""
    card = contact.card
    wanted, wanted_digits = fold(query), phone_digits(query)
    name = fold(card.name or "")
    places: list[tuple[bool, int]] = [
        (bool(wanted) and name == wanted, 0),
        (bool(wanted) and name.startswith(wanted), 1),
        (bool(wanted) and wanted in name, 2),
        (bool(wanted) and wanted in fold(card.company or ""), 3),
        (bool(wanted) and any(wanted in fold(email) for email in card.emails), 4),
    ]
    if len(wanted_digits) >= MIN_PHONE_DIGITS:
        numbers = [_phone_digits(p.national or p.number) for p in card.phones]
        numbers += [_phone_digits(p.number) for p in card.phones]
        places.append((any(n.endswith(wanted_digits) for n in numbers), 5))
        places.append((any(wanted_digits in n for n in numbers), 6))
    return min((rank for found, rank in places if found), default=NO_MATCH)


def ranked(contacts: Sequence[StoredContact], query: str, limit: int) -> list[StoredContact]:
    """The matches best first, at most `limit`, each contact once."""
    seen: set[str] = set()
    scored: list[tuple[int, int, StoredContact]] = []
    for order, contact in enumerate(contacts):
        if contact.saved.contact_id in seen:
            continue
        seen.add(contact.saved.contact_id)
        rank = score(contact, query)
        if rank < NO_MATCH:
            scored.append((rank, order, contact))
    scored.sort(key=lambda item: item[:2])
    return [contact for _, _, contact in scored[:limit]]


def _phone_digits(number: str) -> str:
    return digits(number.split("#", 1)[0])
