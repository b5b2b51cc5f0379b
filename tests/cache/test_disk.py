"""The disk tier keeps results across restarts, within its size bound, and never fails a job."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from namecard.cache.disk import DiskCache
from tests.clock import ManualClock

MB = 1024 * 1024
VALUE = {"v": {"cards": [{"name": "王小明", "company": "台灣科技"}]}, "exp": 1.0}


class Clock(ManualClock):
    def __init__(self) -> None:
        super().__init__(1_700_000_000.0)


def file_of(directory: Path, key: str) -> Path:
    return directory / (hashlib.sha256(key.encode()).hexdigest() + ".json")


def leftovers(directory: Path) -> list[str]:
    return [path.name for path in directory.iterdir() if not path.name.endswith(".json")]


async def present(cache: DiskCache, keys: str) -> str:
    return "".join([key for key in keys if await cache.get(key) is not None])


async def test_an_entry_is_one_json_file_named_by_the_key_hash(tmp_path: Path) -> None:
    directory = tmp_path / "data" / "cache"  # created on demand
    cache = DiskCache(directory, max_bytes=MB)
    await cache.set("ai_result:v1:abc", VALUE, 600)
    assert await cache.get("ai_result:v1:abc") == VALUE
    entry = json.loads(file_of(directory, "ai_result:v1:abc").read_text())
    assert entry["key"] == "ai_result:v1:abc"
    assert entry["value"] == VALUE
    assert 590 < entry["exp"] - time.time() <= 600
    assert leftovers(directory) == []
    stats = cache.stats()
    assert (stats.hits, stats.entries) == (1, 1)
    assert stats.bytes == file_of(directory, "ai_result:v1:abc").stat().st_size


async def test_a_new_instance_finds_the_entries(tmp_path: Path) -> None:
    await DiskCache(tmp_path, max_bytes=MB).set("k", VALUE, 3600)
    restarted = DiskCache(tmp_path, max_bytes=MB)
    assert await restarted.get("k") == VALUE
    assert restarted.stats().entries == 1


async def test_entries_written_by_another_process_are_read(tmp_path: Path) -> None:
    first, second = DiskCache(tmp_path, max_bytes=MB), DiskCache(tmp_path, max_bytes=MB)
    assert await second.get("k") is None  # second has scanned an empty directory
    await first.set("k", VALUE, 3600)
    assert await second.get("k") == VALUE
    assert second.stats().entries == 1


async def test_entries_expire_after_seven_days_and_are_deleted(tmp_path: Path) -> None:
    clock = Clock()
    cache = DiskCache(tmp_path, max_bytes=MB, clock=clock)
    await cache.set("k", VALUE, 30 * 86400)
    clock.now += 7 * 86400 - 1
    assert await cache.get("k") == VALUE
    clock.now += 2
    assert await cache.get("k") is None
    assert not file_of(tmp_path, "k").exists()
    assert cache.stats().entries == 0


async def test_a_short_ttl_is_kept(tmp_path: Path) -> None:
    clock = Clock()
    cache = DiskCache(tmp_path, max_bytes=MB, clock=clock)
    await cache.set("no-card", VALUE, 600)
    clock.now += 601
    assert await DiskCache(tmp_path, max_bytes=MB, clock=clock).get("no-card") is None


async def entry_size(directory: Path) -> int:
    await DiskCache(directory, max_bytes=MB, clock=Clock()).set("a", VALUE, 3600)
    return file_of(directory, "a").stat().st_size


async def test_byte_bound_evicts_the_least_recently_used(tmp_path: Path) -> None:
    size = await entry_size(tmp_path / "probe")
    clock = Clock()
    cache = DiskCache(tmp_path / "cache", max_bytes=3 * size + size // 2, clock=clock)
    for key in "abc":
        clock.now += 1
        await cache.set(key, VALUE, 3600)
    clock.now += 1
    assert await cache.get("a") is not None  # b is now the least recently used
    clock.now += 1
    await cache.set("d", VALUE, 3600)
    assert await present(cache, "abcd") == "acd"
    assert not file_of(tmp_path / "cache", "b").exists()
    assert cache.stats().bytes == 3 * size


async def test_lru_order_survives_a_restart(tmp_path: Path) -> None:
    size = await entry_size(tmp_path / "probe")
    clock, bound = Clock(), 3 * size + size // 2
    before = DiskCache(tmp_path / "cache", max_bytes=bound, clock=clock)
    for key in "abc":
        clock.now += 1
        await before.set(key, VALUE, 3600)
    clock.now += 1
    await before.get("a")
    after = DiskCache(tmp_path / "cache", max_bytes=bound, clock=clock)
    clock.now += 1
    await after.set("d", VALUE, 3600)
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(
        file_of(tmp_path / "cache", key).name for key in "acd"
    )


async def test_a_removed_directory_is_made_again(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "cache", max_bytes=MB)
    await cache.set("a", VALUE, 3600)
    shutil.rmtree(tmp_path / "cache")  # an operator clearing the cache by hand
    await cache.set("b", VALUE, 3600)
    assert await present(cache, "ab") == "b"
    assert cache.stats().errors == 0


async def test_a_value_larger_than_the_bound_is_not_written(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=100)
    await cache.set("k", {"pad": "x" * 200}, 3600)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign", "empty", "nested"])
async def test_a_damaged_file_is_a_counted_miss_and_removed(tmp_path: Path, damage: str) -> None:
    cache = DiskCache(tmp_path, max_bytes=MB)
    await cache.set("k", VALUE, 3600)
    path = file_of(tmp_path, "k")
    content = path.read_bytes()
    damaged = {
        "truncate": content[: len(content) // 2],
        "garbage": b"\x00\xff not json",
        "foreign": json.dumps({"key": "other", "exp": 2e9, "value": {}}).encode(),
        "empty": b"",
        "nested": b"[" * 100_000,
    }[damage]
    path.write_bytes(damaged)
    assert await cache.get("k") is None
    assert not path.exists()
    assert (cache.stats().errors, cache.stats().entries) == (1, 0)


async def test_concurrent_writes_are_atomic(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=MB)
    values = [{"n": n, "pad": "x" * (n * 100)} for n in range(30)]
    reads: list[Any] = []

    async def read() -> None:
        reads.append(await cache.get("k"))

    await asyncio.gather(
        *(cache.set("k", value, 3600) for value in values), *(read() for _ in range(30))
    )
    assert all(read is None or read in values for read in reads)
    assert await cache.get("k") in values
    assert leftovers(tmp_path) == []
    assert cache.stats().errors == 0


async def test_temporary_files_of_a_dead_writer_are_cleaned(tmp_path: Path) -> None:
    stale, fresh = tmp_path / ".x.json.1.tmp", tmp_path / ".y.json.2.tmp"
    stale.write_bytes(b'{"key": "k", "exp"')
    fresh.write_bytes(b"{")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    assert await DiskCache(tmp_path, max_bytes=MB).get("k") is None
    assert leftovers(tmp_path) == [fresh.name]


async def test_an_unusable_directory_never_raises(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    cache = DiskCache(tmp_path / "file" / "cache", max_bytes=MB)
    await cache.set("k", VALUE, 3600)
    assert await cache.get("k") is None
    assert cache.stats().errors >= 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod 0o500")
async def test_a_read_only_directory_never_raises(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o500)
    try:
        cache = DiskCache(tmp_path, max_bytes=MB)
        await cache.set("k", VALUE, 3600)
        assert await cache.get("k") is None
        assert cache.stats().errors == 1
    finally:
        os.chmod(tmp_path, 0o700)


FULL_DISK_SCRIPT = """
import asyncio, json, os, sys
from pathlib import Path
from namecard.cache.disk import DiskCache

async def main() -> None:
    cache = DiskCache(Path(sys.argv[1]), max_bytes=10_000_000)
    for n in range(12):
        await cache.set(f"k{n}", {"n": n, "pad": "x" * 3000}, 3600)
    hits = [n for n in range(12) if await cache.get(f"k{n}") is not None]
    print(json.dumps({"hits": hits, "stats": cache.stats().as_dict(),
                      "files": os.listdir(sys.argv[1])}))

asyncio.run(main())
"""


def run_on_tmpfs(directory: Path, options: str) -> dict[str, Any]:
    """Runs FULL_DISK_SCRIPT against a real tmpfs mounted in a private mount namespace, so the
    kernel itself refuses the writes (no mocks) and the mount vanishes with the process."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) to mount a tiny tmpfs")
    directory.mkdir()
    shell = 'mount -t tmpfs -o "$2" tmpfs "$1" && exec "$3" -c "$4" "$1"'
    command = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", shell, "sh"]
    done = subprocess.run(
        [*command, str(directory), options, sys.executable, FULL_DISK_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0 and "mount" in done.stderr + done.stdout and not done.stdout:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    result["log"] = done.stderr
    return result


def test_a_full_disk_is_counted_and_never_raises(tmp_path: Path) -> None:
    result = run_on_tmpfs(tmp_path / "full", "size=16k")
    hits, stats, files = result["hits"], result["stats"], result["files"]
    assert 0 < len(hits) < 12  # the first entries fit, the rest met ENOSPC
    assert stats["errors"] == 12 - len(hits)
    assert stats["entries"] == len(hits)
    assert sorted(files) == sorted(name for name in files if name.endswith(".json"))
    assert len(files) == len(hits)  # no half-written or temporary files left behind
    assert result["log"].count("No space left on device") == 1  # one warning for the burst


def test_a_read_only_filesystem_is_counted_and_never_raises(tmp_path: Path) -> None:
    result = run_on_tmpfs(tmp_path / "ro", "ro,size=16k")
    assert result["hits"] == []
    assert result["stats"]["errors"] == 12
    assert result["files"] == []


@pytest.mark.usefixtures("usual_umask")
async def test_cache_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    await DiskCache(directory, max_bytes=MB).set("k", VALUE, 3600)

    assert stat.S_IMODE(file_of(directory, "k").stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
