"""Correcting a card from the chat: 修正 → the field → the new value, on the Notion page."""

from __future__ import annotations

import pytest

from namecard.sim.driver import WebhookDriver
from tests.e2e.contacts_chat import card_buttons, person, quick_replies, save_card, say, tap
from tests.harness import Emulators, pages_named

pytestmark = pytest.mark.e2e


async def test_correcting_the_title_updates_the_page_and_keeps_the_old_one_in_the_notes(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = person(title="業務經理")
    saved = await save_card(driver, emulators, user_id, card)

    asked, question = await tap(driver, user_id, card_buttons(saved)["修正"])
    fields = quick_replies(asked)
    assert list(fields) == ["姓名", "公司", "職稱", "電話", "Email", "地址", "取消"]
    assert card["name"] in question
    value_asked, prompt = await tap(driver, user_id, fields["職稱"]["data"])
    assert "業務經理" in prompt  # the value being replaced is shown
    assert "取消" in quick_replies(value_asked)
    done, reply = await say(driver, user_id, "技術長")

    assert "技術長" in reply and card["name"] in reply
    assert any(m["type"] == "flex" for m in done["messages"])  # the corrected card
    [page] = pages_named(emulators, card["name"])
    values = emulators.notion.page_values(page)
    assert values["職稱"] == "技術長"
    assert "舊職稱: 業務經理" in values["聯繫注意事項"]
    assert values["決策影響力"] == "高"


async def test_a_corrected_phone_is_normalised(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = person()
    saved = await save_card(driver, emulators, user_id, card)
    await tap(driver, user_id, card_buttons(saved)["修正"])

    await say(driver, user_id, "電話")  # the field typed instead of tapped
    _, reply = await say(driver, user_id, "０９１２－３４５－６７８")

    [page] = pages_named(emulators, card["name"])
    assert emulators.notion.page_values(page)["電話"] == "+886912345678"
    assert "0912 345 678" in reply


async def test_cancel_drops_the_correction_and_the_next_text_is_ordinary(
    driver: WebhookDriver, emulators: Emulators, user_id: str
) -> None:
    card = person(title="業務經理")
    saved = await save_card(driver, emulators, user_id, card)
    asked, _ = await tap(driver, user_id, card_buttons(saved)["修正"])
    await tap(driver, user_id, quick_replies(asked)["職稱"]["data"])

    _, cancelled = await say(driver, user_id, "取消")
    _, after = await say(driver, user_id, "this is not a value")

    assert "取消" in cancelled
    assert "名片照片" in after  # the usual hint
    [page] = pages_named(emulators, card["name"])
    assert emulators.notion.page_values(page)["職稱"] == "業務經理"
