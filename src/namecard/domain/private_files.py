"""Files and directories the service makes under DATA_DIR are its own user's alone (0600/0700)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def make_private_dir(path: Path) -> None:
    """`path` made 0700 if missing (its parents as usual); an existing one is left as it is."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)


def private_opener(path: str, flags: int) -> int:
    """For `open(..., opener=private_opener)`: a file it creates is 0600 whatever the umask."""
    return os.open(path, flags, PRIVATE_FILE_MODE)


def ensure_private_file(path: Path) -> None:
    """`path` created empty and 0600 when missing, else narrowed to 0600 (one made before this
    rule). SQLite makes a database's -wal and -shm files with the database file's mode."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    with contextlib.suppress(OSError):  # not ours to change: SQLite will say if it cannot open it
        os.chmod(path, PRIVATE_FILE_MODE)
