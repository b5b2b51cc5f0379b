"""The offline card reader: RapidOCR on ONNX Runtime plus field rules, run off the event loop."""

from __future__ import annotations

import asyncio
import logging
import statistics
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from namecard.ai.decode_budget import trim_heap
from namecard.ai.ocr.borders import border_map
from namecard.ai.ocr.card import read_card
from namecard.ai.ocr.engine import new_engine, read_boxes, read_upright
from namecard.ai.ocr.fields import languages_of_one_card, looks_like_card
from namecard.ai.ocr.layout import TextBox, deskew, deskew_degrees, group_lines, split_cards
from namecard.ai.ocr.photo import find_cards, flatten_card
from namecard.ai.ocr.prepare import MAX_SIDE, Pixels, load_for_ocr, reading_quality
from namecard.ai.ocr.split import CardText, by_outline
from namecard.ai.ocr.version import MODEL, READER_VERSION, SOURCE
from namecard.cards.model import Card, Extraction
from namecard.domain.errors import ExtractionFailed, NamecardError

logger = logging.getLogger(__name__)

# SOURCE, MODEL and READER_VERSION live in version.py: the shared OCR process's client (in every
# worker) names the reader without importing the OCR stack.

# A card read again on its own is kept unless it read less than this share of what the photo's
# reading found on it (the photo's reading of a card turned unlike the others is garbled).
_REREAD_FLOOR = 0.8
# A card is read again by itself when its text is under this height (px) on the photo, its mean
# recognition score under this, or this share of its boxes stand on end.
_SMALL_TEXT = 22.0
_UNSURE_SCORE = 0.9
_ON_END_SHARE = 0.3

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


def read_pixels(engine: Any, pixels: Pixels) -> tuple[Card, ...]:
    """Every card on a prepared page: the page is read once; where card outlines explain its
    text, the text is split by them (a poorly read card is cut out, flattened, turned upright by
    itself and read again), else it is split at the gaps and borders between cards."""
    boxes, upright = read_upright(engine, pixels)
    text = [np.array(box.points, dtype=np.float32) for box in boxes]
    outlines = find_cards(upright, text)
    runs_along = border_map(upright, boxes, 0.0).runs_along
    found = by_outline(outlines, boxes, looks_like_card, runs_along, languages_of_one_card)
    if found is None:
        borders = border_map(upright, boxes, deskew_degrees(boxes))
        groups = split_cards(
            deskew(boxes), looks_like_card, borders.runs_along, languages_of_one_card
        )
    else:
        logger.debug("%s card outline(s) found on the photo", len(found))
        groups = [_card_boxes(engine, upright, card) for card in found]
    # Cards lying on a table are seldom parallel: each one is straightened by itself.
    cards = (read_card(group_lines(deskew(group))) for group in groups)
    return tuple(card for card in cards if not card.is_empty())


def _card_boxes(engine: Any, page: Pixels, card: CardText) -> list[TextBox]:
    """A card's text: read again on the flattened card (turned upright by itself), unless the
    photo's reading found clearly more."""
    if card.outline is None or not _worth_reading_again(card.boxes):
        return list(card.boxes)
    again = read_boxes(engine, flatten_card(page, card.outline))
    if reading_quality(again) >= _REREAD_FLOOR * reading_quality(card.boxes):
        return again
    return list(card.boxes)


def _worth_reading_again(boxes: Sequence[TextBox]) -> bool:
    """Whether the photo's reading of a card looks poor: small print, an unsure reading, or text
    standing on end (a card turned unlike the rest)."""
    if not boxes:
        return False
    small = statistics.median(b.height for b in boxes) < _SMALL_TEXT
    unsure = statistics.fmean(b.score for b in boxes) < _UNSURE_SCORE
    on_end = sum(b.height > b.width for b in boxes) >= _ON_END_SHARE * len(boxes)
    return small or unsure or on_end


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
        """One photo read; then the heap pages the reading freed (~150 MB) go back to the system."""
        pixels = load_for_ocr(image, self._max_side)  # a bad upload fails before the model loads
        engine = _load_engine()
        with _ocr_lock:
            try:
                return read_pixels(engine, pixels)
            finally:
                del pixels
                trim_heap()

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
