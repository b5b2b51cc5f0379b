"""What a user reads about batches, image sets, pacing and failures, in every reply language."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pytest
from linebot.v3.messaging import (  # type: ignore[import-untyped, unused-ignore]
    FlexMessage,
    TextMessage,
)

from namecard.cards.model import Card, Extraction, SavedContact
from namecard.domain import catalogue
from namecard.domain.catalogue import Language, Sentence
from namecard.domain.conversation import PhotoOutcome, PhotoStatus
from namecard.domain.replies import Reply
from namecard.line import texts
from namecard.line.messages import MessageBuilder, combine, text_message
from namecard.line.replies import Replies, sdk_messages
from namecard.sim.line_validation import validate_messages

NOTION_URL = "https://www.notion.so/abc123def456"
LANGUAGES: tuple[Language, ...] = ("zh-TW", "en", "both")
ZH = MessageBuilder()
ALIASES = ("help", "幫助", "說明", "批次", "batch", "批次模式", "開始批次", "結束批次",
           "end batch", "完成批次", "批次結束", "finish batch", "狀態", "status", "批次狀態",
           "取消", "cancel")  # fmt: skip


def saved_photo(seq: int, *cards: Card) -> PhotoOutcome:
    entries = tuple(SavedContact(f"p{seq}-{i}", NOTION_URL) for i in range(len(cards)))
    extraction = Extraction(cards, "gemini")
    return PhotoOutcome(f"e{seq}", seq, PhotoStatus.SAVED, extraction, entries)


def failed_photo(seq: int, reason: Sentence | None) -> PhotoOutcome:
    return PhotoOutcome(f"e{seq}", seq, PhotoStatus.FAILED, reason=reason)


def person(i: int) -> Card:
    return Card(name=f"聯絡人{i}", company=f"公司{i}", title="經理", emails=(f"p{i}@example.com",))


def assert_valid(messages: Sequence[Any]) -> list[dict[str, Any]]:
    dumped = [message.to_dict() for message in messages]
    assert validate_messages(dumped) == []
    for message in dumped:
        for item in message.get("quickReply", {}).get("items", []):
            assert 1 <= len(item["action"]["label"]) <= 20
    return dumped


def quick_labels(messages: Sequence[Any]) -> list[str]:
    """The buttons LINE shows: only the last message's quick reply."""
    assert all(m.quick_reply is None for m in messages[:-1])
    last = messages[-1].quick_reply
    return [item.action.label for item in last.items] if last else []


def all_text(messages: Sequence[Any]) -> str:
    return "\n".join(m.text for m in messages if isinstance(m, TextMessage))


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_lists_what_the_bot_does_and_every_command_alias(language: Language) -> None:
    [message] = MessageBuilder(language).help()
    assert_valid([message])
    for alias in ALIASES:
        assert alias in message.text
    assert ("名片照片" if language != "en" else "business card") in message.text


def test_both_languages_put_chinese_first_then_english() -> None:
    [message] = MessageBuilder("both").timeout()
    assert message.text == f"{catalogue.TIMEOUT.zh}\n{catalogue.TIMEOUT.en}"
    [english] = MessageBuilder("en").timeout()
    assert english.text == catalogue.TIMEOUT.en
    assert not re.search(r"[\u4e00-\u9fff]", english.text)
    summary = all_text(
        MessageBuilder("both").batch_summary([saved_photo(1, Card())], store_name="notion")
    )
    assert summary.index("1. 未具名名片 ✅") < summary.index("1. Unnamed card ✅")


def test_batch_summary_of_eight_photos_names_both_failures_with_reasons() -> None:
    photos = [saved_photo(seq, person(seq)) for seq in (1, 2, 4, 5, 6, 8)]
    photos += [failed_photo(3, catalogue.READER_BLOCKED), failed_photo(7, catalogue.PHOTO_GONE)]
    messages = ZH.batch_summary(photos, store_name="notion")
    assert_valid(messages)
    [message] = messages
    lines = message.text.splitlines()
    assert "8 張照片" in lines[0] and "2 張失敗" in lines[0] and "已存入 Notion" in lines[0]
    assert "3. ❌ 第 3 張照片：這張照片無法進行辨識 → 請確認拍的是名片後再傳一次" in lines
    assert "7. ❌ 第 7 張照片：LINE 上已找不到這張照片 → 請重新傳送一次" in lines
    assert lines[1:4] == ["1. 聯絡人1｜公司1 ✅", "2. 聯絡人2｜公司2 ✅", lines[3]]
    assert [line.split(".")[0] for line in lines[1:]] == [str(seq) for seq in range(1, 9)]
    assert quick_labels(messages) == ["批次", "說明"]


def test_batch_summary_shows_every_card_unnamed_ones_pending_and_idle_end() -> None:
    photos = [
        PhotoOutcome("e3", 3),  # still being read
        saved_photo(1, Card(name="王小明", company="大同公司"), Card(title="經理")),
        PhotoOutcome("e2", 2, PhotoStatus.NO_CARD),
        failed_photo(4, None),
    ]
    [message] = ZH.batch_summary(photos, store_name="local", ended_by_idle=True)
    lines = message.text.splitlines()
    assert "10 分鐘" in lines[0] and "自動結束" in lines[0]
    assert "1 張仍在處理" in lines[1]
    assert lines[2:] == [
        "1. 王小明｜大同公司 ✅",
        "1. 未具名名片 ✅",
        "2. ❌ 第 2 張照片：照片裡沒有找到名片 → 請把名片放在畫面中央、在光線充足的地方再拍一次",
        "3. ⏳ 仍在處理，完成後會個別通知你",
        "4. ❌ 第 4 張照片：處理時發生問題 → 請稍後再試一次",
    ]


def test_sixty_photo_summary_fits_line_limits() -> None:
    photos = [saved_photo(seq, person(seq)) for seq in range(1, 61)]
    messages = ZH.batch_summary(photos, store_name="notion")
    assert_valid(messages)
    assert len(messages) == 1
    assert "60. 聯絡人60｜公司60 ✅" in messages[0].text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_huge_summary_splits_and_never_drops_a_failure(language: Language) -> None:
    wide = "名" * 40
    photos = [
        failed_photo(seq, catalogue.READER_TOO_LONG)
        if seq % 6 == 0
        else saved_photo(seq, *(Card(name=f"{wide}{seq}-{i}", company=wide) for i in range(8)))
        for seq in range(1, 61)
    ]
    messages = MessageBuilder(language).batch_summary(photos, store_name="notion")
    assert_valid(messages)
    assert len(messages) == 5
    text = all_text(messages)
    for seq in range(6, 61, 6):
        assert (
            f"{seq}. ❌ 第 {seq} 張照片" if language != "en" else f"{seq}. ❌ Photo {seq}"
        ) in text
    more = "".join(messages[-1].text.splitlines()[-2:])
    assert ("以及另外" if language != "en" else "and") in more
    shown = text.count("✅") // (2 if language == "both" else 1)
    assert shown + int(re.findall(r"\d+", more)[-1]) == 50 * 8
    assert quick_labels(messages) == (["Batch", "Help"] if language == "en" else ["批次", "說明"])


def test_a_long_summary_is_split_into_marked_parts_without_cutting() -> None:
    def card(i: int) -> Card:
        return Card(name="名" * 30 + str(i), company="公" * 30)

    photos = [saved_photo(seq, *(card(seq * 10 + i) for i in range(3))) for seq in range(1, 61)]
    messages = ZH.batch_summary(photos, store_name="notion")
    assert_valid(messages)
    assert 1 < len(messages) <= 5
    assert messages[1].text.startswith(f"（續 2/{len(messages)}）")
    assert all_text(messages).count("✅") == 180  # all fit in five texts: nothing summarised away
    assert "以及另外" not in all_text(messages)


def test_batch_status_counts_and_lists_the_latest() -> None:
    photos = [saved_photo(1, person(1)), failed_photo(2, catalogue.TIMEOUT), PhotoOutcome("e3", 3)]
    messages = ZH.batch_status(photos)
    assert_valid(messages)
    assert messages[0].text.splitlines() == [
        "📦 批次進行中：已完成 1 張、失敗 1 張、處理中 1 張",
        "最近：3. ⏳、2. ❌、1. 聯絡人1｜公司1 ✅",
    ]
    assert quick_labels(messages) == ["結束批次", "取消"]
    assert "還沒有收到照片" in ZH.batch_status([])[0].text


@pytest.mark.parametrize(
    ("build", "buttons"),
    [
        (lambda: ZH.help(), ["批次", "說明"]),
        (lambda: ZH.help(batch_open=True), ["結束批次", "狀態", "說明"]),
        (lambda: ZH.welcome(), ["批次", "說明"]),
        (lambda: ZH.hint(), ["批次", "說明"]),
        (lambda: ZH.batch_started(False), ["結束批次", "狀態", "取消"]),
        (lambda: ZH.batch_started(True), ["結束批次", "狀態", "取消"]),
        (lambda: ZH.batch_not_open(), ["批次", "說明"]),
        (lambda: ZH.cancelled(True), ["批次", "說明"]),
        (lambda: ZH.no_card(), ["說明"]),
        (lambda: ZH.failure(catalogue.EXTRACTION_FAILED), ["說明"]),
        (lambda: ZH.timeout(), ["說明"]),
        (lambda: ZH.failure(catalogue.UNEXPECTED), ["說明"]),
        (lambda: ZH.save_failed(), ["說明"]),
        (lambda: ZH.dead_letter(), ["說明"]),
        (lambda: ZH.external_photo(), ["說明"]),
    ],
)
def test_replies_that_invite_a_next_step_carry_quick_replies(
    build: Any, buttons: list[str]
) -> None:
    messages = build()
    assert_valid(messages)
    assert quick_labels(messages) == buttons


def test_batch_and_cancel_sentences_say_what_happens() -> None:
    assert "結束批次" in ZH.batch_started(False)[0].text
    assert "已經在進行中" in ZH.batch_started(True)[0].text
    assert "沒有進行中的批次" in ZH.batch_not_open()[0].text
    cancelled = ZH.cancelled(True)[0].text
    assert "仍會儲存" in cancelled and "總結" in cancelled
    assert "沒有進行中的批次" in ZH.cancelled(False)[0].text


def test_notices_and_misc_sentences() -> None:
    assert (
        ZH.waiting_notice(4, 3)[0].text
        == "你還有 4 張照片在排隊，大約 3 分鐘內會處理完，不需要重傳。"
    )
    assert "14:30" in ZH.paused_notice("14:30")[0].text
    assert "09:05" in ZH.deferred("09:05")[0].text and "額度" in ZH.deferred("09:05")[0].text
    dead = ZH.dead_letter()[0].text
    assert dead == "這張照片處理多次都失敗了，已通知管理員，請重新傳一次。"
    assert "不要分享連結" in ZH.external_photo()[0].text


def test_image_set_of_five_photos_is_one_carousel_and_one_summary_line() -> None:
    photos = [saved_photo(1, person(1)), saved_photo(2, person(2), person(3))]
    photos += [failed_photo(3, catalogue.READER_BLOCKED)]
    photos += [saved_photo(4, person(4)), saved_photo(5, person(5), person(6))]
    messages = ZH.image_set(photos, store_name="notion")
    dumped = assert_valid(messages)
    assert [m["type"] for m in dumped] == ["flex", "text"]
    carousel = dumped[0]["contents"]
    assert carousel["type"] == "carousel"
    names = [bubble["body"]["contents"][0]["text"] for bubble in carousel["contents"]]
    assert names == [f"聯絡人{i}" for i in range(1, 7)]
    assert dumped[0]["altText"].startswith("6 張名片：聯絡人1、聯絡人2")
    assert messages[1].text == (
        "5 張照片：讀到 6 張名片，已存入 Notion；"
        "第 3 張無法辨識：這張照片無法進行辨識 → 請確認拍的是名片後再傳一次。"
    )
    assert quick_labels(messages) == ["說明"]


@pytest.mark.parametrize(("total", "carousels"), [(30, 3), (48, 4), (70, 4)])
def test_many_cards_in_a_set_make_several_carousels_within_five_messages(
    total: int, carousels: int
) -> None:
    photos = [
        saved_photo(seq, *(person(seq * 10 + i) for i in range(2))) for seq in range(total // 2)
    ]
    messages = MessageBuilder("both").image_set(photos, store_name="local")
    dumped = assert_valid(messages)
    assert len(messages) <= 5
    assert [m["type"] for m in dumped] == ["flex"] * carousels + ["text"]
    bubbles = sum(len(m["contents"]["contents"]) for m in dumped[:-1])
    assert bubbles == min(total, 48)
    if total > 48:
        assert f"另有 {total - 48} 張名片沒有列在上方" in messages[-1].text
    assert f"讀到 {total} 張名片" in messages[-1].text
    assert f"{total} cards read" in messages[-1].text


def test_a_set_with_partial_saves_and_no_cards_says_so() -> None:
    unsaved = PhotoOutcome("e1", 1, PhotoStatus.SAVED, Extraction((person(1), person(2)), "x"),
                           (SavedContact("a"), None))  # fmt: skip
    messages = ZH.image_set(
        [unsaved, PhotoOutcome("e2", 2, PhotoStatus.NO_CARD)], store_name="local"
    )
    assert_valid(messages)
    assert messages[-1].text.startswith(
        "2 張照片：讀到 2 張名片，1 張已存入本機通訊錄，1 張儲存失敗"
    )
    assert "第 2 張無法辨識：照片裡沒有找到名片" in messages[-1].text
    only_failures = ZH.image_set([failed_photo(1, catalogue.TIMEOUT)] * 2, store_name="notion")
    assert [type(m) for m in only_failures] == [TextMessage]


def test_cards_with_the_offline_reader_add_its_note() -> None:
    messages = ZH.cards([person(1)], [SavedContact("a")], store_name="notion", fallback_reader=True)
    assert_valid(messages)
    assert isinstance(messages[0], FlexMessage)
    assert messages[1].text == catalogue.OFFLINE_READER.zh


def test_combine_keeps_five_merges_texts_and_never_drops_a_flex() -> None:
    cards = ZH.cards([person(1)], [None], store_name="notion")
    notes = [[text_message(f"第 {i} 則")] for i in range(6)]
    combined = combine(*notes[:2], cards, *notes[2:], ZH.batch_not_open())
    assert_valid(combined)
    assert len(combined) == 5
    assert sum(isinstance(m, FlexMessage) for m in combined) == 1
    text = all_text(combined)
    assert all(f"第 {i} 則" in text for i in range(6))
    assert quick_labels(combined) == ["批次", "說明"]
    with pytest.raises(ValueError, match="Flex"):
        combine(*[cards] * 6)


def test_combine_moves_the_offered_quick_reply_to_the_last_message() -> None:
    combined = ZH.combine(ZH.failure(catalogue.TIMEOUT), [text_message("另外一句")])
    assert [m.text for m in combined] == [catalogue.TIMEOUT.zh, "另外一句"]
    assert quick_labels(combined) == ["說明"]


def test_a_combined_reply_shows_the_same_messages_and_buttons_as_the_builders_combine() -> None:
    """`Replies.combine` rearranges the JSON (issue 15: no SDK round trip per reply); what the
    user sees is exactly what the builders' `combine` makes of the same parts."""
    replies = Replies()
    summary = replies.batch_summary([saved_photo(1, person(1))], store_name="notion")
    cards = replies.cards([person(2), person(3)], [None, SavedContact("p", NOTION_URL)],
                          store_name="notion", pending_save=True)  # fmt: skip
    for parts in (
        (Reply(), cards),
        (summary, cards),
        (replies.failure(catalogue.TIMEOUT), replies.hint()),
        (summary, replies.no_card()),
        (replies.cancelled(True), summary),
        (*[replies.hint()] * 4, cards),  # six messages: texts merged
    ):
        combined = replies.combine(*parts)
        expected = combine(*(sdk_messages(part) for part in parts))
        assert list(combined.payloads) == [message.to_dict() for message in expected]
        assert validate_messages(list(combined.payloads)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_builder_passes_the_line_validator(language: Language) -> None:
    m = MessageBuilder(language)
    photos = [
        saved_photo(1, person(1)),
        failed_photo(2, catalogue.READER_BUSY),
        PhotoOutcome("e", 3),
    ]
    for messages in (
        m.help(), m.welcome(), m.hint(), m.no_card(), m.failure(catalogue.CONFIG_FAILURE),
        m.cards([person(1)] * 14, [SavedContact("x")] * 13, store_name="notion"),
        m.batch_started(False), m.batch_status(photos), m.batch_not_open(), m.cancelled(False),
        m.batch_summary(photos, store_name="notion", ended_by_idle=True),
        m.image_set(photos, store_name="notion"), m.waiting_notice(3, 2), m.paused_notice("10:00"),
        m.deferred("10:00"), m.timeout(), m.failure(catalogue.UNEXPECTED), m.save_failed(),
        m.dead_letter(), m.external_photo(),
    ):  # fmt: skip
        dumped = assert_valid(messages)
        assert "None" not in str(dumped)
        for text in (d["text"] for d in dumped if d["type"] == "text"):
            assert texts.utf16_len(text) <= 5000 and "**" not in text
