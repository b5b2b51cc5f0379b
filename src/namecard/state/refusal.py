"""A Redis that refuses our credentials or database: a configuration problem, not an outage."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis
from redis.exceptions import (
    AuthenticationError,
    AuthorizationError,
    NoPermissionError,
    RedisError,
    ResponseError,
)

from namecard.domain.errors import ConfigError

logger = logging.getLogger(__name__)

# WRONGPASS and NOAUTH arrive as AuthenticationError, NOPERM as NoPermissionError.
REFUSALS = (AuthenticationError, AuthorizationError, NoPermissionError)
NO_SUCH_DATABASE = "DB index is out of range"
CHECK_SECONDS = 5.0


def refuses_us(exc: BaseException) -> bool:
    """Redis answered, and said no to who we are or to the database we asked for."""
    if isinstance(exc, REFUSALS):
        return True
    return isinstance(exc, ResponseError) and NO_SUCH_DATABASE in str(exc)


def refusal_sentence(exc: BaseException) -> str:
    """Redis's own reason (it never echoes a password) and what to check; never the URL."""
    return (
        f"Redis refused our credentials or database ({exc}): check the user, password and "
        "database number in REDIS_URL"
    )


async def check_redis(redis: Redis) -> None:
    """Stop start-up on a refusal; an unreachable Redis is left to the queue's fallback (the
    service starts degraded and holds photos until Redis answers)."""
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await redis.ping()
    except (RedisError, OSError, TimeoutError) as exc:
        if refuses_us(exc):
            sentence = refusal_sentence(exc)
            logger.critical("%s", sentence)
            raise ConfigError(sentence) from exc
        logger.warning("Redis does not answer at start-up (%s); starting degraded", exc)
