"""The recognition model: Traditional Chinese and Japanese kana read as printed, from the wheel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from namecard.ai.ocr.engine import model_files, new_engine, read_boxes

RECOGNITION = Path(__file__).resolve().parents[2] / "fixtures" / "recognition"


@pytest.fixture(scope="module")
def engine() -> Any:
    return new_engine()


def bgr(path: Path) -> Any:
    with Image.open(path) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])


def test_the_models_ship_inside_an_installed_package() -> None:
    assert all(Path(path).is_file() for path in model_files().values())


def test_traditional_characters_and_kana_are_read_as_printed(engine: Any) -> None:
    # PP-OCRv4 read this crop as 株式会社 (kana lost), 探購部, 陳立 (傑 lost),
    # 桃園市中區中豐路88號5楼 (壢 lost), 林颖悦 and 板桥分公司.
    text = " ".join(
        box.text for box in read_boxes(engine, bgr(RECOGNITION / "traditional_and_kana.png"))
    )

    for printed in (
        "株式会社サクラテック",
        "採購部",
        "陳立傑",
        "中壢區中豐路",
        "5樓",
        "林穎悅",
        "板橋",
    ):
        assert printed in text
