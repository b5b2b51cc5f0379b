"""What each kind of LINE event asks the bot to do."""

from __future__ import annotations

from typing import Any

import pytest
from linebot.v3.webhooks import Event

from namecard.conversation.dispatch import job_for
from namecard.domain.inbound import Inbound
from namecard.domain.jobs import JobKind
from namecard.line.events import inbound

USER = "U" + "1" * 32


def parse(kind: str, **fields: Any) -> Inbound:
    raw = {
        "type": kind, "mode": "active", "timestamp": 1764460800000,
        "source": {"type": "user", "userId": USER}, "webhookEventId": "01JD00000000000000000000AB",
        "deliveryContext": {"isRedelivery": False}, **fields,
    }  # fmt: skip
    event = Event.from_dict(raw)
    assert event is not None
    return inbound(event)


def message(kind: str, **fields: Any) -> Inbound:
    return parse("message", replyToken="r" * 32, message={"type": kind, "id": "42", **fields})


def test_image_becomes_a_card_job() -> None:
    job = job_for(message("image", quoteToken="q", contentProvider={"type": "line"}))
    assert job is not None
    assert (job.kind, job.message_id, job.chat_id, job.reply_token) == (
        JobKind.CARD_PHOTO, "42", USER, "r" * 32,
    )  # fmt: skip


@pytest.mark.parametrize("text", ["help", " HELP ", "幫助", "說明"])
def test_help_words(text: str) -> None:
    job = job_for(message("text", text=text, quoteToken="q"))
    assert job is not None and job.kind is JobKind.HELP


def test_other_text_and_stickers_get_a_hint() -> None:
    text = job_for(message("text", text="你好", quoteToken="q"))
    sticker = job_for(
        message(
            "sticker", packageId="1", stickerId="2", stickerResourceType="STATIC", quoteToken="q"
        )
    )
    assert text is not None and text.kind is JobKind.HINT
    assert sticker is not None and sticker.kind is JobKind.HINT


def test_follow_is_welcomed_and_unfollow_forgets_without_a_reply() -> None:
    follow = job_for(parse("follow", replyToken="r" * 32, follow={"isUnblocked": False}))
    assert follow is not None and follow.kind is JobKind.WELCOME
    unfollow = job_for(parse("unfollow"))
    assert unfollow is not None and unfollow.kind is JobKind.UNFOLLOW
    assert unfollow.reply_token is None  # nobody is left to answer


def test_external_image_is_answered_not_downloaded() -> None:
    provider = {"type": "external", "originalContentUrl": "https://example.com/a.jpg"}
    job = job_for(message("image", quoteToken="q", contentProvider=provider))
    assert job is not None and job.kind is JobKind.UNSUPPORTED_PHOTO
