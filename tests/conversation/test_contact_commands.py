"""Contact commands, the plain texts that are a search, and the postback data format."""

from __future__ import annotations

import pytest

from namecard.cards.edits import CardField
from namecard.conversation.commands import Command, looks_like_contact, parse_with_argument
from namecard.conversation.dispatch import job_for
from namecard.domain.inbound import Inbound, InboundKind
from namecard.domain.jobs import JobKind
from namecard.domain.postbacks import Postback, PostbackAction, decode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("查詢 王", (Command.SEARCH, "王")),
        ("搜尋宏碩", (Command.SEARCH, "宏碩")),
        ("find Chen", (Command.SEARCH, "Chen")),
        ("查詢", (Command.SEARCH, "")),
        ("備註 今天在 Computex 聊到 AI 伺服器", (Command.NOTE, "今天在 Computex 聊到 AI 伺服器")),
        ("刪除 王小明", (Command.DELETE, "王小明")),
        ("finder", None),
        ("找不到", None),
    ],
)
def test_commands_with_an_argument(text: str, expected: tuple[Command, str] | None) -> None:
    assert parse_with_argument(text) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [("最近", JobKind.RECENT), ("recent", JobKind.RECENT), ("刪除我的資料", JobKind.FORGET_ME),
     ("刪除 王", JobKind.DELETE), ("王小明", JobKind.HINT), ("說明", JobKind.HELP)],
)  # fmt: skip
def test_texts_become_their_jobs(text: str, kind: JobKind) -> None:
    event = Inbound(InboundKind.TEXT, "e1", "U1", "U1", "t", text=text)
    job = job_for(event)
    assert job is not None and job.kind is kind


def test_a_postback_becomes_a_postback_job_with_its_data() -> None:
    event = Inbound(InboundKind.POSTBACK, "e1", "U1", "U1", "t", postback="a=correct&c=7")
    job = job_for(event)
    assert job is not None and job.kind is JobKind.POSTBACK and job.postback == "a=correct&c=7"


@pytest.mark.parametrize(
    "text", ["王小明", "陳美", "Amy Chen", "Chen", "0912", "0912-345-678", "+886 912 345 678",
             "chen@", "@acme.com.tw", "amy.chen@acme.com"],
)  # fmt: skip
def test_names_phones_and_emails_are_searched(text: str) -> None:
    assert looks_like_contact(text)


@pytest.mark.parametrize(
    "text", ["你好", "謝謝", "hello", "OK", "王", "123", "今天天氣很好嗎", "what is this",
             "please help me", "a" * 50, "王小明\n陳美玲"],
)  # fmt: skip
def test_chat_is_not_searched(text: str) -> None:
    assert not looks_like_contact(text)


def test_postback_data_round_trips_and_refuses_what_the_bot_did_not_write() -> None:
    for postback in (Postback(PostbackAction.CORRECT, "9f0c-12"),
                     Postback(PostbackAction.FIELD, "42", CardField.TITLE),
                     Postback(PostbackAction.CONFIRM_DELETE, "42")):  # fmt: skip
        assert decode(postback.encode()) == postback
    assert Postback(PostbackAction.FIELD, "42", CardField.TITLE).encode() == "a=field&c=42&f=title"
    for data in ("", "a=launch&c=1", "a=correct", "a=field&c=1", "a=correct&c=1&f=salary",
                 "a=correct&c=" + "1" * 400):  # fmt: skip
        assert decode(data) is None
