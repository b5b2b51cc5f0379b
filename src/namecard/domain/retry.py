"""Retry policy: jittered exponential backoff for TransientError, always within a deadline."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from namecard.domain.errors import TransientError

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Full-jitter backoff for the given (1-based) failed attempt."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return ceiling * (0.5 + rng() / 2)


async def retry_transient(
    operation: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    deadline: float,
    what: str,
) -> T:
    """Run `operation`, retrying TransientError while attempts and the deadline
    (a loop.time() value) allow; the last error propagates."""
    loop = asyncio.get_running_loop()
    attempt = 1
    while True:
        try:
            return await operation()
        except TransientError as exc:
            # The wait the service asked for (Retry-After) wins over our own backoff.
            delay = max(policy.delay(attempt), exc.retry_after or 0.0)
            if attempt >= policy.attempts or loop.time() + delay >= deadline:
                raise
            logger.warning(
                "%s failed (attempt %d): %s; retrying in %.1fs", what, attempt, exc, delay
            )
            await asyncio.sleep(delay)
            attempt += 1
