"""Redis replies as text: redis-py answers bytes unless the client decodes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def str_keys(fields: Mapping[Any, Any] | None) -> dict[str, Any]:
    return {text(key): value for key, value in (fields or {}).items()}
