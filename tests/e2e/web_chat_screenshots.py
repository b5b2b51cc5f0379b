"""Takes the web chat screenshots in docs/: `python -m tests.e2e.web_chat_screenshots`.

Starts `namecard serve` on `make run`'s defaults and drives the web chat with Debian's Chromium.
CJK text needs a CJK font on this machine (`make fixture-fonts`); the tests need none."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from tests.harness import FIXTURES, new_port, running_bot

DOCS = Path(__file__).resolve().parents[2] / "docs"
READ_TIMEOUT_MS = 60_000


def _environment(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GOOGLE_", "LINE_", "NOTION_", "REDIS_URL", "GEMINI_"))
    }
    env.update(PORT=str(new_port()), HOST="127.0.0.1", DATA_DIR=str(data_dir))
    return env


def _card(page: Page) -> None:
    page.locator("#files").set_input_files(str(FIXTURES / "tw_sales_manager.jpg"))
    expect(page.locator(".row-bot .flex-bubble")).to_be_visible(timeout=READ_TIMEOUT_MS)
    page.wait_for_timeout(300)
    page.screenshot(path=str(DOCS / "web-chat-card.png"))


def _carousel(page: Page) -> None:
    photos = [FIXTURES / name for name in ("two_cards.jpg", "en_director.jpg")]
    page.locator("#files").set_input_files([str(path) for path in photos])  # one image set
    expect(page.locator(".row-bot .flex-carousel")).to_be_visible(timeout=READ_TIMEOUT_MS)
    page.wait_for_timeout(300)
    page.screenshot(path=str(DOCS / "web-chat-carousel.png"))


def _search(page: Page) -> None:
    page.locator("#files").set_input_files(str(FIXTURES / "two_cards.jpg"))
    expect(page.locator(".row-bot .flex-carousel")).to_be_visible(timeout=READ_TIMEOUT_MS)
    page.locator("#text").fill("查詢 能源")
    page.locator("#text").press("Enter")
    expect(page.locator(".row-bot .msg-text").last).to_be_visible(timeout=READ_TIMEOUT_MS)
    expect(page.locator(".row-bot")).to_have_count(2, timeout=READ_TIMEOUT_MS)
    page.wait_for_timeout(300)
    page.screenshot(path=str(DOCS / "web-chat-search.png"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        env = _environment(Path(tmp) / "data")
        with running_bot(env, Path(tmp) / "bot.log") as bot:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            for take in (_card, _carousel, _search):
                page = browser.new_page(viewport={"width": 430, "height": 900})
                page.goto(f"{bot.url}/sim/chat?user=U{uuid.uuid4().hex}")
                take(page)
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
