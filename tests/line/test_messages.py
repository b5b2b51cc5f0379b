"""What a LINE user reads: the Flex contact card, its buttons and limits, and the text replies."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from linebot.v3.messaging import (  # type: ignore[import-untyped, unused-ignore]
    FlexMessage,
    ReplyMessageRequest,
    TextMessage,
)

from namecard.cards.model import Card, Phone, PhoneKind, SavedContact
from namecard.domain import catalogue
from namecard.domain.catalogue import Sentence
from namecard.line import texts
from namecard.line.messages import MessageBuilder, text_message
from namecard.line.replies import Replies
from namecard.sim.line_validation import validate_messages

NOTION_URL = "https://www.notion.so/abc123def456"
BUBBLE_LIMIT = 30_000
CAROUSEL_LIMIT = 50_000
ZH = MessageBuilder()
card_messages = ZH.cards
CALL = catalogue.BUTTON_CALL.zh
MAIL = catalogue.BUTTON_MAIL.zh
OPEN_NOTION = catalogue.BUTTON_OPEN_NOTION.zh
FIELDS = ("name", "company", "department", "title", "phones", "emails", "address", "website")

DAMING = Card(
    name="王大明",
    company="台灣雲端科技股份有限公司",
    department="業務部",
    title="業務經理",
    phones=(
        Phone("+886-2-2345-6789", PhoneKind.OFFICE, "123"),
        Phone("+886 912 345 678", PhoneKind.MOBILE),
        Phone("+886-2-2345-0000", PhoneKind.FAX),
    ),
    emails=("daming@example.com.tw",),
    address="台北市信義區信義路五段7號",
    website="https://cloud.example.com.tw",
    line_id="daming88",
)
EMILY = Card(name="Emily Chen", company="Acme Corp.", title="CTO", emails=("emily@acme.io",))


def size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode())


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for child in node.values():
            yield from walk(child)
    elif isinstance(node, list):
        for child in node:
            yield from walk(child)


def flex(messages: Sequence[Any]) -> dict[str, Any]:
    assert isinstance(messages[0], FlexMessage)
    data: dict[str, Any] = messages[0].to_dict()
    return data


def bubbles(messages: Sequence[Any]) -> list[dict[str, Any]]:
    contents: dict[str, Any] = flex(messages)["contents"]
    return contents["contents"] if contents["type"] == "carousel" else [contents]


def shown_texts(node: Any) -> list[str]:
    return [c["text"] for c in walk(node) if c.get("type") == "text"]


def buttons(bubble: dict[str, Any]) -> dict[str, str]:
    """The link buttons (label → URI) under a card."""
    found = [c["action"] for c in walk(bubble.get("footer", {})) if c.get("type") == "button"]
    return {action["label"]: action["uri"] for action in found if action["type"] == "uri"}


def postbacks(bubble: dict[str, Any]) -> dict[str, str]:
    """The postback buttons (label → data) under a card."""
    found = [c["action"] for c in walk(bubble.get("footer", {})) if c.get("type") == "button"]
    return {action["label"]: action["data"] for action in found if action["type"] == "postback"}


def one_card(card: Card, entry: SavedContact | None = None, **kw: Any) -> dict[str, Any]:
    messages = card_messages([card], [entry], store_name=kw.pop("store_name", "notion"), **kw)
    assert len(messages) == 1
    [bubble] = bubbles(messages)
    return bubble


def assert_valid(messages: Sequence[Any]) -> None:
    """Everything LINE would check: counts, sizes, non-empty texts, labels, URIs, round trip."""
    assert 1 <= len(messages) <= 5
    assert validate_messages([m.to_dict() for m in messages]) == []
    ReplyMessageRequest(reply_token="token", messages=list(messages))
    data = flex(messages)
    assert FlexMessage.from_dict(data).to_dict() == data
    assert data["altText"].strip()
    assert texts.utf16_len(data["altText"]) <= 1500
    assert size(data["contents"]) <= CAROUSEL_LIMIT
    assert len(bubbles(messages)) <= 12
    for bubble in bubbles(messages):
        assert size(bubble) <= BUBBLE_LIMIT
        assert len(buttons(bubble)) <= 4
        assert all(len(label) <= 20 and len(uri) <= 1000 for label, uri in buttons(bubble).items())
    assert all(text.strip() for text in shown_texts(data))
    for message in messages[1:]:
        assert isinstance(message, TextMessage)
        assert message.text.strip()
        assert texts.utf16_len(message.text) <= 5000


def test_one_card_is_a_bubble_with_its_name_company_title_and_phones() -> None:
    messages = card_messages([DAMING], [SavedContact("p1", NOTION_URL)], store_name="notion")
    assert_valid(messages)
    assert flex(messages)["contents"]["type"] == "bubble"
    shown = shown_texts(flex(messages))
    assert shown[0] == "王大明"
    for expected in ("業務經理", "台灣雲端科技股份有限公司", "業務部", "daming@example.com.tw"):
        assert expected in shown
    assert "+886-2-2345-6789 分機 123" in shown
    assert {"+886 912 345 678", "+886-2-2345-0000"} <= set(shown)
    assert {"手機", "電話", "傳真", "地址", "網站", "LINE ID"} <= set(shown)
    assert "✓ 已存入 Notion" in shown


def test_call_and_mail_buttons_dial_and_write_to_the_card() -> None:
    actions = buttons(one_card(DAMING, SavedContact("p1")))
    assert actions[CALL] == "tel:+886912345678"  # the mobile, digits only
    assert actions[MAIL] == "mailto:daming@example.com.tw"
    office_only = Card(name="林", phones=(Phone("（０２）２３４５－６７８９", PhoneKind.OFFICE),))
    assert buttons(one_card(office_only))[CALL] == "tel:0223456789"
    fax_only = Card(name="林", phones=(Phone("02-2345-0000", PhoneKind.FAX),), emails=("nope",))
    assert buttons(one_card(fax_only)) == {}


def test_notion_button_only_for_a_web_link() -> None:
    with_link = buttons(one_card(DAMING, SavedContact("p1", NOTION_URL)))
    assert with_link[OPEN_NOTION] == NOTION_URL
    for url in (None, "local:42", "javascript:alert(1)", "https://", "https://x.y/a b"):
        assert OPEN_NOTION not in buttons(one_card(DAMING, SavedContact("p1", url)))


def test_several_cards_make_a_carousel_of_one_bubble_each() -> None:
    messages = card_messages(
        [DAMING, EMILY], [SavedContact("a"), SavedContact("b")], store_name="local"
    )
    assert_valid(messages)
    assert len(messages) == 1
    assert [shown_texts(b)[0] for b in bubbles(messages)] == ["王大明", "Emily Chen"]
    assert flex(messages)["altText"] == "2 張名片：王大明、Emily Chen"
    assert all("✓ 已存入本機通訊錄" in shown_texts(b) for b in bubbles(messages))


def test_fifteen_cards_show_twelve_and_say_how_many_more_were_saved() -> None:
    cards = [Card(name=f"聯絡人{i}", company="某公司") for i in range(15)]
    messages = card_messages(cards, [SavedContact(str(i)) for i in range(15)], store_name="notion")
    assert_valid(messages)
    assert len(bubbles(messages)) == 12
    assert flex(messages)["altText"].startswith("15 張名片：聯絡人0、")
    assert messages[1].text == "另有 3 張名片沒有列在上方，其中 3 張已存入 Notion。"


def test_single_alt_text_reads_like_a_notification() -> None:
    messages = card_messages([DAMING], [None], store_name="notion")
    assert flex(messages)["altText"] == "名片：王大明（台灣雲端科技股份有限公司）"
    assert flex(ZH.cards([Card(title="經理")], [None], store_name="notion"))["altText"] == (
        "名片：未具名名片"
    )
    huge = Card(name="名" * 5000, title="😀" * 5000, company="公" * 5000)
    assert_valid(card_messages([huge] * 30, [None] * 30, store_name="notion"))


@pytest.mark.parametrize(
    ("card", "heading"),
    [
        (Card(), "未具名名片"),
        (Card(company="只有公司"), "只有公司"),
        (
            Card(name="None", title="null", company="  ", phones=(Phone("   "),), emails=("",)),
            "未具名名片",
        ),
        (Card(name="王小明", phones=(Phone("0912345678", extension=None),)), "王小明"),
    ],
)
def test_missing_fields_show_nothing_empty_and_never_none(card: Card, heading: str) -> None:
    messages = card_messages([card], [None], store_name="notion")
    assert_valid(messages)
    dumped = json.dumps(flex(messages), ensure_ascii=False)
    assert "None" not in dumped
    assert "null" not in dumped
    assert shown_texts(bubbles(messages)[0])[0] == heading


def test_a_very_long_address_is_cut_so_the_bubble_stays_under_30_kb() -> None:
    address = "台北市信義區信義路五段7號" * 250
    bubble = one_card(Card(name="王大明", address=address), SavedContact("p"))
    assert size(bubble) <= BUBBLE_LIMIT
    [shown] = [t for t in shown_texts(bubble) if t.startswith("台北市")]
    assert shown.endswith("…")
    assert len(shown) < len(address)


def test_uncertain_fields_are_marked_for_checking() -> None:
    card = Card(
        name="王大明",
        company="雲端",
        address="台北市",
        phones=(Phone("0912345678", PhoneKind.MOBILE),),
        uncertain_fields=("address", "phone"),
    )
    shown = shown_texts(one_card(card))
    assert "台北市 ⚠ 待確認" in shown
    assert "0912345678 ⚠ 待確認" in shown
    assert "王大明" in shown
    assert "雲端" in shown


def test_the_other_language_name_title_company_and_address_are_shown_smaller() -> None:
    card = Card(
        name="林志豪",
        title="資深軟體工程師",
        company="智匯資訊有限公司",
        address="新竹市東區光復路二段101號",
        notes=(
            "英文名: Chih-Hao Lin; 英文職稱: Senior Software Engineer; "
            "英文公司名: SmartWise Co., Ltd.; 英文地址: No. 101, Sec. 2, Guangfu Rd., Hsinchu; 備註"
        ),
    )
    bubble = one_card(card)
    small = {c["text"]: c["size"] for c in walk(bubble) if c.get("type") == "text"}

    for shown in (
        "Chih-Hao Lin",
        "Senior Software Engineer",
        "SmartWise Co., Ltd.",
        "No. 101, Sec. 2, Guangfu Rd., Hsinchu",
    ):
        assert small.get(shown) == "xs"
    assert "備註" not in small


@pytest.mark.parametrize(
    ("entry", "pending", "store", "status"),
    [
        (None, True, "notion", "正在儲存到 Notion…"),
        (None, True, "local", "正在儲存聯絡人…"),
        (None, False, "notion", "儲存失敗，請稍後再傳一次照片"),
        (SavedContact("p"), False, "local", "✓ 已存入本機通訊錄"),
        (
            SavedContact("p", created=False),
            False,
            "notion",
            "✓ Notion 裡已有這位聯絡人，沒有重複建立",
        ),
    ],
)
def test_status_line_says_where_the_contact_went(
    entry: SavedContact | None, pending: bool, store: str, status: str
) -> None:
    bubble = one_card(DAMING, entry, store_name=store, pending_save=pending)
    assert shown_texts(bubble)[-1] == status


def test_overflow_note_counts_failures_and_pending_saves() -> None:
    cards = [EMILY] * 14
    failed = card_messages(cards, [SavedContact("x")] * 13, store_name="local")
    assert failed[1].text == (
        "另有 2 張名片沒有列在上方，其中 1 張已存入本機通訊錄，1 張儲存失敗，請稍後再傳一次照片。"
    )
    pending = card_messages(cards, [], store_name="notion", pending_save=True)
    assert pending[1].text == "另有 2 張名片沒有列在上方，正在儲存到 Notion…"


def test_twelve_overfull_cards_still_fit_one_carousel() -> None:
    wide = "😀" * 3000
    card = Card(
        name=wide,
        company=wide,
        department=wide,
        title=wide,
        phones=tuple(Phone(wide, PhoneKind.MOBILE, wide) for _ in range(10)),
        emails=("a" * 240 + "@example.com",) * 5,
        address=wide,
        website=wide,
        line_id=wide,
        tax_id=wide,
        uncertain_fields=FIELDS,
    )
    entries = [SavedContact("x", "https://www.notion.so/" + "a" * 950)] * 12
    assert_valid(card_messages([card] * 12, entries, store_name="notion"))


def test_no_cards_means_no_card_sentence() -> None:
    [message] = card_messages([], [], store_name="notion")
    assert message.text == catalogue.NO_CARD.zh == ZH.no_card()[0].text
    assert "沒有找到名片" in message.text


def test_text_message_is_cut_to_line_limits() -> None:
    message = text_message("😀" * 6000, quick_replies=[(f"選項{i}" * 9, "help") for i in range(20)])
    assert texts.utf16_len(message.text) <= 5000
    assert message.text.endswith("…")
    items = message.quick_reply.items
    assert len(items) == 13
    assert all(len(item.action.label) <= 20 for item in items)
    with pytest.raises(ValueError, match="empty"):
        text_message("  ")


@pytest.mark.parametrize("build", [ZH.help, ZH.welcome, ZH.hint])
def test_help_welcome_and_hint_offer_batch_and_help_buttons(build: Any) -> None:
    [message] = build()
    items = [(i.action.label, i.action.text) for i in message.quick_reply.items]
    assert items == [("批次", "批次"), ("說明", "說明")]
    assert "help" in message.text
    assert "**" not in message.text
    assert "None" not in message.text


def test_help_explains_what_the_bot_does() -> None:
    text = ZH.help()[0].text
    for words in ("名片照片", "姓名", "公司", "電話", "Email", "地址", "英文", "好幾張", "說明"):
        assert words in text


def test_failure_shows_the_friendly_sentence_only() -> None:
    [message] = ZH.failure(Sentence("這張圖片無法處理。", "This image cannot be processed."))
    assert message.text == "這張圖片無法處理。"
    assert [i.action.label for i in message.quick_reply.items] == ["說明"]
    assert ZH.failure(Sentence("", ""))[0].text == catalogue.GENERIC_FAILURE.zh


unicode_text = st.text(st.characters(), max_size=400)
optional_text = st.none() | unicode_text
phones = st.builds(Phone, unicode_text, st.sampled_from(PhoneKind), optional_text)
cards = st.builds(
    Card,
    name=optional_text,
    company=optional_text,
    department=optional_text,
    title=optional_text,
    phones=st.lists(phones, max_size=8).map(tuple),
    emails=st.lists(unicode_text, max_size=4).map(tuple),
    address=optional_text,
    website=optional_text,
    line_id=optional_text,
    tax_id=optional_text,
    uncertain_fields=st.lists(st.sampled_from(FIELDS)).map(tuple),
)
entries = st.none() | st.builds(
    SavedContact, unicode_text, st.none() | unicode_text | st.just(NOTION_URL), st.booleans()
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(cards, min_size=1, max_size=15),
    st.lists(entries, max_size=15),
    st.sampled_from(["notion", "local"]),
    st.booleans(),
    st.sampled_from(["zh-TW", "en", "both"]),
)
def test_any_cards_build_valid_messages_within_line_limits(
    batch: list[Card], saved: list[SavedContact | None], store: str, pending: bool, language: Any
) -> None:
    builder = MessageBuilder(language)
    messages = builder.cards(batch, saved, store_name=store, pending_save=pending)
    assert_valid(messages)
    assert len(bubbles(messages)) == min(len(batch), 12)
    json.dumps([m.to_dict() for m in messages], ensure_ascii=False).encode()  # valid UTF-8


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(cards, max_size=15),
    st.lists(entries, max_size=15),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["zh-TW", "en", "both"]),
)
def test_the_reply_sent_as_json_is_the_validated_messages(
    batch: list[Card], saved: list[SavedContact | None], pending: bool, offline: bool,
    language: Any,
) -> None:  # fmt: skip
    """The card reply goes to LINE as JSON built without the SDK's models (issue 15): the
    user gets exactly the messages the SDK validates."""
    replies = Replies(language)
    sent = replies.cards(batch, saved, store_name="notion", pending_save=pending,
                         fallback_reader=offline)  # fmt: skip
    built = replies.builder.cards(batch, saved, store_name="notion", pending_save=pending,
                                  fallback_reader=offline)  # fmt: skip
    assert list(sent.payloads) == [message.to_dict() for message in built]
    assert validate_messages(list(sent.payloads)) == []


def test_an_english_reply_labels_the_card_in_english() -> None:
    messages = MessageBuilder("en").cards(
        [DAMING], [SavedContact("p1", NOTION_URL)], store_name="notion"
    )
    assert_valid(messages)
    [bubble] = bubbles(messages)
    shown = shown_texts(bubble)
    assert {"Mobile", "Phone", "Fax", "Address", "Website", "✓ Saved to Notion"} <= set(shown)
    assert "+886-2-2345-6789 ext. 123" in shown
    assert set(buttons(bubble)) == {"Call", "Send email", "Open in Notion"}
    assert flex(messages)["altText"] == "Card: 王大明 (台灣雲端科技股份有限公司)"


def test_both_languages_keep_labels_short_and_status_in_both() -> None:
    [bubble] = bubbles(MessageBuilder("both").cards([DAMING], [None], store_name="notion"))
    assert (
        shown_texts(bubble)[-1]
        == "儲存失敗，請稍後再傳一次照片\nNot saved; send the photo again later"
    )
    assert set(buttons(bubble)) == {CALL, MAIL}


def test_alt_text_of_many_long_cards_stays_short_for_a_notification() -> None:
    huge = Card(name="名" * 5000, company="公" * 5000)
    alt = flex(card_messages([huge] * 12, [None] * 12, store_name="notion"))["altText"]
    assert texts.utf16_len(alt) <= 400
    assert alt.startswith("12 張名片：") and alt.endswith("…")
