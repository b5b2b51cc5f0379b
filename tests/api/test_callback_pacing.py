"""Photos held back by per-user pacing: the user is told how many are waiting, all of them."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

from tests.api.webhook_app import event, webhook_app
from tests.harness import FIXTURES, Emulators

NOTICE_TIMEOUT_SECONDS = 20.0
WAITING = re.compile(r"你還有 (\d+) 張照片在排隊")


async def test_the_waiting_notice_counts_every_photo_sent_together(
    emulators: Emulators, tmp_path: Path
) -> None:
    user = "U" + uuid.uuid4().hex
    photo = (FIXTURES / "tw_sales_manager.jpg").read_bytes()
    async with webhook_app(emulators, tmp_path, USER_RATE_PER_MIN="1") as bot:
        for _ in range(5):  # one starts at once, four wait their turn; one webhook each
            message_id = emulators.line.add_content(photo, "image/jpeg")
            message = {"type": "image", "id": message_id, "quoteToken": "q",
                       "contentProvider": {"type": "line"}}  # fmt: skip
            token = emulators.line.issue_reply_token(user)
            assert (await bot.post([event("message", user=user, replyToken=token,
                                          message=message)])).status_code == 200  # fmt: skip
        notices = await waiting_notices(emulators, user)

    assert [int(found.group(1)) for found in notices] == [4]


async def waiting_notices(emulators: Emulators, user: str) -> list[re.Match[str]]:
    for _ in range(int(NOTICE_TIMEOUT_SECONDS / 0.05)):
        texts = [
            message.get("text", "")
            for delivery in emulators.line.deliveries(user)
            for message in delivery.messages
        ]
        found = [match for text in texts if (match := WAITING.search(text))]
        if found:
            return found
        await asyncio.sleep(0.05)
    return []
