"""The local contact book: contacts in SQLite under the data directory; CSV and vCard export."""

from __future__ import annotations

import asyncio
import csv
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO, TypeVar

from namecard.cards.edits import CardField
from namecard.cards.influence import decision_influence
from namecard.cards.model import Card, CardRef, SavedContact, StoredContact
from namecard.cards.vcard import to_vcard
from namecard.domain.errors import StoreError, TransientError
from namecard.domain.health import Problem
from namecard.domain.labels import labelled
from namecard.domain.private_files import ensure_private_file, make_private_dir
from namecard.store.base import RECENT_LIMIT, SEARCH_LIMIT, SaveOutlook
from namecard.store.local import contacts as book_contacts
from namecard.store.local import merge as local_merge
from namecard.store.local.merge import JSON_LISTS, LIST_SEPARATOR, decoded, phone_text
from namecard.store.user_contacts import MemoryUserContacts, UserContacts

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

DB_FILENAME = "contacts.sqlite3"
SCHEMA_VERSION = 3  # 2: card_aliases (cards that updated an existing contact); 3: search
BUSY_TIMEOUT_SECONDS = 10.0

_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id TEXT NOT NULL UNIQUE,
    user_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    name TEXT,
    company TEXT,
    department TEXT,
    title TEXT,
    phones TEXT NOT NULL DEFAULT '[]',
    emails TEXT NOT NULL DEFAULT '[]',
    address TEXT,
    website TEXT,
    line_id TEXT,
    tax_id TEXT,
    notes TEXT,
    uncertain_fields TEXT NOT NULL DEFAULT '[]',
    confidence REAL NOT NULL DEFAULT 0,
    decision_influence TEXT
);
"""
    + local_merge.ALIAS_SCHEMA
)
_INSERT = """
INSERT INTO contacts (card_id, user_hash, created_at, name, company, department, title, phones,
    emails, address, website, line_id, tax_id, notes, uncertain_fields, confidence,
    decision_influence)
VALUES (:card_id, :user_hash, :created_at, :name, :company, :department, :title, :phones,
    :emails, :address, :website, :line_id, :tax_id, :notes, :uncertain_fields, :confidence,
    :decision_influence)
"""
# (column, header) in export order; the headers are what a user sees in Excel.
CSV_COLUMNS = labelled(
    ("created_at", "name", "company", "department", "title", "decision_influence", "phones",
     "emails", "address", "website", "line_id", "tax_id", "notes", "uncertain_fields",
     "confidence", "card_id")
)  # fmt: skip


def _utcnow() -> datetime:
    return datetime.now(UTC)


class LocalContactStore:
    """Contacts in `<data_dir>/contacts.sqlite3`; saving the same card twice keeps one row.

    With `merge_duplicates`, a card of someone already in the book (same first e-mail or mobile
    number) updates their row instead of adding another, as the Notion store does.
    One connection, used from worker threads (`asyncio.to_thread`) one at a time under a lock."""

    name = "local"
    problem: Problem | None = None  # nothing to misconfigure in a local file

    def __init__(
        self,
        data_dir: Path,
        *,
        clock: Callable[[], datetime] = _utcnow,
        merge_duplicates: bool = False,
        links: UserContacts | None = None,
    ) -> None:
        self.path = Path(data_dir) / DB_FILENAME
        self._links: UserContacts = links or MemoryUserContacts()
        self._clock = clock
        self._merge_duplicates = merge_duplicates
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    async def start(self) -> None:
        await self._run(lambda _conn: None)
        logger.info("local contact book at %s", self.path)

    async def save(self, card: Card, ref: CardRef, *, user_hash: str) -> SavedContact:
        record = self._record(card, ref, user_hash)
        stamp = self._clock().astimezone().date().isoformat()
        saved = await self._run(lambda conn: self._save_row(conn, card, record, stamp))
        if saved.updated:
            logger.info("card %s updated contact %s (same person)", ref.card_id, saved.contact_id)
        await self._links.add(user_hash, saved.contact_id)
        return saved

    async def outlook(self, ref: CardRef) -> SaveOutlook:
        """A local write takes milliseconds: always worth the reply's wait."""
        return SaveOutlook()

    # The chat side (store/local/contacts.py) ------------------------------------------------
    async def search(self, query: str, *, limit: int = SEARCH_LIMIT) -> list[StoredContact]:
        return await self._run(lambda conn: book_contacts.search(conn, query, limit))

    async def get(self, contact_id: str) -> StoredContact | None:
        return await self._run(lambda conn: book_contacts.get(conn, contact_id))

    async def update_field(
        self, contact_id: str, field: CardField, value: str, *, stamp: str
    ) -> StoredContact | None:
        return await self._write(
            lambda conn: book_contacts.update_field(conn, contact_id, field, value, stamp)
        )

    async def append_note(self, contact_id: str, note: str, *, stamp: str) -> StoredContact | None:
        return await self._write(
            lambda conn: book_contacts.append_note(conn, contact_id, note, stamp)
        )

    async def archive(self, contact_id: str) -> bool:
        return await self._write(lambda conn: book_contacts.delete(conn, contact_id))

    async def recent(self, user_hash: str, *, limit: int = RECENT_LIMIT) -> list[StoredContact]:
        ids = await self._links.newest(user_hash, limit * 2)
        found = [await self.get(contact_id) for contact_id in ids]
        return [contact for contact in found if contact is not None][:limit]

    async def forget_user(self, user_hash: str) -> int:
        return await self._links.forget(user_hash)

    async def list_contacts(self) -> list[dict[str, Any]]:
        """Every contact, oldest first; phones, emails and uncertain fields as lists."""
        return await self._run(_select_all)

    def export_csv(self, out: TextIO) -> int:
        """Writes a header row and one row per contact to `out`; returns the rows written.

        Synchronous (for the CLI). The text is plain UTF-8: the caller opens the file with
        `encoding="utf-8-sig"` so that Excel recognises the Chinese text."""
        rows = self._locked(_select_all)
        writer = csv.writer(out)
        writer.writerow([header for _, header in CSV_COLUMNS])
        for row in rows:
            writer.writerow([_csv_cell(column, row[column]) for column, _ in CSV_COLUMNS])
        return len(rows)

    def export_vcf(self, out: TextIO) -> int:
        """Writes one vCard 3.0 per contact to `out` (every phone and e-mail); returns the count.

        Synchronous (for the CLI). The cards end lines with CRLF: open a file with `newline=""`."""
        rows = self._locked(_select_all)
        for row in rows:
            out.write(to_vcard(row))
        return len(rows)

    def stats(self) -> dict[str, Any]:
        return {}  # no writer queue to describe: each save is one file write

    async def aclose(self) -> None:
        await asyncio.to_thread(self._close)

    async def _write(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        def transaction(conn: sqlite3.Connection) -> _T:
            conn.execute("BEGIN IMMEDIATE")
            with conn:
                return work(conn)

        return await self._run(transaction)

    def _save_row(
        self, conn: sqlite3.Connection, card: Card, record: Mapping[str, Any], stamp: str
    ) -> SavedContact:
        """In one write transaction: the card's earlier row, else the same person's row updated,
        else a new row."""
        conn.execute("BEGIN IMMEDIATE")  # other processes wait: no two rows for one person
        with conn:
            known = local_merge.known_contact(conn, record["card_id"])
            if known is not None:
                return SavedContact(contact_id=str(known), url=None, created=False)
            existing = local_merge.same_person(conn, card) if self._merge_duplicates else None
            if existing is None:
                row_id = _insert(conn, record)
                book_contacts.index_row(conn, row_id)
                return SavedContact(contact_id=str(row_id), url=None)
            update = local_merge.merge(existing, record, stamp=stamp)
            local_merge.apply(conn, existing["id"], update)
            local_merge.remember_alias(conn, record["card_id"], existing["id"])
            book_contacts.index_row(conn, existing["id"])
        return SavedContact(str(existing["id"]), url=None, created=False, updated=bool(update))

    def _record(self, card: Card, ref: CardRef, user_hash: str) -> dict[str, Any]:
        fields = asdict(card)
        phones = [
            {"number": p.number, "type": str(p.kind), "extension": p.extension} for p in card.phones
        ]
        fields.update(
            phones=json.dumps(phones, ensure_ascii=False),
            emails=json.dumps(list(card.emails), ensure_ascii=False),
            uncertain_fields=json.dumps(list(card.uncertain_fields), ensure_ascii=False),
        )
        return fields | {
            "card_id": ref.card_id,
            "user_hash": user_hash,
            "created_at": self._clock().astimezone(UTC).isoformat(timespec="seconds"),
            "decision_influence": decision_influence(card.title),
        }

    async def _run(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        try:
            return await asyncio.to_thread(self._locked, work)
        except sqlite3.OperationalError as exc:
            logger.warning("contact book %s busy or failing: %s", self.path, exc)
            if "locked" in str(exc) or "busy" in str(exc):
                raise TransientError(f"contact book busy: {exc}") from exc
            raise StoreError(f"contact book failed: {exc}") from exc
        except (sqlite3.Error, OSError) as exc:
            logger.error("contact book %s failed: %s", self.path, exc)
            raise StoreError(f"contact book failed: {exc}") from exc

    def _locked(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        with self._lock:
            return work(self._connection())

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            make_private_dir(self.path.parent)
            ensure_private_file(self.path)
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            with conn:
                conn.executescript(_SCHEMA)
                book_contacts.ensure_index(conn)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._conn = conn
        return self._conn

    def _close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _insert(conn: sqlite3.Connection, record: Mapping[str, Any]) -> int:
    cursor = conn.execute(_INSERT, record)
    if cursor.lastrowid is None:
        raise StoreError(f"contact book: no row id for card {record['card_id']}")
    return cursor.lastrowid


def _select_all(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [decoded(row) for row in conn.execute("SELECT * FROM contacts ORDER BY id")]


def _csv_cell(column: str, value: Any) -> str:
    if column == "phones":
        return LIST_SEPARATOR.join(phone_text(phone) for phone in value)
    if column in JSON_LISTS:
        return LIST_SEPARATOR.join(value)
    if column == "confidence":
        return f"{value:.2f}"
    return "" if value is None else str(value)
