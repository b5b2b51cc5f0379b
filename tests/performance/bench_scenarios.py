"""The Notion-throughput and adaptive-concurrency scenarios of `make bench` (issue 15)."""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

from namecard.sim.driver import WebhookDriver
from tests.harness import CHANNEL_SECRET, Emulators, bot_environment, new_port, running_bot
from tests.performance.bench_load import (
    BURST_SETTINGS,
    UserRun,
    collect_replies,
    distinct_photos,
    notion_writer_figures,
    production_like_emulators,
    send_all,
    summary,
    wait_until_idle,
)

REFRESH_SECONDS = 5.0  # the person index's refresh interval in the Notion scenario
EDITED_EMAIL = "edited.by.hand@example.com"
THROTTLE_AT = 20  # calls in flight the Gemini emulator accepts in the adaptive scenario
STATS_TOKEN = "bench-stats-token"
SAMPLE_SECONDS = 0.25


async def _burst(url: str, emulators: Emulators, runs: list[UserRun]) -> None:
    async with WebhookDriver(f"{url}/callback", CHANNEL_SECRET, emulators.line_url) as driver:
        await send_all(driver, runs)
    await asyncio.to_thread(collect_replies, emulators, runs)


def _people(emulators: Emulators) -> list[str]:
    notion = emulators.notion
    return [
        str(notion.page_values(page).get("Email") or "")
        for page in notion.pages(emulators.data_source_id)
    ]


async def run_notion_scenario(users: int, redis_url: str | None) -> dict[str, Any]:
    """`users` new people at once with NOTION_DUPLICATES=update; then a page's e-mail edited
    by hand in Notion, and a card with that e-mail sent after the index's refresh interval."""
    extra = {**BURST_SETTINGS, "NOTION_DUPLICATES": "update", "LOG_LEVEL": "WARNING",
             "NOTION_INDEX_REFRESH_SECONDS": str(REFRESH_SECONDS)}  # fmt: skip
    with TemporaryDirectory() as tmp, production_like_emulators() as emulators:
        runs = [UserRun("U" + uuid.uuid4().hex, p, d) for p, d in distinct_photos(users, emulators)]
        env = bot_environment(emulators, port=new_port(), data_dir=Path(tmp) / "data",
                              redis_url=redis_url, extra=extra)  # fmt: skip
        with running_bot(env, Path(tmp) / "bot.log") as bot:
            await asyncio.sleep(1.0)  # the index is built at start (one query, empty database)
            queries_before = _count(emulators, "query")
            await _burst(bot.url, emulators, runs)
            await wait_until_idle(bot.url)
            cards = sum(
                len(emulators.gemini.truth[hashlib.sha256(r.data).hexdigest()]) for r in runs
            )
            for _ in range(600):  # saves that outlived their replies: Notion's queue drains
                if len(_people(emulators)) >= cards:
                    break
                await asyncio.sleep(0.1)
            figures = notion_writer_figures(emulators)
            people = _people(emulators)
            queries = _count(emulators, "query") - queries_before
            matched = await _hand_edit(bot.url, emulators, runs[0])
    return {
        "new_people": users,
        "pages": len(people),
        "duplicates": len(people) - len(set(people)),
        "notion_pages_per_second": figures.get("notion_pages_per_second"),
        "notion_requests_per_second": figures.get("notion_requests_per_second"),
        "duplicate_check_queries": queries,
        "refresh_interval_seconds": REFRESH_SECONDS,
        **matched,
    }


def _count(emulators: Emulators, endpoint: str) -> int:
    """Look-up queries (a property filter), not the person index's timestamp listings."""
    return sum(
        c.endpoint == endpoint and isinstance(c.query_filter, dict)
        and "timestamp" not in c.query_filter
        for c in emulators.notion.calls
    )  # fmt: skip


async def _hand_edit(url: str, emulators: Emulators, first: UserRun) -> dict[str, Any]:
    notion = emulators.notion
    page = notion.pages(emulators.data_source_id)[0]
    notion.edit_page(page["id"], {"Email": {"email": EDITED_EMAIL}})
    edited_at = time.monotonic()
    await asyncio.sleep(REFRESH_SECONDS + 1.0)
    data = first.data + b"hand-edit"
    truth = emulators.gemini.truth[hashlib.sha256(first.data).hexdigest()][0]
    card = {**truth, "name": "改過的人", "emails": [EDITED_EMAIL], "phones": []}
    emulators.gemini.truth[hashlib.sha256(data).hexdigest()] = [card]
    pages_before = len(notion.pages(emulators.data_source_id))
    sent_after = round(time.monotonic() - edited_at, 1)
    await _burst(url, emulators, [UserRun("U" + uuid.uuid4().hex, first.photo, data)])

    def named() -> list[dict[str, Any]]:
        pages = notion.pages(emulators.data_source_id)
        return [p for p in pages if notion.page_values(p).get("Name") == card["name"]]

    for _ in range(100):  # the save may still be waiting for its Notion turn
        if named():
            break
        await asyncio.sleep(0.2)
    return {
        "hand_edit_card_sent_after_seconds": sent_after,
        "hand_edited_page_matched": [p["id"] for p in named()] == [page["id"]]
        and len(notion.pages(emulators.data_source_id)) == pages_before,
    }


async def run_adaptive_scenario(users: int, redis_url: str | None) -> dict[str, Any]:
    """`users` photos at once against a Gemini that refuses calls above THROTTLE_AT in flight,
    with MAX_CONCURRENT_AI=50: the limit in force sampled from /stats while they are read."""
    extra = {**BURST_SETTINGS, "STATS_TOKEN": STATS_TOKEN, "LOG_LEVEL": "WARNING"}
    with TemporaryDirectory() as tmp, production_like_emulators(THROTTLE_AT) as emulators:
        runs = [UserRun("U" + uuid.uuid4().hex, p, d) for p, d in distinct_photos(users, emulators)]
        env = bot_environment(emulators, port=new_port(), data_dir=Path(tmp) / "data",
                              redis_url=redis_url, extra=extra)  # fmt: skip
        with running_bot(env, Path(tmp) / "bot.log") as bot:
            timeline: list[tuple[float, int]] = []
            sampler = asyncio.create_task(_sample(bot.url, timeline))
            started = time.monotonic()
            await _burst(bot.url, emulators, runs)
            sampler.cancel()
            await wait_until_idle(bot.url)
    changes = [(round(t - started, 2), limit) for t, limit in _changes(timeline)]
    replies = [r.reply_seconds for r in runs if r.reply_seconds is not None]
    settled = [limit for t, limit in timeline if t - started > 0.6 * (timeline[-1][0] - started)]
    return {
        "users": users,
        "gemini_accepts_in_flight": THROTTLE_AT,
        "gemini_peak_in_flight": emulators.gemini.peak_in_flight,
        "gemini_overload_429s": sum(c.status == 429 for c in emulators.gemini.calls),
        "user_visible_failures": sum(not r.got_card or r.read_offline for r in runs),
        "photo_to_reply_seconds": summary(replies),
        "limit_settled": round(sum(settled) / len(settled), 1) if settled else None,
        "limit_timeline_seconds_limit": changes,
    }


async def _sample(url: str, timeline: list[tuple[float, int]]) -> None:
    headers = {"Authorization": f"Bearer {STATS_TOKEN}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=5) as client:
        while True:
            stats = (await client.get("/stats")).json()
            limit = stats["ai_processor_stats"].get("concurrency_limit")
            if isinstance(limit, int):
                timeline.append((time.monotonic(), limit))
            await asyncio.sleep(SAMPLE_SECONDS)


def _changes(timeline: list[tuple[float, int]]) -> list[tuple[float, int]]:
    return [point for n, point in enumerate(timeline) if n == 0 or timeline[n - 1][1] != point[1]]
