"""The offline reader of an instance with four workers: one OCR process, restarted when killed;
the instance stops as a whole on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from namecard.sim.driver import WebhookDriver
from namecard.sim.line_render import render_delivery_text
from tests.e2e.conftest import load_truth_file, photo
from tests.harness import (
    CHANNEL_SECRET,
    Emulators,
    RunningBot,
    bot_environment,
    new_port,
    running_bot,
)

pytestmark = pytest.mark.e2e

ANSWER_TIMEOUT = 120.0
FIRST_STEMS = ("tw_clinic_columns", "simplified_cn", "tw_tea_shop_kai", "vertical_lawyer")
IN_FLIGHT_STEM = "kaohsiung_webp"


async def read(bot: RunningBot, emulators: Emulators, stem: str) -> str:
    user = "U" + uuid.uuid4().hex
    async with WebhookDriver(f"{bot.url}/callback", CHANNEL_SECRET, emulators.line_url) as d:
        await d.send_image(user, photo(stem))
        (delivery,) = await d.wait_for_deliveries(user, 1, timeout=ANSWER_TIMEOUT)
    return render_delivery_text(delivery)


def processes(bot: RunningBot) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = httpx.get(f"{bot.url}/stats", timeout=10).json()["processes"][
        "each"
    ]
    return rows


def ocr_processes(bot: RunningBot) -> list[psutil.Process]:
    """The instance's processes running the OCR host, seen from outside (not from /stats)."""
    found = []
    for process in psutil.Process(bot.process.pid).children(recursive=True):
        try:
            if process.status() != psutil.STATUS_ZOMBIE and "ocr.host" in str(process.cmdline()):
                found.append(process)
        except psutil.Error:  # gone meanwhile
            continue
    return found


async def until_reading(host: psutil.Process) -> None:
    """Until a worker's photo is in the OCR process: a connection on its socket besides the
    listener (the event loop's own socket pair has no address)."""
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while time.monotonic() < deadline:
        on_socket = [c for c in host.net_connections(kind="unix") if "ocr-" in str(c.laddr)]
        if len(on_socket) >= 2:
            return
        await asyncio.sleep(0.02)


async def test_four_workers_share_one_ocr_process_which_comes_back_when_killed(
    emulators: Emulators, redis_url: str, tmp_path: Path
) -> None:
    env = bot_environment(
        emulators, port=new_port(), data_dir=tmp_path / "data", redis_url=redis_url,
        extra={"WORKERS": "4", "CACHE_MEMORY_MB": "0", "CACHE_DISK_MB": "0"},
    )  # fmt: skip
    env.pop("GOOGLE_API_KEY")  # the offline reader answers every photo
    with running_bot(env, tmp_path / "bot.log", timeout=60) as bot:
        first = await asyncio.gather(*(read(bot, emulators, stem) for stem in FIRST_STEMS))
        (host,) = ocr_processes(bot)
        rows = processes(bot)
        roles = sorted(row["role"] for row in rows)

        in_flight = asyncio.create_task(read(bot, emulators, IN_FLIGHT_STEM))
        await until_reading(host)
        os.kill(host.pid, signal.SIGKILL)
        answer = await in_flight
        (again,) = ocr_processes(bot)

        workers = psutil.Process(bot.process.pid).children()
        os.kill(bot.process.pid, signal.SIGTERM)  # as the platform stops a container: PID 1 only
        exit_code = bot.process.wait(60)
        left = [w for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]

    for stem, text in zip(FIRST_STEMS, first, strict=True):
        assert load_truth_file(stem)["cards"][0]["name"] in text
    assert roles.count("worker") == 4
    assert roles.count("ocr") == 1
    # forked from a master that imported their modules: most of a worker's pages are shared
    # (under spawn a worker's PSS was 88% of its RSS)
    assert all(r["pss_mb"] < r["rss_mb"] / 2 for r in rows if r["role"] == "worker"), rows
    assert load_truth_file(IN_FLIGHT_STEM)["cards"][0]["name"] in answer
    assert again.pid != host.pid
    assert "went away while reading a photo" in bot.log()
    assert exit_code == 0
    assert left == []  # the workers (forked from the master) stopped with it
