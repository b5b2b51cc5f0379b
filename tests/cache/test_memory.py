"""The memory tier keeps the most recent results within its entry, byte and time bounds."""

from __future__ import annotations

from typing import Any

import pytest

from namecard.cache.memory import MemoryCache, encode_compact
from tests.clock import ManualClock

MB = 1024 * 1024


class Clock(ManualClock):
    def __init__(self) -> None:
        super().__init__(1000.0)


def value(n: int, padding: int = 0) -> dict[str, Any]:
    return {"n": n, "pad": "x" * padding}


async def keys_present(cache: MemoryCache, keys: list[str]) -> list[str]:
    return [key for key in keys if await cache.get(key) is not None]


async def test_a_stored_value_comes_back_equal_and_unshared() -> None:
    cache = MemoryCache(max_bytes=MB)
    await cache.set("k", {"name": "王小明", "phones": ["+886"]}, 60)
    first = await cache.get("k")
    assert first == {"name": "王小明", "phones": ["+886"]}
    first["name"] = "changed"
    assert await cache.get("k") == {"name": "王小明", "phones": ["+886"]}
    assert cache.stats().hits == 2


async def test_count_bound_drops_the_least_recently_used() -> None:
    cache = MemoryCache(max_entries=3, max_bytes=MB)
    for key in "abc":
        await cache.set(key, value(1), 60)
    assert await cache.get("a") is not None  # a is now the most recent; b is the oldest
    await cache.set("d", value(4), 60)
    assert await keys_present(cache, list("abcd")) == ["a", "c", "d"]
    assert cache.stats().entries == 3


async def test_default_count_bound_is_100() -> None:
    cache = MemoryCache(max_bytes=MB)
    for n in range(150):
        await cache.set(f"k{n}", value(n), 60)
    assert cache.stats().entries == 100
    assert await cache.get("k49") is None
    assert await cache.get("k50") == value(50)


async def test_byte_bound_counts_compact_json_and_evicts_lru() -> None:
    size = len(encode_compact(value(1, padding=100)).encode())
    cache = MemoryCache(max_entries=100, max_bytes=3 * size)
    for key in "abc":
        await cache.set(key, value(1, padding=100), 60)
    assert cache.stats().bytes == 3 * size
    await cache.get("a")
    await cache.set("d", value(1, padding=100), 60)
    assert await keys_present(cache, list("abcd")) == ["a", "c", "d"]
    assert cache.stats().bytes == 3 * size


async def test_a_value_larger_than_the_byte_bound_is_not_kept() -> None:
    cache = MemoryCache(max_bytes=100)
    await cache.set("small", value(1), 60)
    await cache.set("huge", value(2, padding=500), 60)
    assert await cache.get("huge") is None
    assert await cache.get("small") == value(1)


async def test_replacing_a_key_keeps_byte_accounting_exact() -> None:
    cache = MemoryCache(max_bytes=MB)
    await cache.set("k", value(1, padding=500), 60)
    await cache.set("k", value(1, padding=10), 60)
    assert cache.stats().bytes == len(encode_compact(value(1, padding=10)).encode())
    assert cache.stats().entries == 1


async def test_entries_expire_after_the_tier_ttl() -> None:
    clock = Clock()
    cache = MemoryCache(max_bytes=MB, clock=clock)  # the default TTL is one hour
    await cache.set("k", value(1), 86400)
    clock.now += 3599
    assert await cache.get("k") == value(1)
    clock.now += 2
    assert await cache.get("k") is None
    assert cache.stats().entries == 0


async def test_a_shorter_ttl_from_the_caller_wins() -> None:
    clock = Clock()
    cache = MemoryCache(max_bytes=MB, clock=clock)
    await cache.set("no-card", value(0), 600)
    clock.now += 601
    assert await cache.get("no-card") is None
    stats = cache.stats()
    assert (stats.hits, stats.misses) == (0, 1)


async def test_a_value_that_is_not_json_is_a_counted_skip() -> None:
    cache = MemoryCache(max_bytes=MB)
    await cache.set("k", {"when": object()}, 60)
    assert await cache.get("k") is None
    assert cache.stats().errors == 1


@pytest.mark.parametrize(("max_entries", "max_bytes"), [(0, 1), (1, 0)])
def test_bounds_must_be_positive(max_entries: int, max_bytes: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        MemoryCache(max_entries=max_entries, max_bytes=max_bytes)
