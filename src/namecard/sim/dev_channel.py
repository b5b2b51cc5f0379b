"""The built-in LINE channel's development credentials, made once and kept in DATA_DIR."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from namecard.domain.private_files import make_private_dir, private_opener

SECRET_FILE = "dev_channel_secret"  # noqa: S105 - a file name, not a secret
ACCESS_TOKEN_FILE = "dev_channel_access_token"  # noqa: S105 - a file name, not a secret
TOKEN_BYTES = 16


@dataclass(frozen=True)
class DevChannel:
    """What real LINE would hand the operator: the webhook signing secret and the bot's token."""

    secret: SecretStr
    access_token: SecretStr


def load_dev_channel(data_dir: Path) -> DevChannel:
    """Made on first use, random and readable by this user only, so the server and
    `namecard send` (which reads them with `read_dev_channel`) share them."""
    make_private_dir(data_dir)
    return DevChannel(_kept(data_dir / SECRET_FILE), _kept(data_dir / ACCESS_TOKEN_FILE))


def read_dev_channel(data_dir: Path) -> DevChannel | None:
    """The credentials a running server made, or None before it first started."""
    paths = (data_dir / SECRET_FILE, data_dir / ACCESS_TOKEN_FILE)
    if not all(path.is_file() for path in paths):
        return None
    return DevChannel(*(SecretStr(path.read_text().strip()) for path in paths))


def _kept(path: Path) -> SecretStr:
    # O_EXCL: two worker processes starting together keep the first one's value.
    with contextlib.suppress(FileExistsError), open(path, "x", opener=private_opener) as file:
        file.write(secrets.token_hex(TOKEN_BYTES))
    return SecretStr(path.read_text().strip())
