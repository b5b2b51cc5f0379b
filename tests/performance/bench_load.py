"""Load benchmark (not a test): 50 LINE users send a card at the same moment.

The real server runs under Hypercorn in a subprocess; LINE, Gemini and Notion are the emulators
with production-like latencies (LINE 30 ms, Gemini 2.0 s, Notion 300 ms and its 3 requests/s
rate limit). Prints and writes to bench-results/load.json: webhook answer p50/p95/p99,
photo-to-reply p50/p95/p99 next to the emulated latency floor, successes, Gemini calls, Notion
pages and the server's peak RSS.

    python -m tests.performance.bench_load [--users 50] [--output bench-results/load.json]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import mimetypes
import os
import re
import threading
import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
import psutil

from namecard.domain.catalogue import OFFLINE_READER
from namecard.metrics.stats import percentile
from namecard.sim.driver import WebhookDriver
from tests.harness import (
    CHANNEL_SECRET,
    FIXTURES,
    GEMINI_KEYS,
    Emulators,
    bot_environment,
    new_port,
    running_bot,
    running_emulators,
)

LINE_LATENCY = 0.030
GEMINI_LATENCY = 2.0
NOTION_LATENCY = 0.300
NOTION_RATE = 3.0
ANSWER_TIMEOUT = 120.0
# Photo to reply, when nothing waits: loading animation, download, Gemini, the save, the reply.
LATENCY_FLOOR = LINE_LATENCY + LINE_LATENCY + GEMINI_LATENCY + NOTION_LATENCY + LINE_LATENCY


@dataclass
class UserRun:
    user_id: str
    photo: Path
    data: bytes
    sent_at: float = 0.0
    webhook_seconds: float = 0.0
    webhook_status: int = 0
    reply_seconds: float | None = None
    got_card: bool = False
    read_offline: bool = False


class PeakRss:
    """Samples a process's resident memory every 50 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self._process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self._process.memory_info().rss)
            except psutil.Error:
                return
            self._stop.wait(0.05)


def card_photos() -> list[Path]:
    photos = []
    for truth_file in sorted(FIXTURES.glob("*.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        if truth["cards"]:
            photos.append(FIXTURES / truth["file"])
    return photos


def production_like_emulators() -> AbstractContextManager[Emulators]:
    """The emulators with the latencies and the Notion rate limit of the real services."""
    return running_emulators(
        line_latency=LINE_LATENCY, gemini_latency=GEMINI_LATENCY,
        notion_latency=NOTION_LATENCY, notion_rate_limit=NOTION_RATE,
    )  # fmt: skip


def distinct_photos(count: int, emulators: Emulators) -> list[tuple[Path, bytes]]:
    """`count` different photos (no two alike, so the result cache cannot help): the fixtures,
    each copy made unique by bytes after the image's end, which decoders ignore. The Gemini
    emulator learns the truth of every copy."""
    photos = card_photos()
    made = []
    for n in range(count):
        path = photos[n % len(photos)]
        original = path.read_bytes()
        cards = emulators.gemini.truth[hashlib.sha256(original).hexdigest()]
        data = original
        if n >= len(photos):  # another person's card: other bytes, other e-mail and mobile
            data = original + f"copy-{n}".encode()
            cards = [_other_person(card, n) for card in cards]
        emulators.gemini.truth[hashlib.sha256(data).hexdigest()] = cards
        made.append((path, data))
    return made


def _other_person(card: dict[str, Any], n: int) -> dict[str, Any]:
    def renumbered(phone: dict[str, Any]) -> dict[str, Any]:
        return {**phone, "number": re.sub(r"\d{3}$", f"{n:03d}", phone["number"])}

    return {
        **card,
        "name": f"{card['name']} {n}",
        "emails": [f"copy{n}.{email}" for email in card["emails"]],
        "phones": [renumbered(phone) for phone in card["phones"]],
    }


async def send_all(driver: WebhookDriver, runs: list[UserRun], *, interval: float = 0.0) -> None:
    """Every user's photo is uploaded to LINE first; then the webhooks are posted, all at the
    same moment (interval 0) or one every `interval` seconds, and photo-to-reply is measured
    from the webhook, as LINE would deliver it."""

    async def prepare(run: UserRun) -> dict[str, Any]:
        mime_type = mimetypes.guess_type(run.photo.name)[0] or "image/jpeg"
        message_id = await driver.upload_content(run.data, mime_type)
        token = await driver.reply_token(run.user_id)
        event: dict[str, Any] = driver.build_image_event(run.user_id, message_id, token)
        return event

    async def post(index: int, run: UserRun, event: dict[str, Any]) -> None:
        await asyncio.sleep(index * interval)
        run.sent_at = time.time()
        result = await driver.post([event])
        run.webhook_seconds, run.webhook_status = result.elapsed, result.status

    events = await asyncio.gather(*(prepare(run) for run in runs))
    await asyncio.gather(
        *(post(n, run, event) for n, (run, event) in enumerate(zip(runs, events, strict=True)))
    )


def collect_replies(emulators: Emulators, runs: list[UserRun]) -> None:
    for run in runs:
        deliveries = emulators.line.wait_for_deliveries(run.user_id, 1, timeout=ANSWER_TIMEOUT)
        if deliveries:
            run.reply_seconds = deliveries[0].at - run.sent_at
            run.got_card = deliveries[0].messages[0].get("type") == "flex"
            run.read_offline = any(
                m.get("text") == OFFLINE_READER.zh for m in deliveries[0].messages
            )


async def wait_until_idle(url: str) -> None:
    async with httpx.AsyncClient(base_url=url) as client:
        for _ in range(int(ANSWER_TIMEOUT * 10)):
            health = (await client.get("/health")).json()
            if health["active_tasks"] == 0 and health["queue_depth"] == 0:
                return
            await asyncio.sleep(0.1)


FIRST_BURST_SECONDS = 1.0


def notion_writer_figures(emulators: Emulators) -> dict[str, Any]:
    """What the Notion side saw: 429s after the first burst, and the sustained create rate."""
    calls = [c for c in emulators.notion.calls if c.endpoint in ("create", "query", "update")]
    if not calls:
        return {}
    burst_end = calls[0].at + FIRST_BURST_SECONDS
    creates = sorted(c.at for c in calls if c.endpoint == "create" and c.status == 200)
    return {
        "notion_429s": sum(c.status == 429 for c in calls),
        "notion_429s_after_first_burst": sum(c.status == 429 and c.at > burst_end for c in calls),
        # Requests (look-ups and creates) per second while saves were waiting: the budget used.
        "notion_requests_per_second": _rate(sorted(c.at for c in calls if c.status == 200)),
        "notion_pages_per_second": _rate(creates),
    }


def _rate(times: list[float]) -> float | None:
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return round((len(times) - 1) / span, 2) if span else None


def summary(values: list[float]) -> dict[str, float]:
    return {f"p{int(q * 100)}": round(percentile(values, q), 3) for q in (0.5, 0.95, 0.99)}


def report(runs: list[UserRun], emulators: Emulators, peak_rss: int, wall: float) -> dict[str, Any]:
    replies = [r.reply_seconds for r in runs if r.reply_seconds is not None]
    return {
        "users": len(runs),
        "emulated_latency_seconds": {
            "line": LINE_LATENCY, "gemini": GEMINI_LATENCY, "notion": NOTION_LATENCY,
            "notion_rate_limit_per_second": NOTION_RATE,
        },
        "webhook_answer_seconds": summary([r.webhook_seconds for r in runs]),
        "webhook_non_200": sum(r.webhook_status != 200 for r in runs),
        "photo_to_reply_seconds": summary(replies),
        "photo_to_reply_floor_seconds": round(LATENCY_FLOOR, 3),
        "replies": len(replies),
        "successes": sum(r.got_card for r in runs),
        "user_visible_failures": sum(not r.got_card or r.read_offline for r in runs),
        "gemini_calls": emulators.gemini.generate_count,
        "gemini_429s": sum(call.status == 429 for call in emulators.gemini.calls),
        "notion_pages": len(emulators.notion.pages(emulators.data_source_id)),
        **notion_writer_figures(emulators),
        "server_peak_rss_mb": round(peak_rss / 1024 / 1024, 1),
        "wall_seconds": round(wall, 2),
    }  # fmt: skip


async def run_benchmark(
    users: int, redis_url: str | None, extra: dict[str, str], *, throttle_one_key: bool = False
) -> dict[str, Any]:
    with TemporaryDirectory() as tmp, production_like_emulators() as emulators:
        runs = [
            UserRun("U" + uuid.uuid4().hex, path, data)
            for path, data in distinct_photos(users, emulators)
        ]
        if throttle_one_key:  # three keys, the second answering 429 for the whole run
            extra = {**extra, "GOOGLE_API_KEYS": ",".join(GEMINI_KEYS[1:])}
            emulators.gemini.throttle(GEMINI_KEYS[1], 3600)
        env = bot_environment(
            emulators, port=new_port(), data_dir=Path(tmp) / "data", redis_url=redis_url,
            extra={"LOG_LEVEL": "WARNING", **extra},
        )  # fmt: skip
        with running_bot(env, Path(tmp) / "bot.log") as bot, PeakRss(bot.process.pid) as rss:
            started = time.monotonic()
            async with WebhookDriver(
                f"{bot.url}/callback", CHANNEL_SECRET, emulators.line_url
            ) as d:
                await send_all(d, runs)
            await asyncio.to_thread(collect_replies, emulators, runs)
            wall = time.monotonic() - started
            await wait_until_idle(bot.url)  # saves that outlived their reply land
        return report(runs, emulators, rss.peak, wall)


def publish(result: dict[str, Any], output: Path) -> None:
    """The figures as JSON on stdout and in `output` (its folder made when missing)."""
    text = json.dumps(result, indent=2, ensure_ascii=False)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"written to {output}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--output", default="bench-results/load.json")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a bot setting for this run, e.g. --set MAX_CONCURRENT_AI=50",
    )  # fmt: skip
    parser.add_argument("--no-cache-scenario", action="store_true", help="skip the cache scenario")
    parser.add_argument(
        "--throttle-one-key", action="store_true",
        help="three Gemini keys, one answering 429 for the whole run",
    )  # fmt: skip
    parser.add_argument(
        "--cache-interval", type=float, default=0.2,
        help="seconds between the cache scenario's photos (0: all at once)",
    )  # fmt: skip
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.set)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    result = asyncio.run(
        run_benchmark(args.users, args.redis_url, extra, throttle_one_key=args.throttle_one_key)
    )
    result["settings"] = extra
    result["one_of_three_keys_throttled"] = args.throttle_one_key
    if not args.no_cache_scenario:
        from tests.performance.bench_cache import run_cache_scenario

        result["cache_scenario"] = asyncio.run(
            run_cache_scenario(args.redis_url, extra, interval=args.cache_interval)
        )
    publish(result, Path(args.output))


if __name__ == "__main__":
    main()
