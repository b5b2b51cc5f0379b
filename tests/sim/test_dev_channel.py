"""The built-in LINE channel's credentials: made once, kept, private."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from namecard.sim.dev_channel import (
    ACCESS_TOKEN_FILE,
    SECRET_FILE,
    load_dev_channel,
    read_dev_channel,
)


@pytest.mark.usefixtures("usual_umask")
def test_credentials_are_made_once_and_readable_by_their_owner_only(tmp_path: Path) -> None:
    assert read_dev_channel(tmp_path) is None
    made = load_dev_channel(tmp_path)

    assert load_dev_channel(tmp_path) == made == read_dev_channel(tmp_path)
    assert made.secret.get_secret_value() != made.access_token.get_secret_value()
    for name in (SECRET_FILE, ACCESS_TOKEN_FILE):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
