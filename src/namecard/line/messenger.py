"""What the rest of the bot needs from LINE: the port `LineClient` (and any test double) fills.

It takes domain `Reply` values; LINE's SDK types never leave line/."""

from __future__ import annotations

from typing import Protocol

from namecard.domain.health import Problem
from namecard.domain.replies import Reply


class Messenger(Protocol):
    """Answers users and fetches their uploads. When to reply, push or stay silent is
    `line/delivery.py`'s policy, written once there."""

    problem: Problem | None  # LINE refused our token (shown on /health), else None

    async def reply(self, reply_token: str, reply: Reply) -> None: ...

    async def push(self, to: str, reply: Reply, *, retry_key: str) -> None: ...

    async def show_loading(self, user_id: str, seconds: int = 20) -> None: ...

    async def get_content(self, message_id: str, *, max_bytes: int) -> bytes: ...
