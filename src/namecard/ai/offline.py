"""The offline card reader: RapidOCR on ONNX Runtime plus field rules, run off the event loop."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from namecard.ai.ocr_card import read_card
from namecard.ai.ocr_engine import MODEL as RECOGNITION_MODEL
from namecard.ai.ocr_engine import new_engine, read_boxes
from namecard.ai.ocr_fields import looks_like_card
from namecard.ai.ocr_layout import deskew, group_lines, split_cards
from namecard.ai.ocr_prepare import MAX_SIDE, Pixels, load_for_ocr
from namecard.cards.model import Card, Extraction
from namecard.errors import ExtractionFailed, NamecardError

logger = logging.getLogger(__name__)

SOURCE = "offline"
MODEL = f"rapidocr-onnxruntime/{RECOGNITION_MODEL}"
READER_VERSION = "fields-2"  # bump when the models or field rules change: cached readings expire

_engine: Any = None
_engine_lock = threading.Lock()
# Readers in one process share the engine; photos go through it one at a time (CPU-bound anyway).
_ocr_lock = threading.Lock()


def _load_engine() -> Any:
    """The OCR engine, loaded on first use and shared by the whole process (models ~22 MB)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            started = time.perf_counter()
            _engine = new_engine()
            logger.info("offline OCR engine loaded in %.2fs", time.perf_counter() - started)
        return _engine


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
