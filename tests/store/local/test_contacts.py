"""The local book from the chat: full-text search (trigram, folded), corrections, notes, delete."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from namecard.cards.edits import CardField
from namecard.cards.model import Card, CardRef, Phone, PhoneKind
from namecard.cards.normalise import normalise_card
from namecard.store.local.book import DB_FILENAME, LocalContactStore

WANG = normalise_card(
    Card(name="王小明", company="宏碩科技股份有限公司", title="業務經理",
         phones=(Phone("0912-345-678", PhoneKind.MOBILE),), emails=("Ming.Wang@example.com",))
)  # fmt: skip
CHEN = normalise_card(
    Card(name="陳美玲", company="大同公司", title="工程師",
         phones=(Phone("02-2345-1111", PhoneKind.OFFICE),), emails=("meiling@datong.tw",))
)  # fmt: skip


def sqlite_has_trigram() -> bool:
    with sqlite3.connect(":memory:") as conn:
        try:
            conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'trigram')")
        except sqlite3.OperationalError:
            return False
    return True


@pytest.fixture
async def book(tmp_path: Path) -> AsyncIterator[LocalContactStore]:
    store = LocalContactStore(tmp_path)
    await store.start()
    await store.save(WANG, CardRef("a" * 64), user_hash="u1")
    await store.save(CHEN, CardRef("b" * 64), user_hash="u2")
    yield store
    await store.aclose()


def test_this_machines_sqlite_has_the_trigram_tokenizer() -> None:
    assert sqlite_has_trigram()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("小明", "王小明"),  # two characters of a name
        ("5678", "王小明"),  # the last four digits of a mobile
        ("1111", "陳美玲"),
        ("0912", "王小明"),  # the national form's start
        ("宏碩", "王小明"),  # the company
        ("宏硕", "王小明"),  # in Simplified characters
        ("陈美", "陳美玲"),
        ("ＭＩＮＧ", "王小明"),  # full width, upper case: the e-mail
        ("datong", "陳美玲"),
    ],
)
async def test_search_finds_by_name_fragment_phone_digits_company_and_email(
    book: LocalContactStore, query: str, expected: str
) -> None:
    found = await book.search(query)
    assert [c.card.name for c in found] == [expected]


async def test_search_without_a_match_finds_nothing(book: LocalContactStore) -> None:
    assert await book.search("不存在") == []
    assert await book.search("%") == []


async def test_a_name_match_comes_before_a_company_match(tmp_path: Path) -> None:
    store = LocalContactStore(tmp_path)
    await store.save(Card(name="林大同", company="其他公司"), CardRef("c" * 64), user_hash="u")
    await store.save(Card(name="張三", company="大同公司"), CardRef("d" * 64), user_hash="u")
    found = await store.search("大同")
    assert [c.card.name for c in found] == ["林大同", "張三"]
    await store.aclose()


async def test_rows_saved_before_the_search_table_existed_are_found(tmp_path: Path) -> None:
    store = LocalContactStore(tmp_path)
    await store.save(WANG, CardRef("a" * 64), user_hash="u1")
    await store.aclose()
    with sqlite3.connect(tmp_path / DB_FILENAME) as conn:
        conn.execute("DROP TABLE contact_search")
    reopened = LocalContactStore(tmp_path)
    assert [c.card.name for c in await reopened.search("小明")] == ["王小明"]
    await reopened.aclose()


async def test_a_correction_is_normalised_searchable_and_keeps_the_old_value(
    book: LocalContactStore,
) -> None:
    [wang] = await book.search("王小明")
    updated = await book.update_field(
        wang.saved.contact_id, CardField.PHONE, "0987 654 321", stamp="2026-12-04"
    )
    assert updated is not None
    assert updated.card.phones[0].number == "+886987654321"
    assert "2026-12-04 更新（舊電話: +886912345678）" in (updated.notes or "")
    assert [c.card.name for c in await book.search("4321")] == ["王小明"]
    assert await book.search("5678") == []


async def test_notes_are_dated_and_delete_removes_the_row(book: LocalContactStore) -> None:
    [chen] = await book.search("陳美玲")
    noted = await book.append_note(chen.saved.contact_id, "聊到 AI 伺服器", stamp="2026-12-04")
    assert noted is not None and noted.notes == "2026-12-04 聊到 AI 伺服器"

    assert await book.archive(chen.saved.contact_id)
    assert await book.get(chen.saved.contact_id) is None
    assert await book.search("陳美玲") == []
    assert not await book.archive(chen.saved.contact_id)


async def test_recent_is_per_user_newest_first_and_forgotten_on_request(
    book: LocalContactStore,
) -> None:
    await book.save(CHEN, CardRef("e" * 64), user_hash="u1")  # same person: the same row
    assert [c.card.name for c in await book.recent("u1")] == ["陳美玲", "王小明"]
    assert await book.forget_user("u1") == 2
    assert await book.recent("u1") == []
    assert [c.card.name for c in await book.recent("u2")] == ["陳美玲"]
