"""What Zeabur reads (Dockerfile, zbpack.json, zeabur.json) is consistent, and the image's entry
point and health check work: the Dockerfile is parsed (the image itself cannot be built here)
and its ENTRYPOINT and HEALTHCHECK are run with its ENV, as the container would run them."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from dockerfile_parse import DockerfileParser

from namecard.sim.server import free_port
from tests.harness import (
    ACCESS_TOKEN,
    CHANNEL_SECRET,
    Emulators,
    bot_environment,
    running_emulators,
)

REPO = Path(__file__).resolve().parents[2]
START_SCRIPT = "./deployment/scripts/start_async_service.sh"
BUILD_COMMAND = "pip install -r deployment/async_requirements.txt"
# Measured by `make bench-memory` (issue 19): peak PSS with every Gemini call refused (offline
# fallback) was 57-68 MB master + 62-79 MB per worker (forked from the master, sharing its
# modules) + 380-410 MB for the one OCR process.
MASTER_MB, MB_PER_WORKER, OCR_PROCESS_MB = 70, 80, 430
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")


def dockerfile() -> DockerfileParser:
    return DockerfileParser(path=str(REPO / "Dockerfile"))


def instructions(parser: DockerfileParser, name: str) -> list[str]:
    return [item["value"] for item in parser.structure if item["instruction"] == name]


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPO / name).read_text(encoding="utf-8"))
    return data


def test_the_dockerfile_is_a_slim_python_image_run_by_a_user_through_the_start_script() -> None:
    parser = dockerfile()
    assert re.fullmatch(r"python:3\.1[1-3]-slim", parser.baseimage)
    [user] = instructions(parser, "USER")
    assert user not in ("root", "0")
    [entrypoint] = instructions(parser, "ENTRYPOINT")
    assert json.loads(entrypoint) == [START_SCRIPT]
    [health] = instructions(parser, "HEALTHCHECK")
    assert "deployment/scripts/healthcheck.py" in health
    envs = parser.envs
    assert envs["ENVIRONMENT"] == "production"
    assert envs["PROMETHEUS_MULTIPROC_DIR"] and envs["MALLOC_ARENA_MAX"]
    assert any(BUILD_COMMAND in run for run in instructions(parser, "RUN"))


def test_dockerignore_keeps_secrets_and_the_virtualenv_out_of_the_image() -> None:
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".git", ".venv", "data", "tests"} <= set(ignored)


def test_zbpack_builds_and_starts_like_the_dockerfile_and_zeabur_json() -> None:
    zbpack = load("zbpack.json")
    assert zbpack["build_command"] == BUILD_COMMAND
    assert zbpack["start_command"].split()[-1] == START_SCRIPT
    assert zbpack["python"]["version"] in SUPPORTED_PYTHONS
    for name in ("zeabur.json", "deployment/async_zeabur.json"):
        config = load(name)
        assert config["build"]["command"] == BUILD_COMMAND
        assert config["start"]["command"] == zbpack["start_command"]
        assert config["runtime"]["python"] in SUPPORTED_PYTHONS


@pytest.mark.parametrize("name", ["zeabur.json", "deployment/async_zeabur.json"])
def test_zeabur_files_require_redis_when_several_processes_may_run_and_size_memory(
    name: str,
) -> None:
    config = load(name)
    env, scaling = config["env"], config["scaling"]
    workers, instances = int(env["WORKERS"]), scaling["max_instances"]
    assert int(env["MAX_INSTANCES"]) == instances  # what the refusal in production checks
    if workers > 1 or instances > 1:
        assert "REDIS_URL" in config["required_env"]
    memory = config["resources"]["memory"]
    needed = MASTER_MB + workers * MB_PER_WORKER + OCR_PROCESS_MB
    assert float(memory.removesuffix("GB")) * 1024 >= needed, memory
    assert "make bench-memory" in config["resources"]["_memory_note"]


def test_the_template_and_the_active_file_differ_as_the_guide_intends() -> None:
    template, active = load("deployment/async_zeabur.json"), load("zeabur.json")
    assert template != active
    assert "cp deployment/async_zeabur.json zeabur.json" in template["_comment"]
    assert template["env"]["WORKERS"] == "4"  # the guide's sizing


@pytest.fixture(scope="module")
def emulators() -> Any:
    with running_emulators() as running:
        yield running


def healthcheck(parser: DockerfileParser, env: dict[str, str]) -> int:
    """The HEALTHCHECK's command, run as Docker runs it (exec form, from WORKDIR)."""
    [health] = instructions(parser, "HEALTHCHECK")
    command = json.loads(health.split("CMD", 1)[1].strip())
    command[0] = sys.executable if command[0] == "python3" else command[0]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, check=False).returncode


def test_the_entrypoint_with_the_images_env_serves_and_passes_its_healthcheck(
    emulators: Emulators, redis_url: str, tmp_path: Path
) -> None:
    parser = dockerfile()
    port = free_port()
    env = bot_environment(emulators, port=port, data_dir=tmp_path / "data", redis_url=redis_url)
    image_env = {k: v for k, v in parser.envs.items() if k not in ("DATA_DIR", "PORT")}
    image_env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "prometheus")
    bindir = str(Path(sys.executable).parent)  # the image's python3 and hypercorn
    env.update(image_env, PORT=str(port), PATH=f"{bindir}:{env.get('PATH', '')}")
    env.pop("HOST", None)  # as in the image: real LINE listens on every address
    [entrypoint] = instructions(parser, "ENTRYPOINT")
    process = subprocess.Popen(
        json.loads(entrypoint), cwd=REPO, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=(tmp_path / "start.log").open("wb"),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while healthcheck(parser, env) != 0:
            assert process.poll() is None, (tmp_path / "start.log").read_text()
            assert time.monotonic() < deadline, "not healthy within 60 s"
            time.sleep(0.5)
        assert (tmp_path / "prometheus").is_dir()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(60)
    assert healthcheck(parser, env) == 1  # stopped: the health check says so
    assert ACCESS_TOKEN not in (tmp_path / "start.log").read_text()
    assert CHANNEL_SECRET not in (REPO / "logs" / "error.log").read_text()


def test_the_start_script_command_is_the_one_the_readme_and_guide_name() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert START_SCRIPT in readme and BUILD_COMMAND in readme
    assert shlex.split(load("zeabur.json")["start"]["command"])[-1] == START_SCRIPT
