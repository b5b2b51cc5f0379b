"""The local SQLite contact book: saving, idempotency, listing, CSV/vCard export, persistence."""

from __future__ import annotations

import csv
import io
import sqlite3
import stat
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from namecard.cards.model import Card, CardRef, Phone, PhoneKind, SavedContact
from namecard.cli.main import main
from namecard.store.local.book import DB_FILENAME, LocalContactStore

CARD = Card(
    name="王小明",
    company="大同科技股份有限公司",
    department="業務部",
    title="業務經理",
    phones=(
        Phone("0912-345-678", PhoneKind.MOBILE),
        Phone("02-2345-6789", PhoneKind.OFFICE, "123"),
    ),
    emails=("ming@example.com.tw", "sales@example.com.tw"),
    address="台北市信義區信義路五段7號",
    website="https://example.com.tw",
    line_id="ming0912",
    tax_id="12345678",
    notes="週三下午方便聯絡, 喜歡喝茶",
    confidence=0.93,
    uncertain_fields=("address",),
)
REF = CardRef(image_sha256="ab" * 32)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[LocalContactStore]:
    contact_book = LocalContactStore(tmp_path)
    await contact_book.start()
    yield contact_book
    await contact_book.aclose()


def exported(store: LocalContactStore) -> tuple[int, list[dict[str, str]]]:
    out = io.StringIO()
    count = store.export_csv(out)
    return count, list(csv.DictReader(io.StringIO(out.getvalue())))


async def test_saved_contact_is_listed_with_every_field(store: LocalContactStore) -> None:
    saved = await store.save(CARD, REF, user_hash="user-1")

    [contact] = await store.list_contacts()
    assert (saved.contact_id, saved.url, saved.created) == (str(contact["id"]), None, True)
    assert contact["card_id"] == REF.card_id
    assert contact["user_hash"] == "user-1"
    assert contact["name"] == "王小明"
    assert contact["company"] == "大同科技股份有限公司"
    assert contact["phones"] == [
        {"number": "0912-345-678", "type": "mobile", "extension": None},
        {"number": "02-2345-6789", "type": "office", "extension": "123"},
    ]
    assert contact["emails"] == ["ming@example.com.tw", "sales@example.com.tw"]
    assert contact["decision_influence"] == "中"
    assert contact["confidence"] == pytest.approx(0.93)
    assert contact["created_at"].endswith("+00:00")


async def test_saving_the_same_card_twice_keeps_one_contact(store: LocalContactStore) -> None:
    first = await store.save(CARD, REF, user_hash="user-1")
    second = await store.save(CARD, REF, user_hash="user-1")
    other = await store.save(CARD, CardRef(REF.image_sha256, index=1), user_hash="user-1")

    assert first.created is True
    assert (second.contact_id, second.created) == (first.contact_id, False)
    assert other.created is True
    assert len(await store.list_contacts()) == 2


async def test_csv_export_reads_like_the_card(store: LocalContactStore) -> None:
    await store.save(CARD, REF, user_hash="user-1")
    await store.save(Card(company="只有公司"), CardRef("cd" * 32), user_hash="user-2")

    count, rows = exported(store)

    assert count == 2
    assert rows[0]["姓名"] == "王小明"
    assert rows[0]["公司名稱"] == "大同科技股份有限公司"
    assert rows[0]["電話"] == "0912-345-678 (mobile); 02-2345-6789 #123 (office)"
    assert rows[0]["Email"] == "ming@example.com.tw; sales@example.com.tw"
    assert rows[0]["地址"] == "台北市信義區信義路五段7號"
    assert rows[0]["備註"] == "週三下午方便聯絡, 喜歡喝茶"
    assert rows[0]["決策影響力"] == "中"
    assert rows[1]["姓名"] == ""
    assert rows[1]["公司名稱"] == "只有公司"


async def test_chinese_survives_an_excel_style_export(
    store: LocalContactStore, tmp_path: Path
) -> None:
    await store.save(CARD, REF, user_hash="user-1")
    target = tmp_path / "contacts.csv"

    with target.open("w", encoding="utf-8-sig", newline="") as out:
        store.export_csv(out)

    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "大同科技股份有限公司".encode() in raw
    assert "王小明" in target.read_text(encoding="utf-8-sig")


async def test_contacts_survive_reopening_the_contact_book(tmp_path: Path) -> None:
    first = LocalContactStore(tmp_path)
    await first.start()
    saved = await first.save(CARD, REF, user_hash="user-1")
    await first.aclose()

    reopened = LocalContactStore(tmp_path)
    again = await reopened.save(CARD, REF, user_hash="user-1")
    contacts = await reopened.list_contacts()
    await reopened.aclose()

    assert (tmp_path / DB_FILENAME).exists()
    assert [c["name"] for c in contacts] == ["王小明"]
    assert (again.contact_id, again.created) == (saved.contact_id, False)


async def test_export_works_without_start_on_an_empty_book(tmp_path: Path) -> None:
    store = LocalContactStore(tmp_path / "new")

    count, rows = exported(store)
    await store.aclose()

    assert (count, rows) == (0, [])


async def test_vcard_export_has_one_card_per_person_with_every_phone_and_email(
    store: LocalContactStore,
) -> None:
    await store.save(CARD, REF, user_hash="user-1")
    other = Card(name="Emily Chen", emails=("emily@example.com",), phones=(Phone("+14155550132"),))
    await store.save(other, CardRef(image_sha256="cd" * 32), user_hash="user-2")
    out = io.StringIO()

    count = store.export_vcf(out)

    text = out.getvalue().replace("\r\n ", "")  # unfold
    first, second = text.split("END:VCARD\r\n")[:2]
    assert count == 2 and text.count("BEGIN:VCARD") == 2
    assert "FN:王小明" in first and "FN:Emily Chen" in second
    assert "TEL;TYPE=CELL:0912-345-678\r\n" in first
    assert "TEL;TYPE=WORK:02-2345-6789;ext=123\r\n" in first
    assert "EMAIL;TYPE=INTERNET:ming@example.com.tw\r\n" in first
    assert "EMAIL;TYPE=INTERNET:sales@example.com.tw\r\n" in first
    assert "EMAIL;TYPE=INTERNET:emily@example.com\r\n" in second
    assert f"UID:{REF.card_id}\r\n" in first


async def test_export_command_writes_a_vcf_file_without_bom(
    store: LocalContactStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.save(CARD, REF, user_hash="user-1")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    target = tmp_path / "contacts.vcf"

    assert main(["export", "--format", "vcf", "--output", str(target)]) == 0

    raw = target.read_bytes()
    assert raw.startswith(b"BEGIN:VCARD\r\n")
    assert raw.endswith(b"END:VCARD\r\n")
    assert "FN:王小明".encode() in raw


SAME_DAY = datetime(2025, 3, 4, 4, 0, tzinfo=UTC)  # noon in Taipei, the same date everywhere
MING = Card(
    name="王小明",
    company="大同科技股份有限公司",
    title="經理",
    phones=(Phone("+886912345678", PhoneKind.MOBILE), Phone("+886223456789", PhoneKind.OFFICE)),
    emails=("ming@example.com.tw",),
    notes="喜歡喝茶",
)
SECOND_PHOTO = CardRef(image_sha256="ef" * 32)


@pytest.fixture
async def merging(tmp_path: Path) -> AsyncIterator[LocalContactStore]:
    contact_book = LocalContactStore(tmp_path, clock=lambda: SAME_DAY, merge_duplicates=True)
    await contact_book.start()
    yield contact_book
    await contact_book.aclose()


async def test_the_same_email_again_updates_the_contact_and_keeps_the_old_title(
    merging: LocalContactStore,
) -> None:
    first = await merging.save(MING, REF, user_hash="user-1")
    promoted = replace(MING, title="協理", emails=("Ming@Example.com.tw",), notes="週三方便")

    again = await merging.save(promoted, SECOND_PHOTO, user_hash="user-2")

    [contact] = await merging.list_contacts()
    assert again == SavedContact(first.contact_id, url=None, created=False, updated=True)
    assert contact["title"] == "協理"
    assert contact["decision_influence"] == "高"
    assert contact["emails"] == ["ming@example.com.tw"]  # a change of case is no change
    assert contact["notes"] == "喜歡喝茶; 2025-03-04 更新（舊職稱: 經理）; 週三方便"


async def test_the_same_card_from_another_photo_changes_nothing(
    merging: LocalContactStore,
) -> None:
    first = await merging.save(MING, REF, user_hash="user-1")

    again = await merging.save(MING, SECOND_PHOTO, user_hash="user-2")

    [contact] = await merging.list_contacts()
    assert again == SavedContact(first.contact_id, url=None, created=False, updated=False)
    assert contact["notes"] == "喜歡喝茶"


async def test_a_new_note_alone_is_appended_and_nothing_else_changes(
    merging: LocalContactStore,
) -> None:
    await merging.save(MING, REF, user_hash="user-1")

    again = await merging.save(replace(MING, notes="週三方便"), SECOND_PHOTO, user_hash="user-1")

    [contact] = await merging.list_contacts()
    assert (again.created, again.updated) == (False, True)
    assert contact["notes"] == "喜歡喝茶; 週三方便"
    assert (contact["title"], contact["decision_influence"]) == ("經理", "中")


async def test_the_same_mobile_with_a_new_email_and_company_is_the_same_person(
    merging: LocalContactStore,
) -> None:
    first = await merging.save(MING, REF, user_hash="user-1")
    moved = Card(
        name="王小明",
        company="新創有限公司",
        phones=(Phone("+886912345678", PhoneKind.MOBILE),),
        emails=("ming@startup.tw",),
        address="台中市西屯區",
    )

    again = await merging.save(moved, SECOND_PHOTO, user_hash="user-1")

    [contact] = await merging.list_contacts()
    assert (again.contact_id, again.created, again.updated) == (first.contact_id, False, True)
    assert contact["company"] == "新創有限公司"
    assert contact["emails"] == ["ming@startup.tw"]
    assert contact["address"] == "台中市西屯區"  # filled: it was empty
    assert contact["title"] == "經理"  # kept: the new card has none
    assert "舊公司名稱: 大同科技股份有限公司" in contact["notes"]
    assert "舊Email: ming@example.com.tw" in contact["notes"]


async def test_colleagues_sharing_an_office_number_stay_two_contacts(
    merging: LocalContactStore,
) -> None:
    await merging.save(MING, REF, user_hash="user-1")
    colleague = Card(
        name="李美華",
        phones=(Phone("+886223456789", PhoneKind.OFFICE), Phone("+886987654321", PhoneKind.MOBILE)),
        emails=("mei@example.com.tw",),
    )

    saved = await merging.save(colleague, SECOND_PHOTO, user_hash="user-1")

    assert (saved.created, saved.updated) == (True, False)
    assert [c["name"] for c in await merging.list_contacts()] == ["王小明", "李美華"]


async def test_an_office_number_never_matches_a_mobile(merging: LocalContactStore) -> None:
    await merging.save(MING, REF, user_hash="user-1")
    office_only = Card(name="總機", phones=(Phone("+886912345678", PhoneKind.OFFICE),))

    saved = await merging.save(office_only, SECOND_PHOTO, user_hash="user-1")

    assert saved.created is True
    assert len(await merging.list_contacts()) == 2


async def test_without_merging_the_same_person_gets_a_second_contact(tmp_path: Path) -> None:
    store = LocalContactStore(tmp_path, merge_duplicates=False)
    await store.save(MING, REF, user_hash="user-1")

    saved = await store.save(replace(MING, title="協理"), SECOND_PHOTO, user_hash="user-1")
    contacts = await store.list_contacts()
    await store.aclose()

    assert (saved.created, saved.updated) == (True, False)
    assert [c["title"] for c in contacts] == ["經理", "協理"]


async def test_the_photo_that_updated_a_contact_is_idempotent_after_reopening(
    tmp_path: Path,
) -> None:
    store = LocalContactStore(tmp_path, merge_duplicates=True)
    first = await store.save(MING, REF, user_hash="user-1")
    await store.save(replace(MING, title="協理"), SECOND_PHOTO, user_hash="user-1")
    await store.aclose()

    reopened = LocalContactStore(tmp_path, merge_duplicates=True)
    again = await reopened.save(replace(MING, title="協理"), SECOND_PHOTO, user_hash="user-1")
    contacts = await reopened.list_contacts()
    await reopened.aclose()

    assert again == SavedContact(first.contact_id, url=None, created=False, updated=False)
    assert len(contacts) == 1
    assert contacts[0]["notes"].count("更新") == 1


async def test_exports_show_a_merged_contact_once(merging: LocalContactStore) -> None:
    await merging.save(MING, REF, user_hash="user-1")
    await merging.save(replace(MING, title="協理"), SECOND_PHOTO, user_hash="user-2")
    vcf = io.StringIO()

    count, rows = exported(merging)
    vcards = merging.export_vcf(vcf)

    assert count == 1 and [row["職稱"] for row in rows] == ["協理"]
    assert "舊職稱: 經理" in rows[0]["備註"]
    assert vcards == 1 and vcf.getvalue().count("BEGIN:VCARD") == 1
    assert "TITLE:協理\r\n" in vcf.getvalue()


async def test_a_contact_book_from_before_merging_keeps_working(tmp_path: Path) -> None:
    old = sqlite3.connect(tmp_path / DB_FILENAME)
    old.executescript(OLD_SCHEMA)
    old.execute(
        "INSERT INTO contacts (card_id, user_hash, created_at, name, phones, emails) "
        "VALUES ('old-0', 'user-1', '2024-01-01T00:00:00+00:00', '王小明', '[]', ?)",
        ('["ming@example.com.tw"]',),
    )
    old.commit()
    old.close()
    store = LocalContactStore(tmp_path, merge_duplicates=True)

    saved = await store.save(MING, REF, user_hash="user-1")
    again = await store.save(MING, REF, user_hash="user-1")
    contacts = await store.list_contacts()
    await store.aclose()

    assert (saved.contact_id, saved.updated) == (str(contacts[0]["id"]), True)
    assert (again.contact_id, again.updated) == (saved.contact_id, False)
    assert len(contacts) == 1 and contacts[0]["company"] == "大同科技股份有限公司"


OLD_SCHEMA = """
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, card_id TEXT NOT NULL UNIQUE, user_hash TEXT NOT NULL,
    created_at TEXT NOT NULL, name TEXT, company TEXT, department TEXT, title TEXT,
    phones TEXT NOT NULL DEFAULT '[]', emails TEXT NOT NULL DEFAULT '[]', address TEXT,
    website TEXT, line_id TEXT, tax_id TEXT, notes TEXT,
    uncertain_fields TEXT NOT NULL DEFAULT '[]', confidence REAL NOT NULL DEFAULT 0,
    decision_influence TEXT
);
"""


@pytest.mark.usefixtures("usual_umask")
async def test_the_contact_book_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    contact_book = LocalContactStore(data_dir)
    await contact_book.start()
    await contact_book.save(CARD, REF, user_hash="user-1")

    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in data_dir.iterdir()}
    await contact_book.aclose()
    assert {DB_FILENAME, f"{DB_FILENAME}-wal", f"{DB_FILENAME}-shm"} <= set(modes)
    assert modes == dict.fromkeys(modes, 0o600)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
