"""Hostile-input benchmark (not a test): photos small in bytes and huge in pixels, 3 at a time.

For each mode (Gemini: the service decodes to downscale before sending; offline: the OCR reader
decodes) the real server runs in a subprocess against the emulators. One ordinary card is read
first (the offline reader loads its models then), idle RSS is taken, then 10 hostile photos are
sent by 10 users, 3 in flight at a time, while `/health` is polled. Prints and writes to
bench-results/hostile.json: idle RSS, peak RSS, RSS 10 s after the last answer, the answers, and
`/health` latency p50/p99/max measured while the photos were processed.
Goal (issue 12): peak ≤ idle + 250 MB and after ≤ idle + 50 MB.

    python -m tests.performance.bench_hostile [--modes gemini,offline] [--photos 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
import psutil

from namecard.domain.catalogue import PHOTO_TOO_MANY_PIXELS
from namecard.metrics.stats import percentile
from namecard.sim.driver import WebhookDriver
from namecard.sim.line_render import render_delivery_text
from tests.harness import CHANNEL_SECRET, FIXTURES, bot_environment, new_port, running_bot
from tests.harness import running_emulators as emulators_running
from tests.hostile_images import huge_jpeg, huge_png, huge_webp
from tests.performance.bench_load import PeakRss, publish

MB = 1024 * 1024
IN_FLIGHT = 3
SETTLE_SECONDS = 10.0
HEALTH_INTERVAL = 0.02
ANSWER_TIMEOUT = 180.0
PEAK_GOAL_MB = 250
AFTER_GOAL_MB = 50
WARM_UP_PHOTO = FIXTURES / "tw_sales_manager.jpg"

AT_THE_CAP_SIDE = 3460  # 12 Mpx: the costliest photo the default MAX_IMAGE_PIXELS lets in

# name, MIME type, maker: the photos of issue 12, a JPEG too large to decode whole, and a WebP
# just under the cap (decoded whole: 16 bytes per pixel).
HOSTILE: list[tuple[str, str, Callable[[], bytes]]] = [
    ("webp-7700x7700", "image/webp", huge_webp),
    ("rgba-png-7740x7740", "image/png", huge_png),
    ("jpeg-10000x10000", "image/jpeg", huge_jpeg),
    (f"webp-{AT_THE_CAP_SIDE}x{AT_THE_CAP_SIDE}", "image/webp", lambda: huge_webp(AT_THE_CAP_SIDE)),
]


@dataclass
class Probe:
    """`/health` latencies, sampled until stopped."""

    url: str
    seconds: list[float] = field(default_factory=list)
    failures: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    ok = (await client.get("/health")).status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.seconds.append(time.perf_counter() - started)
                self.failures += not ok
                await asyncio.sleep(HEALTH_INTERVAL)


def rss(pid: int) -> int:
    return int(psutil.Process(pid).memory_info().rss)


async def warm_up(driver: WebhookDriver) -> None:
    user = "U" + uuid.uuid4().hex
    await driver.send_image(user, WARM_UP_PHOTO.read_bytes())
    await driver.wait_for_deliveries(user, 1, timeout=ANSWER_TIMEOUT)


async def send_hostile(driver: WebhookDriver, photos: list[tuple[str, str, bytes]]) -> list[str]:
    """Each photo by its own user, `IN_FLIGHT` at a time; the answers' texts in order."""
    slots = asyncio.Semaphore(IN_FLIGHT)

    async def one(content_type: str, data: bytes) -> str:
        async with slots:
            user = "U" + uuid.uuid4().hex
            await driver.send_image(user, data, content_type)
            deliveries = await driver.wait_for_deliveries(user, 1, timeout=ANSWER_TIMEOUT)
            return render_delivery_text(deliveries[0]) if deliveries else "(no answer)"

    return list(await asyncio.gather(*(one(kind, data) for _, kind, data in photos)))


def answer_kinds(answers: list[str]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for text in answers:
        kind = "too_large" if PHOTO_TOO_MANY_PIXELS.zh in text else text.splitlines()[0][:40]
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


async def run_mode(
    mode: str, count: int, only: set[str], redis_url: str | None, extra: dict[str, str]
) -> Any:
    photos = [(name, kind, make()) for name, kind, make in HOSTILE if not only or name in only]
    photos = [photos[n % len(photos)] for n in range(count)]
    with TemporaryDirectory() as tmp, emulators_running() as emulators:
        env = bot_environment(
            emulators, port=new_port(), data_dir=Path(tmp) / "data", redis_url=redis_url,
            extra={"LOG_LEVEL": "WARNING", **extra},
        )  # fmt: skip
        if mode == "offline":
            env.pop("GOOGLE_API_KEY")
        with running_bot(env, Path(tmp) / "bot.log") as bot:
            pid = bot.process.pid
            async with WebhookDriver(
                f"{bot.url}/callback", CHANNEL_SECRET, emulators.line_url
            ) as d:
                await warm_up(d)
                await asyncio.sleep(2)
                idle = rss(pid)
                probe, stop = Probe(bot.url), asyncio.Event()
                probing = asyncio.create_task(probe.run(stop))
                with PeakRss(pid) as peak:
                    started = time.monotonic()
                    answers = await send_hostile(d, photos)
                    wall = time.monotonic() - started
                    stop.set()
                    await probing
                    await asyncio.sleep(SETTLE_SECONDS)
                    after = rss(pid)
        return figures(mode, photos, answers, idle, peak.peak, after, probe, wall)


def figures(mode: str, photos: list[tuple[str, str, bytes]], answers: list[str], idle: int,
            peak: int, after: int, probe: Probe, wall: float) -> dict[str, Any]:  # fmt: skip
    health = probe.seconds or [0.0]
    return {
        "mode": mode,
        "photos": [f"{name} ({len(data) // 1024} KB)" for name, _, data in photos],
        "answers": answer_kinds(answers),
        "idle_rss_mb": round(idle / MB),
        "peak_rss_mb": round(peak / MB),
        "peak_over_idle_mb": round((peak - idle) / MB),
        "rss_10s_after_mb": round(after / MB),
        "after_over_idle_mb": round((after - idle) / MB),
        "goal_met": (peak - idle) / MB <= PEAK_GOAL_MB and (after - idle) / MB <= AFTER_GOAL_MB,
        "health_ms": {
            "p50": round(percentile(health, 0.5) * 1000, 1),
            "p99": round(percentile(health, 0.99) * 1000, 1),
            "max": round(max(health) * 1000, 1),
            "samples": len(probe.seconds),
            "failures": probe.failures,
        },
        "wall_seconds": round(wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="gemini,offline")
    parser.add_argument("--photos", type=int, default=10)
    parser.add_argument(
        "--only", default="", help="comma-separated photo names, e.g. jpeg-10000x10000"
    )
    parser.add_argument("--output", default="bench-results/hostile.json")
    parser.add_argument("--redis-url", default=None, help="default: in-process state")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a bot environment variable for this run, e.g. --set MALLOC_ARENA_MAX=2",
    )  # fmt: skip
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.set)
    only = {name for name in args.only.split(",") if name}
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    results = [
        asyncio.run(run_mode(mode, args.photos, only, args.redis_url, extra))
        for mode in args.modes.split(",")
    ]
    result = {"settings": extra, "in_flight": IN_FLIGHT, "modes": results}
    publish(result, Path(args.output))


if __name__ == "__main__":
    main()
