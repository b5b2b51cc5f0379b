"""The one translation of Redis faults: callers see `StateUnavailable`, never redis-py's errors."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from redis.exceptions import RedisError

from namecard.domain.errors import StateUnavailable

# What a Redis call raises when Redis is down, refuses us or the connection breaks.
REDIS_FAULTS = (RedisError, OSError)

P = ParamSpec("P")
R = TypeVar("R")


def unavailable_on_fault(
    call: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Wraps a store method so a Redis fault surfaces as `StateUnavailable`."""

    @functools.wraps(call)
    async def translated(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await call(*args, **kwargs)
        except REDIS_FAULTS as exc:
            raise StateUnavailable(f"Redis: {type(exc).__name__}: {exc}") from exc

    return translated
