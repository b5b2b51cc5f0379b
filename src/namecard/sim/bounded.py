"""What the simulator keeps: at most so many items and so many bytes, the oldest dropped first."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MIB = 1024 * 1024


@dataclass(frozen=True)
class SimLimits:
    """How much a LINE simulator keeps. Uploads (`contents`) are what a stranger could fill
    memory with; the rest grows with the bot's own traffic and is bounded just the same."""

    contents: int = 1000
    content_bytes: int = 256 * MIB
    deliveries: int = 10_000
    delivery_bytes: int = 64 * MIB
    calls: int = 20_000
    call_bytes: int = 128 * MIB
    reply_tokens: int = 10_000
    retry_keys: int = 10_000
    queued_faults: int = 1000  # per endpoint, fail-next and delay-next each


class Bounded(Generic[K, V]):
    """An insertion-ordered map that drops its oldest entries beyond `max_items` or
    `max_bytes` (each entry's size is given when it is put). Not thread-safe: callers lock."""

    def __init__(self, max_items: int, max_bytes: int | None = None) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._bytes = 0

    def fits(self, size: int) -> bool:
        return self.max_bytes is None or size <= self.max_bytes

    def put(self, key: K, value: V, size: int = 0) -> None:
        if not self.fits(size):
            raise ValueError(f"{size} bytes is more than the {self.max_bytes} kept in all")
        self.pop(key)
        self._entries[key] = (value, size)
        self._bytes += size
        while len(self._entries) > self.max_items or not self.fits(self._bytes):
            _, (_, dropped) = self._entries.popitem(last=False)
            self._bytes -= dropped

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        return entry[0] if entry is not None else None

    def pop(self, key: K) -> V | None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return None
        self._bytes -= entry[1]
        return entry[0]

    def values(self) -> list[V]:
        return [value for value, _ in self._entries.values()]

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes
