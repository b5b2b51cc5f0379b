"""The local book's chat side: full-text search, a contact again, corrections, notes, delete.

Search runs on an SQLite FTS5 table with the trigram tokenizer (SQLite ≥ 3.34), which finds
any substring of three characters or more, CJK included, through its index; a shorter query
(a two-character name such as 王小) is a LIKE over the same table, which the trigram index
cannot serve but which scans only the folded search text. That text is written by Python
(`cards/folding.py`: width, case and Traditional/Simplified folded; phone digits in E.164 and
national form), so a search folds exactly as the query does. Functions here run inside the
book's one connection, under its lock.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from typing import Any

from namecard.cards.edits import CardField, corrected, field_value
from namecard.cards.folding import digits, fold, phone_digits
from namecard.cards.influence import decision_influence
from namecard.cards.model import Card, PhoneKind, SavedContact, StoredContact
from namecard.cards.phones import normalise_phone
from namecard.domain.labels import FIELD_LABELS
from namecard.domain.notes import appended_note, corrected_notes, replaced_value
from namecard.store.local.merge import decoded
from namecard.store.ranking import ranked

SEARCH_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS contact_search USING fts5(body, tokenize = 'trigram');
"""
TRIGRAM = 3
CANDIDATES = 200  # rows read for one search before ranking
_MATCH = "SELECT rowid FROM contact_search WHERE contact_search MATCH ? LIMIT ?"
_LIKE = "SELECT rowid FROM contact_search WHERE body LIKE ? ESCAPE '\\' LIMIT ?"
_BY_IDS = "SELECT * FROM contacts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id DESC"
_COLUMNS = {
    CardField.NAME: "name",
    CardField.COMPANY: "company",
    CardField.TITLE: "title",
    CardField.PHONE: "phones",
    CardField.EMAIL: "emails",
    CardField.ADDRESS: "address",
}
_LABELS = {field: FIELD_LABELS[column] for field, column in _COLUMNS.items()}
# One statement per correctable column (column names are ours, never the user's).
_SET_FIELD = {
    column: f"UPDATE contacts SET {column} = ?, notes = ?, decision_influence = ? WHERE id = ?"  # noqa: S608
    for column in _COLUMNS.values()
}


def ensure_index(conn: sqlite3.Connection) -> None:
    """Create the search table, and fill it for rows saved before it existed."""
    conn.executescript(SEARCH_SCHEMA)
    missing = conn.execute(
        "SELECT id FROM contacts WHERE id NOT IN (SELECT rowid FROM contact_search)"
    ).fetchall()
    for (contact_id,) in missing:
        index_row(conn, contact_id)


def index_row(conn: sqlite3.Connection, contact_id: int) -> None:
    """(Re)write the searchable text of one contact."""
    conn.execute("DELETE FROM contact_search WHERE rowid = ?", (contact_id,))
    row = conn.execute("SELECT * FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    if row is not None:
        conn.execute(
            "INSERT INTO contact_search (rowid, body) VALUES (?, ?)",
            (contact_id, _search_text(stored(row).card)),
        )


def search(conn: sqlite3.Connection, query: str, limit: int) -> list[StoredContact]:
    wanted = fold(query)
    number = phone_digits(query)
    ids: list[int] = []
    for term in dict.fromkeys(t for t in (wanted, number) if t):
        if len(term) >= TRIGRAM:
            rows = conn.execute(_MATCH, ('"' + term.replace('"', '""') + '"', CANDIDATES))
        else:
            rows = conn.execute(_LIKE, (f"%{_escape_like(term)}%", CANDIDATES))
        ids += [int(row[0]) for row in rows]
    if not ids:
        return []
    found = json.dumps(sorted(set(ids), reverse=True))
    rows = conn.execute(_BY_IDS, (found,))
    return ranked([stored(row) for row in rows], query, limit)


def get(conn: sqlite3.Connection, contact_id: str) -> StoredContact | None:
    if not contact_id.isdecimal():
        return None
    row = conn.execute("SELECT * FROM contacts WHERE id = ?", (int(contact_id),)).fetchone()
    return None if row is None else stored(row)


def update_field(
    conn: sqlite3.Connection, contact_id: str, field: CardField, value: str, stamp: str
) -> StoredContact | None:
    current = get(conn, contact_id)
    if current is None:
        return None
    card = corrected(current.card, field, value)
    old, new = field_value(current.card, field), field_value(card, field)
    replaced = [replaced_value(_LABELS[field], old)] if old and old != new else []
    notes = corrected_notes(current.notes, replaced, stamp) or current.notes
    column = _COLUMNS[field]
    encoded = _column_value(card, column)
    conn.execute(
        _SET_FIELD[column],
        (encoded, notes, decision_influence(card.title), int(contact_id)),
    )
    index_row(conn, int(contact_id))
    return get(conn, contact_id)


def append_note(
    conn: sqlite3.Connection, contact_id: str, note: str, stamp: str
) -> StoredContact | None:
    current = get(conn, contact_id)
    if current is None:
        return None
    notes = appended_note(current.notes, note, stamp)
    conn.execute("UPDATE contacts SET notes = ? WHERE id = ?", (notes, int(contact_id)))
    return get(conn, contact_id)


def delete(conn: sqlite3.Connection, contact_id: str) -> bool:
    if not contact_id.isdecimal():
        return False
    key = int(contact_id)
    conn.execute("DELETE FROM card_aliases WHERE contact_id = ?", (key,))
    conn.execute("DELETE FROM contact_search WHERE rowid = ?", (key,))
    return conn.execute("DELETE FROM contacts WHERE id = ?", (key,)).rowcount > 0


def stored(row: sqlite3.Row) -> StoredContact:
    contact = decoded(row)
    phones = tuple(
        normalise_phone(p["number"], PhoneKind(p.get("type") or PhoneKind.OTHER),
                        extension=p.get("extension"))
        for p in contact["phones"] if p.get("number")
    )  # fmt: skip
    card = Card(
        name=contact["name"], company=contact["company"], department=contact["department"],
        title=contact["title"], phones=phones, emails=tuple(contact["emails"]),
        address=contact["address"], website=contact["website"], line_id=contact["line_id"],
        tax_id=contact["tax_id"],
    )  # fmt: skip
    saved = SavedContact(str(contact["id"]), url=None, created=False)
    return StoredContact(card, saved, contact["notes"])


def _column_value(card: Card, column: str) -> Any:
    if column == "phones":
        phones = [{"number": p.number, "type": str(p.kind), "extension": p.extension}
                  for p in card.phones]  # fmt: skip
        return json.dumps(phones, ensure_ascii=False)
    if column == "emails":
        return json.dumps(list(card.emails), ensure_ascii=False)
    return asdict(card)[column]


def _search_text(card: Card) -> str:
    numbers = [digits(p.number) for p in card.phones]
    numbers += [digits(p.national) for p in card.phones if p.national]
    parts = [card.name, card.company, *card.emails, *numbers]
    return fold(" | ".join(part for part in parts if part))


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
