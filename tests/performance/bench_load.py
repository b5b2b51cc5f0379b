"""Load benchmark (not a test): 50 LINE users send a card at the same moment.

The real server runs under Hypercorn in a subprocess; LINE, Gemini and Notion are the emulators
with production-like latencies (LINE 30 ms, Gemini 2.0 s, Notion 300 ms and its 3 requests/s
rate limit). Prints and writes to bench-results/load.json: webhook answer p50/p95/p99 next to
its floor (the same burst answered by a bare Quart app, `webhook_floor.py`),
photo-to-reply p50/p95/p99 next to the emulated latency floor and the ratio to it, successes,
Gemini calls, Notion pages and the server's peak RSS; then the cache round (the same photos
from other users the moment the first round's replies are in, saves still in flight).

Scenarios (`--scenario`, several allowed; default: load, cache, notion, adaptive):
load (`--profile burst`: MAX_CONCURRENT=MAX_CONCURRENT_AI=50, or `defaults`: as shipped),
cache (paced: 20 photos twice, one every 0.2 s), notion (50 new people at 3 requests/s with
NOTION_DUPLICATES=update, and a page edited by hand matched after the index refresh),
adaptive (the Gemini emulator refuses calls above 20 in flight: the limit's timeline).
`--redis off` runs without Redis.

    python -m tests.performance.bench_load [--users 50] [--output bench-results/load.json]
    python -m tests.performance.bench_load --recording-cost   # metrics in Redis: on vs off
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import mimetypes
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
import psutil
import redis

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
# Photo to reply when nothing waits: the download, Gemini, the reply (the slowest external
# calls; the loading animation goes on beside them and the save need not be waited for).
LATENCY_FLOOR = LINE_LATENCY + GEMINI_LATENCY + LINE_LATENCY
BURST_SETTINGS = {"MAX_CONCURRENT": "50", "MAX_CONCURRENT_AI": "50"}


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


def production_like_emulators(
    gemini_max_concurrent: int | None = None,
) -> AbstractContextManager[Emulators]:
    """The emulators with the latencies and the Notion rate limit of the real services."""
    return running_emulators(
        line_latency=LINE_LATENCY, gemini_latency=GEMINI_LATENCY,
        notion_latency=NOTION_LATENCY, notion_rate_limit=NOTION_RATE,
        gemini_max_concurrent=gemini_max_concurrent,
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


def duplicated_people(emulators: Emulators) -> dict[str, int]:
    """Names (with their e-mail) that have more than one page: each is a contact saved twice."""
    notion = emulators.notion
    people = Counter(
        f"{values.get('Name')} <{values.get('Email') or ''}>"
        for values in map(notion.page_values, notion.pages(emulators.data_source_id))
    )
    return {person: count for person, count in people.items() if count > 1}


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
        "notion_pages_of_one_person": duplicated_people(emulators),
        **notion_writer_figures(emulators),
        "server_peak_rss_mb": round(peak_rss / 1024 / 1024, 1),
        "wall_seconds": round(wall, 2),
    }  # fmt: skip


async def run_benchmark(
    users: int, redis_url: str | None, extra: dict[str, str], *, throttle_one_key: bool = False,
    cache_round: bool = True, py_spy: Path | None = None, keep_log: Path | None = None,
) -> dict[str, Any]:  # fmt: skip
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
            spy = profiler(bot.process.pid, py_spy) if py_spy else None
            started = time.monotonic()
            async with WebhookDriver(
                f"{bot.url}/callback", CHANNEL_SECRET, emulators.line_url
            ) as d:
                await send_all(d, runs)
            await asyncio.to_thread(collect_replies, emulators, runs)
            wall = time.monotonic() - started
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(30)
            again = None
            if cache_round:
                # The cache round's own profile beside the burst's: <name>-cache<suffix>.
                cache_spy = py_spy.with_stem(py_spy.stem + "-cache") if py_spy else None
                spy = profiler(bot.process.pid, cache_spy) if cache_spy else None
                again = await _cache_round(bot.url, emulators, runs)
                if spy is not None:
                    spy.send_signal(signal.SIGINT)
                    spy.wait(30)
            await wait_until_idle(bot.url)  # saves that outlived their reply land
            if keep_log is not None:  # per-job step times with --set LOG_LEVEL=INFO
                shutil.copy(Path(tmp) / "bot.log", keep_log)
        result = report(runs, emulators, rss.peak, wall)
        result["webhook_answer_floor_seconds"] = await webhook_floor(users)
        result["pipeline_floor"] = await pipeline_floor(users)
        if again is not None:
            result["cache_round_right_after"] = again
        return result


async def _cache_round(url: str, emulators: Emulators, first: list[UserRun]) -> dict[str, Any]:
    """The same photos from other users, all at once, the moment the first round's replies
    are in (most of its saves still waiting for Notion)."""
    calls_before = emulators.gemini.generate_count
    pages_before = len(emulators.notion.pages(emulators.data_source_id))
    runs = [UserRun("U" + uuid.uuid4().hex, r.photo, r.data) for r in first]
    async with WebhookDriver(f"{url}/callback", CHANNEL_SECRET, emulators.line_url) as driver:
        await send_all(driver, runs)
    await asyncio.to_thread(collect_replies, emulators, runs)
    replies = [r.reply_seconds for r in runs if r.reply_seconds is not None]
    read = percentile([r.reply_seconds for r in first if r.reply_seconds is not None], 0.95)
    hit = percentile(replies, 0.95) if replies else None
    return {
        "photos": len(runs),
        "first_round_saves_pending_when_sent": len(first) - pages_before,
        "photo_to_reply_seconds": summary(replies),
        "successes": sum(r.got_card for r in runs),
        "new_gemini_calls": emulators.gemini.generate_count - calls_before,
        "speed_up_p95": round(read / hit, 1) if hit else None,
    }


async def _serve(app: str, env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str]:
    """`app` on Hypercorn in a subprocess, once its /health answers: (process, base URL)."""
    port = new_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hypercorn", "--bind", f"127.0.0.1:{port}", app,
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:
        for _ in range(100):
            with suppress(httpx.HTTPError):
                if (await client.get(f"{url}/health")).status_code == 200:
                    return server, url
            if server.returncode is not None:
                break
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{app} did not start: run `python -m hypercorn {app}` to see why")


async def webhook_floor(users: int) -> dict[str, float]:
    """The same burst of signed webhooks, by the same driver, to a bare Quart app on Hypercorn
    (`webhook_floor.py`): the webhook answer's floor on this machine."""
    env = {**os.environ, "CHANNEL_SECRET": CHANNEL_SECRET}
    server, url = await _serve("tests.performance.webhook_floor:app", env)
    try:
        async with WebhookDriver(f"{url}/callback", CHANNEL_SECRET, "http://127.0.0.1:9") as driver:
            events = [
                driver.build_image_event("U" + uuid.uuid4().hex, str(n), uuid.uuid4().hex)
                for n in range(users)
            ]
            results = await asyncio.gather(*(driver.post([event]) for event in events))
        assert all(r.status == 200 for r in results), "the floor app refused a webhook"
        return summary([r.elapsed for r in results])
    finally:
        server.terminate()
        await server.wait()


async def pipeline_floor(users: int) -> dict[str, Any]:
    """The same two bursts (distinct photos, then the same photos again at once) to a bare app
    that only downloads, reads with Gemini (or remembers) and replies through the bot's own
    clients (`pipeline_floor.py`): what the SDKs and this machine cost, none of the bot's work."""
    with TemporaryDirectory() as tmp, production_like_emulators() as emulators:
        runs = [
            UserRun("U" + uuid.uuid4().hex, path, data)
            for path, data in distinct_photos(users, emulators)
        ]
        env = bot_environment(
            emulators,
            port=new_port(),
            data_dir=Path(tmp),
            redis_url=None,
            extra={"LOG_LEVEL": "WARNING"},
        )
        server, url = await _serve("tests.performance.pipeline_floor:app", env)
        try:
            async with WebhookDriver(f"{url}/callback", CHANNEL_SECRET, emulators.line_url) as d:
                await send_all(d, runs)
            await asyncio.to_thread(collect_replies, emulators, runs)
            again = await _cache_round(url, emulators, runs)
        finally:
            server.terminate()
            await server.wait()
    replies = [r.reply_seconds for r in runs if r.reply_seconds is not None]
    return {
        "replies": len(replies),
        "photo_to_reply_seconds": summary(replies),
        "cache_round_photo_to_reply_seconds": again["photo_to_reply_seconds"],
        "cache_round_new_gemini_calls": again["new_gemini_calls"],
    }


def profiler(pid: int, output: Path) -> subprocess.Popen[bytes]:
    """py-spy (from PyPI) sampling the server while the burst is answered, as collapsed stacks
    (`--format raw`): where the webhook's and the workers' time goes."""
    output.parent.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen(
        [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid),
         "--subprocesses", "--rate", "250", "--format", "raw", "--output", str(output)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1.0)  # attached before the first webhook
    return spy


@contextmanager
def private_redis() -> Iterator[str]:
    """A redis-server of its own, so its command counters see this benchmark's bot only."""
    port = new_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"redis://127.0.0.1:{port}/0"
        for _ in range(100):
            with suppress(redis.ConnectionError):
                redis.Redis.from_url(url).ping()
                break
            time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(10)


def commands_processed(url: str) -> int:
    return int(redis.Redis.from_url(url).info("stats")["total_commands_processed"])


BENCH_PREFIX = "bench-recording:"
CHROMIUM = "/usr/bin/chromium"


async def screenshot_dashboard(redis_url: str, extra: dict[str, str], path: Path) -> None:
    """/dashboard of a freshly started bot on the benchmark's Redis, shot by headless Chromium."""
    from playwright.async_api import async_playwright

    with TemporaryDirectory() as tmp, running_emulators() as emulators:
        env = bot_environment(
            emulators, port=new_port(), data_dir=Path(tmp) / "data", redis_url=redis_url,
            extra={**extra, "REDIS_KEY_PREFIX": BENCH_PREFIX, "LOG_DIR": str(Path(tmp) / "logs")},
        )  # fmt: skip
        with running_bot(env, Path(tmp) / "bot.log") as bot:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox"]
                )
                page = await browser.new_page(viewport={"width": 1280, "height": 900})
                await page.goto(f"{bot.url}/dashboard?hours=1")
                await page.wait_for_selector("body[data-drawn=true]", timeout=10_000)
                await page.screenshot(path=str(path), full_page=True)
                await browser.close()
    print(f"dashboard screenshot written to {path}")


async def run_recording_cost(
    users: int, extra: dict[str, str], screenshot: Path | None = None
) -> dict[str, Any]:
    """Issue 16: what recording the service's figures in Redis costs. The same load four times
    (on, off, off, on: a drift over the runs, e.g. a warm-up, cancels out), each on a private
    Redis: Redis commands per photo and webhook p99, per run and averaged per setting."""
    runs: dict[str, list[dict[str, Any]]] = {"on": [], "off": []}
    for n, setting in enumerate(("on", "off", "off", "on")):
        with private_redis() as url:
            before = commands_processed(url)
            recording = {"STATS_RECORDING": "true" if setting == "on" else "false",
                         "REDIS_KEY_PREFIX": BENCH_PREFIX}  # fmt: skip
            result = await run_benchmark(users, url, {**extra, **recording})
            commands = commands_processed(url) - before
            if screenshot is not None and n == 3:  # a new process reads the history in Redis
                await screenshot_dashboard(url, extra, screenshot)
        runs[setting].append({
            "redis_commands_per_photo": round(commands / users, 1),
            "webhook_answer_p99_seconds": result["webhook_answer_seconds"]["p99"],
            "photo_to_reply_p95_seconds": result["photo_to_reply_seconds"]["p95"],
            "successes": result["successes"],
        })  # fmt: skip
    figures: dict[str, Any] = {f"recording_{name}": found for name, found in runs.items()}
    for name, found in runs.items():
        figures[f"recording_{name}_mean"] = {
            key: round(sum(run[key] for run in found) / len(found), 3) for key in found[0]
        }
    on, off = figures["recording_on_mean"], figures["recording_off_mean"]
    figures["recording_cost_commands_per_photo"] = round(
        on["redis_commands_per_photo"] - off["redis_commands_per_photo"], 1
    )
    return figures


def publish(result: dict[str, Any], output: Path) -> None:
    """The figures as JSON on stdout and in `output` (its folder made when missing)."""
    text = json.dumps(result, indent=2, ensure_ascii=False)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"written to {output}")


DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
SCENARIOS = ("load", "cache", "notion", "adaptive")


def ratio_lines(result: dict[str, Any]) -> list[str]:
    """Each headline figure beside its floor (what the emulated calls alone take) and the ratio."""
    floor = LATENCY_FLOOR
    lines = []

    def line(label: str, value: float | None, floor_value: float | None) -> None:
        if value is None:
            return
        ratio = f"x{value / floor_value:.2f}" if floor_value else ""
        shown = f"{floor_value:.3f} s" if floor_value is not None else "-"
        lines.append(f"{label:<44}{value:>8.3f} s   floor {shown:>9}   {ratio}")

    load = result.get("load") or {}
    for q in ("p50", "p95", "p99"):
        line(f"photo-to-reply {q}", load.get("photo_to_reply_seconds", {}).get(q), floor)
    # What the bare pipeline (pipeline_floor.py) answers on this machine: the SDKs' floor.
    bare_pipeline = load.get("pipeline_floor") or {}
    for q in ("p50", "p95"):
        line(f"  bare pipeline (SDK calls only) {q}",
             bare_pipeline.get("photo_to_reply_seconds", {}).get(q), floor)  # fmt: skip
    # The webhook's floor: a bare Quart app answering the same burst (webhook_floor.py).
    bare = load.get("webhook_answer_floor_seconds", {})
    for q in ("p50", "p99"):
        line(f"webhook answer {q}", load.get("webhook_answer_seconds", {}).get(q), bare.get(q))
    again = load.get("cache_round_right_after") or {}
    # A cached photo's floor: the download and the reply.
    line("cache round right after, p95", again.get("photo_to_reply_seconds", {}).get("p95"),
         2 * LINE_LATENCY)  # fmt: skip
    line("  bare pipeline (SDK calls only), p95",
         bare_pipeline.get("cache_round_photo_to_reply_seconds", {}).get("p95"),
         2 * LINE_LATENCY)  # fmt: skip
    paced = result.get("cache") or {}
    line("cache round paced, hit p95", paced.get("hit_photo_to_reply_seconds", {}).get("p95"),
         2 * LINE_LATENCY)  # fmt: skip
    notion = result.get("notion") or {}
    if notion.get("notion_pages_per_second") is not None:
        rate = notion["notion_pages_per_second"]
        lines.append(f"{'notion pages per second (update mode)':<44}{rate:>8.2f}/s   "
                     f"floor {NOTION_RATE:>7.2f}/s   x{rate / NOTION_RATE:.2f}")  # fmt: skip
    adaptive = result.get("adaptive") or {}
    if adaptive.get("limit_settled") is not None:
        lines.append(f"{'adaptive limit settled (Gemini accepts 20)':<44}"
                     f"{adaptive['limit_settled']:>8}")  # fmt: skip
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--output", default="bench-results/load.json")
    parser.add_argument("--redis", choices=("on", "off"), default="on")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or DEFAULT_REDIS)
    parser.add_argument(
        "--profile",
        choices=("burst", "defaults"),
        default="burst",
        help="burst: MAX_CONCURRENT=MAX_CONCURRENT_AI=50; defaults: as shipped",
    )
    parser.add_argument("--scenario", action="append", choices=SCENARIOS,
                        help="repeatable; default: all")  # fmt: skip
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a bot setting for this run, e.g. --set MAX_CONCURRENT_AI=50",
    )  # fmt: skip
    parser.add_argument(
        "--throttle-one-key", action="store_true",
        help="three Gemini keys, one answering 429 for the whole run",
    )  # fmt: skip
    parser.add_argument(
        "--cache-interval", type=float, default=0.2,
        help="seconds between the paced cache scenario's photos (0: all at once)",
    )  # fmt: skip
    parser.add_argument(
        "--recording-cost", action="store_true",
        help="only the cost of recording metrics in Redis: STATS_RECORDING on vs off",
    )  # fmt: skip
    parser.add_argument(
        "--dashboard-screenshot", metavar="PNG",
        help="with --recording-cost: /dashboard after the last run, by headless Chromium",
    )  # fmt: skip
    parser.add_argument("--adaptive-users", type=int, default=100)
    parser.add_argument(
        "--py-spy", type=Path,
        help="collapsed stacks of the load burst here (the cache round's in NAME-cache.EXT)",
    )  # fmt: skip
    parser.add_argument(
        "--keep-log", type=Path,
        help="copy the bot's log of the load burst here (step times: --set LOG_LEVEL=INFO)",
    )  # fmt: skip
    args = parser.parse_args()
    redis_url = args.redis_url if args.redis == "on" else None
    profile = BURST_SETTINGS if args.profile == "burst" else {}
    extra = {**profile, **dict(item.split("=", 1) for item in args.set)}
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    if args.recording_cost:
        output = Path(args.output).with_name("recording-cost.json")
        shot = Path(args.dashboard_screenshot) if args.dashboard_screenshot else None
        figures = asyncio.run(run_recording_cost(args.users, extra, shot))
        publish(figures | {"settings": extra}, output)
        return
    scenarios = args.scenario or list(SCENARIOS)
    result: dict[str, Any] = {"redis": args.redis, "profile": args.profile, "settings": extra,
                              "floor_seconds": round(LATENCY_FLOOR, 3)}  # fmt: skip
    if "load" in scenarios:
        result["load"] = asyncio.run(
            run_benchmark(
                args.users,
                redis_url,
                extra,
                throttle_one_key=args.throttle_one_key,
                py_spy=args.py_spy,
                keep_log=args.keep_log,
            )
        )
        result["load"]["one_of_three_keys_throttled"] = args.throttle_one_key
    if "cache" in scenarios:
        from tests.performance.bench_cache import run_cache_scenario

        result["cache"] = asyncio.run(
            run_cache_scenario(redis_url, extra, interval=args.cache_interval)
        )
    if "notion" in scenarios:
        from tests.performance.bench_scenarios import run_notion_scenario

        result["notion"] = asyncio.run(run_notion_scenario(args.users, redis_url))
    if "adaptive" in scenarios:
        from tests.performance.bench_scenarios import run_adaptive_scenario

        result["adaptive"] = asyncio.run(run_adaptive_scenario(args.adaptive_users, redis_url))
    result["figures"] = ratio_lines(result)
    publish(result, Path(args.output))
    print("\n".join(result["figures"]))


if __name__ == "__main__":
    main()
