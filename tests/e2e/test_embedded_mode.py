"""`make run`'s configuration: nothing configured, the built-in LINE simulator, `namecard send`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from namecard.sim.dev_channel import load_dev_channel
from tests.harness import FIXTURES, RunningBot, new_port, running_bot

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GOOGLE_", "LINE_", "NOTION_", "REDIS_URL", "GEMINI_"))
    }
    data_dir = tmp_path_factory.mktemp("embedded") / "data"
    env.update(PORT=str(new_port()), HOST="127.0.0.1", DATA_DIR=str(data_dir), LOG_LEVEL="INFO")
    return env


@pytest.fixture(scope="module")
def embedded_bot(
    embedded_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningBot]:
    log = tmp_path_factory.mktemp("embedded-log") / "bot.log"
    with running_bot(embedded_env, log) as bot:
        yield bot


def namecard(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "namecard", *args],
        env=env, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip


def test_send_prints_the_bots_answer(
    embedded_bot: RunningBot, embedded_env: dict[str, str]
) -> None:
    result = namecard(embedded_env, "send", str(FIXTURES / "tw_sales_manager.jpg"))

    assert result.returncode == 0, result.stderr
    assert "王大明" in result.stdout  # read by the offline reader, no key needed
    assert "0912" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_start_up_says_the_simulator_listens_on_this_machine_only(
    embedded_bot: RunningBot,
) -> None:
    assert "this machine only" in embedded_bot.log()


def test_health_names_every_embedded_mode(embedded_bot: RunningBot) -> None:
    health = httpx.get(f"{embedded_bot.url}/health").json()
    assert health["status"] == "healthy"
    assert all(mode.startswith("embedded") for mode in health["modes"].values())


def test_send_without_a_running_bot_says_how_to_start_it(
    embedded_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**embedded_env, "PORT": str(new_port()), "DATA_DIR": str(tmp_path)}
    load_dev_channel(tmp_path)  # as a bot that ran here before made them

    result = namecard(env, "send", str(FIXTURES / "tw_sales_manager.jpg"))

    assert result.returncode == 1
    assert "make run" in result.stderr


def test_export_of_an_empty_contact_book(embedded_env: dict[str, str], tmp_path: Path) -> None:
    output = tmp_path / "contacts.csv"
    result = namecard(embedded_env, "export", "--format", "csv", "--output", str(output))
    assert result.returncode == 0, result.stderr
    header = output.read_text(encoding="utf-8-sig").splitlines()[0]
    assert "姓名" in header and "公司名稱" in header
