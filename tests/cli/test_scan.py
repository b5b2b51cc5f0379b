"""`namecard scan`: photos read by the configured reader (offline here), without LINE."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from namecard.ai.ocr.channel import runtime_directory
from namecard.cli.main import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "cards"


@pytest.fixture(autouse=True)
def offline_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GOOGLE_API_KEY", "GOOGLE_API_KEY_FALLBACK", "GOOGLE_API_KEYS"):
        monkeypatch.delenv(name, raising=False)


def test_scan_json_lists_each_photo_with_its_normalised_cards(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    not_an_image = tmp_path / "notes.txt"
    not_an_image.write_text("hello")

    code = main(["scan", "--json", str(FIXTURES / "tw_sales_manager.jpg"), str(not_an_image)])

    document = json.loads(capsys.readouterr().out)
    assert code == 1  # one photo could not be read
    card_photo, text_file = document
    assert card_photo["file"].endswith("tw_sales_manager.jpg")
    assert card_photo["reader"] == "offline"
    card = card_photo["cards"][0]
    assert card["name"] == "王大明"
    mobile = next(p for p in card["phones"] if p["type"] == "mobile")
    assert mobile["number"] == "+886912345678"
    assert "JPEG" in text_file["error"]


def test_scan_table_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(FIXTURES / "en_director.jpg")]) == 0
    out = capsys.readouterr().out
    assert "Emily Chen" in out
    assert "+14155550132" in out


def test_scan_in_a_pipe_ends_when_the_command_does(tmp_path: Path) -> None:
    """`namecard scan PHOTO | less`, or a script reading its output: the OCR process the command
    started holds the same output open, and leaves with the command even while the caller has
    not collected the command's exit yet (it is reading the output first)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "GEMINI_"))}
    with subprocess.Popen(
        [sys.executable, "-m", "namecard", "scan", str(FIXTURES / "tw_sales_manager.jpg")],
        env={**env, "DATA_DIR": str(tmp_path)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    ) as scan:  # fmt: skip
        out, err = scan.communicate(timeout=150)  # until EOF: the OCR process has gone too
    assert scan.returncode == 0, err
    assert "王大明" in out
    # and it took its files along: the socket, its pid and the start lock of that instance
    assert list(runtime_directory().glob(f"ocr-{scan.pid}.*")) == []
