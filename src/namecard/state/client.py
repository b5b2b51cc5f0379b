"""The Redis connection as every shared-state user gets it: the client and the deployment's keys.

redis-py is imported here (and in the rest of `state/`) and in `bootstrap/`, which opens the
connection; every other module names the client type through this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from redis.asyncio import Redis as _Redis
from redis.asyncio.client import Pipeline as _Pipeline
from redis.commands.core import AsyncScript
from redis.typing import EncodableT, FieldT

from namecard.state.faults import faults_as_unavailable
from namecard.state.keys import KeySpace

Redis: TypeAlias = _Redis  # the client type, for modules outside state/
Pipeline: TypeAlias = _Pipeline
Script: TypeAlias = AsyncScript  # what `Redis.register_script` returns
Field: TypeAlias = FieldT  # a stream entry's field name
Value: TypeAlias = EncodableT  # a value Redis stores
NO_PREFIX = KeySpace()  # the key names of a deployment alone in its Redis


@dataclass(frozen=True, slots=True)
class SharedRedis:
    """Built once by bootstrap from the settings and handed to every Redis user."""

    client: Redis
    keys: KeySpace


async def run_script(script: Script, keys: Sequence[str], args: Sequence[Any]) -> Any:
    """Runs a registered Lua script; a Redis fault surfaces as `StateUnavailable`."""
    with faults_as_unavailable():
        return await script(keys=list(keys), args=list(args))
