"""What the rest of the bot needs from LINE: the port `LineClient` (and any test double) fills."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from linebot.v3.messaging import Message

from namecard.domain.health import Problem


class Messenger(Protocol):
    """Answers users and fetches their uploads. When to reply, push or stay silent is
    `line/delivery.py`'s policy, written once there."""

    problem: Problem | None  # LINE refused our token (shown on /health), else None

    async def reply(self, reply_token: str, messages: Sequence[Message]) -> None: ...

    async def push(self, to: str, messages: Sequence[Message], *, retry_key: str) -> None: ...

    async def show_loading(self, user_id: str, seconds: int = 20) -> None: ...

    async def get_content(self, message_id: str, *, max_bytes: int) -> bytes: ...
