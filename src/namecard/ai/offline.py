"""The offline card reader: RapidOCR on ONNX Runtime plus field rules, run off the event loop."""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from namecard.ai.ocr_card import read_card
from namecard.ai.ocr_fields import looks_like_card
from namecard.ai.ocr_layout import TextBox, deskew, group_lines, split_cards
from namecard.ai.ocr_prepare import (
    MAX_SIDE,
    TALL_RATIO,
    OrientedBox,
    Pixels,
    load_for_ocr,
    page_turns,
    reading_quality,
    turn_boxes,
    turn_pixels,
)
from namecard.cards.model import Card, Extraction
from namecard.domain.errors import ExtractionFailed, NamecardError, NoExtractorConfigured

logger = logging.getLogger(__name__)

SOURCE = "offline"
MODEL = "rapidocr-onnxruntime/PP-OCRv4"
READER_VERSION = "fields-1"  # bump when the field rules change, so cached readings expire
_FLIPPED = "180"

_engine: Any = None
_engine_lock = threading.Lock()
# Readers in one process share the engine; photos go through it one at a time (CPU-bound anyway).
_ocr_lock = threading.Lock()


def _load_engine() -> Any:
    """The OCR engine, loaded on first use and shared by the whole process (models ~15 MB)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            started = time.perf_counter()
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                raise NoExtractorConfigured("rapidocr-onnxruntime is not installed") from exc
            _engine = RapidOCR()
            logger.info("offline OCR engine loaded in %.2fs", time.perf_counter() - started)
        return _engine


def _is_tall(points: Any) -> bool:
    width = math.dist(points[0], points[1])
    height = math.dist(points[0], points[3])
    return height >= TALL_RATIO * max(width, 1.0)


def _ocr(engine: Any, pixels: Pixels) -> list[OrientedBox]:
    """One pass of detection, direction classification and recognition. RapidOCR's __call__
    drops the direction of each crop, which tells how the page is turned, so the steps of
    rapidocr-onnxruntime 1.4 are run here one by one."""
    image, ratio_h, ratio_w = engine.preprocess(pixels)
    record: dict[str, Any] = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
    image, record = engine.maybe_add_letterbox(image, record)
    boxes, _ = engine.auto_text_det(image)
    if boxes is None or len(boxes) == 0:
        return []
    tall = [_is_tall(box) for box in boxes]
    crops, directions, _ = engine.text_cls(engine.get_crop_img_list(image, boxes))
    texts, _ = engine.text_rec(crops, False)
    height, width = pixels.shape[:2]
    points = engine._get_origin_points(boxes, record, height, width)
    found = []
    for quad, is_tall, direction, (text, score, *_) in zip(
        points, tall, directions, texts, strict=True
    ):
        if float(score) >= engine.text_score and text.strip():
            corners = tuple((float(x), float(y)) for x, y in quad)
            box = TextBox(corners, text, float(score))  # type: ignore[arg-type]
            found.append(OrientedBox(box, is_tall, direction[0] == _FLIPPED))
    return found


def read_boxes(engine: Any, pixels: Pixels) -> list[TextBox]:
    """The text of the page, read upright: a page lying sideways or upside down is turned and
    read again, and the better-read pass kept (its boxes in the upright frame)."""
    first = _ocr(engine, pixels)
    turns = page_turns(first)
    boxes = [item.box for item in first]
    if not turns:
        return boxes
    second = [item.box for item in _ocr(engine, turn_pixels(pixels, turns))]
    logger.debug("page turned %s quarter turns before reading", turns)
    if reading_quality(second) >= reading_quality(boxes):
        return second
    height, width = pixels.shape[:2]
    return turn_boxes(boxes, turns, (width, height))


def read_photo(engine: Any, image: bytes, max_side: int = MAX_SIDE) -> tuple[Card, ...]:
    """Every card in the photo (synchronous; CPU-bound)."""
    return read_pixels(engine, load_for_ocr(image, max_side))


def read_pixels(engine: Any, pixels: Pixels) -> tuple[Card, ...]:
    """Every card on a prepared page."""
    boxes = deskew(read_boxes(engine, pixels))
    groups = split_cards(boxes, looks_like_card)
    # Cards lying on a table are seldom parallel: each one is straightened by itself.
    cards = (read_card(group_lines(deskew(group))) for group in groups)
    return tuple(card for card in cards if not card.is_empty())


class OfflineExtractor:
    """Reads cards with no network: one OCR at a time on a dedicated thread, so the event loop
    (and with it /callback and /health) stays free while a photo is read."""

    name = SOURCE
    version = f"{MODEL}.{READER_VERSION}"

    def __init__(self, *, max_side: int = MAX_SIDE) -> None:
        self._max_side = max_side
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="offline-ocr")
        self._closed = False

    def _read(self, image: bytes) -> tuple[Card, ...]:
        pixels = load_for_ocr(image, self._max_side)  # a bad upload fails before the model loads
        engine = _load_engine()
        with _ocr_lock:
            return read_pixels(engine, pixels)

    async def extract(self, image: bytes, mime_type: str) -> Extraction:
        if self._closed:
            raise ExtractionFailed("offline reader is closed")
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        try:
            cards = await loop.run_in_executor(self._executor, self._read, image)
        except NamecardError:
            raise
        except Exception as exc:  # the OCR stack raises cv2, numpy and onnxruntime errors
            raise ExtractionFailed(f"offline OCR failed: {type(exc).__name__}") from exc
        logger.info(
            "offline read %s card(s) from a %s photo in %.2fs",
            len(cards),
            mime_type,
            time.perf_counter() - started,
        )
        return Extraction(cards=cards, source=SOURCE, model=MODEL)

    async def aclose(self) -> None:
        """Waits for the photo being read, drops the queued ones and stops the thread."""
        self._closed = True
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)
