"""The bot's own LINE user id, learnt from LINE in the background, to recognise its webhooks."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from namecard.domain.errors import ConfigError, NamecardError, PermanentError
from namecard.domain.jobs import hash_user

logger = logging.getLogger(__name__)

LEARN_ATTEMPTS = 8
FIRST_DELAY_SECONDS, MAX_DELAY_SECONDS = 1.0, 60.0


class BotInfoSource(Protocol):
    async def bot_user_id(self) -> str: ...


class BotIdentity:
    """Unknown until `learn` succeeds; until then every webhook's `destination` is accepted,
    so a LINE outage at start-up never costs a photo."""

    def __init__(self) -> None:
        self._user_id: str | None = None

    @property
    def user_id(self) -> str | None:
        return self._user_id

    def is_other(self, destination: str | None) -> bool:
        """Whether a webhook names another bot as its `destination` (known ids only)."""
        return self._user_id is not None and destination != self._user_id

    async def learn(self, line: BotInfoSource) -> None:
        """Ask LINE, retrying with backoff while it does not answer; give up on a refusal."""
        delay = FIRST_DELAY_SECONDS
        for _ in range(LEARN_ATTEMPTS):
            try:
                self._user_id = await line.bot_user_id()
            except (ConfigError, PermanentError) as exc:  # asking again would not help
                logger.warning("bot info refused (%s): webhook destinations not checked", exc)
                return
            except NamecardError as exc:
                logger.info("bot info not available yet (%s); asking again in %.0fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_DELAY_SECONDS)
            else:
                logger.info("bot user %s: webhooks for other bots are skipped",
                            hash_user(self._user_id))  # fmt: skip
                return
        logger.warning("bot info unavailable: webhook destinations not checked")
