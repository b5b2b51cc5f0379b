"""The web chat at /sim/chat in a real browser (Debian's Chromium driven by Playwright), against
`namecard serve` on `make run`'s defaults: the built-in LINE simulator, the offline reader and
the local contact book."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from namecard.sim.dev_channel import read_dev_channel
from tests.harness import FIXTURES, RunningBot, new_port, running_bot

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (`make system-deps`), never a download
READ_TIMEOUT_MS = 45_000  # the offline reader's first card, on a busy machine
CARD = FIXTURES / "tw_sales_manager.jpg"  # 王大明, 台灣雲端科技股份有限公司, mobile 0912-345-678
SECOND_CARD = FIXTURES / "en_director.jpg"
GREEN = "rgb(30, 142, 62)"
# A bubble using what the renderer draws: a horizontal box with flex 2:5, a baseline row, colours,
# weights, a separator, an image and a button whose message action the chat sends on a tap.
SAMPLE_FLEX = {
    "type": "bubble",
    "hero": {"type": "image", "url": "https://example.com/x.png", "size": "full",
             "aspectRatio": "2:1"},
    "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": [
        {"type": "text", "text": "標題", "size": "xl", "weight": "bold", "color": "#1E8E3E"},
        {"type": "separator", "margin": "lg"},
        {"type": "box", "layout": "horizontal", "contents": [
            {"type": "text", "text": "左", "flex": 2},
            {"type": "text", "text": "右", "flex": 5, "align": "end"},
        ]},
        {"type": "box", "layout": "baseline", "contents": [
            {"type": "text", "text": "很長很長很長很長很長很長很長很長很長很長很長很長很長很長很長",
             "wrap": True},
        ]},
    ]},
    "footer": {"type": "box", "layout": "vertical", "contents": [
        {"type": "button", "style": "primary",
         "action": {"type": "message", "label": "說明", "text": "說明"}},
    ]},
}  # fmt: skip


@pytest.fixture(scope="module")
def chat_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GOOGLE_", "LINE_", "NOTION_", "REDIS_URL", "GEMINI_"))
    }
    data_dir = tmp_path_factory.mktemp("web-chat") / "data"
    env.update(PORT=str(new_port()), HOST="127.0.0.1", DATA_DIR=str(data_dir))
    return env


@pytest.fixture(scope="module")
def chat_bot(
    chat_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningBot]:
    log = tmp_path_factory.mktemp("web-chat-log") / "bot.log"
    with running_bot(chat_env, log) as bot:
        yield bot


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail("Chromium is missing: `make system-deps` installs Debian's package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture
def chat(chat_bot: RunningBot, browser: Browser) -> Iterator[Page]:
    """The chat page as a LINE user of its own, so tests do not see each other's messages."""
    page = browser.new_page(viewport={"width": 430, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{chat_bot.url}/sim/chat?user=U{uuid.uuid4().hex}")
    expect(page.locator("#status.online")).to_be_visible()
    yield page
    page.close()
    assert not errors, f"the page's script failed: {errors}"


def send_card(page: Page) -> None:
    page.locator("#files").set_input_files(str(CARD))


def test_a_card_photo_comes_back_as_a_card_bubble_with_a_call_button(chat: Page) -> None:
    send_card(chat)

    expect(chat.locator(".row-user img.photo")).to_be_visible()  # the photo, on the right
    expect(chat.locator(".msg-loading")).to_be_visible()  # the bot's typing dots while it reads
    bubble = chat.locator(".row-bot .flex-bubble")
    expect(bubble).to_be_visible(timeout=READ_TIMEOUT_MS)
    expect(bubble).to_contain_text("王大明")
    expect(bubble).to_contain_text("台灣雲端科技股份有限公司")
    call = bubble.locator("a.flex-button", has_text="撥打電話")
    expect(call).to_have_attribute("href", "tel:+886912345678")
    expect(chat.locator(".msg-loading")).to_have_count(0)


def test_the_cards_correct_button_leads_to_a_corrected_card(chat: Page) -> None:
    send_card(chat)
    bubble = chat.locator(".row-bot .flex-bubble").last
    expect(bubble).to_contain_text("業務經理", timeout=READ_TIMEOUT_MS)

    bubble.locator("button.flex-button", has_text="修正").click()  # a postback button
    expect(chat.locator(".row-user .msg-text").last).to_have_text("修正")  # its displayText
    chat.locator(".quick .chip", has_text="職稱").click()
    expect(chat.locator(".row-bot .msg-text").last).to_contain_text("業務經理")  # the old value
    chat.locator("#text").fill("技術長")
    chat.locator("#text").press("Enter")

    expect(chat.locator(".row-bot .msg-text").last).to_contain_text("技術長")
    corrected = chat.locator(".row-bot .flex-bubble").last
    expect(corrected).to_contain_text("技術長")
    expect(corrected).to_contain_text("王大明")
    expect(corrected).not_to_contain_text("業務經理")


def test_quick_replies_are_buttons_that_send_their_text(chat: Page) -> None:
    chat.locator("#text").fill("說明")
    chat.locator("#text").press("Enter")

    expect(chat.locator(".row-user .msg-text")).to_have_text("說明")
    expect(chat.locator(".row-bot .msg-text")).to_contain_text("名片小幫手")
    chat.locator(".quick .chip", has_text="批次").first.click()

    expect(chat.locator(".row-user .msg-text").last).to_have_text("批次")
    expect(chat.locator(".quick .chip", has_text="結束批次")).to_be_visible()
    chat.locator(".quick .chip", has_text="取消").click()  # leaves batch mode again
    expect(chat.locator(".row-user .msg-text").last).to_have_text("取消")


def test_photos_dropped_together_come_back_as_one_carousel(chat: Page) -> None:
    photos = [
        {
            "name": path.name,
            "type": "image/jpeg",
            "b64": base64.b64encode(path.read_bytes()).decode(),
        }
        for path in (CARD, SECOND_CARD)
    ]
    dropped = chat.evaluate_handle(
        """(photos) => {
            const transfer = new DataTransfer();
            for (const photo of photos) {
                const bytes = Uint8Array.from(atob(photo.b64), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], photo.name, { type: photo.type }));
            }
            return transfer;
        }""",
        photos,
    )
    chat.dispatch_event("#log", "drop", {"dataTransfer": dropped})

    expect(chat.locator(".row-user .msg-photos img.photo")).to_have_count(2)  # one image set
    carousel = chat.locator(".row-bot .flex-carousel")
    expect(carousel).to_be_visible(timeout=READ_TIMEOUT_MS)
    expect(carousel.locator(".flex-bubble")).to_have_count(2)
    expect(carousel).to_contain_text("王大明")


def test_the_chat_answers_only_a_browser_that_names_this_machine(chat_bot: RunningBot) -> None:
    rebound = httpx.get(f"{chat_bot.url}/sim/chat", headers={"Host": "attacker.example"})
    other_site = httpx.post(
        f"{chat_bot.url}/sim/chat/api/text",
        json={"text": "說明"},
        headers={"Origin": "https://attacker.example"},
    )

    assert rebound.status_code == 403
    assert other_site.status_code == 403
    assert httpx.get(f"{chat_bot.url}/sim/chat").status_code == 200
    assert f"{chat_bot.url}/sim/chat" in chat_bot.log()  # start-up says where the page is


def test_flex_is_laid_out_as_line_does_and_its_buttons_send_their_message(
    chat: Page, chat_env: dict[str, str]
) -> None:
    chat.route("https://example.com/**", lambda route: route.abort())  # no internet in tests
    user = chat.url.split("user=")[1]
    channel = read_dev_channel(Path(chat_env["DATA_DIR"]))
    assert channel is not None
    pushed = httpx.post(
        f"{chat.url.split('/sim/chat')[0]}/sim/line/v2/bot/message/push",
        json={"to": user, "messages": [{"type": "flex", "altText": "x", "contents": SAMPLE_FLEX}]},
        headers={"Authorization": f"Bearer {channel.access_token.get_secret_value()}"},
    )
    assert pushed.status_code == 200, pushed.text

    bubble = chat.locator(".row-bot .flex-bubble")
    title = bubble.locator(".flex-text", has_text="標題")
    expect(title).to_have_css("color", GREEN)
    expect(title).to_have_css("font-weight", "700")
    expect(title).to_have_css("font-size", "22px")  # xl
    left = bubble.locator(".flex-text", has_text="左").bounding_box()
    right = bubble.locator(".flex-text", has_text="右").bounding_box()
    assert left and right
    assert left["y"] == right["y"] and left["x"] < right["x"]  # side by side
    assert right["width"] / left["width"] == pytest.approx(5 / 2, rel=0.05)
    expect(bubble.locator(".flex-separator")).to_have_count(1)
    expect(bubble.locator(".flex-image img")).to_have_count(1)
    long_text = bubble.locator(".flex-text.flex-wrap").bounding_box()
    assert long_text and long_text["height"] > 2 * 16  # wrapped over several lines
    bubble.get_by_role("button", name="說明").click()
    expect(chat.locator(".row-user .msg-text").last).to_have_text("說明")
    expect(chat.locator(".row-bot .msg-text").last).to_contain_text("名片小幫手")
