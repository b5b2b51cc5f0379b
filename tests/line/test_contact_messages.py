"""Replies about stored contacts: bubbles with their edit buttons, quick replies, LINE limits."""

from __future__ import annotations

from typing import Any

from namecard.cards.edits import CardField
from namecard.cards.model import Card, Phone, PhoneKind, SavedContact, StoredContact
from namecard.domain.postbacks import Postback, PostbackAction, decode
from namecard.line.contact_messages import ContactMessages
from namecard.line.messages import MessageBuilder
from namecard.sim.line_validation import validate_messages
from tests.line.test_messages import bubbles, postbacks

MOBILE = Phone("+886912345678", PhoneKind.MOBILE, national="0912 345 678")
CARD = Card(name="王小明", company="宏碩科技", title="經理", phones=(MOBILE,))
PAGE_ID = "c72ed39b-7544-4226-9e9b-a96005b51ea1"
STORED = StoredContact(CARD, SavedContact(PAGE_ID, "https://www.notion.so/x", created=False))


def payloads(messages: list[Any]) -> list[dict[str, Any]]:
    return [m.to_dict() for m in messages]


def test_a_saved_card_has_correct_note_and_delete_buttons_naming_its_contact() -> None:
    messages = MessageBuilder().cards([CARD], [SavedContact(PAGE_ID)], store_name="notion")
    [bubble] = bubbles(messages)
    taps = {label: decode(data) for label, data in postbacks(bubble).items()}
    assert taps == {
        "修正": Postback(PostbackAction.CORRECT, PAGE_ID),
        "加備註": Postback(PostbackAction.NOTE, PAGE_ID),
        "刪除": Postback(PostbackAction.DELETE, PAGE_ID),
    }


def test_an_unsaved_card_has_no_edit_buttons() -> None:
    messages = MessageBuilder().cards([CARD], [None], store_name="notion")
    assert postbacks(bubbles(messages)[0]) == {}


def test_every_contact_reply_passes_line_validation_in_each_language() -> None:
    for language in ("zh-TW", "en", "both"):
        m = ContactMessages(language)
        replies = [
            m.found("王", [STORED] * 10, store_name="notion"),
            m.found("王", [], store_name="local"),
            m.ask_query(), m.recent([STORED], store_name="notion"), m.recent([], store_name="x"),
            m.note_added(STORED), m.note_ask("王小明"), m.note_empty(), m.note_no_card(),
            m.choose_field(STORED), m.ask_value("王小明", CardField.TITLE, "經理"),
            m.ask_value("王小明", CardField.ADDRESS, None),
            m.corrected(STORED, CardField.TITLE, "技術長", store_name="notion"),
            m.confirm_delete(STORED), m.delete_which("王", [STORED] * 3, store_name="notion"),
            m.delete_ask(), m.deleted("王小明", store_name="notion"), m.delete_expired(),
            m.gone(), m.pending_cancelled(), m.forgotten(3, store_name="local"), m.failed(),
        ]  # fmt: skip
        for reply in replies:
            assert validate_messages(payloads(reply)) == [], reply


def test_search_results_show_no_saved_line_and_the_query_when_nothing_matched() -> None:
    found = payloads(ContactMessages().found("宏碩", [STORED], store_name="notion"))
    assert "宏碩" in found[0]["text"]
    assert "已存入" not in str(found[1])
    none = payloads(ContactMessages().found("不存在", [], store_name="notion"))
    assert "不存在" in none[0]["text"]


def test_the_validator_refuses_an_action_line_would_refuse() -> None:
    message = {"type": "text", "text": "x", "quickReply": {"items": [
        {"type": "action", "action": {"type": "postback", "label": "x" * 21, "data": "d" * 301}},
        {"type": "action", "action": {"type": "message", "label": "ok"}},
    ]}}  # fmt: skip
    props = {error["property"] for error in validate_messages([message])}
    assert props == {
        "messages[0].quickReply.items[0].action.label",
        "messages[0].quickReply.items[0].action.data",
        "messages[0].quickReply.items[1].action.text",
    }
