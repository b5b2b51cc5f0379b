"""The same person seen again in the local contact book: found by e-mail or mobile number and
updated in place (old values kept in the notes), with every card id that led to the row."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from namecard.cards.model import Card, PhoneKind
from namecard.domain.labels import labelled
from namecard.domain.notes import merged_notes, replaced_value

ALIAS_SCHEMA = """
CREATE TABLE IF NOT EXISTS card_aliases (
    card_id TEXT PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id)
);
"""
LIST_SEPARATOR = "; "
# Columns a new card may fill or replace, with the label an old value carries into the notes.
MERGED_COLUMNS: Mapping[str, str] = dict(
    labelled(("name", "company", "department", "title", "phones", "emails", "address",
              "website", "line_id", "tax_id"))
)  # fmt: skip
# Columns that describe the latest reading; rewritten with the card, never noted.
QUIET_COLUMNS = ("decision_influence", "confidence", "uncertain_fields")
JSON_LISTS = frozenset({"phones", "emails", "uncertain_fields"})
# Candidates only (a JSON-quoted value anywhere in the list): `_matches` decides.
_CANDIDATES = """
SELECT * FROM contacts
WHERE instr(lower(emails), lower(:email)) > 0
    OR EXISTS (SELECT 1 FROM json_each(:mobiles) AS mobile WHERE instr(phones, mobile.value) > 0)
ORDER BY id
"""
# A column left NULL in the parameters keeps its value (a merge never empties a column).
_UPDATE = """
UPDATE contacts SET name = coalesce(:name, name), company = coalesce(:company, company),
    department = coalesce(:department, department), title = coalesce(:title, title),
    phones = coalesce(:phones, phones), emails = coalesce(:emails, emails),
    address = coalesce(:address, address), website = coalesce(:website, website),
    line_id = coalesce(:line_id, line_id), tax_id = coalesce(:tax_id, tax_id),
    notes = coalesce(:notes, notes),
    decision_influence = coalesce(:decision_influence, decision_influence),
    confidence = coalesce(:confidence, confidence),
    uncertain_fields = coalesce(:uncertain_fields, uncertain_fields)
WHERE id = :id
"""
_UPDATED_COLUMNS = (*MERGED_COLUMNS, *QUIET_COLUMNS, "notes")


def known_contact(conn: sqlite3.Connection, card_id: str) -> int | None:
    """The row a card was saved to before: its own row, or the row it updated."""
    row = conn.execute(
        "SELECT id FROM contacts WHERE card_id = ? "
        "UNION ALL SELECT contact_id FROM card_aliases WHERE card_id = ? LIMIT 1",
        (card_id, card_id),
    ).fetchone()
    return None if row is None else int(row[0])


def remember_alias(conn: sqlite3.Connection, card_id: str, contact_id: int) -> None:
    conn.execute(
        "INSERT INTO card_aliases (card_id, contact_id) VALUES (?, ?) "
        "ON CONFLICT(card_id) DO NOTHING",
        (card_id, contact_id),
    )


def same_person(conn: sqlite3.Connection, card: Card) -> dict[str, Any] | None:
    """The oldest row with the card's first e-mail (any case) as its first e-mail, or with one of
    its mobile numbers as a mobile. Office and fax numbers are shared by colleagues: never used."""
    email = card.emails[0].casefold() if card.emails else None
    mobiles = {p.number for p in card.phones_of(PhoneKind.MOBILE) if p.number}
    if email is None and not mobiles:
        return None
    params = {
        "email": json.dumps(card.emails[0], ensure_ascii=False) if card.emails else None,
        "mobiles": json.dumps([json.dumps(number, ensure_ascii=False) for number in mobiles]),
    }
    for row in conn.execute(_CANDIDATES, params):
        contact = decoded(row)
        if _matches(contact, email, mobiles):
            return contact
    return None


def _matches(contact: Mapping[str, Any], email: str | None, mobiles: set[str]) -> bool:
    emails = contact["emails"]
    if email is not None and emails and str(emails[0]).casefold() == email:
        return True
    return any(
        phone.get("type") == PhoneKind.MOBILE and phone.get("number") in mobiles
        for phone in contact["phones"]
    )


def decoded(row: sqlite3.Row) -> dict[str, Any]:
    contact = dict(row)
    for column in JSON_LISTS:
        contact[column] = json.loads(contact[column])
    return contact


def merge(existing: Mapping[str, Any], record: Mapping[str, Any], *, stamp: str) -> dict[str, Any]:
    """The column updates (JSON lists encoded) that bring `existing` up to date with the new
    card's `record`: empty columns filled, changed ones replaced and their old values noted."""
    update: dict[str, Any] = {}
    replaced: list[str] = []
    for column, label in MERGED_COLUMNS.items():
        new, old = _value(column, record[column]), existing[column]
        if not new or _comparable(column, new) == _comparable(column, old):
            continue
        update[column] = record[column]
        if old:
            replaced.append(replaced_value(label, _text(column, old)))
    if update:
        update |= {column: record[column] for column in QUIET_COLUMNS}
    notes = merged_notes(existing["notes"] or "", record["notes"] or "", replaced, stamp)
    if notes is not None:
        update["notes"] = notes
    return update


def apply(conn: sqlite3.Connection, contact_id: int, update: Mapping[str, Any]) -> None:
    if update:
        params = dict.fromkeys(_UPDATED_COLUMNS) | dict(update) | {"id": contact_id}
        conn.execute(_UPDATE, params)


def _value(column: str, stored: Any) -> Any:
    return json.loads(stored) if column in JSON_LISTS else stored


def _comparable(column: str, value: Any) -> Any:
    return [str(email).casefold() for email in value] if column == "emails" else value


def _text(column: str, value: Any) -> str:
    if column == "phones":
        return LIST_SEPARATOR.join(phone_text(phone) for phone in value)
    if column in JSON_LISTS:
        return LIST_SEPARATOR.join(value)
    return str(value)


def phone_text(phone: Mapping[str, Any]) -> str:
    number = phone["number"]
    if phone.get("extension"):
        number = f"{number} #{phone['extension']}"
    return f"{number} ({phone['type']})"
