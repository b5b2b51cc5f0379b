"""The committed business-card fixtures: ground-truth format, images and reproducibility."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.fixtures.card_fonts import FontFace, FontMissing, locate, missing_fonts
from tests.fixtures.generate_cards import required_fonts

FIXTURES_DIR = Path(__file__).parent / "fixtures"
CARDS_DIR = FIXTURES_DIR / "cards"
GENERATOR = FIXTURES_DIR / "generate_cards.py"
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

MIN_FIXTURES = 30
REQUIRED_STEMS = {
    "tw_sales_manager", "en_director", "bilingual_engineer", "vertical_lawyer", "two_cards",
    "rotated_photo", "not_a_card", "simplified_cn", "line_id_freelancer", "upside_down",
    "exec_taichung", "kaohsiung_webp", "dense_contacts", "sideways",
    "en_consultant_left", "en_founder_centred", "en_engineer_columns", "en_taipei_dark",
    "jp_bucho", "jp_kacho_vertical", "jp_overseas_webp", "tw_tea_shop_kai", "tw_two_mobiles_ming",
    "tw_english_address", "tw_columns_b1", "tw_dark_centred", "tw_clinic_columns",
    "photo_keystone_en", "photo_low_light", "photo_busy_background", "photo_chat_app_jp",
    "photo_shaky",
}  # fmt: skip
TOP_KEYS = {"file", "description", "cards", "kind"}
KINDS = {"clean", "photo", "none"}
MIN_CARDS_OF_KIND = {"clean": 15, "photo": 8}
KANA = re.compile(r"[\u3040-\u30ff]")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
CARD_KEYS = {
    "name", "company", "department", "title", "phones", "emails", "address", "website",
    "line_id", "tax_id", "notes",
}  # fmt: skip
OPTIONAL_TEXT_KEYS = CARD_KEYS - {"phones", "emails"}
PHONE_KEYS = {"number", "type", "extension"}
PHONE_TYPES = {"mobile", "office", "fax", "other"}
PIL_FORMAT_BY_SUFFIX = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
MAX_IMAGE_BYTES = 300 * 1024
TAX_ID_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def truth_files() -> list[Path]:
    return sorted(CARDS_DIR.glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def all_cards() -> list[dict[str, Any]]:
    return [card for path in truth_files() for card in load(path)["cards"]]


def tax_id_is_valid(tax_id: str) -> bool:
    """Ministry of Finance rule since 2023: divisible by 5; a 7th digit 7 may also use sum + 1."""
    if not re.fullmatch(r"\d{8}", tax_id):
        return False
    total = 0
    for digit, weight in zip(tax_id, TAX_ID_WEIGHTS, strict=True):
        product = int(digit) * weight
        total += product // 10 + product % 10
    return total % 5 == 0 or (tax_id[6] == "7" and (total + 1) % 5 == 0)


def assert_card_shape(card: dict[str, Any]) -> None:
    assert set(card) == CARD_KEYS
    for key in OPTIONAL_TEXT_KEYS:
        assert card[key] is None or (isinstance(card[key], str) and card[key].strip()), key
    assert isinstance(card["emails"], list)
    assert all(isinstance(email, str) and "@" in email for email in card["emails"])
    assert isinstance(card["phones"], list)
    for phone in card["phones"]:
        assert set(phone) == PHONE_KEYS
        assert isinstance(phone["number"], str) and phone["number"]
        assert phone["type"] in PHONE_TYPES
        assert phone["extension"] is None or phone["extension"].isdigit()


def test_every_required_fixture_is_committed() -> None:
    stems = {path.stem for path in truth_files()}
    assert len(stems) >= MIN_FIXTURES
    assert stems >= REQUIRED_STEMS


@pytest.mark.parametrize("path", truth_files(), ids=lambda p: p.stem)
def test_ground_truth_follows_the_shared_format(path: Path) -> None:
    truth = load(path)
    assert set(truth) == TOP_KEYS
    assert Path(truth["file"]).stem == path.stem
    assert isinstance(truth["description"], str) and truth["description"]
    assert isinstance(truth["cards"], list)
    for card in truth["cards"]:
        assert_card_shape(card)
    assert truth["kind"] in KINDS
    assert (truth["kind"] == "none") == (truth["cards"] == [])


def test_clean_cards_and_photos_are_both_plentiful() -> None:
    counts = dict.fromkeys(KINDS, 0)
    for path in truth_files():
        truth = load(path)
        counts[truth["kind"]] += len(truth["cards"])
    assert all(counts[kind] >= least for kind, least in MIN_CARDS_OF_KIND.items()), counts


def test_corpus_has_english_only_and_japanese_cards() -> None:
    texts = [" ".join(str(value) for value in card.values()) for card in all_cards()]
    english_only = [text for text in texts if not CJK.search(text)]
    japanese = [text for text in texts if KANA.search(text)]
    assert len(english_only) >= 6
    assert len(japanese) >= 3


def test_tricky_fields_are_printed_somewhere() -> None:
    """Each pitfall the normaliser and the reader must handle appears in at least one card."""
    cards = all_cards()
    addresses = [card["address"] or "" for card in cards]
    assert any(re.match(r"\d{3}[台臺桃]", address) for address in addresses)
    assert any(re.search(r"\d+F$", address) for address in addresses)
    assert any(address.endswith("B1") for address in addresses)
    assert any(
        CJK.search(card["name"] or "") and "Rd." in (card["address"] or "") for card in cards
    )
    kinds = [sorted(phone["type"] for phone in card["phones"]) for card in cards]
    assert ["mobile", "mobile", "office"] in kinds
    assert ["fax", "mobile"] in kinds
    assert any(phone["number"].startswith("+81") for card in cards for phone in card["phones"])


@pytest.mark.parametrize("path", truth_files(), ids=lambda p: p.stem)
def test_image_opens_in_the_format_its_name_says(path: Path) -> None:
    image_path = CARDS_DIR / load(path)["file"]
    assert image_path.is_file()
    assert image_path.stat().st_size <= MAX_IMAGE_BYTES
    with Image.open(image_path) as image:
        image.load()
        assert image.format == PIL_FORMAT_BY_SUFFIX[image_path.suffix.lower()]
        assert min(image.size) >= 500


def test_formats_cover_jpeg_png_and_webp() -> None:
    suffixes = {Path(load(path)["file"]).suffix.lower() for path in truth_files()}
    assert suffixes >= {".jpg", ".png", ".webp"}


def test_every_printed_tax_id_passes_the_checksum() -> None:
    tax_ids = [card["tax_id"] for card in all_cards() if card["tax_id"]]
    assert len(tax_ids) >= 2
    assert all(tax_id_is_valid(tax_id) for tax_id in tax_ids), tax_ids


@pytest.mark.parametrize(
    ("tax_id", "valid"),
    [("24536806", True), ("04595257", True), ("10458575", True), ("83529123", True),
     ("24536807", False), ("10458572", False), ("2453680", False), ("2453680A", False)],
)  # fmt: skip
def test_tax_id_checksum_rule(tax_id: str, valid: bool) -> None:
    assert tax_id_is_valid(tax_id) is valid


def test_photo_with_two_cards_lists_both_and_the_landscape_none() -> None:
    two = load(CARDS_DIR / "two_cards.json")["cards"]
    assert len(two) == 2
    assert two[0]["name"] == "李國強"
    assert load(CARDS_DIR / "not_a_card.json")["cards"] == []


def test_values_are_as_printed() -> None:
    sales = load(CARDS_DIR / "tw_sales_manager.json")["cards"][0]
    office = [phone for phone in sales["phones"] if phone["type"] == "office"]
    assert office == [{"number": "02-2345-6789", "type": "office", "extension": "123"}]
    assert load(CARDS_DIR / "line_id_freelancer.json")["cards"][0]["company"] is None
    assert "臺中市" in load(CARDS_DIR / "exec_taichung.json")["cards"][0]["address"]
    assert load(CARDS_DIR / "simplified_cn.json")["cards"][0]["name"] == "张伟"


@pytest.mark.skipif(
    not CJK_FONT.is_file() or bool(missing_fonts(required_fonts())),
    reason="a font used for the fixtures is absent",
)
def test_generator_reproduces_the_committed_fixtures(tmp_path: Path) -> None:
    command = [sys.executable, str(GENERATOR), "--font", str(CJK_FONT), "--out", str(tmp_path)]
    subprocess.run(command, check=True, capture_output=True)
    generated = sorted(path.name for path in tmp_path.iterdir())
    assert generated == sorted(path.name for path in CARDS_DIR.iterdir() if path.suffix != ".md")
    for path in tmp_path.glob("*.json"):
        assert path.read_bytes() == (CARDS_DIR / path.name).read_bytes(), path.name
        image_name = load(path)["file"]
        with Image.open(tmp_path / image_name) as new, Image.open(CARDS_DIR / image_name) as old:
            assert (new.format, new.size) == (old.format, old.size)


def test_a_missing_font_names_the_package_to_install() -> None:
    face = FontFace("No Such Family 42", "/nonexistent/font.ttf", 0, "fonts-nosuch")
    with pytest.raises(FontMissing, match="apt-get install fonts-nosuch"):
        locate(face)


def test_generator_explains_a_missing_font(tmp_path: Path) -> None:
    command = [sys.executable, str(GENERATOR), "--font", str(tmp_path / "nope.ttc")]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "font file not found" in result.stderr
