"""`namecard scan`: photos read by the configured reader (offline here), without LINE."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
