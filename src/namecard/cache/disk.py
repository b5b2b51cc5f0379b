"""L3: one JSON file per result in the data directory, written atomically, bounded by LRU."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiofiles
import aiofiles.os

from namecard.cache.base import FaultLog, TierStats
from namecard.cache.memory import JSON_ERRORS, encode_compact
from namecard.domain.private_files import make_private_dir, private_opener

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 7 * 86400.0
ENTRY_SUFFIX = ".json"
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 3600.0  # a temporary file this old was left by a crashed writer


class CorruptEntry(ValueError):
    """A file that is not a complete entry of this cache (truncated, garbage, foreign)."""


class DiskCache:
    """Files are named by the SHA-256 of the key and hold the key, the absolute expiry and the
    value. The last use of each file is its mtime, so LRU order survives a restart. The size
    index is per process: entries written by other processes join it when read."""

    name = "disk"

    def __init__(
        self,
        directory: Path,
        *,
        max_bytes: int,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        self.ttl_seconds = ttl_seconds
        self._dir = directory
        self._max_bytes = max_bytes
        self._clock = clock
        self._index: OrderedDict[str, int] | None = None  # file name -> size, oldest use first
        self._bytes = 0
        self._scan_lock = asyncio.Lock()
        self._stats = TierStats()
        self._faults = FaultLog(logger, self.name)

    async def get(self, key: str) -> dict[str, Any] | None:
        await self._ensure_index()
        name = _file_name(key)
        try:
            async with aiofiles.open(self._dir / name, "rb") as file:
                raw = await file.read()
            expires_at, value = _decode(raw, key)
        except FileNotFoundError:
            self._forget(name)
            self._stats.misses += 1
            return None
        except (OSError, CorruptEntry) as exc:
            await self._remove(name)
            self._miss("read", exc)
            return None
        now = self._clock()
        if expires_at <= now:
            await self._remove(name)
            self._stats.misses += 1
            return None
        self._use(name, len(raw))
        with contextlib.suppress(OSError):  # LRU order only; the hit stands
            await asyncio.to_thread(os.utime, self._dir / name, (now, now))
        self._stats.hits += 1
        return value

    async def set(self, key: str, value: dict[str, Any], ttl_seconds: float) -> None:
        ttl = min(ttl_seconds, self.ttl_seconds)
        now = self._clock()
        try:
            data = encode_compact({"key": key, "exp": now + ttl, "value": value}).encode()
        except JSON_ERRORS as exc:
            self._fault("encode", exc)
            return
        if ttl <= 0 or len(data) > self._max_bytes:
            return
        await self._ensure_index()
        name = _file_name(key)
        try:
            await self._write_atomically(name, data, now)
        except OSError as exc:  # ENOSPC, EACCES, EROFS...: the entry is simply not cached
            self._fault("write", exc)
            return
        self._use(name, len(data))
        await self._evict()

    def stats(self) -> TierStats:
        entries = len(self._index) if self._index is not None else 0
        return replace(self._stats, entries=entries, bytes=self._bytes)

    async def aclose(self) -> None:
        """Every write is complete when `set` returns; nothing is buffered."""

    async def _write_atomically(self, name: str, data: bytes, now: float) -> None:
        try:
            await self._write_and_rename(name, data, now)
        except FileNotFoundError:  # the directory was removed since: make it again, once
            await asyncio.to_thread(make_private_dir, self._dir)
            await self._write_and_rename(name, data, now)

    async def _write_and_rename(self, name: str, data: bytes, now: float) -> None:
        """Readers see the old file or the new one, never a part (rename within a directory)."""
        temp = self._dir / f".{name}.{secrets.token_hex(8)}{TEMP_SUFFIX}"
        try:
            async with aiofiles.open(temp, "xb", opener=private_opener) as file:
                await file.write(data)
            await asyncio.to_thread(os.utime, temp, (now, now))
            await aiofiles.os.replace(temp, self._dir / name)
        except BaseException:
            with contextlib.suppress(OSError):
                await aiofiles.os.remove(temp)
            raise

    async def _ensure_index(self) -> None:
        if self._index is not None:
            return
        async with self._scan_lock:
            if self._index is not None:
                return
            try:
                found = await asyncio.to_thread(_scan, self._dir, time.time())
            except OSError as exc:
                self._fault("scan", exc)
                found = []
            self._index = OrderedDict((name, size) for name, size in found)
            self._bytes = sum(size for _, size in found)

    def _use(self, name: str, size: int) -> None:
        """Record `name` as the most recently used entry, of `size` bytes."""
        assert self._index is not None
        self._forget(name)
        self._index[name] = size
        self._bytes += size

    def _forget(self, name: str) -> None:
        size = self._index.pop(name, None) if self._index is not None else None
        if size is not None:
            self._bytes -= size

    async def _remove(self, name: str) -> None:
        self._forget(name)
        try:
            await aiofiles.os.remove(self._dir / name)
        except FileNotFoundError:
            pass
        except OSError as exc:
            self._fault("remove", exc)

    async def _evict(self) -> None:
        while self._index and self._bytes > self._max_bytes:
            await self._remove(next(iter(self._index)))

    def _miss(self, operation: str, exc: Exception) -> None:
        self._stats.misses += 1
        self._fault(operation, exc)

    def _fault(self, operation: str, exc: Exception) -> None:
        self._stats.errors += 1
        self._faults.record(operation, exc)


def _file_name(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest() + ENTRY_SUFFIX


def _decode(raw: bytes, key: str) -> tuple[float, dict[str, Any]]:
    try:
        entry = json.loads(raw)
    except JSON_ERRORS as exc:  # truncated JSON, undecodable bytes, absurd nesting
        raise CorruptEntry("not JSON") from exc
    if not isinstance(entry, dict) or entry.get("key") != key:
        raise CorruptEntry("not an entry for this key")
    expires_at, value = entry.get("exp"), entry.get("value")
    if isinstance(expires_at, bool) or not isinstance(expires_at, int | float):
        raise CorruptEntry("no expiry")
    if not isinstance(value, dict):
        raise CorruptEntry("no value")
    return float(expires_at), value


def _scan(directory: Path, now: float) -> list[tuple[str, int]]:
    """Existing entries, least recently used first; removes temporary files of dead writers."""
    make_private_dir(directory)
    found: list[tuple[float, str, int]] = []
    with os.scandir(directory) as items:
        for item in items:
            try:
                stat = item.stat(follow_symlinks=False)
                if item.name.endswith(TEMP_SUFFIX) and now - stat.st_mtime > STALE_TEMP_SECONDS:
                    os.remove(item.path)
                elif item.name.endswith(ENTRY_SUFFIX) and item.is_file(follow_symlinks=False):
                    found.append((stat.st_mtime, item.name, stat.st_size))
            except OSError:  # removed by another process meanwhile
                continue
    found.sort()
    return [(name, size) for _, name, size in found]
