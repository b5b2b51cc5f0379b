"""Transient failures are retried with backoff inside the job deadline; others are not."""

from __future__ import annotations

import asyncio

import pytest

from namecard.domain.errors import PermanentError, TransientError
from namecard.domain.retry import RetryPolicy, retry_transient

FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


async def test_transient_errors_are_retried_until_success() -> None:
    attempts = 0

    async def flaky() -> str:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise TransientError("503")
        return "ok"

    deadline = asyncio.get_running_loop().time() + 5
    assert await retry_transient(flaky, policy=FAST, deadline=deadline, what="t") == "ok"
    assert attempts == 3


async def test_permanent_errors_are_not_retried() -> None:
    attempts = 0

    async def refused() -> None:
        nonlocal attempts
        attempts += 1
        raise PermanentError("400")

    with pytest.raises(PermanentError):
        await retry_transient(refused, policy=FAST, deadline=1e12, what="t")
    assert attempts == 1


async def test_no_retry_past_the_deadline() -> None:
    attempts = 0

    async def always_busy() -> None:
        nonlocal attempts
        attempts += 1
        raise TransientError("429")

    slow = RetryPolicy(attempts=10, base_delay=5, max_delay=5)
    deadline = asyncio.get_running_loop().time() + 1
    with pytest.raises(TransientError):
        await retry_transient(always_busy, policy=slow, deadline=deadline, what="t")
    assert attempts == 1


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(attempts=10, base_delay=1, max_delay=8)
    highs = [policy.delay(n, rng=lambda: 1.0) for n in range(1, 7)]
    assert highs == [1, 2, 4, 8, 8, 8]
    assert policy.delay(3, rng=lambda: 0.0) == 2
