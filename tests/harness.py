"""Starts the emulators in threads and the real bot as a subprocess, wired to them over HTTP."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from namecard.sim.gemini import GeminiEmulator, load_truth
from namecard.sim.line import LineSimulator
from namecard.sim.notion import NotionEmulator
from namecard.sim.server import EmulatorServer, free_port

FIXTURES = Path(__file__).parent / "fixtures" / "cards"
CHANNEL_SECRET = "e2e-channel-secret-0123456789abcdef"
ACCESS_TOKEN = "e2e-channel-access-token"
GEMINI_KEY = "e2e-gemini-key-AbCd"
# Three keys of three "projects" the Gemini emulator accepts (GEMINI_KEY first).
GEMINI_KEYS = (GEMINI_KEY, "e2e-gemini-key-two-EfGh", "e2e-gemini-key-three-IjKl")
NOTION_TOKEN = "e2e-notion-token"


@dataclass
class Emulators:
    line: LineSimulator
    gemini: GeminiEmulator
    notion: NotionEmulator
    line_url: str
    gemini_url: str
    notion_url: str
    database_id: str
    data_source_id: str


@contextmanager
def running_emulators(*, gemini_latency: float = 0.0, line_latency: float = 0.0,
                      notion_latency: float = 0.0, notion_rate_limit: float | None = None,
                      gemini_max_concurrent: int | None = None,
                      ) -> Iterator[Emulators]:  # fmt: skip
    line = LineSimulator(access_tokens={ACCESS_TOKEN}, latency=line_latency)
    gemini = GeminiEmulator(load_truth(FIXTURES), api_keys=set(GEMINI_KEYS), latency=gemini_latency,
                            max_concurrent=gemini_max_concurrent)  # fmt: skip
    notion = NotionEmulator(
        tokens={NOTION_TOKEN}, rate_limit_per_second=notion_rate_limit, latency=notion_latency
    )
    database_id, data_source_id = notion.contact_database()
    notion.set_property(data_source_id, "Card ID", "rich_text")  # as `namecard notion-init` does
    with ExitStack() as stack:
        line_url, gemini_url, notion_url = (
            stack.enter_context(EmulatorServer(sim.create_app())).url
            for sim in (line, gemini, notion)
        )
        yield Emulators(
            line, gemini, notion, line_url, gemini_url, notion_url, database_id, data_source_id
        )


def bot_environment(emulators: Emulators, *, port: int, data_dir: Path, redis_url: str | None,
                    extra: dict[str, str] | None = None) -> dict[str, str]:  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "LINE_", "NOTION_"))}
    env.update(
        PORT=str(port),
        HOST="127.0.0.1",
        DATA_DIR=str(data_dir),
        LOG_LEVEL="INFO",
        LINE_CHANNEL_SECRET=CHANNEL_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
        LINE_API_BASE_URL=emulators.line_url,
        LINE_DATA_API_BASE_URL=emulators.line_url,
        GOOGLE_API_KEY=GEMINI_KEY,
        GEMINI_BASE_URL=emulators.gemini_url,
        NOTION_API_KEY=NOTION_TOKEN,
        NOTION_DATABASE_ID=emulators.database_id,
        NOTION_BASE_URL=emulators.notion_url,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
        # A namespace of its own in the shared Redis, so no earlier run's cache answers.
        env["REDIS_KEY_PREFIX"] = f"e2e-{uuid.uuid4().hex[:12]}:"
    env.update(extra or {})
    return env


def pages_named(emulators: Emulators, name: str) -> list[dict[str, Any]]:
    """The Notion pages whose title is `name`."""
    notion = emulators.notion
    return [
        page for page in notion.pages(emulators.data_source_id)
        if notion.page_values(page).get("Name") == name
    ]  # fmt: skip


@dataclass
class RunningBot:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill_hard(self) -> None:
        """SIGKILL the server and every worker process it started (its own process group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@contextmanager
def running_bot(
    env: dict[str, str], log_path: Path, *, timeout: float = 30.0, prefix: Sequence[str] = ()
) -> Iterator[RunningBot]:
    """`namecard serve` in a subprocess; waits for /health and stops it with SIGTERM."""
    bot = start_bot(env, log_path, timeout=timeout, prefix=prefix)
    try:
        yield bot
    finally:
        stop_bot(bot)


def start_bot(
    env: dict[str, str], log_path: Path, *, timeout: float = 30.0, prefix: Sequence[str] = ()
) -> RunningBot:
    """`namecard serve` in its own process group (so `kill_hard` reaches its workers too);
    `prefix` runs first and must exec the command it is given (the memory bench's cgroup)."""
    port = int(env["PORT"])
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [*prefix, sys.executable, "-m", "namecard", "serve", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    bot = RunningBot(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_healthy(bot, timeout)
    except BaseException:
        bot.kill_hard()
        raise
    return bot


def stop_bot(bot: RunningBot) -> None:
    if bot.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(bot.process.pid, signal.SIGTERM)
    try:
        bot.process.wait(30)
    except subprocess.TimeoutExpired:
        bot.kill_hard()


def _wait_healthy(bot: RunningBot, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bot.process.poll() is not None:
            raise RuntimeError(f"the bot exited with {bot.process.returncode}:\n{bot.log()}")
        try:
            if httpx.get(f"{bot.url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the bot did not become healthy in {timeout:.0f}s:\n{bot.log()}")


def new_port() -> int:
    return free_port()
