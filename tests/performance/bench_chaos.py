"""Chaos benchmark (not a test): one of two bot instances is SIGKILLed while photos are in flight.

Two instances (WORKERS=2 each) share one Redis job queue behind the production-like emulators.
Users' webhooks alternate between them; one that fails is redelivered to the other, as LINE does.
Instance A is killed 3 s in and restarted 5 s later. Prints and writes bench-results/chaos.json.

    python -m tests.performance.bench_chaos [--users 100] [--output bench-results/chaos.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import hashlib
import logging
import mimetypes
import os
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
import redis

from namecard.sim.driver import WebhookDriver
from tests.conftest import DEFAULT_REDIS_URL, _answers, _private_redis_server
from tests.harness import (
    CHANNEL_SECRET,
    Emulators,
    RunningBot,
    bot_environment,
    new_port,
    pages_named,
    start_bot,
    stop_bot,
)
from tests.performance.bench_load import (
    GEMINI_LATENCY,
    LINE_LATENCY,
    NOTION_LATENCY,
    NOTION_RATE,
    UserRun,
    distinct_photos,
    production_like_emulators,
    publish,
    summary,
    wait_until_idle,
)

SEND_WINDOW_SECONDS = 10.0
KILL_AFTER_SECONDS = 3.0
RESTART_AFTER_SECONDS = 5.0
ANSWER_TIMEOUT_SECONDS = 180.0
STRAGGLER_SECONDS = 10.0
# Two workers starting beside a loaded instance on a small machine can take well over 30 s.
START_TIMEOUT_SECONDS = 120.0
# A webhook LINE could not hand over is tried again, on the other instance first.
MAX_POST_ATTEMPTS = 6
REDELIVERY_PAUSE_SECONDS = 1.0
SERVER_ERROR = 500
BOT_SETTINGS = {
    "WORKERS": "2",
    "JOB_CLAIM_IDLE_SECONDS": "5",
    "LOG_LEVEL": "WARNING",
    "USER_RATE_PER_MIN": "60",
}
CARD_ID_PROPERTY = "Card ID"  # the bot's idempotency key per card: image hash and index
LOG_MARKERS = ("WARNING", "ERROR", "CRITICAL", "Traceback")

logger = logging.getLogger(__name__)


@dataclass
class ChaosRun(UserRun):
    """One user's photo: where its webhook landed and what LINE delivered to the user."""

    names: list[str] = field(default_factory=list)
    accepted_by: str = ""
    attempts: int = 0
    answered_at: float | None = None
    deliveries: int = 0


@dataclass
class Instance:
    """A bot instance that may be killed and started again on the same port and settings."""

    name: str
    env: dict[str, str]
    log_path: Path
    bot: RunningBot | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.env['PORT']}"

    @property
    def callback_url(self) -> str:
        return f"{self.base_url}/callback"


@dataclass
class Chaos:
    """When instance A was killed and when it answered /health again (epoch seconds)."""

    first_webhook_at: float = 0.0
    killed_at: float = 0.0
    restarted_at: float = 0.0


@contextmanager
def bench_redis(tmp: Path) -> Iterator[str]:
    """REDIS_URL or the local default if it answers; else a private redis-server, stopped after."""
    url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    if _answers(url):
        yield url
    elif shutil.which("redis-server"):
        yield from _private_redis_server(tmp)
    else:
        raise SystemExit(f"no Redis at {url} and no redis-server binary to start one")


def forget_keys(url: str, prefix: str) -> None:
    """The run's namespace in a shared Redis is removed after it (stream, cache, claims)."""
    client = redis.Redis.from_url(url)
    for name in client.scan_iter(match=prefix + "*"):
        client.delete(name)
    client.close()


def two_instances(emulators: Emulators, redis_url: str, tmp: Path, logs: Path) -> list[Instance]:
    """A and B: same Redis and key prefix (one queue), their own port and data directory."""
    instances: list[Instance] = []
    for name in ("a", "b"):
        env = bot_environment(
            emulators, port=new_port(), data_dir=tmp / f"data-{name}", redis_url=redis_url,
            extra=BOT_SETTINGS,
        )  # fmt: skip
        if instances:
            env["REDIS_KEY_PREFIX"] = instances[0].env["REDIS_KEY_PREFIX"]
        log_path = logs / f"bot-{name}.log"
        log_path.write_bytes(b"")
        instances.append(Instance(name, env, log_path))
    return instances


async def start(instance: Instance) -> None:
    instance.bot = await asyncio.to_thread(
        start_bot, instance.env, instance.log_path, timeout=START_TIMEOUT_SECONDS
    )


def stop_all(instances: list[Instance]) -> None:
    for instance in instances:
        if instance.bot is not None:
            stop_bot(instance.bot)


async def kill_and_restart(victim: Instance, chaos: Chaos) -> None:
    await asyncio.sleep(KILL_AFTER_SECONDS)
    assert victim.bot is not None
    victim.bot.kill_hard()
    chaos.killed_at = time.time()
    await asyncio.sleep(RESTART_AFTER_SECONDS)
    try:
        await start(victim)
    except RuntimeError:  # the run goes on: the other instance must still resume the jobs
        logger.exception("instance %s did not come back", victim.name)
        return
    chaos.restarted_at = time.time()


async def prepare_event(driver: WebhookDriver, run: ChaosRun) -> dict[str, Any]:
    """The photo is uploaded to LINE and a reply token issued, as before a real webhook."""
    mime_type = mimetypes.guess_type(run.photo.name)[0] or "image/jpeg"
    message_id = await driver.upload_content(run.data, mime_type)
    token = await driver.reply_token(run.user_id)
    event: dict[str, Any] = driver.build_image_event(run.user_id, message_id, token)
    return event


def as_redelivery(event: dict[str, Any]) -> dict[str, Any]:
    again = copy.deepcopy(event)
    again["deliveryContext"] = {"isRedelivery": True}
    return again


async def post_once(driver: WebhookDriver, event: dict[str, Any]) -> int:
    """The HTTP status, or 0 when the instance could not be reached or dropped the request."""
    try:
        return (await driver.post([event])).status
    except httpx.TransportError:
        return 0


async def deliver(run: ChaosRun, event: dict[str, Any], drivers: list[WebhookDriver],
                  first: int) -> None:  # fmt: skip
    """Posts to instance `first`; on no connection or a 5xx, the same event to the other one."""
    run.sent_at = time.time()
    for attempt in range(MAX_POST_ATTEMPTS):
        index = (first + attempt) % len(drivers)
        if attempt >= len(drivers):
            await asyncio.sleep(REDELIVERY_PAUSE_SECONDS)
        started = time.perf_counter()
        status = await post_once(drivers[index], event if attempt == 0 else as_redelivery(event))
        run.attempts, run.webhook_status = attempt + 1, status
        run.webhook_seconds = time.perf_counter() - started
        if 0 < status < SERVER_ERROR:
            run.accepted_by = "ab"[index]
            return


async def send_all(runs: list[ChaosRun], instances: list[Instance], line_url: str,
                   chaos: Chaos) -> None:  # fmt: skip
    """One webhook every SEND_WINDOW_SECONDS / users, alternating A and B, while A is killed."""
    interval = SEND_WINDOW_SECONDS / len(runs)
    drivers = [WebhookDriver(i.callback_url, CHANNEL_SECRET, line_url) for i in instances]
    try:
        events = await asyncio.gather(*(prepare_event(drivers[0], run) for run in runs))

        async def paced(n: int, run: ChaosRun, event: dict[str, Any]) -> None:
            await asyncio.sleep(n * interval)
            await deliver(run, event, drivers, n % len(drivers))

        chaos.first_webhook_at = time.time()
        await asyncio.gather(
            kill_and_restart(instances[0], chaos),
            *(
                paced(n, run, event)
                for n, (run, event) in enumerate(zip(runs, events, strict=True))
            ),
        )
    finally:
        for driver in drivers:
            await driver.aclose()


def wait_for_answers(emulators: Emulators, runs: list[ChaosRun]) -> None:
    deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
    for run in runs:
        remaining = max(0.0, deadline - time.monotonic())
        emulators.line.wait_for_deliveries(run.user_id, 1, timeout=remaining)


async def settle(instances: list[Instance]) -> None:
    """Stragglers and duplicates get time to show; saves that outlive their reply land."""
    await asyncio.sleep(STRAGGLER_SECONDS)
    for instance in instances:
        # An instance without those /health figures: the straggler wait has to do.
        with contextlib.suppress(httpx.HTTPError, KeyError, ValueError):
            await wait_until_idle(instance.base_url)


def collect(emulators: Emulators, runs: list[ChaosRun]) -> None:
    for run in runs:
        deliveries = emulators.line.deliveries(run.user_id)
        run.deliveries = len(deliveries)
        if deliveries:
            run.answered_at = deliveries[0].at
            run.reply_seconds = deliveries[0].at - run.sent_at
            run.got_card = deliveries[0].messages[0].get("type") == "flex"


def truth_names(emulators: Emulators, data: bytes) -> list[str]:
    cards = emulators.gemini.truth[hashlib.sha256(data).hexdigest()]
    return [str(card["name"]) for card in cards]


def notion_figures(emulators: Emulators, runs: list[ChaosRun]) -> dict[str, Any]:
    """Pages per expected name. Two fixtures are photos of one person (same e-mail and phones),
    whom the bot rightly keeps on one page: a name, not a photo, is what must be saved once."""
    found = {name: len(pages_named(emulators, name)) for run in runs for name in run.names}
    return {
        "names_expected": len(found),
        "names_saved": sum(count > 0 for count in found.values()),
        "names_missing": sorted(name for name, count in found.items() if count == 0),
        "duplicate_pages": sum(max(0, count - 1) for count in found.values()),
        "names_duplicated": sorted(name for name, count in found.items() if count > 1),
        "duplicate_pages_of_one_photo": pages_sharing_card_id(emulators),
        "notion_pages": len(emulators.notion.pages(emulators.data_source_id)),
        "notion_429s": sum(call.status == 429 for call in emulators.notion.calls),
    }


def pages_sharing_card_id(emulators: Emulators) -> int:
    """Extra pages of one photo's card (the bot's Card ID): a job that ran twice, not two photos
    of one person saved side by side."""
    notion = emulators.notion
    pages = notion.pages(emulators.data_source_id)
    card_ids = Counter(notion.page_values(page).get(CARD_ID_PROPERTY) for page in pages)
    return sum(count - 1 for card_id, count in card_ids.items() if card_id and count > 1)


def recovery_figures(runs: list[ChaosRun], chaos: Chaos) -> dict[str, Any]:
    """Photos sent before the kill and not answered by then: how long until the last answer."""
    killed = chaos.killed_at
    in_flight = [
        r for r in runs if r.sent_at <= killed and (r.answered_at is None or r.answered_at > killed)
    ]
    answered = [r.answered_at for r in in_flight if r.answered_at is not None]
    complete = len(answered) == len(in_flight)
    return {
        "kill_at_seconds": round(chaos.killed_at - chaos.first_webhook_at, 2),
        "killed_to_healthy_seconds": (
            round(chaos.restarted_at - chaos.killed_at, 2) if chaos.restarted_at else None
        ),
        "in_flight_at_kill": len(in_flight),
        "in_flight_taken_by_killed_instance": sum(r.accepted_by == "a" for r in in_flight),
        "in_flight_unanswered": len(in_flight) - len(answered),
        "time_to_recover_seconds": (
            round(max(answered) - chaos.killed_at, 2) if answered and complete else None
        ),
    }


def log_figures(instances: list[Instance]) -> dict[str, Any]:
    def flagged(instance: Instance) -> int:
        lines = instance.log_path.read_text(errors="replace").splitlines()
        return sum(any(marker in line for marker in LOG_MARKERS) for line in lines)

    return {
        "bot_log_warning_lines": {i.name: flagged(i) for i in instances},
        "bot_logs": {i.name: str(i.log_path) for i in instances},
    }


def answer_figures(runs: list[ChaosRun]) -> dict[str, Any]:
    """What LINE saw: webhooks taken (some only by the other instance) and what users got."""
    latencies = [r.reply_seconds for r in runs if r.reply_seconds is not None]
    return {
        "photos_sent": len(runs),
        "webhooks_accepted": sum(bool(r.accepted_by) for r in runs),
        "webhooks_redelivered": sum(r.attempts > 1 for r in runs),
        "webhooks_never_accepted": sum(not r.accepted_by for r in runs),
        "users_answered": len(latencies),
        "users_with_card": sum(r.got_card for r in runs),
        "users_with_duplicate_answers": sum(r.deliveries > 1 for r in runs),
        "line_deliveries": sum(r.deliveries for r in runs),
        "photo_to_answer_seconds": {
            **summary(latencies), "max": round(max(latencies), 3) if latencies else None,
        },
    }  # fmt: skip


def report(runs: list[ChaosRun], emulators: Emulators, chaos: Chaos,
           instances: list[Instance]) -> dict[str, Any]:  # fmt: skip
    gemini_calls = emulators.gemini.generate_count
    result: dict[str, Any] = {
        "users": len(runs), "instances": len(instances), "bot_settings": BOT_SETTINGS,
        "emulated_latency_seconds": {
            "line": LINE_LATENCY, "gemini": GEMINI_LATENCY, "notion": NOTION_LATENCY,
            "notion_rate_limit_per_second": NOTION_RATE,
        },
        **answer_figures(runs),
        **notion_figures(emulators, runs),
        "gemini_calls": gemini_calls,
        "gemini_calls_above_photos": max(0, gemini_calls - len(runs)),
        **recovery_figures(runs, chaos),
        **log_figures(instances),
    }  # fmt: skip
    result["failures"] = verdict(result)
    result["verdict"] = "FAIL" if result["failures"] else "PASS"
    return result


def verdict(result: dict[str, Any]) -> list[str]:
    """PASS needs every user answered, every card saved and no duplicate answer or page."""
    of_one_photo = result["duplicate_pages_of_one_photo"]
    checks = {
        "users without an answer": result["users"] - result["users_answered"],
        "names not saved in Notion": result["names_expected"] - result["names_saved"],
        "users answered more than once": result["users_with_duplicate_answers"],
        f"duplicate Notion pages ({of_one_photo} of one photo)": result["duplicate_pages"],
    }
    return [f"{count} {what}" for what, count in checks.items() if count]


async def run_chaos(users: int, logs: Path) -> dict[str, Any]:
    with TemporaryDirectory() as tmp_name, production_like_emulators() as emulators:
        tmp = Path(tmp_name)
        runs = [
            ChaosRun("U" + uuid.uuid4().hex, path, data, names=truth_names(emulators, data))
            for path, data in distinct_photos(users, emulators)
        ]
        with bench_redis(tmp) as redis_url:
            instances = two_instances(emulators, redis_url, tmp, logs)
            chaos = Chaos()
            started = time.monotonic()
            try:
                await asyncio.gather(*(start(instance) for instance in instances))
                await send_all(runs, instances, emulators.line_url, chaos)
                await asyncio.to_thread(wait_for_answers, emulators, runs)
                await settle(instances)
            finally:
                stop_all(instances)
                forget_keys(redis_url, instances[0].env["REDIS_KEY_PREFIX"])
            collect(emulators, runs)
            result = report(runs, emulators, chaos, instances)
            result["wall_seconds"] = round(time.monotonic() - started, 2)
            return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--output", default="bench-results/chaos.json")
    args = parser.parse_args()
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    output = Path(args.output)
    logs = output.parent / f"{output.stem}-logs"
    logs.mkdir(parents=True, exist_ok=True)
    result = asyncio.run(run_chaos(args.users, logs))
    publish(result, output)
    failures = "; ".join(result["failures"])
    print(f"{result['verdict']}: {failures or 'all answered, all saved, zero duplicates'}")


if __name__ == "__main__":
    main()
