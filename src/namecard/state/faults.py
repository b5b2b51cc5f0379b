"""The one translation of Redis faults: callers see `StateUnavailable`, never redis-py's errors."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError, WatchError
from redis.exceptions import TimeoutError as RedisTimeoutError

from namecard.domain.errors import StateUnavailable

# What a Redis call raises when Redis is down, refuses us or the connection breaks.
REDIS_FAULTS = (RedisError, OSError)
# The part of those that means "Redis is away" (not "Redis answered with an error"): the job
# queue holds jobs in process for these only.
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
# Redis answered a command with an error (for example BUSYGROUP, NOGROUP).
RedisReplyError = ResponseError
# A watched key changed before EXEC: the transaction is retried.
TransactionConflict = WatchError

P = ParamSpec("P")
R = TypeVar("R")


def unavailable(exc: BaseException) -> StateUnavailable:
    """The `StateUnavailable` a caller sees for the Redis fault `exc`."""
    fault = type(exc).__name__
    return StateUnavailable(f"Redis: {fault}: {exc}", fault=fault)


@contextmanager
def faults_as_unavailable() -> Iterator[None]:
    """Inside it, a Redis fault surfaces as `StateUnavailable` (awaits included)."""
    try:
        yield
    except REDIS_FAULTS as exc:
        raise unavailable(exc) from exc


def unavailable_on_fault(
    call: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Wraps a store method so a Redis fault surfaces as `StateUnavailable`."""

    @functools.wraps(call)
    async def translated(*args: P.args, **kwargs: P.kwargs) -> R:
        with faults_as_unavailable():
            return await call(*args, **kwargs)

    return translated
