"""A newcomer's first hour: every command of the README's "Try it" block, run as written (bash,
from the repository root) against `namecard serve` as `make run` starts it, in a fresh DATA_DIR;
and what they meet on the way: the start-up's next steps, `GET /`, a port already in use, a
pipe closed early, Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from namecard.sim.server import free_port
from tests.harness import RunningBot, new_port, running_bot, start_bot

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
VENV_BIN = ".venv/bin/"


def try_it_commands() -> list[str]:
    """The lines of the first ```sh block under "## Try it"."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Try it", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "README's Try it section has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def newcomer_env(data_dir: Path, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GOOGLE_", "LINE_", "NOTION_", "REDIS_URL", "GEMINI_", "HOST"))
    }
    # `.venv/bin/namecard` as written when the tests run from the project's .venv; else the
    # same script beside the running Python (a CI virtualenv elsewhere).
    bindir = str(Path(sys.executable).parent)
    env.update(PORT=str(port), DATA_DIR=str(data_dir), PATH=f"{bindir}:{env.get('PATH', '')}")
    return env


def as_written(command: str) -> str:
    if (REPO / VENV_BIN / "namecard").exists():
        return command
    return command.replace(VENV_BIN, str(Path(sys.executable).parent) + "/")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return newcomer_env(tmp_path_factory.mktemp("newcomer") / "data", new_port())


@pytest.fixture(scope="module")
def bot(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    """`namecard serve`, the command `make run` runs once .venv is installed."""
    makefile = (REPO / "Makefile").read_text()
    assert "$(VENV)/bin/namecard serve" in makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    with running_bot(env, tmp_path_factory.mktemp("newcomer-log") / "bot.log", timeout=60) as b:
        yield b


def test_every_readme_command_runs_as_written(
    bot: RunningBot, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    outputs: list[tuple[str, str]] = []
    for command in try_it_commands():
        done = subprocess.run(
            ["bash", "-c", as_written(command)], cwd=REPO, env=env,
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        outputs.append((command, done.stdout))
    said = dict(outputs)
    commands = try_it_commands()
    assert "王大明" in said[commands[0]]  # the card read and answered
    assert "批次" in said[commands[1]]  # help lists the commands
    assert "taken into the open batch" in said[commands[3]]
    assert "✅" in said[commands[4]]  # the summary lists the batch's card
    assert "王大明" in said[commands[5]] and "Emily Chen" in said[commands[5]]  # export csv
    assert said[commands[6]].count("BEGIN:VCARD") == 2
    assert "王大明" in said[commands[7]]  # scan
    assert all(line.startswith(("ok", "info")) for line in said[commands[8]].splitlines())
    assert '"status":"healthy"' in said[commands[9]].replace(" ", "")
    assert '"service":"namecard"' in said[commands[10]].replace(" ", "")
    with capsys.disabled():  # one line each, for the record
        for command, out in outputs:
            first = next((line for line in out.splitlines() if line.strip()), "")
            print(f"\n  $ {command}\n    {first[:110]}", end="")


def test_start_up_ends_with_where_to_go_next(bot: RunningBot) -> None:
    log = bot.log()
    assert "namecard is ready: " in log
    assert "namecard send tests/fixtures/cards/tw_sales_manager.jpg" in log
    assert f"curl {bot.url}/health" in log


def test_the_home_page_names_the_service_its_modes_and_links(bot: RunningBot) -> None:
    about = httpx.get(f"{bot.url}/", headers={"Accept": "application/json"}).json()
    assert about["service"] == "namecard" and about["version"]
    assert set(about["modes"]) == {"line", "ai", "contacts", "state"}
    paths = [link["path"] for link in about["links"]]
    assert "/health" in paths and "/stats" in paths
    page = httpx.get(f"{bot.url}/")
    assert page.headers["content-type"].startswith("text/html")
    assert 'href="/health"' in page.text


def test_a_port_in_use_is_one_line_naming_port_and_exit_2(
    bot: RunningBot, env: dict[str, str]
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "namecard", "serve"], env=env,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "PORT" in lines[0] and env["PORT"] in lines[0], done.stderr
    assert "listening" not in done.stderr and "Traceback" not in done.stderr


def test_send_to_nothing_names_the_url_and_how_to_change_it(env: dict[str, str]) -> None:
    port = str(free_port())
    done = subprocess.run(
        [sys.executable, "-m", "namecard", "send", "--text", "help"],
        env={**env, "PORT": port}, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert f"http://127.0.0.1:{port}" in done.stderr and "--url" in done.stderr


@pytest.mark.parametrize("command", [["--help"], ["send", "--help"], ["export"]])
def test_a_pipe_closed_early_ends_quietly(
    bot: RunningBot, env: dict[str, str], command: list[str]
) -> None:
    read, write = os.pipe()
    os.close(read)  # like `| head` that has gone: every write meets a closed pipe
    try:
        done = subprocess.run(
            [sys.executable, "-m", "namecard", *command], env=env, stdout=write,
            stderr=subprocess.PIPE, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        os.close(write)
    assert "BrokenPipeError" not in done.stderr and "Traceback" not in done.stderr


def test_export_without_a_contact_book_says_so_and_creates_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    data_dir = tmp_path / "never-started"
    done = subprocess.run(
        [sys.executable, "-m", "namecard", "export", "--output", str(tmp_path / "out.csv")],
        env={**env, "DATA_DIR": str(data_dir)}, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0
    assert "no contacts" in done.stderr
    assert not data_dir.exists() and not (tmp_path / "out.csv").exists()


def test_ctrl_c_drains_and_the_log_names_the_signal(tmp_path: Path) -> None:
    env = newcomer_env(tmp_path / "data", new_port())
    bot = start_bot(env, tmp_path / "bot.log", timeout=60)
    os.killpg(bot.process.pid, signal.SIGINT)
    assert bot.process.wait(60) == 0
    log = bot.log()
    assert "SIGINT received: draining before stopping" in log
    assert "namecard stopped (SIGINT)" in log
    assert "Traceback" not in log
