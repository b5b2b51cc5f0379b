"""`ENVIRONMENT=production` cannot start misconfigured silently: without real LINE credentials,
or with several workers or instances and no REDIS_URL, it refuses with a sentence naming the
variables (settings, `namecard serve` and the production start script alike)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from namecard.bootstrap.settings import describe_errors, load_settings
from namecard.sim.server import free_port

REPO = Path(__file__).resolve().parents[2]
START_SCRIPT = REPO / "deployment" / "scripts" / "start_async_service.sh"
LINE = {"LINE_CHANNEL_SECRET": "prod-secret-0123", "LINE_CHANNEL_ACCESS_TOKEN": "prod-token-4567"}
PRODUCTION = {"ENVIRONMENT": "production"}


def refusal(env: dict[str, str]) -> str:
    with pytest.raises(ValidationError) as caught:
        load_settings(env)
    return describe_errors(caught.value)


def test_production_without_line_credentials_is_refused_naming_them() -> None:
    sentence = refusal(PRODUCTION)
    assert "ENVIRONMENT=production" in sentence
    assert "LINE_CHANNEL_SECRET" in sentence and "LINE_CHANNEL_ACCESS_TOKEN" in sentence
    assert "development mode only" in sentence


@pytest.mark.parametrize(
    ("scaling", "named"),
    [({"WORKERS": "4"}, "WORKERS=4"), ({"MAX_INSTANCES": "3"}, "MAX_INSTANCES=3")],
)
def test_production_with_several_processes_and_no_redis_is_refused(
    scaling: dict[str, str], named: str
) -> None:
    sentence = refusal({**PRODUCTION, **LINE, **scaling})
    assert named in sentence and "REDIS_URL" in sentence
    assert "prod-secret" not in sentence and "prod-token" not in sentence


def test_production_with_line_and_redis_or_one_process_starts() -> None:
    assert load_settings({**PRODUCTION, **LINE}).workers == 1
    scaled = {**PRODUCTION, **LINE, "WORKERS": "4", "MAX_INSTANCES": "3"}
    assert load_settings({**scaled, "REDIS_URL": "redis://127.0.0.1:6379"}).workers == 4


def test_development_keeps_its_embedded_modes() -> None:
    assert load_settings({"WORKERS": "4"}).workers == 4  # serve reduces it to 1, with a warning


def run(
    command: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "REDIS_URL"))}
    bindir = str(Path(sys.executable).parent)  # python3 and hypercorn of this environment
    full = {**base, "PATH": f"{bindir}:{base.get('PATH', '')}", "DATA_DIR": str(tmp_path),
            "PORT": str(free_port()), **env}  # fmt: skip
    return subprocess.run(
        command, env=full, capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [(PRODUCTION, "LINE_CHANNEL_SECRET"), ({**PRODUCTION, **LINE, "WORKERS": "2"}, "REDIS_URL")],
    ids=["no-line", "workers-without-redis"],
)
@pytest.mark.parametrize("how", ["serve", "start-script"])
def test_a_refused_production_start_is_one_sentence_and_exit_2(
    how: str, env: dict[str, str], named: str, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "namecard", "serve"] if how == "serve" else [str(START_SCRIPT)]
    done = run(command, env, tmp_path)

    assert done.returncode == 2, done.stderr
    refused = [line for line in done.stderr.splitlines() if named in line]
    assert len(refused) == 1 and "ENVIRONMENT=production" in refused[0]
    assert "Traceback" not in done.stderr and "listening" not in done.stderr
    print(refused[0])  # the sentence, for the record (pytest -s)
