"""Where the server listens: loopback while the built-in LINE simulator is mounted."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from namecard.bootstrap.clients import simulator_url
from namecard.bootstrap.settings import describe_errors, load_settings
from namecard.cli.serve import announce_listening, hypercorn_config

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
