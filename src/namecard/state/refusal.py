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
from namecard.domain.health import Problem, ProblemCode

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


class RedisHealth:
    """What one Redis user reports on /health: a refusal (configuration) or an outage, logged
    once when it starts and once when Redis answers again."""

    def __init__(self, what: str) -> None:
        self._what = what
        self.problem: Problem | None = None
        self.errors = 0  # faults seen, for /stats

    def failed(self, exc: Exception) -> None:
        self.errors += 1
        if refuses_us(exc):
            if self.problem is None or self.problem.code is not ProblemCode.REDIS_AUTH:
                logger.error("%s: %s", self._what, refusal_sentence(exc))
            self.problem = Problem(ProblemCode.REDIS_AUTH, f"{self._what}: {exc}")
            return
        if self.problem is None:
            logger.warning("%s: Redis unreachable, retrying with backoff: %s", self._what, exc)
        self.problem = Problem(ProblemCode.REDIS_UNREACHABLE, f"{self._what}: {exc}")

    def healthy(self) -> None:
        if self.problem is not None:
            logger.info("%s: Redis answers again", self._what)
        self.problem = None


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


async def check_redis_url(url: str) -> None:
    """`check_redis` on a short-lived client, so `namecard serve` can refuse to start before
    it listens (Hypercorn would otherwise print its own traceback after our sentence)."""
    redis = Redis.from_url(url, socket_connect_timeout=CHECK_SECONDS, socket_timeout=CHECK_SECONDS)
    try:
        await check_redis(redis)
    finally:
        await redis.aclose()
