"""`make run` picks a supported Python (3.11-3.13) or says which to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=REPO, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip


def test_without_a_supported_python_make_says_which_to_install(tmp_path: Path) -> None:
    done = make("install", f"VENV={tmp_path / 'venv'}", "PYTHON=")
    assert done.returncode != 0
    assert "needs Python 3.11 3.12 3.13" in done.stderr and "install" in done.stderr
    assert not (tmp_path / "venv").exists()


def test_make_picks_a_supported_python_when_none_is_named(tmp_path: Path) -> None:
    done = make("-n", "install", f"VENV={tmp_path / 'venv'}")
    assert done.returncode == 0, done.stderr
    created = next(line for line in done.stdout.splitlines() if "-m venv" in line)
    python = created.split()[0]
    version = subprocess.run(
        [
            python,
            "-c",
            "import sys; print(sys.version_info[:2] >= (3, 11), sys.version_info[:2] <= (3, 13))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert version == ["True", "True"], python
    assert sys.version_info[:2] <= (3, 13)
