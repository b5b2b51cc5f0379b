"""Memory benchmark (not a test): the memory of a whole instance for WORKERS = 1, 2 and 4.

For each WORKERS and each mode (`gemini`: Gemini answers; `429`: every Gemini call answers 429,
so every photo goes to the offline fallback) the real server (`namecard serve`, Redis on) runs
in a subprocess against the emulators. Idle memory is the sum over the instance's processes
(master, workers, multiprocessing's helper, the OCR process once started) before any photo,
as PSS (what the container is charged) and as RSS (each shared page counted once per process
sharing it); peak memory the highest such sum, sampled every 100 ms, while photos (each one
unique, so no cache answers) arrive from their own users, five at a time. Prints a table and writes
bench-results/memory.json. Goal (issue 19): WORKERS=4 idle ≤ 450 MB, peak with the offline
fallback ≤ 900 MB.

    python -m tests.performance.bench_memory [--workers 1,2,4] [--modes gemini,429] [--photos 50]
        [--cgroup [--limit-mb 1024]]

With --cgroup each instance runs in a memory cgroup of its own (this user must be allowed to
make one: root in a container usually is), which charges every page once, page cache included,
as a container's limit does; --limit-mb sets that limit, and the table counts the OOM kills.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import threading
import time
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import psutil

from namecard.domain.catalogue import OFFLINE_READER
from namecard.sim.driver import WebhookDriver
from namecard.sim.line_render import render_delivery_text
from tests.harness import (
    CHANNEL_SECRET,
    FIXTURES,
    GEMINI_KEY,
    Emulators,
    bot_environment,
    new_port,
    running_bot,
    running_emulators,
)
from tests.performance.bench_chaos import forget_keys
from tests.performance.bench_load import publish

MB = 1024 * 1024
IN_FLIGHT = 5
SETTLE_SECONDS = 3.0
ANSWER_TIMEOUT = 600.0
IDLE_GOAL_MB, PEAK_GOAL_MB = 450, 900
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def instance_memory(pid: int) -> dict[str, dict[str, float]]:
    """RSS and PSS (MB) of the instance rooted at `pid`, by role, and in total.

    RSS counts a page shared by several processes once in each of them; PSS divides it among
    them, so the PSS total is what the instance holds, what a container's memory limit is
    charged with. Workers forked from a master that imported their modules (cli/workers.py)
    share those pages: their RSS total overstates the instance, their PSS total does not."""
    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.Error:
        return {"rss": {"total": 0.0}, "pss": {"total": 0.0}}
    sums: dict[str, dict[str, float]] = {"rss": {}, "pss": {}}
    for process in tree:
        try:
            command = " ".join(process.cmdline())
            info = process.memory_full_info()
        except psutil.Error:
            continue
        role = (
            "master" if process.pid == pid
            else "ocr" if "ocr.host" in command
            else "helper" if "resource_tracker" in command
            else "workers"
        )  # fmt: skip
        for kind, value in (("rss", info.rss), ("pss", info.pss)):
            sums[kind][role] = sums[kind].get(role, 0.0) + value / MB
    for roles in sums.values():
        roles["total"] = sum(roles.values())
    return {kind: {k: round(v, 1) for k, v in roles.items()} for kind, roles in sums.items()}


class PeakInstance:
    """Samples the instance's memory every 100 ms in a thread; keeps the highest RSS total and
    the highest PSS total (each with its split by role)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak: dict[str, dict[str, float]] = {"rss": {"total": 0.0}, "pss": {"total": 0.0}}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakInstance:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            now = instance_memory(self.pid)
            for kind in ("rss", "pss"):
                if now[kind]["total"] > self.peak[kind]["total"]:
                    self.peak[kind] = now[kind]
            self._stop.wait(0.1)


class MemoryCgroup:
    """A memory cgroup of the instance's own (v1 or v2, where this user may make one), so the
    instance is measured as a container's limit sees it: every page charged once, page cache of
    the files it reads included. `prefix` puts the server in it before it execs; `limit_mb` makes
    the kernel kill inside it past that much, as a container's limit does."""

    def __init__(self, limit_mb: int | None) -> None:
        name = f"namecard-bench-{uuid.uuid4().hex[:8]}"
        unified = Path("/sys/fs/cgroup")
        self.v2 = "memory" in _read(unified / "cgroup.controllers")
        self.path = unified / name if self.v2 else unified / "memory" / name
        self.path.mkdir()
        if limit_mb is not None:
            limit = str(limit_mb * MB)
            (self.path / ("memory.max" if self.v2 else "memory.limit_in_bytes")).write_text(limit)
        self.limit_mb = limit_mb

    @property
    def prefix(self) -> list[str]:
        return ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.path / "cgroup.procs")]

    def usage_mb(self) -> float:
        return _bytes_mb(self.path / ("memory.current" if self.v2 else "memory.usage_in_bytes"))

    def peak_mb(self) -> float:
        return _bytes_mb(self.path / ("memory.peak" if self.v2 else "memory.max_usage_in_bytes"))

    def reset_peak(self) -> None:
        with contextlib.suppress(OSError):  # v1; v2 before Linux 6.12 keeps the start-up peak
            (self.path / ("memory.peak" if self.v2 else "memory.max_usage_in_bytes")).write_text(
                "0"
            )

    def oom_kills(self) -> int:
        text = _read(self.path / ("memory.events" if self.v2 else "memory.oom_control"))
        counts = dict(line.split() for line in text.splitlines() if len(line.split()) == 2)
        return int(counts.get("oom_kill", 0))

    def close(self) -> None:
        for _ in range(50):  # the processes are gone a moment after the server's exit
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.1)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _bytes_mb(path: Path) -> float:
    return round(int(_read(path) or 0) / MB, 1)


def unique_photos(emulators: Emulators, count: int) -> list[bytes]:
    """`count` photos of the fixture cards, each made unique by trailing bytes (ignored by
    decoders), with the Gemini emulator taught each one's truth."""
    sources = []
    for truth_file in sorted(FIXTURES.glob("*.json")):
        record = json.loads(truth_file.read_text(encoding="utf-8"))
        if record["cards"] and str(record["file"]).endswith(".jpg"):
            sources.append((FIXTURES / record["file"]).read_bytes())
    photos = []
    for n in range(count):
        original = sources[n % len(sources)]
        photo = original + f"bench-{uuid.uuid4().hex}".encode()
        truth = emulators.gemini.truth.get(hashlib.sha256(original).hexdigest(), [])
        emulators.gemini.truth[hashlib.sha256(photo).hexdigest()] = truth
        photos.append(photo)
    return photos


async def send_all(driver: WebhookDriver, photos: list[bytes]) -> list[str]:
    slots = asyncio.Semaphore(IN_FLIGHT)

    async def one(data: bytes) -> str:
        async with slots:
            user = "U" + uuid.uuid4().hex
            await driver.send_image(user, data)
            deliveries = await driver.wait_for_deliveries(user, 1, timeout=ANSWER_TIMEOUT)
            return render_delivery_text(deliveries[0]) if deliveries else ""

    return list(await asyncio.gather(*(one(photo) for photo in photos)))


async def run_one(
    workers: int, mode: str, photos: int, redis_url: str, cgroup: MemoryCgroup | None
) -> dict[str, Any]:
    with (
        TemporaryDirectory() as tmp,
        running_emulators() as emulators,
        contextlib.ExitStack() as cleanup,
    ):
        env = bot_environment(
            emulators, port=new_port(), data_dir=Path(tmp) / "data", redis_url=redis_url,
            extra={"LOG_LEVEL": "WARNING", "WORKERS": str(workers), "CACHE_MEMORY_MB": "0",
                   "CACHE_DISK_MB": "0", "USER_RATE_PER_MIN": "60"},
        )  # fmt: skip
        pictures = unique_photos(emulators, photos)
        if mode == "429":
            emulators.gemini.throttle(GEMINI_KEY, 3600)
        prefix = cgroup.prefix if cgroup is not None else []
        # The run's namespace in the shared Redis is removed after it, as the chaos bench does.
        cleanup.callback(forget_keys, redis_url, env["REDIS_KEY_PREFIX"])
        with running_bot(env, Path(tmp) / "bot.log", timeout=120, prefix=prefix) as bot:
            pid = bot.process.pid
            await asyncio.sleep(SETTLE_SECONDS)
            idle = instance_memory(pid)
            if cgroup is not None:
                idle["cgroup"] = {"total": cgroup.usage_mb()}
                cgroup.reset_peak()
            async with WebhookDriver(
                f"{bot.url}/callback", CHANNEL_SECRET, emulators.line_url
            ) as driver:
                with PeakInstance(pid) as peak:
                    started = time.monotonic()
                    answers = await send_all(driver, pictures)
                    wall = time.monotonic() - started
            after = instance_memory(pid)
            if cgroup is not None:
                peak.peak["cgroup"] = {"total": cgroup.peak_mb(), "oom_kills": cgroup.oom_kills()}
    answered = sum(1 for text in answers if text)
    offline = sum(1 for text in answers if OFFLINE_READER.zh in text)
    return {
        "workers": workers,
        "mode": mode,
        "photos": photos,
        "answered": answered,
        "answered_offline": offline,
        "idle_mb": idle,
        "peak_mb": peak.peak,
        "after_mb": after,
        "wall_seconds": round(wall, 1),
        "seconds_per_photo": round(wall / max(photos, 1), 2),
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| WORKERS | Gemini | idle PSS MB (master/workers/OCR) | idle RSS MB "
        "| peak PSS MB (master/workers/OCR) | peak RSS MB | answered | s/photo |",
        "|---|---|---|---|---|---|---|---|",
    ]
    if rows and "cgroup" in rows[0]["peak_mb"]:
        lines[0] += " cgroup idle / peak MB (OOM kills) |"
        lines[1] += "---|"
    for row in rows:
        idle, peak = row["idle_mb"], row["peak_mb"]
        split = [
            f"{d['total']:.0f} ({d.get('master', 0):.0f}/{d.get('workers', 0):.0f}/"
            f"{d.get('ocr', 0):.0f})"
            for d in (idle["pss"], peak["pss"])
        ]
        gemini = "answers" if row["mode"] == "gemini" else "429 (offline)"
        charged = (
            f" | {idle['cgroup']['total']:.0f} / {peak['cgroup']['total']:.0f}"
            f" ({peak['cgroup']['oom_kills']:.0f})"
            if "cgroup" in peak else ""
        )  # fmt: skip
        lines.append(
            f"| {row['workers']} | {gemini} | {split[0]} | {idle['rss']['total']:.0f} "
            f"| {split[1]} | {peak['rss']['total']:.0f} "
            f"| {row['answered']}/{row['photos']} | {row['seconds_per_photo']}{charged} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--modes", default="gemini,429")
    parser.add_argument("--photos", type=int, default=50)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--output", default="bench-results/memory.json")
    parser.add_argument(
        "--cgroup", action="store_true",
        help="run each instance in a memory cgroup of its own and report what it was charged",
    )  # fmt: skip
    parser.add_argument("--limit-mb", type=int, help="with --cgroup: the cgroup's memory limit")
    args = parser.parse_args()
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    rows = []
    for workers in args.workers.split(","):
        for mode in args.modes.split(","):
            cgroup = MemoryCgroup(args.limit_mb) if args.cgroup else None
            try:
                rows.append(
                    asyncio.run(run_one(int(workers), mode, args.photos, args.redis_url, cgroup))
                )
            finally:
                if cgroup is not None:
                    cgroup.close()
    four = [row for row in rows if row["workers"] == 4]
    goals = {
        "idle_pss_mb_at_4_workers_max": max(
            (r["idle_mb"]["pss"]["total"] for r in four), default=None
        ),
        "peak_pss_mb_at_4_workers_offline": max(
            (r["peak_mb"]["pss"]["total"] for r in four if r["mode"] == "429"), default=None
        ),
        "goal": f"idle <= {IDLE_GOAL_MB} MB, peak with offline <= {PEAK_GOAL_MB} MB",
    }
    publish({"in_flight": IN_FLIGHT, "runs": rows, "goals": goals}, Path(args.output))
    print(table(rows))


if __name__ == "__main__":
    main()
