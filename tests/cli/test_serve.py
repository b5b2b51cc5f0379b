"""Where the server listens: loopback while the built-in LINE simulator is mounted."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from namecard.bootstrap.clients import simulator_url
from namecard.bootstrap.settings import describe_errors, load_settings
from namecard.cli.serve import announce_listening, hypercorn_config
from namecard.sim.server import free_port
from tests.conftest import with_database

ANY = "0.0.0.0"  # noqa: S104 - what these tests are about
REAL_LINE = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"}


def test_simulator_mode_listens_on_loopback_by_default(caplog: pytest.LogCaptureFixture) -> None:
    settings = load_settings({})
    caplog.set_level(logging.INFO, logger="namecard.cli.serve")

    announce_listening(settings)

    assert hypercorn_config(settings).bind == ["127.0.0.1:8080"]
    assert "127.0.0.1" in caplog.text and "this machine only" in caplog.text


def test_real_line_listens_on_every_interface_by_default() -> None:
    assert hypercorn_config(load_settings(REAL_LINE)).bind == ["0.0.0.0:8080"]


@pytest.mark.parametrize("host", [ANY, "192.168.1.20", "::"])
def test_simulator_mode_refuses_another_address_without_sim_allow_remote(host: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_settings({"HOST": host})
    assert "SIM_ALLOW_REMOTE" in describe_errors(caught.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_simulator_mode_accepts_any_loopback_address(host: str) -> None:
    assert load_settings({"HOST": host}).host == host


def test_sim_allow_remote_opens_the_simulator_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = load_settings({"HOST": ANY, "SIM_ALLOW_REMOTE": "true"})

    announce_listening(settings)

    assert hypercorn_config(settings).bind == ["0.0.0.0:8080"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and "other machines" in warnings[0].getMessage()


def test_the_listen_backlog_absorbs_a_burst_of_connections() -> None:
    assert hypercorn_config(load_settings({})).backlog == 1024
    assert hypercorn_config(load_settings({"LISTEN_BACKLOG": "4096"})).backlog == 4096


@pytest.mark.parametrize(
    ("host", "url"),
    [("127.0.0.1", "http://127.0.0.1:8080/sim/line"), ("::1", "http://[::1]:8080/sim/line"),
     (ANY, "http://127.0.0.1:8080/sim/line"), ("192.168.1.20", "http://192.168.1.20:8080/sim/line")],
)  # fmt: skip
def test_the_bot_reaches_its_simulator_where_the_server_listens(host: str, url: str) -> None:
    settings = load_settings({"HOST": host, "SIM_ALLOW_REMOTE": "true"})
    assert simulator_url(settings) == url


def test_a_redis_refusing_our_database_stops_serve_with_one_sentence_and_no_traceback(
    redis_url: str, tmp_path: Path
) -> None:
    """The operator sees the sentence naming REDIS_URL and exit code 2, not Hypercorn's stack."""
    if not redis_url.startswith("redis://"):
        pytest.skip("needs a TCP Redis to ask for a database it does not have")
    env = {**os.environ, "REDIS_URL": with_database(redis_url, 99999), "DATA_DIR": str(tmp_path),
           "PORT": str(free_port())}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "namecard", "serve"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "REDIS_URL" in done.stderr
    assert "Traceback" not in done.stderr
    assert "listening" not in done.stderr
